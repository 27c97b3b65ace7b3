use crate::instructions::{require_epoch_rewards_inactive, shared::*};
use crate::{
    constants::*,
    cpi,
    events::{ValidatorRebalanced, ValidatorUnstaked},
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
    /// Anyone: pays a transient's rent when the reserve holds too little pool SOL for it (the
    /// rent then stays with the pool, like a donation).
    #[account(mut)]
    pub payer: Signer<'info>,
}

/// Crank step 3, permissionless, after finalize, for the validator at `index`. What it does is
/// `Pool::plan_rebalance`'s decision (see there for the rules), carried out by CPIs:
/// - when the reserve lacks SOL for open tickets plus its buffer (counting stake already on its
///   way back), unstakes from a validator at or above its target: splits delegated stake off into
///   the transient and deactivates it, or, when no split can cover the shortfall, deactivates the
///   whole main stake. Observe returns it to the reserve once inactive. Never paused.
/// - otherwise stakes reserve SOL above tickets and buffer into a validator below its weight's
///   share (what it lacks plus up to STAKE_OVERFILL_BPS of the pool more), through a new transient
///   that observe merges once active, or straight into the main account when it rests after a
///   whole-stake unstake; at most MAX_STAKE_INCREASES_PER_EPOCH an epoch; refused while
///   PAUSED_REBALANCING.
///
/// Nothing to do is refused by name (TransientStakeInFlight, ValidatorBelowTarget, NothingToStake,
/// StakeNotActive, ...), so a crank sees it in simulation and sends nothing.
pub fn rebalance_validator(ctx: Context<RebalanceValidator>, index: u32) -> Result<()> {
    let RebalanceValidator { pool: PoolWithValidators { pool, validator_list, reserve }, validator, creation, transient_stake, payer } =
        ctx.accounts;
    let epoch = validator.stake.clock.epoch;
    pool.require_fresh(epoch)?;
    require_epoch_rewards_inactive()?;
    let pool_key = pool.key();
    let vote_key = validator.vote_account.key();
    let mut list = validator_list.load_mut()?;
    let entry = validator.entry(&mut list, index, &pool_key)?;
    entry.check_transient_stake(&pool_key, transient_stake.key)?;
    let reserve = reserve.to_account_info();
    let reserve_balance = reserve.lamports();
    let stake_rent = creation.rent.minimum_balance(STAKE_ACCOUNT_SPACE as usize);
    let main = match validator.main_stake(&pool_key)? {
        Some(m) => Some(MainStake { status: validator.stake.status(&m.delegation)?, delegated_lamports: m.delegation.stake }),
        None => None,
    };
    let transient_exists =
        !(transient_stake.owner == &anchor_lang::solana_program::system_program::ID && transient_stake.data_is_empty());
    let shortfall = pool.reserve_shortfall_lamports(reserve_balance)?;
    let action = pool.plan_rebalance(entry, main, transient_exists, reserve_balance, stake_rent, epoch)?;

    let validator_stake = validator.validator_stake.to_account_info();
    let transient = transient_stake.to_account_info();
    let system_program = creation.system_program.to_account_info();
    let pool_seeds = pool.signer_seeds();
    let stake = validator.stake.signed_by(pool, &pool_seeds);
    let transient_seeds: &[&[u8]] = &[TRANSIENT_STAKE_SEED, pool_key.as_ref(), vote_key.as_ref(), &[entry.transient_stake_bump]];
    match action {
        Rebalance::Split { lamports, rent_from_reserve } => {
            if rent_from_reserve {
                stake_cpi::allocate_pool_stake_account(&reserve, Some(&pool.reserve_seeds(&pool_key)), &transient, transient_seeds, stake_rent, &system_program)?;
            } else {
                stake_cpi::allocate_pool_stake_account(&payer.to_account_info(), None, &transient, transient_seeds, stake_rent, &system_program)?;
            }
            stake.split(&validator_stake, &transient, lamports)?;
            stake.deactivate(&transient)?;
        }
        Rebalance::Whole => stake.deactivate(&validator_stake)?,
        Rebalance::StakeTransient { lamports, .. } => {
            creation.create_delegated(&stake, pool, &reserve, &transient, transient_seeds, &validator.vote_account.to_account_info(), lamports)?;
        }
        Rebalance::Redelegate { lamports, .. } => {
            cpi::pay_from_reserve(pool, reserve.clone(), validator_stake.clone(), &system_program, lamports)?;
            stake.delegate(&validator_stake, &validator.vote_account.to_account_info(), &creation.stake_config.to_account_info())?;
        }
    }

    let booked = pool.book_rebalance(entry, &action, stake_rent, epoch)?;
    match action {
        Rebalance::Split { .. } | Rebalance::Whole => emit!(ValidatorUnstaked {
            pool: pool_key,
            vote_account: vote_key,
            index,
            epoch,
            unstaked_lamports: booked.returning_lamports,
            shortfall_lamports: shortfall,
            unstaking_lamports: pool.unstaking_lamports,
            whole_stake: action == Rebalance::Whole,
        }),
        Rebalance::StakeTransient { target_lamports, .. } | Rebalance::Redelegate { target_lamports, .. } => emit!(ValidatorRebalanced {
            pool: pool_key,
            vote_account: vote_key,
            index,
            epoch,
            staked_lamports: booked.staked_lamports,
            target_lamports,
            validator_lamports: entry.total_lamports(),
            stake_lamports: pool.stake_lamports,
        }),
    }
    Ok(())
}
