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

/// Every validator of a pool, zero-copy (about 1.44 MB for MAX_VALIDATORS entries). Created by the
/// client with system `create_account` (too large for a CPI) in the same transaction as
/// `initialize_pool`, which claims it.
#[account(zero_copy)]
#[repr(C)]
pub struct ValidatorList {
    pub pool: Pubkey,
    pub count: u32,
    pub _padding: [u8; 4],
    pub entries: [ValidatorEntry; MAX_VALIDATORS as usize],
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

    pub fn push(&mut self, entry: ValidatorEntry) -> Result<()> {
        require!(self.count < MAX_VALIDATORS, LiquidStakingError::ValidatorListFull);
        self.entries[self.count as usize] = entry;
        self.count += 1;
        Ok(())
    }

    /// Removes the entry at `index` by moving the last entry into its place.
    pub fn swap_remove(&mut self, index: u32) -> Result<()> {
        require!(index < self.count, LiquidStakingError::ValidatorIndexOutOfRange);
        let last = self.count - 1;
        self.entries[index as usize] = self.entries[last as usize];
        self.entries[last as usize] = ValidatorEntry::zeroed();
        self.count = last;
        Ok(())
    }
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
