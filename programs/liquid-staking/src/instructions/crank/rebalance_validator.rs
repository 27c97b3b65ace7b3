use crate::instructions::{require_epoch_rewards_inactive, shared::*};
use crate::{
    checks::StakeStatus,
    constants::*,
    cpi,
    error::LiquidStakingError,
    events::{ValidatorRebalanced, ValidatorUnstaked},
    math::{self, StakeDecrease},
    stake_cpi,
    state::*,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RebalanceValidator<'info> {
    pub pool: PoolWithValidators<'info>,
    pub validator: PoolValidator<'info>,
    pub creation: StakeAccountCreation<'info>,
    /// CHECK: re-derived from the entry; created here when stake is split off or added.
    #[account(mut)]
    pub transient_stake: UncheckedAccount<'info>,
}

/// Crank step 3, permissionless, after finalize, for the validator at `index`:
/// - when the reserve lacks SOL for open tickets plus its buffer (counting stake already on its
///   way back), unstakes: splits delegated stake off into the transient and deactivates it, or,
///   when a split cannot cover the shortfall (or the reserve has no rent for a transient),
///   deactivates the whole main stake. Observe returns it to the reserve once inactive. Never
///   paused: tickets must be funded.
/// - otherwise stakes reserve SOL above tickets and buffer into a validator below its weight's
///   share: what it lacks plus up to STAKE_OVERFILL_BPS of the pool more, through a new transient
///   that observe merges once active, or straight into the main account when it rests after a
///   whole-stake unstake. Refused while PAUSED_REBALANCING.
///
/// Does nothing when the validator has a transient already, is being removed, its stake is not in
/// a state to act on, or the amount would be below the minimum. The crank plan picks the
/// validators.
pub fn rebalance_validator(ctx: Context<RebalanceValidator>, index: u32) -> Result<()> {
    let a = &ctx.accounts;
    let pool = &a.pool.pool;
    let epoch = a.validator.stake.clock.epoch;
    pool.require_fresh(epoch)?;
    require_epoch_rewards_inactive()?;
    let pool_key = pool.key();
    let vote_key = a.validator.vote_account.key();
    let mut list = a.pool.validator_list.load_mut()?;
    let entry = a.validator.entry(&mut list, index, &pool_key)?;
    entry.check_transient_stake(&pool_key, a.transient_stake.key)?;
    let reserve = a.pool.reserve.to_account_info();
    let reserve_balance = reserve.lamports();
    let shortfall = pool.reserve_shortfall_lamports(reserve_balance)?;
    if shortfall == 0 {
        // Staking new SOL: the one part of the crank the pause guardian can stop.
        pool.require_open(epoch, PAUSED_REBALANCING)?;
    }
    let transient_exists = !(a.transient_stake.owner == &anchor_lang::solana_program::system_program::ID
        && a.transient_stake.data_is_empty());
    if entry.status != VALIDATOR_STATUS_ACTIVE || transient_exists || entry.transient_stake_lamports > 0 {
        msg!("validator {}: nothing to do (removing, or a transient is in flight)", index);
        return Ok(());
    }

    let stake_rent = a.creation.rent.minimum_balance(STAKE_ACCOUNT_SPACE as usize);
    let main = a.validator.main_stake(&pool_key)?;
    let main_status = match &main {
        Some(m) => Some(a.validator.stake.status(&m.delegation)?),
        None => None,
    };
    let validator_stake = a.validator.validator_stake.to_account_info();
    let transient = a.transient_stake.to_account_info();
    let pool_seeds = pool.signer_seeds();
    let stake = a.validator.stake.signed_by(pool, &pool_seeds);

    if shortfall > 0 {
        let (Some(main), Some(StakeStatus::Active)) = (&main, main_status) else {
            msg!("validator {}: stake not fully active, cannot unstake from it", index);
            return Ok(());
        };
        let rent_available = pool.reserve_free_lamports(reserve_balance) >= stake_rent;
        let (returning, whole_stake) = match math::stake_decrease(shortfall, main.delegation.stake, MIN_STAKE_DELEGATION_LAMPORTS, rent_available) {
            StakeDecrease::None => return Ok(()),
            StakeDecrease::Split(amount) => {
                let transient_seeds: &[&[u8]] =
                    &[TRANSIENT_STAKE_SEED, pool_key.as_ref(), vote_key.as_ref(), &[entry.transient_stake_bump]];
                stake_cpi::allocate_pool_stake_account(
                    &reserve,
                    &pool.reserve_seeds(&pool_key),
                    &transient,
                    transient_seeds,
                    stake_rent,
                    &a.creation.system_program.to_account_info(),
                )?;
                stake.split(&validator_stake, &transient, amount)?;
                stake.deactivate(&transient)?;
                entry.active_stake_lamports = math::checked_sub(entry.active_stake_lamports, amount, "unstake_split")
                    .map_err(LiquidStakingError::from)?;
                entry.transient_stake_lamports = amount + stake_rent;
                (amount + stake_rent, false)
            }
            StakeDecrease::Whole => {
                stake.deactivate(&validator_stake)?;
                entry.flags |= VALIDATOR_FLAG_MAIN_DEACTIVATED;
                // What observe will withdraw once inactive: all but the account's rent.
                (entry.active_stake_lamports.saturating_sub(stake_rent), true)
            }
        };
        entry.unstaking_lamports = returning;
        drop(list);
        let pool = &mut ctx.accounts.pool.pool;
        if !whole_stake {
            pool.apply_stake_delta(stake_rent as i128)?;
        }
        pool.unstaking_lamports = pool.unstaking_lamports.saturating_add(returning);
        emit!(ValidatorUnstaked {
            pool: pool_key,
            vote_account: vote_key,
            index,
            epoch,
            unstaked_lamports: returning,
            shortfall_lamports: shortfall,
            unstaking_lamports: pool.unstaking_lamports,
            whole_stake,
        });
        return Ok(());
    }

    let buffer = pool.buffer_target_lamports()?;
    let stakeable = pool.total_lamports.saturating_sub(buffer);
    let target = math::validator_target_lamports(stakeable, entry.weight, pool.total_weight).map_err(LiquidStakingError::from)?;
    let available = pool.reserve_stakeable_lamports(reserve_balance)?;
    let overfill = math::stake_overfill_lamports(pool.total_lamports).map_err(LiquidStakingError::from)?;
    if entry.main_deactivated_by_pool() {
        // The main account rests with its rent: delegate it again with what the validator lacks.
        if main_status != Some(StakeStatus::Inactive) || entry.unstaking_lamports > 0 {
            msg!("validator {}: its stake is still on its way back to the reserve", index);
            return Ok(());
        }
        let amount = math::stake_increase_lamports(target, entry.total_lamports(), available, MIN_STAKE_DELEGATION_LAMPORTS, overfill);
        if amount == 0 {
            msg!("validator {}: at target or below the minimum stake increase", index);
            return Ok(());
        }
        cpi::pay_from_reserve(pool, reserve.clone(), validator_stake.clone(), &a.creation.system_program.to_account_info(), amount)?;
        stake.delegate(&validator_stake, &a.validator.vote_account.to_account_info(), &a.creation.stake_config.to_account_info())?;
        entry.flags &= !VALIDATOR_FLAG_MAIN_DEACTIVATED;
        entry.active_stake_lamports += amount;
        let validator_lamports = entry.total_lamports();
        drop(list);
        return book_staking(&mut ctx.accounts.pool.pool, epoch, index, vote_key, amount, target, validator_lamports);
    }
    let amount = math::stake_increase_lamports(target, entry.total_lamports(), available, stake_rent + MIN_STAKE_DELEGATION_LAMPORTS, overfill);
    if amount == 0 {
        msg!("validator {}: at target or below the minimum stake increase", index);
        return Ok(());
    }
    let transient_seeds: &[&[u8]] = &[TRANSIENT_STAKE_SEED, pool_key.as_ref(), vote_key.as_ref(), &[entry.transient_stake_bump]];
    a.creation.create_delegated(&stake, pool, &reserve, &transient, transient_seeds, &a.validator.vote_account.to_account_info(), amount)?;
    entry.transient_stake_lamports = amount;
    let validator_lamports = entry.total_lamports();
    drop(list);
    book_staking(&mut ctx.accounts.pool.pool, epoch, index, vote_key, amount, target, validator_lamports)
}

/// Books `amount` of reserve SOL staked into the validator at `index` and emits the event.
fn book_staking(pool: &mut Account<Pool>, epoch: u64, index: u32, vote_account: Pubkey, amount: u64, target: u64, validator_lamports: u64) -> Result<()> {
    pool.apply_stake_delta(amount as i128)?;
    emit!(ValidatorRebalanced {
        pool: pool.key(),
        vote_account,
        index,
        epoch,
        staked_lamports: amount,
        target_lamports: target,
        validator_lamports,
        stake_lamports: pool.stake_lamports,
    });
    Ok(())
}
