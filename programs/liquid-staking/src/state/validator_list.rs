use super::scoring::{ValidatorRecord, ValidatorScoring, NEVER_READ};
use crate::{constants::MAX_VALIDATORS, error::LiquidStakingError, pda};
use anchor_lang::prelude::*;

/// Validator is in the pool and receives stake by weight.
pub const VALIDATOR_STATUS_ACTIVE: u8 = 0;
/// Validator is leaving: its stake is deactivating and returns to the reserve once inactive;
/// the entry disappears when both its stake accounts are empty. The operator's remove_validator
/// sets it, and so does the crank when someone else deactivated the validator's stake
/// (DeactivateDelinquent).
pub const VALIDATOR_STATUS_REMOVING: u8 = 1;

/// `ValidatorEntry::flags`: the pool deactivated the validator's whole main stake (to fund
/// tickets when splitting could not). The account stays, holding its rent, until rebalancing
/// delegates it again.
pub const VALIDATOR_FLAG_MAIN_DEACTIVATED: u8 = 1;
/// The validator fails a rule (`ValidatorRecord::reason`) or is cooling off: its weight counts for
/// nothing (target 0) and anyone may deactivate its stake.
pub const VALIDATOR_FLAG_INELIGIBLE: u8 = 2;
/// The operator blocklisted the validator: ineligible until unblocked.
pub const VALIDATOR_FLAG_BLOCKED: u8 = 4;

/// Every validator of a pool, zero-copy (about 2.72 MB for MAX_VALIDATORS validators). Created by
/// the client with system `create_account` (too large for a CPI) in the same transaction as
/// `initialize_pool`, which claims it.
///
/// Layout 1 (VALIDATOR_LIST_VERSION) is layout 0 followed by the records and the rules: the
/// entries stay where they were, so a list of layout 0 becomes one of layout 1 by growing
/// (`migrate_validator_list`), without moving a byte.
#[account(zero_copy)]
#[repr(C)]
pub struct ValidatorList {
    pub pool: Pubkey,
    pub count: u32,
    /// VALIDATOR_LIST_VERSION (0 in lists from before the records).
    pub version: u8,
    pub _padding: [u8; 3],
    pub entries: [ValidatorEntry; MAX_VALIDATORS as usize],
    /// `records[i]` is what the pool read of `entries[i]`'s vote account.
    pub records: [ValidatorRecord; MAX_VALIDATORS as usize],
    pub scoring: ValidatorScoring,
}

/// One validator: 72 bytes.
#[zero_copy]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct ValidatorEntry {
    pub vote_account: Pubkey,
    /// Lamports in the validator's main stake account when last observed (or moved by us).
    pub active_stake_lamports: u64,
    /// Lamports in its transient stake account when last observed (or moved by us).
    pub transient_stake_lamports: u64,
    pub last_observed_epoch: u64,
    /// Lamports on their way back to the reserve from this validator (its transient, or its whole
    /// main stake when VALIDATOR_FLAG_MAIN_DEACTIVATED), for tickets or the buffer; counted in
    /// `Pool::unstaking_lamports` until withdrawn.
    pub unstaking_lamports: u64,
    /// Relative share of the staked SOL this validator should hold.
    pub weight: u32,
    pub status: u8,
    pub validator_stake_bump: u8,
    pub transient_stake_bump: u8,
    /// VALIDATOR_FLAG_* bits.
    pub flags: u8,
}

impl ValidatorEntry {
    pub fn total_lamports(&self) -> u64 {
        self.active_stake_lamports.saturating_add(self.transient_stake_lamports)
    }

    pub fn main_deactivated_by_pool(&self) -> bool {
        self.flags & VALIDATOR_FLAG_MAIN_DEACTIVATED != 0
    }

    pub fn is_eligible(&self) -> bool {
        self.flags & VALIDATOR_FLAG_INELIGIBLE == 0
    }

    pub fn is_blocked(&self) -> bool {
        self.flags & VALIDATOR_FLAG_BLOCKED != 0
    }

    /// The weight that counts toward targets (and `Pool::total_weight`): the operator's, while
    /// the validator is eligible; nothing while it is not.
    pub fn effective_weight(&self) -> u64 {
        if self.is_eligible() {
            self.weight as u64
        } else {
            0
        }
    }

    /// Checks `address` is this validator's main stake account in `pool` (re-derived from the
    /// stored bump).
    pub fn check_validator_stake(&self, pool: &Pubkey, address: &Pubkey) -> Result<()> {
        require!(
            pda::is_validator_stake_address(pool, &self.vote_account, self.validator_stake_bump, address),
            LiquidStakingError::StakeAccountMismatch
        );
        Ok(())
    }

    /// Whether `address` is this validator's transient stake account in `pool`.
    pub fn is_transient_stake(&self, pool: &Pubkey, address: &Pubkey) -> bool {
        pda::is_transient_stake_address(pool, &self.vote_account, self.transient_stake_bump, address)
    }

    /// Checks `address` is this validator's transient stake account in `pool`.
    pub fn check_transient_stake(&self, pool: &Pubkey, address: &Pubkey) -> Result<()> {
        require!(self.is_transient_stake(pool, address), LiquidStakingError::TransientStakeAccountMismatch);
        Ok(())
    }
}

impl ValidatorList {
    pub const SPACE: usize = 8 + core::mem::size_of::<ValidatorList>();
    /// Size of a list of layout 0 (header and entries).
    pub const SPACE_V0: usize = 8 + 40 + MAX_VALIDATORS as usize * core::mem::size_of::<ValidatorEntry>();

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn entry(&self, index: u32) -> Result<&ValidatorEntry> {
        require!(index < self.count, LiquidStakingError::ValidatorIndexOutOfRange);
        Ok(&self.entries[index as usize])
    }

    pub fn entry_mut(&mut self, index: u32) -> Result<&mut ValidatorEntry> {
        require!(index < self.count, LiquidStakingError::ValidatorIndexOutOfRange);
        Ok(&mut self.entries[index as usize])
    }

    /// The entry at `index`, checked to be the one for `vote_account`.
    pub fn entry_for_mut(&mut self, index: u32, vote_account: &Pubkey) -> Result<&mut ValidatorEntry> {
        let entry = self.entry_mut(index)?;
        require_keys_eq!(entry.vote_account, *vote_account, LiquidStakingError::ValidatorIndexMismatch);
        Ok(entry)
    }

    /// The entry and the record at `index`, the entry checked to be `vote_account`'s.
    pub fn validator_mut(&mut self, index: u32, vote_account: &Pubkey) -> Result<(&mut ValidatorEntry, &mut ValidatorRecord)> {
        require_keys_eq!(self.entry(index)?.vote_account, *vote_account, LiquidStakingError::VoteAccountMismatch);
        Ok((&mut self.entries[index as usize], &mut self.records[index as usize]))
    }

    pub fn record(&self, index: u32) -> Result<&ValidatorRecord> {
        require!(index < self.count, LiquidStakingError::ValidatorIndexOutOfRange);
        Ok(&self.records[index as usize])
    }

    /// Appends a validator, its record unread.
    pub fn push(&mut self, entry: ValidatorEntry) -> Result<()> {
        require!(self.count < MAX_VALIDATORS, LiquidStakingError::ValidatorListFull);
        self.entries[self.count as usize] = entry;
        self.records[self.count as usize] = ValidatorRecord::unread();
        self.count += 1;
        Ok(())
    }

    /// Removes the validator at `index` by moving the last one (entry and record) into its place.
    pub fn swap_remove(&mut self, index: u32) -> Result<()> {
        require!(index < self.count, LiquidStakingError::ValidatorIndexOutOfRange);
        let last = self.count - 1;
        if !self.entries[index as usize].is_eligible() {
            self.scoring.ineligible_count = self.scoring.ineligible_count.saturating_sub(1);
        }
        self.entries[index as usize] = self.entries[last as usize];
        self.entries[last as usize] = ValidatorEntry::zeroed();
        self.records[index as usize] = self.records[last as usize];
        self.records[last as usize] = ValidatorRecord::zeroed();
        self.count = last;
        Ok(())
    }

    /// Takes in `reading` of the vote account of the validator at `index` (checked to be
    /// `vote_account`'s) in `epoch`: updates its record and its eligibility. Returns what changed;
    /// the caller moves `Pool::total_weight` by `weight_delta`.
    pub fn take_reading(&mut self, index: u32, vote_account: &Pubkey, reading: &crate::checks::VoteReading, epoch: u64) -> Result<ReadingOutcome> {
        let rules = self.scoring.rules_at(epoch);
        let reference = self.scoring.count_round(epoch, reading.window_credits());
        let (entry, record) = self.validator_mut(index, vote_account)?;
        let was_eligible = entry.is_eligible();
        let first_this_epoch = record.watched_since_epoch == NEVER_READ || record.recorded_epoch != epoch;
        let before = (record.commission_bps[0], record.reason);
        let broken = record.take_reading(reading, epoch, &rules, entry.is_blocked(), reference);
        let eligible = record.is_eligible(epoch);
        let mut weight_delta = 0i64;
        if was_eligible && !eligible {
            entry.flags |= VALIDATOR_FLAG_INELIGIBLE;
            weight_delta = -(entry.weight as i64);
        } else if !was_eligible && eligible {
            entry.flags &= !VALIDATOR_FLAG_INELIGIBLE;
            weight_delta = entry.weight as i64;
        }
        let outcome = ReadingOutcome {
            changed: first_this_epoch || before != (record.commission_bps[0], record.reason) || was_eligible != eligible,
            became_ineligible: was_eligible && !eligible,
            became_eligible: !was_eligible && eligible,
            broken_rule: broken,
            reason: record.reason,
            weight_delta,
        };
        if outcome.became_ineligible {
            self.scoring.ineligible_count += 1;
        } else if outcome.became_eligible {
            self.scoring.ineligible_count = self.scoring.ineligible_count.saturating_sub(1);
        }
        Ok(outcome)
    }
}

/// What one reading changed (`ValidatorList::take_reading`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadingOutcome {
    /// The record moved (a first reading this epoch, a higher commission, a new verdict).
    pub changed: bool,
    pub became_ineligible: bool,
    pub became_eligible: bool,
    /// The rule this reading broke (ELIGIBLE: none).
    pub broken_rule: u8,
    /// The record's reason after the reading.
    pub reason: u8,
    /// Change to `Pool::total_weight`.
    pub weight_delta: i64,
}

use anchor_lang::__private::bytemuck::Zeroable;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_list_refuses_another_validator() {
        // 1.44 MB: on the heap.
        // (Zeroable: all zeros is a valid list.)
        let mut list: Box<ValidatorList> = unsafe { Box::<ValidatorList>::new_zeroed().assume_init() };
        list.count = MAX_VALIDATORS - 1;
        list.push(ValidatorEntry::zeroed()).unwrap();
        assert_eq!(list.push(ValidatorEntry::zeroed()), Err(LiquidStakingError::ValidatorListFull.into()));
        assert_eq!(list.count, MAX_VALIDATORS);
        list.swap_remove(0).unwrap();
        assert_eq!(list.count, MAX_VALIDATORS - 1);
    }
}
