use crate::instructions::{require_epoch_rewards_inactive, shared::*};
use crate::{
    checks::*,
    constants::*,
    error::LiquidStakingError,
    events::{ValidatorDeactivatedExternally, ValidatorsObserved},
    state::*,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct ObserveValidators<'info> {
    pub pool: PoolWithValidators<'info>,
    pub stake: StakeProgram<'info>,
    // Remaining accounts: for each validator from `first_index` on, its main stake account, then
    // its transient stake account only when the entry records one (`transient_stake_lamports > 0`);
    // all writable. Most validators have no transient, so most take one account: about twice as
    // many validators fit in a transaction.
}

/// Crank step 1, permissionless. Reads the stake accounts of validators `first_index..` (as many
/// as accounts are passed: one each, two with a transient) and records their balances (the
/// increase is the epoch's rewards). Then,
/// per validator:
/// - a transient that finished deactivating goes back to the reserve (where tickets are paid
///   from); one that finished activating merges into the main account;
/// - lamports above an active main account's delegation (donations, a stake deposit's padding,
///   merged transients' rent) go to the reserve once they reach the minimum delegation: they
///   cannot be split off and earn nothing;
/// - a main stake the pool deactivated whole returns to the reserve once inactive (the account
///   stays, with its rent, for the next delegation);
/// - a main stake someone else deactivated (DeactivateDelinquent) starts the validator's removal;
/// - a validator being removed leaves the list once both its accounts are empty (its main account
///   lives until then, so it cannot be added again meanwhile).
///
/// A validator already observed this epoch is skipped, so repeating a batch moves nothing; a batch
/// of validators all observed already is refused (NothingToObserve). What the accounts lost
/// against their records (a slash) is added up for the epoch's settlement, whose rate breaker
/// weighs it (`Pool::observed_loss_lamports`).
pub fn observe_validators<'info>(ctx: Context<'info, ObserveValidators<'info>>, first_index: u32) -> Result<()> {
    require_epoch_rewards_inactive()?;
    let accounts = ctx.remaining_accounts;
    require!(!accounts.is_empty(), LiquidStakingError::ObserveAccountsMismatch);
    let a = &ctx.accounts;
    let clock = &a.stake.clock;
    let epoch = clock.epoch;
    let pool = &a.pool.pool;
    let pool_key = pool.key();
    let stake_rent = Rent::get()?.minimum_balance(STAKE_ACCOUNT_SPACE as usize);
    let history_data = a.stake.stake_history.try_borrow_data()?;
    let history = StakeHistoryView::new(&history_data)?;
    let pool_seeds = pool.signer_seeds();
    let cpi = a.stake.signed_by(pool, &pool_seeds);
    let reserve = a.pool.reserve.to_account_info();

    let mut list = a.pool.validator_list.load_mut()?;
    // Which accounts are whose, read in list order before anything changes: a validator's main
    // stake account, then its transient when the next account is at its transient address. A
    // validator recording a transient must be given it, unless it was observed this epoch already:
    // a batch planned before another crank merged or withdrew a transient (or created one after
    // finalize) is then skipped as before, not refused.
    let mut batch: Vec<(u32, &AccountInfo<'info>, Option<&AccountInfo<'info>>)> = Vec::with_capacity(accounts.len());
    let mut cursor = 0;
    while cursor < accounts.len() {
        let index = first_index.checked_add(batch.len() as u32).ok_or(LiquidStakingError::ValidatorIndexOutOfRange)?;
        let entry = list.entry(index)?;
        let transient = accounts.get(cursor + 1).filter(|next| entry.is_transient_stake(&pool_key, next.key));
        require!(
            transient.is_some() || entry.transient_stake_lamports == 0 || entry.last_observed_epoch == epoch,
            LiquidStakingError::ObserveAccountsMismatch
        );
        batch.push((index, &accounts[cursor], transient));
        cursor += 1 + transient.is_some() as usize;
    }
    let count = batch.len() as u32;
    let mut stake_delta: i128 = 0;
    let mut loss: u64 = 0;
    let mut withdrawn: u64 = 0;
    let mut unstaking_returned: u64 = 0;
    let mut weight_removed: u64 = 0;
    let mut observed: u32 = 0;
    let mut removed: u32 = 0;
    let view = |info: &AccountInfo<'info>, vote: &Pubkey| -> Result<Option<StakeView>> {
        Ok(read_pool_stake(info, &pool_key, vote, clock)?.map(|s| StakeView {
            lamports: s.lamports,
            delegated_lamports: s.delegation.stake,
            status: stake_status(&s.delegation, epoch, &history),
            deactivated: s.delegation.deactivation_epoch != u64::MAX,
            rent_exempt_reserve: s.meta.rent_exempt_reserve,
        }))
    };
    // Highest index first: dropping an entry moves the last one into its place, which is then
    // either already handled by this call or outside its range.
    for &(index, validator_info, transient_info) in batch.iter().rev() {
        let entry = list.entry_mut(index)?;
        let vote = entry.vote_account;
        // (A transient was matched to its address while parsing.)
        entry.check_validator_stake(&pool_key, validator_info.key)?;
        if entry.last_observed_epoch == epoch {
            continue;
        }
        let main = view(validator_info, &vote)?;
        let transient = match transient_info {
            Some(info) => view(info, &vote)?,
            None => None,
        };
        let o = observe_validator(entry, main, transient, stake_rent);
        // The stake moves it names, in its order.
        if let (Some(step), Some(info)) = (o.transient, transient_info) {
            match step {
                TransientMove::Withdraw(lamports) => cpi.withdraw(info, &reserve, lamports)?,
                TransientMove::Merge => cpi.merge(validator_info, info)?,
            }
        }
        if let (true, Some(info)) = (o.deactivate_transient, transient_info) {
            cpi.deactivate(info)?;
        }
        if o.main_withdrawal > 0 {
            cpi.withdraw(validator_info, &reserve, o.main_withdrawal)?;
        }
        if o.deactivated_externally {
            emit!(ValidatorDeactivatedExternally { pool: pool_key, vote_account: vote, index, epoch, stake_lamports: entry.total_lamports() });
        }
        stake_delta += o.stake_delta;
        loss = loss.saturating_add(o.loss_lamports);
        withdrawn += o.withdrawn_lamports();
        unstaking_returned += o.unstaking_returned;
        weight_removed += o.weight_removed;
        if o.remove_entry {
            list.swap_remove(index)?;
            removed += 1;
            continue;
        }
        entry.last_observed_epoch = epoch;
        observed += 1;
    }
    drop(list);
    drop(history_data);
    // A batch of validators all observed already (another crank was first) moves nothing: refused
    // by name, so a crank sees it in simulation and pays for nothing.
    require!(observed + removed > 0, LiquidStakingError::NothingToObserve);

    let pool = &mut ctx.accounts.pool.pool;
    pool.apply_stake_delta(stake_delta)?;
    pool.record_observed_loss(epoch, loss);
    pool.unstaking_lamports = pool.unstaking_lamports.saturating_sub(unstaking_returned);
    pool.total_weight = pool.total_weight.saturating_sub(weight_removed);
    pool.validator_count -= removed;
    for _ in 0..observed {
        pool.record_observation(epoch);
    }
    emit!(ValidatorsObserved {
        pool: pool_key,
        epoch,
        first_index,
        count,
        newly_observed: observed,
        removed,
        observed_count: pool.observed_count,
        validator_count: pool.validator_count,
        stake_lamports: pool.stake_lamports,
        withdrawn_lamports: withdrawn,
    });
    Ok(())
}
