use crate::instructions::{require_epoch_rewards_inactive, shared::*, VOTE_PROGRAM_ID};
use crate::{constants::*, error::LiquidStakingError, events::ValidatorAdded, pda, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct AddValidator<'info> {
    pub access: OperatorAccess<'info>,
    /// The vote account must be the vote program's; the main stake account is its PDA, created here.
    pub validator: PoolValidator<'info>,
    pub creation: StakeAccountCreation<'info>,
}

/// Adds a validator: creates its stake account from the reserve (rent plus the minimum
/// delegation) and delegates it. No value leaves the pool: the SOL moves from reserve to stake,
/// and never SOL the reserve holds for tickets. In score mode the weight must be 0
/// (WeightsFollowScores): the next selection weighs the validator by its score.
pub fn add_validator(ctx: Context<AddValidator>, weight: u32) -> Result<()> {
    require_epoch_rewards_inactive()?;
    let a = &ctx.accounts;
    require!(
        weight == 0 || !a.access.pool.validator_list.load()?.scoring.targets_from_scores(),
        LiquidStakingError::WeightsFollowScores
    );
    let (pool, reserve) = (&a.access.pool.pool, &a.access.pool.reserve);
    let pool_key = pool.key();
    let vote = &a.validator.vote_account;
    let vote_key = vote.key();
    require_keys_eq!(*vote.owner, VOTE_PROGRAM_ID, LiquidStakingError::InvalidVoteAccount);
    let (stake_address, stake_bump) = pda::find_validator_stake_address(&pool_key, &vote_key);
    let validator_stake = a.validator.validator_stake.to_account_info();
    require_keys_eq!(stake_address, validator_stake.key(), LiquidStakingError::StakeAccountMismatch);
    // The main stake account lives as long as the validator's entry: one at the address means the
    // validator is in the pool, or still leaving it.
    require!(
        validator_stake.owner == &anchor_lang::solana_program::system_program::ID && validator_stake.data_is_empty(),
        LiquidStakingError::ValidatorAlreadyAdded
    );
    let lamports = a.creation.rent.minimum_balance(STAKE_ACCOUNT_SPACE as usize) + MIN_STAKE_DELEGATION_LAMPORTS;
    require!(pool.reserve_liquid_lamports(reserve.lamports()) >= lamports, LiquidStakingError::ReserveTooLow);

    let stake_seeds: &[&[u8]] = &[VALIDATOR_STAKE_SEED, pool_key.as_ref(), vote_key.as_ref(), &[stake_bump]];
    let pool_seeds = pool.signer_seeds();
    let cpi = a.validator.stake.signed_by(pool, &pool_seeds);
    a.creation.create_delegated(&cpi, pool, &reserve.to_account_info(), &validator_stake, stake_seeds, &vote.to_account_info(), lamports)?;

    let (_, transient_stake_bump) = pda::find_transient_stake_address(&pool_key, &vote_key);
    let epoch = a.validator.stake.clock.epoch;
    let mut list = a.access.pool.validator_list.load_mut()?;
    list.push(ValidatorEntry {
        vote_account: vote_key,
        active_stake_lamports: lamports,
        transient_stake_lamports: 0,
        last_observed_epoch: epoch,
        unstaking_lamports: 0,
        weight,
        status: VALIDATOR_STATUS_ACTIVE,
        validator_stake_bump: stake_bump,
        transient_stake_bump,
        flags: 0,
    })?;
    let index = list.count - 1;
    drop(list);

    let pool = &mut ctx.accounts.access.pool.pool;
    pool.validator_count += 1;
    pool.record_observation(epoch);
    pool.total_weight = pool.total_weight.checked_add(weight as u64).ok_or(LiquidStakingError::MathOverflow)?;
    pool.apply_stake_delta(lamports as i128)?;
    emit!(ValidatorAdded {
        pool: pool_key,
        vote_account: vote_key,
        index,
        weight,
        stake_lamports: lamports,
        validator_count: pool.validator_count,
    });
    Ok(())
}
