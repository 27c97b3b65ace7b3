use super::super::{require_epoch_rewards_inactive, STAKE_CONFIG_ID};
use crate::{
    checks::*,
    constants::*,
    error::LiquidStakingError,
    events::{ValidatorRebalanced, ValidatorUnstaked},
    math, stake_cpi,
    state::*,
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
    /// CHECK: re-derived from the entry and checked by `read_pool_stake`; split from when unstaking.
    #[account(mut)]
    pub validator_stake: UncheckedAccount<'info>,
    /// CHECK: re-derived from the entry; created here when stake is added or removed.
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

/// Crank step 3, permissionless, after finalize, for the validator at `index`:
/// - when the reserve lacks SOL for open tickets plus its buffer (counting stake already on its
///   way back), splits stake off the validator into its transient and deactivates it (the observe
///   step returns it to the reserve once inactive);
/// - otherwise stakes reserve SOL above tickets and buffer into the validator, towards its weight's
///   share, through a new transient that the observe step merges once active.
///
/// Does nothing when the validator has a transient already, is being removed, or the amount would
/// be below the minimum stake account. The crank plan picks over-weight validators first.
pub fn rebalance_validator(ctx: Context<RebalanceValidator>, index: u32) -> Result<()> {
    let clock = &ctx.accounts.clock;
    let epoch = clock.epoch;
    ctx.accounts.pool.require_open(epoch, PAUSED_REBALANCING)?;
    require_epoch_rewards_inactive()?;
    let a = &ctx.accounts;
    let pool_key = a.pool.key();
    let vote_key = a.vote_account.key();
    let mut list = a.validator_list.load_mut()?;
    let entry = list.entry_for_mut(index, &vote_key)?;
    entry.check_validator_stake(&pool_key, &a.validator_stake.key())?;
    entry.check_transient_stake(&pool_key, &a.transient_stake.key())?;
    let transient_exists = !(a.transient_stake.owner == &anchor_lang::solana_program::system_program::ID
        && a.transient_stake.data_is_empty());
    if entry.status != VALIDATOR_STATUS_ACTIVE || transient_exists || entry.transient_stake_lamports > 0 {
        msg!("validator {}: nothing to do (removing, or a transient is in flight)", index);
        return Ok(());
    }

    let pool = &a.pool;
    let stake_rent = a.rent.minimum_balance(STAKE_ACCOUNT_SPACE as usize);
    let minimum = stake_rent + MIN_STAKE_DELEGATION_LAMPORTS;
    let reserve_balance = a.reserve.lamports();
    let shortfall = pool.reserve_shortfall_lamports(reserve_balance)?;
    let reserve_seeds: &[&[u8]] = &[RESERVE_SEED, pool_key.as_ref(), &[pool.reserve_bump]];
    let transient_seeds: &[&[u8]] =
        &[TRANSIENT_STAKE_SEED, pool_key.as_ref(), vote_key.as_ref(), &[entry.transient_stake_bump]];
    let pool_seeds = pool.signer_seeds();
    let cpi = stake_cpi::StakeCpi {
        pool: a.pool.to_account_info(),
        pool_seeds: &pool_seeds,
        clock: a.clock.to_account_info(),
        stake_history: a.stake_history.to_account_info(),
    };

    if shortfall > 0 {
        // Unstake: split off at least the minimum delegation, keeping a valid main account.
        let Some(main) = read_pool_stake(&a.validator_stake, &pool_key, &vote_key, clock)? else {
            return Ok(());
        };
        if !is_fully_active(&main.delegation, epoch, &a.stake_history)? {
            msg!("validator {}: stake not fully active, cannot split", index);
            return Ok(());
        }
        let amount = math::stake_decrease_lamports(shortfall, main.lamports, minimum, MIN_STAKE_DELEGATION_LAMPORTS);
        if amount == 0 || pool.reserve_free_lamports(reserve_balance) < stake_rent {
            msg!("validator {}: too little stake to split off, or no rent in the reserve", index);
            return Ok(());
        }
        stake_cpi::allocate_pool_stake_account(
            &a.reserve.to_account_info(),
            reserve_seeds,
            &a.transient_stake.to_account_info(),
            transient_seeds,
            stake_rent,
            &a.system_program.to_account_info(),
        )?;
        cpi.split(&a.validator_stake.to_account_info(), &a.transient_stake.to_account_info(), amount)?;
        cpi.deactivate(&a.transient_stake.to_account_info())?;
        let returning = amount + stake_rent;
        entry.active_stake_lamports -= amount;
        entry.transient_stake_lamports = returning;
        entry.unstaking_lamports = returning;
        drop(list);
        let pool = &mut ctx.accounts.pool;
        pool.apply_stake_delta(stake_rent as i128)?;
        pool.unstaking_lamports = pool.unstaking_lamports.saturating_add(returning);
        emit!(ValidatorUnstaked {
            pool: pool_key,
            vote_account: vote_key,
            index,
            epoch,
            unstaked_lamports: returning,
            shortfall_lamports: shortfall,
            unstaking_lamports: pool.unstaking_lamports,
        });
        return Ok(());
    }

    let buffer = pool.buffer_target_lamports()?;
    let stakeable = pool.total_lamports.saturating_sub(buffer);
    let target = math::validator_target_lamports(stakeable, entry.weight, pool.total_weight).map_err(LiquidStakingError::from)?;
    let available = pool.reserve_stakeable_lamports(reserve_balance)?;
    let amount = math::stake_increase_lamports(target, entry.total_lamports(), available, minimum);
    if amount == 0 {
        msg!("validator {}: at target or below the minimum stake increase", index);
        return Ok(());
    }
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
    cpi.delegate(&a.transient_stake.to_account_info(), &a.vote_account.to_account_info(), &a.stake_config.to_account_info())?;
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
