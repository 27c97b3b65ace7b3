use super::super::require_epoch_rewards_inactive;
use crate::{
    checks::*, constants::*, error::LiquidStakingError, events::ValidatorsObserved, stake_cpi,
    state::*,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct ObserveValidators<'info> {
    #[account(mut, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    #[account(mut)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    #[account(mut, seeds = [RESERVE_SEED, pool.key().as_ref()], bump = pool.reserve_bump)]
    pub reserve: SystemAccount<'info>,
    pub clock: Sysvar<'info, Clock>,
    /// CHECK: the StakeHistory sysvar.
    #[account(address = solana_stake_interface::sysvar::stake_history::ID)]
    pub stake_history: UncheckedAccount<'info>,
    /// CHECK: the Stake program.
    #[account(address = solana_stake_interface::program::ID)]
    pub stake_program: UncheckedAccount<'info>,
    // Remaining accounts: for each validator from `first_index` on, its validator stake account
    // then its transient stake account (both writable).
}

/// Crank step 1, permissionless. Reads the stake accounts of validators `first_index..` (as many
/// as pairs are passed), records their balances (the increase is the epoch's rewards), merges a
/// transient that finished activating into the main account, returns stake that finished
/// deactivating to the reserve (where tickets are paid from), and drops a removed validator once it holds nothing.
/// A validator already observed this epoch is skipped, so repeating a batch moves nothing.
pub fn observe_validators<'info>(ctx: Context<'info, ObserveValidators<'info>>, first_index: u32) -> Result<()> {
    require_epoch_rewards_inactive()?;
    let pairs = ctx.remaining_accounts;
    require!(!pairs.is_empty() && pairs.len() % 2 == 0, LiquidStakingError::StakeAccountsNotInPairs);
    let a = &ctx.accounts;
    let clock = &a.clock;
    let epoch = clock.epoch;
    let pool_key = a.pool.key();
    let history_data = a.stake_history.try_borrow_data()?;
    let history = StakeHistoryView::new(&history_data)?;
    let pool_seeds = a.pool.signer_seeds();
    let cpi = stake_cpi::StakeCpi {
        pool: a.pool.to_account_info(),
        pool_seeds: &pool_seeds,
        clock: a.clock.to_account_info(),
        stake_history: a.stake_history.to_account_info(),
    };
    let reserve = a.reserve.to_account_info();

    let mut list = a.validator_list.load_mut()?;
    let count = (pairs.len() / 2) as u32;
    let mut stake_delta: i128 = 0;
    let mut unstaking_returned: u64 = 0;
    let mut observed: u32 = 0;
    let mut removed: u32 = 0;
    // Highest index first: dropping an entry moves the last one into its place, which is then
    // either already handled by this call or outside its range.
    for offset in (0..count).rev() {
        let index = first_index.checked_add(offset).ok_or(LiquidStakingError::ValidatorIndexOutOfRange)?;
        let validator_info = &pairs[2 * offset as usize];
        let transient_info = &pairs[2 * offset as usize + 1];
        let entry = list.entry_mut(index)?;
        let vote = entry.vote_account;
        entry.check_validator_stake(&pool_key, validator_info.key)?;
        entry.check_transient_stake(&pool_key, transient_info.key)?;
        if entry.last_observed_epoch == epoch {
            continue;
        }
        let main = read_pool_stake(validator_info, &pool_key, &vote, clock)?;
        let transient = read_pool_stake(transient_info, &pool_key, &vote, clock)?;
        let main_lamports = main.as_ref().map_or(0, |s| s.lamports);
        let transient_lamports = transient.as_ref().map_or(0, |s| s.lamports);
        // Whatever the accounts gained since last recorded (rewards, or SOL sent to them).
        stake_delta += (main_lamports as i128 + transient_lamports as i128) - entry.total_lamports() as i128;
        entry.active_stake_lamports = main_lamports;
        entry.transient_stake_lamports = transient_lamports;

        let main_status = main.as_ref().map(|s| stake_status(&s.delegation, epoch, &history));
        if let Some(t) = &transient {
            match (stake_status(&t.delegation, epoch, &history), main_status) {
                (StakeStatus::Inactive, _) => {
                    cpi.withdraw(transient_info, &reserve, t.lamports)?;
                    entry.transient_stake_lamports = 0;
                    stake_delta -= t.lamports as i128;
                    unstaking_returned += entry.unstaking_lamports;
                    entry.unstaking_lamports = 0;
                }
                (StakeStatus::Active, Some(StakeStatus::Active)) => {
                    cpi.merge(validator_info, transient_info)?;
                    entry.active_stake_lamports += t.lamports;
                    entry.transient_stake_lamports = 0;
                }
                _ => {}
            }
        }
        if entry.status == VALIDATOR_STATUS_REMOVING {
            if let (Some(m), Some(StakeStatus::Inactive)) = (&main, main_status) {
                cpi.withdraw(validator_info, &reserve, m.lamports)?;
                entry.active_stake_lamports = 0;
                stake_delta -= m.lamports as i128;
            }
            if entry.active_stake_lamports == 0 && entry.transient_stake_lamports == 0 {
                list.swap_remove(index)?;
                removed += 1;
                continue;
            }
        }
        entry.last_observed_epoch = epoch;
        observed += 1;
    }
    drop(list);
    drop(history_data);

    let pool = &mut ctx.accounts.pool;
    pool.apply_stake_delta(stake_delta)?;
    pool.unstaking_lamports = pool.unstaking_lamports.saturating_sub(unstaking_returned);
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
    });
    Ok(())
}
