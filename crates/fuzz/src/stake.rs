//! The Stake program as the pool meets it: one stake account's lamports, delegation and epochs,
//! and the rules of the instructions the pool's handlers call on it (create and delegate, split,
//! merge, deactivate, withdraw, delegate again), so that a move the program asks for and the
//! Stake program would refuse is caught rather than carried out.
//!
//! Simplified: warm-up and cool-down take exactly one epoch whatever the amount (the real
//! program limits both to 9% of the cluster's stake an epoch); no lockups, authorities or vote
//! accounts (the pool's own accounts only); rewards are paid whole at the boundary.
use liquid_staking::{
    checks::StakeStatus,
    constants::MIN_STAKE_DELEGATION_LAMPORTS,
    state::{MainStake, StakeView},
};

/// A stake account's rent-exempt minimum (200 bytes).
pub const STAKE_RENT_LAMPORTS: u64 = 2_282_880;

/// No deactivation epoch.
const NONE: u64 = u64::MAX;

/// What is at one stake address: a delegated stake account of the pool, or (`exists` false)
/// only the lamports someone sent to the address, which are nobody's until an account is
/// created there and takes them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StakeAccount {
    pub exists: bool,
    pub lamports: u64,
    /// `Delegation::stake`.
    pub delegated_lamports: u64,
    pub activation_epoch: u64,
    /// `NONE` until deactivated.
    pub deactivation_epoch: u64,
}

impl Default for StakeAccount {
    fn default() -> Self {
        StakeAccount { exists: false, lamports: 0, delegated_lamports: 0, activation_epoch: 0, deactivation_epoch: NONE }
    }
}

/// The Stake program refused: what and why.
pub type StakeResult = Result<(), String>;

impl StakeAccount {
    /// Where the delegation stands in `epoch` (as `checks::stake_status` classifies it): activating
    /// in its activation epoch, active after; deactivating in its deactivation epoch, inactive
    /// after; stake deactivated in the epoch it was delegated never became effective.
    pub fn status(&self, epoch: u64) -> StakeStatus {
        let (a, d) = (self.activation_epoch, self.deactivation_epoch);
        if d != NONE && d == a {
            StakeStatus::Inactive
        } else if epoch <= a {
            StakeStatus::Activating
        } else if d == NONE || epoch < d {
            StakeStatus::Active
        } else if epoch == d {
            StakeStatus::Deactivating
        } else {
            StakeStatus::Inactive
        }
    }

    /// Stake effective in `epoch` (what earns rewards for it and what a withdrawal must leave).
    fn effective_lamports(&self, epoch: u64) -> u64 {
        match self.status(epoch) {
            StakeStatus::Active | StakeStatus::Deactivating => self.delegated_lamports,
            _ => 0,
        }
    }

    /// The account as observe reads it (None: no stake account at the address).
    pub fn view(&self, epoch: u64) -> Option<StakeView> {
        self.exists.then(|| StakeView {
            lamports: self.lamports,
            delegated_lamports: self.delegated_lamports,
            status: self.status(epoch),
            deactivated: self.deactivation_epoch != NONE,
            rent_exempt_reserve: STAKE_RENT_LAMPORTS,
        })
    }

    /// The account as rebalancing reads a main stake account.
    pub fn main_stake(&self, epoch: u64) -> Option<MainStake> {
        self.exists.then(|| MainStake { status: self.status(epoch), delegated_lamports: self.delegated_lamports })
    }

    /// Lamports that are the pool's (an existing account's), 0 at an empty address.
    pub fn held_lamports(&self) -> u64 {
        if self.exists {
            self.lamports
        } else {
            0
        }
    }

    /// Creates a stake account here with `lamports` more (whatever the address held stays in it)
    /// and delegates all but its rent, from `epoch`. Returns the lamports that were already there.
    pub fn create_delegated(&mut self, lamports: u64, epoch: u64) -> Result<u64, String> {
        if self.exists {
            return Err("create: an account exists at the address".into());
        }
        let stray = self.lamports;
        let total = stray + lamports;
        let stake = total.checked_sub(STAKE_RENT_LAMPORTS).ok_or("create: not rent-exempt")?;
        if stake < MIN_STAKE_DELEGATION_LAMPORTS {
            return Err(format!("delegate: {stake} is below the minimum delegation"));
        }
        *self = StakeAccount { exists: true, lamports: total, delegated_lamports: stake, activation_epoch: epoch, deactivation_epoch: NONE };
        Ok(stray)
    }

    /// `Split` of `lamports` into `dest`, an address funded (by its creator) but not yet a stake
    /// account, as the Stake program checks it: both keep at least the rent plus the minimum
    /// delegation, and the source's delegation keeps at least the minimum.
    pub fn split_into(&mut self, dest: &mut StakeAccount, lamports: u64) -> StakeResult {
        if !self.exists || dest.exists {
            return Err("split: source missing or destination already a stake account".into());
        }
        if lamports > self.lamports {
            return Err(format!("split: {lamports} of {} lamports", self.lamports));
        }
        let remaining = self.lamports - lamports;
        if remaining != 0 && remaining < STAKE_RENT_LAMPORTS + MIN_STAKE_DELEGATION_LAMPORTS {
            return Err(format!("split: the source would keep {remaining} lamports"));
        }
        if dest.lamports + lamports < STAKE_RENT_LAMPORTS + MIN_STAKE_DELEGATION_LAMPORTS {
            return Err("split: the destination would hold less than rent plus the minimum delegation".into());
        }
        if self.delegated_lamports.saturating_sub(lamports) < MIN_STAKE_DELEGATION_LAMPORTS || lamports > self.delegated_lamports {
            return Err(format!("split: {lamports} of a {} delegation (InsufficientDelegation)", self.delegated_lamports));
        }
        // The destination's own lamports pay its rent: all of `lamports` is stake.
        let split_stake = lamports.saturating_sub(STAKE_RENT_LAMPORTS.saturating_sub(dest.lamports));
        if split_stake < MIN_STAKE_DELEGATION_LAMPORTS {
            return Err(format!("split: a {split_stake} delegation"));
        }
        self.lamports = remaining;
        self.delegated_lamports -= lamports;
        *dest = StakeAccount {
            exists: true,
            lamports: dest.lamports + lamports,
            delegated_lamports: split_stake,
            activation_epoch: self.activation_epoch,
            deactivation_epoch: self.deactivation_epoch,
        };
        Ok(())
    }

    /// `Merge` of `source` into this account: both fully active (the one case observe merges).
    pub fn merge(&mut self, source: &mut StakeAccount, epoch: u64) -> StakeResult {
        if !self.exists || !source.exists {
            return Err("merge: an account is missing".into());
        }
        let both_active = self.status(epoch) == StakeStatus::Active && source.status(epoch) == StakeStatus::Active;
        if !both_active || self.deactivation_epoch != NONE || source.deactivation_epoch != NONE {
            return Err(format!("merge: {:?} into {:?}", source.status(epoch), self.status(epoch)));
        }
        self.lamports += source.lamports;
        self.delegated_lamports += source.delegated_lamports;
        *source = StakeAccount::default();
        Ok(())
    }

    /// `Deactivate`: refused when already deactivated.
    pub fn deactivate(&mut self, epoch: u64) -> StakeResult {
        if !self.exists || self.deactivation_epoch != NONE {
            return Err("deactivate: missing or already deactivated".into());
        }
        self.deactivation_epoch = epoch;
        Ok(())
    }

    /// `Withdraw` of `lamports`: all of it (closing the account) only when nothing is staked,
    /// otherwise leaving the rent and the stake still effective (or, before deactivation, all
    /// of the delegation, which may yet become effective).
    pub fn withdraw(&mut self, lamports: u64, epoch: u64) -> StakeResult {
        if !self.exists || lamports > self.lamports {
            return Err(format!("withdraw: {lamports} of {} lamports", self.held_lamports()));
        }
        let staked = if self.deactivation_epoch == NONE { self.delegated_lamports } else { self.effective_lamports(epoch) };
        if lamports == self.lamports {
            if staked != 0 {
                return Err(format!("withdraw: all of an account with {staked} staked"));
            }
            *self = StakeAccount::default();
            return Ok(());
        }
        if lamports + staked + STAKE_RENT_LAMPORTS > self.lamports {
            return Err(format!("withdraw: {lamports} of {} lamports with {staked} staked", self.lamports));
        }
        self.lamports -= lamports;
        Ok(())
    }

    /// `DelegateStake` on an existing account: only once its stake is inactive; all but the rent
    /// becomes the new delegation, from `epoch`.
    pub fn redelegate(&mut self, epoch: u64) -> StakeResult {
        if !self.exists || self.status(epoch) != StakeStatus::Inactive {
            return Err("delegate: the stake is not inactive (TooSoonToRedelegate)".into());
        }
        let stake = self.lamports.saturating_sub(STAKE_RENT_LAMPORTS);
        if stake < MIN_STAKE_DELEGATION_LAMPORTS {
            return Err(format!("delegate: {stake} is below the minimum delegation"));
        }
        self.delegated_lamports = stake;
        self.activation_epoch = epoch;
        self.deactivation_epoch = NONE;
        Ok(())
    }

    /// Rewards at the end of `epoch` on the stake effective in it, `ppm` millionths: added to the
    /// balance and the delegation, as the runtime pays them. Returns them.
    pub fn pay_rewards(&mut self, epoch: u64, ppm: u64) -> u64 {
        if !self.exists {
            return 0;
        }
        let rewards = (self.effective_lamports(epoch) as u128 * ppm as u128 / 1_000_000) as u64;
        self.lamports += rewards;
        self.delegated_lamports += rewards;
        rewards
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const SOL: u64 = 1_000_000_000;

    #[test]
    fn stake_activates_and_cools_down_in_one_epoch() {
        let mut s = StakeAccount::default();
        s.create_delegated(10 * SOL, 5).unwrap();
        assert_eq!((s.status(5), s.status(6)), (StakeStatus::Activating, StakeStatus::Active));
        s.deactivate(7).unwrap();
        assert_eq!((s.status(7), s.status(8)), (StakeStatus::Deactivating, StakeStatus::Inactive));
        let mut t = StakeAccount::default();
        t.create_delegated(10 * SOL, 5).unwrap();
        t.deactivate(5).unwrap();
        assert_eq!(t.status(5), StakeStatus::Inactive, "deactivated before it became effective");
    }

    #[test]
    fn withdrawals_leave_what_is_staked() {
        let mut s = StakeAccount::default();
        s.create_delegated(10 * SOL, 0).unwrap();
        s.lamports += 3 * SOL;
        assert!(s.withdraw(3 * SOL + 1, 1).is_err());
        s.withdraw(3 * SOL, 1).unwrap();
        assert!(s.withdraw(s.lamports, 1).is_err(), "an active account cannot close");
        s.deactivate(1).unwrap();
        assert!(s.withdraw(s.lamports, 1).is_err(), "nor a deactivating one");
        s.withdraw(s.lamports, 2).unwrap();
        assert!(!s.exists);
    }

    #[test]
    fn splits_keep_the_minimum_on_both_sides() {
        let mut s = StakeAccount::default();
        s.create_delegated(3 * SOL + STAKE_RENT_LAMPORTS, 0).unwrap();
        let mut d = StakeAccount { lamports: STAKE_RENT_LAMPORTS, ..StakeAccount::default() };
        assert!(s.split_into(&mut d.clone(), 2 * SOL + 1).is_err());
        s.split_into(&mut d, 2 * SOL).unwrap();
        assert_eq!((s.delegated_lamports, d.delegated_lamports, d.lamports), (SOL, 2 * SOL, 2 * SOL + STAKE_RENT_LAMPORTS));
    }
}
