use super::super::{require_epoch_rewards_inactive, STAKE_CONFIG_ID};
use crate::{
    constants::*, error::LiquidStakingError, events::ValidatorRebalanced, math, pda, stake_cpi, state::*,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RebalanceValidator<'info> {
    #[account(mut, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    #[account(mut)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    #[account(mut, seeds = [RESERVE_SEED, pool.key().as_ref()], bump = pool.reserve_bump)]
    pub reserve: SystemAccount<'info>,
    /// CHECK: compared with the entry at `index`; the Stake program checks it on delegation.
    pub vote_account: UncheckedAccount<'info>,
    /// CHECK: re-derived from the entry; created here when stake is added.
    #[account(mut)]
    pub transient_stake: UncheckedAccount<'info>,
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

/// Crank step 3, permissionless, after finalize: stakes reserve SOL above the buffer into the
/// validator at `index`, towards its weight's share, through a new transient stake account that
/// the observe step merges once active. Does nothing when the validator has a transient already,
/// is at or above target, or the amount would be below rent + MIN_STAKE_DELEGATION_LAMPORTS.
pub fn rebalance_validator(ctx: Context<RebalanceValidator>, index: u32) -> Result<()> {
    let epoch = ctx.accounts.clock.epoch;
    ctx.accounts.pool.require_open(epoch, PAUSED_REBALANCING)?;
    require_epoch_rewards_inactive()?;
    let a = &ctx.accounts;
    let pool_key = a.pool.key();
    let vote_key = a.vote_account.key();
    let mut list = a.validator_list.load_mut()?;
    let entry = list.entry_for_mut(index, &vote_key)?;
    require!(
        pda::transient_stake_address(&pool_key, &vote_key, entry.transient_stake_bump) == Some(a.transient_stake.key()),
        LiquidStakingError::TransientStakeAccountMismatch
    );
    let transient_exists = !(a.transient_stake.owner == &anchor_lang::solana_program::system_program::ID
        && a.transient_stake.data_is_empty());
    if entry.status != VALIDATOR_STATUS_ACTIVE || transient_exists || entry.transient_stake_lamports > 0 {
        msg!("validator {}: nothing to do (removing, or a transient is in flight)", index);
        return Ok(());
    }

    let pool = &a.pool;
    let buffer = math::buffer_target_lamports(pool.total_lamports, pool.reserve_buffer_bps).map_err(LiquidStakingError::from)?;
    let stakeable = pool.total_lamports.saturating_sub(buffer);
    let target = math::validator_target_lamports(stakeable, entry.weight, pool.total_weight).map_err(LiquidStakingError::from)?;
    let minimum = a.rent.minimum_balance(STAKE_ACCOUNT_SPACE as usize) + MIN_STAKE_DELEGATION_LAMPORTS;
    let available = pool.reserve_stakeable_lamports(a.reserve.lamports())?;
    let amount = math::stake_increase_lamports(target, entry.total_lamports(), available, minimum);
    if amount == 0 {
        msg!("validator {}: at target or below the minimum stake increase", index);
        return Ok(());
    }

    let reserve_seeds: &[&[u8]] = &[RESERVE_SEED, pool_key.as_ref(), &[pool.reserve_bump]];
    let transient_seeds: &[&[u8]] =
        &[TRANSIENT_STAKE_SEED, pool_key.as_ref(), vote_key.as_ref(), &[entry.transient_stake_bump]];
    stake_cpi::create_pool_stake_account(
        &a.reserve.to_account_info(),
        reserve_seeds,
        &a.transient_stake.to_account_info(),
        transient_seeds,
        &pool_key,
        amount,
        &a.rent.to_account_info(),
        &a.system_program.to_account_info(),
    )?;
    let pool_seeds = pool.signer_seeds();
    stake_cpi::StakeCpi {
        pool: a.pool.to_account_info(),
        pool_seeds: &pool_seeds,
        clock: a.clock.to_account_info(),
        stake_history: a.stake_history.to_account_info(),
    }
    .delegate(&a.transient_stake.to_account_info(), &a.vote_account.to_account_info(), &a.stake_config.to_account_info())?;
    entry.transient_stake_lamports = amount;
    let validator_total = entry.total_lamports();
    drop(list);

    let pool = &mut ctx.accounts.pool;
    pool.apply_stake_delta(amount as i128)?;
    emit!(ValidatorRebalanced {
        pool: pool_key,
        vote_account: vote_key,
        index,
        epoch,
        staked_lamports: amount,
        target_lamports: target,
        validator_lamports: validator_total,
        stake_lamports: pool.stake_lamports,
    });
    Ok(())
}
