use super::book_reading;
use crate::instructions::{require_epoch_rewards_inactive, shared::*};
use crate::{
    checks::{read_pool_stake, read_vote_account},
    constants::STAKE_ACCOUNT_SPACE,
    events::IneligibleStakeDeactivated,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct DeactivateIneligible<'info> {
    pub pool: PoolWithValidators<'info>,
    /// The vote account is read here, so a commission rug is answered in the slot it is seen.
    pub validator: PoolValidator<'info>,
    /// CHECK: re-derived from the entry; deactivated when it is staking.
    #[account(mut)]
    pub transient_stake: UncheckedAccount<'info>,
}

/// Permissionless, at any slot: reads the vote account of the validator at `index` (as
/// `record_validators` does) and, when the validator is ineligible, deactivates its stake: the
/// main stake whole and a transient that is staking. Observe returns the SOL to the reserve once
/// inactive and rebalancing stakes it again into eligible validators; the main account rests with
/// its rent until the validator is eligible again.
///
/// Rewards for epoch E are paid at the commission the vote account has when they are computed, at
/// the start of E+1, and the Vote program lets a commission rise only in the first half of an
/// epoch: a rug seen in E and answered in E costs at most E's rewards on that stake.
///
/// Refused for an eligible validator (ValidatorEligible) and when its stake is deactivated already
/// (NothingToDeactivate).
pub fn deactivate_ineligible(ctx: Context<DeactivateIneligible>, index: u32) -> Result<()> {
    require_epoch_rewards_inactive()?;
    let a = ctx.accounts;
    let epoch = a.validator.stake.clock.epoch;
    let pool_key = a.pool.pool.key();
    let vote_key = a.validator.vote_account.key();
    let mut list = a.pool.validator_list.load_mut()?;
    require_keys_eq!(list.entry(index)?.vote_account, vote_key, crate::error::LiquidStakingError::VoteAccountMismatch);
    let reading = read_vote_account(&a.validator.vote_account, epoch)?;
    let outcome = list.take_reading(index, &vote_key, &reading, epoch)?;
    book_reading(&mut a.pool.pool, &list, index, epoch, &outcome)?;

    let entry = a.validator.entry(&mut list, index, &pool_key)?;
    entry.check_transient_stake(&pool_key, a.transient_stake.key)?;
    let main = match a.validator.main_stake(&pool_key)? {
        Some(m) => Some(a.validator.stake.status(&m.delegation)?),
        None => None,
    };
    let transient = match read_pool_stake(&a.transient_stake, &pool_key, &vote_key, &a.validator.stake.clock)? {
        Some(t) => Some(a.validator.stake.status(&t.delegation)?),
        None => None,
    };
    let plan = a.pool.pool.plan_deactivation(entry, main, transient)?;
    let pool = &a.pool.pool;
    let pool_seeds = pool.signer_seeds();
    let cpi = a.validator.stake.signed_by(pool, &pool_seeds);
    if plan.main {
        cpi.deactivate(&a.validator.validator_stake.to_account_info())?;
    }
    if plan.transient {
        cpi.deactivate(&a.transient_stake.to_account_info())?;
    }
    let stake_rent = Rent::get()?.minimum_balance(STAKE_ACCOUNT_SPACE as usize);
    let entry = list.entry_mut(index)?;
    let returning = a.pool.pool.book_deactivation(entry, &plan, stake_rent);
    let reason = list.record(index)?.reason;
    emit!(IneligibleStakeDeactivated { pool: pool_key, vote_account: vote_key, index, epoch, reason, returning_lamports: returning });
    Ok(())
}
