//! What `observe_validators` does to one validator, decided without any account type or CPI:
//! the handler carries out the stake moves it names, and the accounting fuzz runs the same
//! function over its model of stake accounts.
use super::*;
use crate::{checks::StakeStatus, constants::MIN_STAKE_DELEGATION_LAMPORTS};

/// A pool stake account as observe reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StakeView {
    pub lamports: u64,
    /// `Delegation::stake`.
    pub delegated_lamports: u64,
    pub status: StakeStatus,
    /// Its delegation carries a deactivation epoch (by the pool or anyone else).
    pub deactivated: bool,
    /// `Meta::rent_exempt_reserve`.
    pub rent_exempt_reserve: u64,
}

/// What to do with the transient stake account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransientMove {
    /// Inactive: withdraw all of it to the reserve (which closes it).
    Withdraw(u64),
    /// Active beside an active main account: merge it into the main account.
    Merge,
}

/// What observing one validator does, in the order the handler does it: the transient's move,
/// then deactivating the transient, then the withdrawal from the main account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Observation {
    pub transient: Option<TransientMove>,
    /// Deactivate the (active or activating) transient: the validator is leaving.
    pub deactivate_transient: bool,
    /// Lamports to withdraw from the main account to the reserve.
    pub main_withdrawal: u64,
    /// Change to `Pool::stake_lamports`: what the accounts gained or lost since recorded, less what
    /// goes to the reserve.
    pub stake_delta: i128,
    /// What the accounts hold less than recorded: lost without a pool action (a slash).
    pub loss_lamports: u64,
    /// Lamports of `Pool::unstaking_lamports` back in the reserve with this observation.
    pub unstaking_returned: u64,
    /// Weight the validator gave up (it started leaving: its stake was deactivated by someone else).
    pub weight_removed: u64,
    /// The validator's stake was deactivated by someone other than the pool (DeactivateDelinquent).
    pub deactivated_externally: bool,
    /// Both accounts are empty and the validator was leaving: drop its entry.
    pub remove_entry: bool,
}

impl Observation {
    /// Lamports this observation moves to the reserve.
    pub fn withdrawn_lamports(&self) -> u64 {
        let transient = match self.transient {
            Some(TransientMove::Withdraw(lamports)) => lamports,
            _ => 0,
        };
        transient + self.main_withdrawal
    }
}

/// Observes `entry` in `epoch` from its main and transient stake accounts (None: nothing at the
/// address) and updates the entry as the handler does; returns what to carry out. The caller
/// skips validators already observed this epoch. `stake_rent` is a stake account's rent-exempt
/// minimum.
///
/// - a transient that finished deactivating goes back to the reserve; one that finished
///   activating merges into an active main account;
/// - lamports above an active main account's delegation (donations, a stake deposit's padding,
///   merged transients' rent) go to the reserve once they reach the minimum delegation;
/// - a main stake the pool deactivated whole returns to the reserve once inactive (the account
///   stays, with its rent, for the next delegation);
/// - a main stake someone else deactivated (DeactivateDelinquent) starts the validator's removal;
/// - a validator being removed leaves the list once both its accounts are empty.
pub fn observe_validator(entry: &mut ValidatorEntry, main: Option<StakeView>, transient: Option<StakeView>, stake_rent: u64) -> Observation {
    let mut o = Observation::default();
    let main_lamports = main.map_or(0, |s| s.lamports);
    let transient_lamports = transient.map_or(0, |s| s.lamports);
    let actual = main_lamports as u128 + transient_lamports as u128;
    let recorded = entry.total_lamports() as u128;
    o.stake_delta = actual as i128 - recorded as i128;
    o.loss_lamports = recorded.saturating_sub(actual) as u64;
    entry.active_stake_lamports = main_lamports;
    entry.transient_stake_lamports = transient_lamports;
    let mut main_delegated = main.map_or(0, |s| s.delegated_lamports);

    // The transient: back to the reserve once inactive, into the main account once both are active.
    let mut transient_status = transient.map(|t| t.status);
    if let Some(t) = transient {
        match (t.status, main.map(|m| m.status)) {
            (StakeStatus::Inactive, _) => {
                o.transient = Some(TransientMove::Withdraw(t.lamports));
                o.stake_delta -= t.lamports as i128;
                entry.transient_stake_lamports = 0;
                transient_status = None;
                if !entry.main_deactivated_by_pool() {
                    o.unstaking_returned += entry.unstaking_lamports;
                    entry.unstaking_lamports = 0;
                }
            }
            (StakeStatus::Active, Some(StakeStatus::Active)) => {
                o.transient = Some(TransientMove::Merge);
                entry.active_stake_lamports += t.lamports;
                entry.transient_stake_lamports = 0;
                main_delegated += t.delegated_lamports;
                transient_status = None;
            }
            _ => {}
        }
    }

    if let Some(m) = main {
        let rent_reserve = stake_rent.max(m.rent_exempt_reserve);
        let withdraw = |entry: &mut ValidatorEntry, amount: u64, o: &mut Observation| {
            o.main_withdrawal += amount;
            o.stake_delta -= amount as i128;
            entry.active_stake_lamports -= amount;
        };
        if !m.deactivated {
            // Lamports above the delegation cannot be split off and earn nothing: once they add
            // up to the minimum delegation (a merged transient's rent is smaller and waits for
            // more) they go to the reserve.
            let excess = entry.active_stake_lamports.saturating_sub(rent_reserve).saturating_sub(main_delegated);
            if excess >= MIN_STAKE_DELEGATION_LAMPORTS {
                withdraw(entry, excess, &mut o);
            }
        } else if entry.status == VALIDATOR_STATUS_ACTIVE && !entry.main_deactivated_by_pool() {
            // Only the Stake program's DeactivateDelinquent deactivates the pool's stake without
            // the pool: the validator stopped voting. It leaves the pool.
            entry.status = VALIDATOR_STATUS_REMOVING;
            o.weight_removed = entry.effective_weight();
            entry.weight = 0;
            o.deactivated_externally = true;
            o.deactivate_transient = matches!(transient_status, Some(StakeStatus::Active | StakeStatus::Activating));
        } else if entry.status == VALIDATOR_STATUS_ACTIVE && m.status == StakeStatus::Inactive {
            // The whole stake the pool deactivated for tickets: to the reserve; the account rests
            // with its rent until rebalancing delegates it again.
            let amount = entry.active_stake_lamports.saturating_sub(rent_reserve);
            withdraw(entry, amount, &mut o);
            o.unstaking_returned += entry.unstaking_lamports;
            entry.unstaking_lamports = 0;
        }
        if entry.status == VALIDATOR_STATUS_REMOVING && m.status == StakeStatus::Inactive {
            // The main account marks the validator as in the pool until its entry goes.
            let keep = if entry.transient_stake_lamports > 0 { rent_reserve } else { 0 };
            let amount = entry.active_stake_lamports.saturating_sub(keep);
            withdraw(entry, amount, &mut o);
            if entry.main_deactivated_by_pool() {
                o.unstaking_returned += entry.unstaking_lamports;
                entry.unstaking_lamports = 0;
            }
        }
    }
    o.remove_entry = entry.status == VALIDATOR_STATUS_REMOVING && entry.total_lamports() == 0;
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    const RENT: u64 = 2_282_880;
    const SOL: u64 = 1_000_000_000;

    fn entry(active: u64, transient: u64) -> ValidatorEntry {
        ValidatorEntry { active_stake_lamports: active, transient_stake_lamports: transient, weight: 100, ..bytemuck::Zeroable::zeroed() }
    }

    fn view(lamports: u64, status: StakeStatus) -> StakeView {
        let deactivated = matches!(status, StakeStatus::Deactivating | StakeStatus::Inactive);
        StakeView { lamports, delegated_lamports: lamports - RENT, status, deactivated, rent_exempt_reserve: RENT }
    }

    #[test]
    fn rewards_are_recorded_and_nothing_moves() {
        let mut e = entry(10 * SOL, 0);
        let o = observe_validator(&mut e, Some(view(10 * SOL + 5, StakeStatus::Active)), None, RENT);
        assert_eq!((o.stake_delta, o.loss_lamports, o.withdrawn_lamports()), (5, 0, 0));
        assert_eq!(e.active_stake_lamports, 10 * SOL + 5);
    }

    #[test]
    fn a_loss_is_counted_gross() {
        let mut e = entry(10 * SOL, 0);
        let o = observe_validator(&mut e, Some(view(9 * SOL, StakeStatus::Active)), None, RENT);
        assert_eq!((o.stake_delta, o.loss_lamports), (-(SOL as i128), SOL));
    }

    #[test]
    fn an_active_transient_merges_and_an_inactive_one_returns() {
        let mut e = entry(10 * SOL, 3 * SOL);
        let o = observe_validator(&mut e, Some(view(10 * SOL, StakeStatus::Active)), Some(view(3 * SOL, StakeStatus::Active)), RENT);
        assert_eq!((o.transient, e.active_stake_lamports, e.transient_stake_lamports), (Some(TransientMove::Merge), 13 * SOL, 0));
        assert_eq!(o.main_withdrawal, 0, "the merged transient's rent is below the minimum: it waits");

        let mut e = ValidatorEntry { unstaking_lamports: 3 * SOL, ..entry(10 * SOL, 3 * SOL) };
        let o = observe_validator(&mut e, Some(view(10 * SOL, StakeStatus::Active)), Some(view(3 * SOL, StakeStatus::Inactive)), RENT);
        assert_eq!((o.transient, o.unstaking_returned, o.stake_delta), (Some(TransientMove::Withdraw(3 * SOL)), 3 * SOL, -(3 * SOL as i128)));
        assert_eq!((e.transient_stake_lamports, e.unstaking_lamports), (0, 0));
        // Still activating: it waits.
        let mut e = entry(10 * SOL, 3 * SOL);
        let o = observe_validator(&mut e, Some(view(10 * SOL, StakeStatus::Active)), Some(view(3 * SOL, StakeStatus::Activating)), RENT);
        assert_eq!(o.transient, None);
    }

    #[test]
    fn lamports_above_the_delegation_go_back_once_they_reach_the_minimum() {
        let mut e = entry(10 * SOL, 0);
        let donated = StakeView { lamports: 12 * SOL, ..view(10 * SOL, StakeStatus::Active) };
        let o = observe_validator(&mut e, Some(donated), None, RENT);
        assert_eq!((o.main_withdrawal, o.stake_delta, e.active_stake_lamports), (2 * SOL, 0, 10 * SOL));
    }

    #[test]
    fn stake_deactivated_by_someone_else_starts_the_removal() {
        let mut e = entry(10 * SOL, 3 * SOL);
        let o = observe_validator(&mut e, Some(view(10 * SOL, StakeStatus::Deactivating)), Some(view(3 * SOL, StakeStatus::Activating)), RENT);
        assert!(o.deactivated_externally && o.deactivate_transient);
        assert_eq!((e.status, e.weight, o.weight_removed), (VALIDATOR_STATUS_REMOVING, 0, 100));
        assert!(!o.remove_entry);
    }

    #[test]
    fn a_whole_unstake_returns_all_but_the_rent_and_a_leaving_validator_goes() {
        let mut e = ValidatorEntry { flags: VALIDATOR_FLAG_MAIN_DEACTIVATED, unstaking_lamports: 10 * SOL - RENT, ..entry(10 * SOL, 0) };
        let o = observe_validator(&mut e, Some(view(10 * SOL, StakeStatus::Inactive)), None, RENT);
        assert_eq!((o.main_withdrawal, o.unstaking_returned, e.active_stake_lamports), (10 * SOL - RENT, 10 * SOL - RENT, RENT));
        assert!(!o.remove_entry, "the account rests with its rent");

        let mut e = ValidatorEntry { status: VALIDATOR_STATUS_REMOVING, weight: 0, ..entry(10 * SOL, 0) };
        let o = observe_validator(&mut e, Some(view(10 * SOL, StakeStatus::Inactive)), None, RENT);
        assert_eq!((o.main_withdrawal, o.remove_entry), (10 * SOL, true));
        // With its transient still cooling down the main account keeps its rent (and the entry).
        let mut e = ValidatorEntry { status: VALIDATOR_STATUS_REMOVING, weight: 0, ..entry(10 * SOL, 3 * SOL) };
        let o = observe_validator(&mut e, Some(view(10 * SOL, StakeStatus::Inactive)), Some(view(3 * SOL, StakeStatus::Deactivating)), RENT);
        assert_eq!((o.main_withdrawal, o.remove_entry), (10 * SOL - RENT, false));
    }
}
