//! What `rebalance_validator` does to one validator, decided and booked without any account type
//! or CPI: the handler, the SDK's crank plan and the accounting fuzz all call these, so the rules
//! (which validator may give or take stake, how much, and when there is nothing to do) live here
//! once.
use super::*;
use crate::{checks::StakeStatus, constants::*, error::LiquidStakingError, math};
use anchor_lang::prelude::*;

/// A validator's main stake account as rebalancing needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MainStake {
    pub status: StakeStatus,
    /// Its delegation (`Delegation::stake`): only delegated stake can be split off.
    pub delegated_lamports: u64,
}

/// One rebalance of one validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebalance {
    /// Split `lamports` of delegated stake off the main account into the transient and deactivate
    /// it. The transient's rent comes from the reserve when it holds that much pool SOL
    /// (`rent_from_reserve`), else from the caller (a donation the next settlement counts):
    /// missing rent never turns a split into a whole-stake unstake.
    Split { lamports: u64, rent_from_reserve: bool },
    /// Deactivate the whole main stake: a split cannot cover the shortfall (or the delegation is
    /// too small to split at all), so this unstakes at most the minimum delegation more than needed.
    Whole,
    /// Create the transient with `lamports` from the reserve and delegate it.
    StakeTransient { lamports: u64, target_lamports: u64 },
    /// Delegate the resting main account (after a whole-stake unstake) again with `lamports` from
    /// the reserve.
    Redelegate { lamports: u64, target_lamports: u64 },
}

impl Rebalance {
    pub fn is_unstake(&self) -> bool {
        matches!(self, Rebalance::Split { .. } | Rebalance::Whole)
    }
}

/// What deactivating an ineligible validator's stake does (`Pool::plan_deactivation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deactivation {
    /// Deactivate the main stake (whole): it rests with its rent once back in the reserve.
    pub main: bool,
    /// Deactivate the transient: it was staking (activating, or active and not merged yet).
    pub transient: bool,
}

/// What a booked rebalance moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RebalanceBooking {
    /// Lamports the reserve paid out (stake, or a transient's rent).
    pub reserve_out_lamports: u64,
    /// Lamports the caller paid (a transient's rent the reserve could not pay).
    pub caller_lamports: u64,
    /// Lamports on their way back to the reserve (an unstake).
    pub returning_lamports: u64,
    /// Lamports staked (a staking rebalance).
    pub staked_lamports: u64,
}

impl Pool {
    /// A validator's target: its weight's share of SOL under management above the buffer.
    pub fn validator_target_lamports(&self, entry: &ValidatorEntry) -> Result<u64> {
        let stakeable = self.total_lamports.saturating_sub(self.buffer_target_lamports()?);
        math::validator_target_lamports(stakeable, entry.effective_weight() as u32, self.total_weight).map_err(|e| LiquidStakingError::from(e).into())
    }

    /// Decides the rebalance of validator `entry` in `epoch`, the reserve holding
    /// `reserve_balance` and a stake account's rent being `stake_rent`. `main` is the validator's
    /// main stake account, when it exists; `transient_exists` whether anything is at its transient
    /// address. In order:
    /// - the rate must be fresh; staking (no shortfall) must not be paused;
    /// - the validator must be active, with no transient in flight;
    /// - when the reserve is short of tickets plus its buffer: unstake, only from a validator at or
    ///   above its target whose main stake is fully active; a split whenever the delegation can
    ///   give the shortfall and keep the minimum, else the whole stake;
    /// - otherwise stake into a validator below its target what it lacks plus the overfill, at most
    ///   what the reserve holds above tickets and buffer, and at most
    ///   MAX_STAKE_INCREASES_PER_EPOCH times an epoch.
    ///
    /// Nothing to do is a named refusal, never a silent success, so a crank can tell.
    pub fn plan_rebalance(
        &self,
        entry: &ValidatorEntry,
        main: Option<MainStake>,
        transient_exists: bool,
        reserve_balance: u64,
        stake_rent: u64,
        epoch: u64,
    ) -> Result<Rebalance> {
        self.require_fresh(epoch)?;
        let shortfall = self.reserve_shortfall_lamports(reserve_balance)?;
        if shortfall == 0 {
            // Staking new SOL: the one part of the crank the pause guardian can stop.
            self.require_open(epoch, PAUSED_REBALANCING)?;
        }
        require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
        require!(!transient_exists && entry.transient_stake_lamports == 0, LiquidStakingError::TransientStakeInFlight);
        let target = self.validator_target_lamports(entry)?;

        if shortfall > 0 {
            let main = main
                .filter(|m| m.status == StakeStatus::Active && !entry.main_deactivated_by_pool())
                .ok_or(LiquidStakingError::StakeNotActive)?;
            // Stake comes back from those holding more than their share: nobody can push an
            // unstake onto a validator below its target.
            require!(entry.total_lamports() >= target, LiquidStakingError::ValidatorBelowTarget);
            return match math::stake_decrease(shortfall, main.delegated_lamports, MIN_STAKE_DELEGATION_LAMPORTS) {
                math::StakeDecrease::None => err!(LiquidStakingError::StakeNotActive),
                math::StakeDecrease::Split(lamports) => {
                    Ok(Rebalance::Split { lamports, rent_from_reserve: self.reserve_free_lamports(reserve_balance) >= stake_rent })
                }
                math::StakeDecrease::Whole => Ok(Rebalance::Whole),
            };
        }

        self.require_stake_increase_allowed(epoch)?;
        let available = self.reserve_stakeable_lamports(reserve_balance)?;
        let overfill = math::stake_overfill_lamports(self.total_lamports).map_err(LiquidStakingError::from)?;
        if entry.main_deactivated_by_pool() {
            // The main account rests with its rent once its stake is back in the reserve.
            require!(
                main.is_some_and(|m| m.status == StakeStatus::Inactive) && entry.unstaking_lamports == 0,
                LiquidStakingError::StakeNotActive
            );
            let lamports = math::stake_increase_lamports(target, entry.total_lamports(), available, MIN_STAKE_DELEGATION_LAMPORTS, overfill);
            require!(lamports > 0, LiquidStakingError::NothingToStake);
            return Ok(Rebalance::Redelegate { lamports, target_lamports: target });
        }
        let lamports = math::stake_increase_lamports(target, entry.total_lamports(), available, stake_rent + MIN_STAKE_DELEGATION_LAMPORTS, overfill);
        require!(lamports > 0, LiquidStakingError::NothingToStake);
        Ok(Rebalance::StakeTransient { lamports, target_lamports: target })
    }

    /// Decides how to take the stake of the ineligible validator `entry` back to the reserve: its
    /// main stake unless already deactivated, and a transient that is staking (one unstaking for
    /// tickets goes on). Refused for an eligible validator (ValidatorEligible), a leaving one
    /// (ValidatorRemoving: its stake is deactivating already) and when nothing is left to
    /// deactivate (NothingToDeactivate).
    pub fn plan_deactivation(&self, entry: &ValidatorEntry, main: Option<StakeStatus>, transient: Option<StakeStatus>) -> Result<Deactivation> {
        require!(!entry.is_eligible(), LiquidStakingError::ValidatorEligible);
        require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
        let staking = |s: Option<StakeStatus>| matches!(s, Some(StakeStatus::Active | StakeStatus::Activating));
        let plan = Deactivation { main: staking(main) && !entry.main_deactivated_by_pool(), transient: staking(transient) };
        require!(plan.main || plan.transient, LiquidStakingError::NothingToDeactivate);
        Ok(plan)
    }

    /// Books `plan` (done by the handler's CPIs): the deactivated lamports are on their way back
    /// to the reserve, as after a whole-stake unstake. Returns them.
    pub fn book_deactivation(&mut self, entry: &mut ValidatorEntry, plan: &Deactivation, stake_rent: u64) -> u64 {
        let mut returning = 0;
        if plan.main {
            entry.flags |= VALIDATOR_FLAG_MAIN_DEACTIVATED;
            returning += entry.active_stake_lamports.saturating_sub(stake_rent);
        }
        if plan.transient {
            returning += entry.transient_stake_lamports;
        }
        entry.unstaking_lamports = entry.unstaking_lamports.saturating_add(returning);
        self.unstaking_lamports = self.unstaking_lamports.saturating_add(returning);
        returning
    }

    /// Books `action` (done by the handler's CPIs) in the pool and the validator's entry.
    pub fn book_rebalance(&mut self, entry: &mut ValidatorEntry, action: &Rebalance, stake_rent: u64, epoch: u64) -> Result<RebalanceBooking> {
        let mut booked = RebalanceBooking::default();
        match *action {
            Rebalance::Split { lamports, rent_from_reserve } => {
                entry.active_stake_lamports =
                    math::checked_sub(entry.active_stake_lamports, lamports, "unstake_split").map_err(LiquidStakingError::from)?;
                // The caller's rent is not recorded: the next observe sees it as a donation.
                let rent = if rent_from_reserve { stake_rent } else { 0 };
                entry.transient_stake_lamports = lamports + rent;
                if rent_from_reserve {
                    booked.reserve_out_lamports = stake_rent;
                    self.apply_stake_delta(stake_rent as i128)?;
                } else {
                    booked.caller_lamports = stake_rent;
                }
                booked.returning_lamports = lamports + stake_rent;
            }
            Rebalance::Whole => {
                entry.flags |= VALIDATOR_FLAG_MAIN_DEACTIVATED;
                // What observe will withdraw once inactive: all but the account's rent.
                booked.returning_lamports = entry.active_stake_lamports.saturating_sub(stake_rent);
            }
            Rebalance::StakeTransient { lamports, .. } => {
                self.record_stake_increase(epoch)?;
                entry.transient_stake_lamports = lamports;
                self.apply_stake_delta(lamports as i128)?;
                booked.reserve_out_lamports = lamports;
                booked.staked_lamports = lamports;
            }
            Rebalance::Redelegate { lamports, .. } => {
                self.record_stake_increase(epoch)?;
                entry.flags &= !VALIDATOR_FLAG_MAIN_DEACTIVATED;
                entry.active_stake_lamports += lamports;
                self.apply_stake_delta(lamports as i128)?;
                booked.reserve_out_lamports = lamports;
                booked.staked_lamports = lamports;
            }
        }
        if booked.returning_lamports > 0 {
            entry.unstaking_lamports = booked.returning_lamports;
            self.unstaking_lamports = self.unstaking_lamports.saturating_add(booked.returning_lamports);
        }
        Ok(booked)
    }
}
