//! Reads entries of the StakeHistory sysvar straight from its account data, without
//! deserializing the whole (16 KB) vector and without the `sol_get_sysvar` syscall.
//!
//! Layout (bincode): u64 entry count, then entries of 32 bytes each, newest epoch first:
//! epoch, effective, activating, deactivating (all u64 little-endian).
use crate::error::LiquidStakingError;
use anchor_lang::prelude::*;
use solana_stake_interface::stake_history::{StakeHistoryEntry, StakeHistoryGetEntry};

const ENTRY_SIZE: usize = 32;

pub struct StakeHistoryView<'a> {
    entries: &'a [u8],
}

fn read_u64(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

impl<'a> StakeHistoryView<'a> {
    pub fn new(data: &'a [u8]) -> Result<Self> {
        require!(data.len() >= 8, LiquidStakingError::InvalidStakeHistory);
        let count = read_u64(data, 0) as usize;
        let end = count
            .checked_mul(ENTRY_SIZE)
            .and_then(|n| n.checked_add(8))
            .filter(|end| *end <= data.len())
            .ok_or(LiquidStakingError::InvalidStakeHistory)?;
        Ok(Self { entries: &data[8..end] })
    }

    fn epoch_at(&self, index: usize) -> u64 {
        read_u64(self.entries, index * ENTRY_SIZE)
    }
}

impl StakeHistoryGetEntry for StakeHistoryView<'_> {
    fn get_entry(&self, epoch: u64) -> Option<StakeHistoryEntry> {
        let count = self.entries.len() / ENTRY_SIZE;
        if count == 0 {
            return None;
        }
        // Entries are contiguous and newest first, so the index is the distance from the newest.
        let newest = self.epoch_at(0);
        let index = usize::try_from(newest.checked_sub(epoch)?).ok()?;
        if index >= count || self.epoch_at(index) != epoch {
            return None;
        }
        let at = index * ENTRY_SIZE;
        Some(StakeHistoryEntry {
            effective: read_u64(self.entries, at + 8),
            activating: read_u64(self.entries, at + 16),
            deactivating: read_u64(self.entries, at + 24),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(entries: &[(u64, u64, u64, u64)]) -> Vec<u8> {
        let mut data = (entries.len() as u64).to_le_bytes().to_vec();
        for (e, a, b, c) in entries {
            for v in [e, a, b, c] {
                data.extend_from_slice(&v.to_le_bytes());
            }
        }
        data
    }

    #[test]
    fn finds_entries_newest_first() {
        let data = encode(&[(9, 90, 1, 2), (8, 80, 3, 4), (7, 70, 5, 6)]);
        let view = StakeHistoryView::new(&data).unwrap();
        let e = view.get_entry(8).unwrap();
        assert_eq!((e.effective, e.activating, e.deactivating), (80, 3, 4));
        assert!(view.get_entry(10).is_none());
        assert!(view.get_entry(6).is_none());
        assert_eq!(view.get_entry(7).unwrap().effective, 70);
    }

    #[test]
    fn rejects_truncated_data() {
        let mut data = encode(&[(9, 90, 1, 2)]);
        data.truncate(20);
        let invalid = Err(LiquidStakingError::InvalidStakeHistory.into());
        assert_eq!(StakeHistoryView::new(&data).map(|_| ()), invalid);
        assert_eq!(StakeHistoryView::new(&[1, 2]).map(|_| ()), invalid);
    }

    #[test]
    fn empty_history_has_no_entries() {
        let data = encode(&[]);
        assert!(StakeHistoryView::new(&data).unwrap().get_entry(0).is_none());
    }
}
