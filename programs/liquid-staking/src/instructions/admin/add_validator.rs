use super::super::{require_epoch_rewards_inactive, STAKE_CONFIG_ID, VOTE_PROGRAM_ID};
use crate::{
    constants::*, error::LiquidStakingError, events::ValidatorAdded, pda, stake_cpi, state::*,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct AddValidator<'info> {
    pub operator: Signer<'info>,
    #[account(mut, has_one = operator @ LiquidStakingError::NotOperator, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    #[account(mut)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    #[account(mut, seeds = [RESERVE_SEED, pool.key().as_ref()], bump = pool.reserve_bump)]
    pub reserve: SystemAccount<'info>,
    /// CHECK: must be owned by the vote program; the Stake program validates it on delegation.
    #[account(owner = VOTE_PROGRAM_ID @ LiquidStakingError::InvalidVoteAccount)]
    pub vote_account: UncheckedAccount<'info>,
    /// CHECK: the validator's stake account PDA, created here.
    #[account(mut, seeds = [VALIDATOR_STAKE_SEED, pool.key().as_ref(), vote_account.key().as_ref()], bump)]
    pub validator_stake: UncheckedAccount<'info>,
    pub clock: Sysvar<'info, Clock>,
    pub rent: Sysvar<'info, Rent>,
    /// CHECK: the StakeHistory sysvar.
    #[account(address = solana_stake_interface::sysvar::stake_history::ID)]
    pub stake_history: UncheckedAccount<'info>,
    /// CHECK: the stake config account DelegateStake lists.
    #[account(address = STAKE_CONFIG_ID)]
    pub stake_config: UncheckedAccount<'info>,
    /// CHECK: the Stake program.
    #[account(address = solana_stake_interface::program::ID)]
    pub stake_program: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

/// Adds a validator: creates its stake account from the reserve (rent plus the minimum
/// delegation) and delegates it. No value leaves the pool: the SOL moves from reserve to stake.
pub fn add_validator(ctx: Context<AddValidator>, weight: u32) -> Result<()> {
    require_epoch_rewards_inactive()?;
    let a = &ctx.accounts;
    // A stake account at the PDA means the validator is already in (or still leaving) the pool.
    require!(
        a.validator_stake.owner == &anchor_lang::solana_program::system_program::ID
            && a.validator_stake.data_is_empty(),
        LiquidStakingError::ValidatorAlreadyAdded
    );
    let clock = &a.clock;
    let lamports = a.rent.minimum_balance(STAKE_ACCOUNT_SPACE as usize) + MIN_STAKE_DELEGATION_LAMPORTS;
    let pool_key = a.pool.key();
    require!(
        a.pool.reserve_free_lamports(a.reserve.lamports()) >= lamports,
        LiquidStakingError::ReserveTooLow
    );

    let reserve_seeds: &[&[u8]] = &[RESERVE_SEED, pool_key.as_ref(), &[a.pool.reserve_bump]];
    let vote_key = a.vote_account.key();
    let stake_seeds: &[&[u8]] =
        &[VALIDATOR_STAKE_SEED, pool_key.as_ref(), vote_key.as_ref(), &[ctx.bumps.validator_stake]];
    stake_cpi::create_pool_stake_account(
        &a.reserve.to_account_info(),
        reserve_seeds,
        &a.validator_stake.to_account_info(),
        stake_seeds,
        &pool_key,
        lamports,
        &a.rent.to_account_info(),
        &a.system_program.to_account_info(),
    )?;
    let pool_seeds = a.pool.signer_seeds();
    stake_cpi::StakeCpi {
        pool: a.pool.to_account_info(),
        pool_seeds: &pool_seeds,
        clock: a.clock.to_account_info(),
        stake_history: a.stake_history.to_account_info(),
    }
    .delegate(&a.validator_stake.to_account_info(), &a.vote_account.to_account_info(), &a.stake_config.to_account_info())?;

    let (_, transient_stake_bump) = pda::find_transient_stake_address(&pool_key, &vote_key);
    let mut list = a.validator_list.load_mut()?;
    list.push(ValidatorEntry {
        vote_account: vote_key,
        active_stake_lamports: lamports,
        transient_stake_lamports: 0,
        last_observed_epoch: clock.epoch,
        unstaking_lamports: 0,
        weight,
        status: VALIDATOR_STATUS_ACTIVE,
        validator_stake_bump: ctx.bumps.validator_stake,
        transient_stake_bump,
        _padding: [0],
    })?;
    let index = list.count - 1;
    drop(list);

    let epoch = clock.epoch;
    let pool = &mut ctx.accounts.pool;
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
