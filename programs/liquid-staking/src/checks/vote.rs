//! A validator's vote account, read by the program itself (no oracle, no off-chain input): the
//! commission it takes of inflation rewards and the credits it earned in each recent epoch, from
//! every vote-state version agave 3.1 can hold. Only the fields needed are read, by offset, with
//! no allocation: the votes, the authorized voters and the prior voters are skipped by length.
//!
//! Layouts (bincode, little-endian), after a u32 version:
//! - 0 (0.23.5): node, authorized voter, its epoch, prior voters (32 x 56 bytes, index, is-empty),
//!   withdrawer, commission (u8 %), votes (u64 count x 12), root (Option<u64>), epoch credits;
//! - 1 (1.14.11): node, withdrawer, commission (u8 %), votes (x 12), root, authorized voters
//!   (u64 count x 40), prior voters (32 x 48, index, is-empty), epoch credits;
//! - 2 (V3): as 1 with votes of 13 bytes (a latency byte each);
//! - 3 (V4, SIMD-0185): node, withdrawer, inflation and block-revenue collectors, inflation
//!   commission (u16 basis points), block-revenue commission (u16), pending delegator rewards (u64),
//!   BLS key (Option<[u8; 48]>), votes (x 13), root, authorized voters, epoch credits (no prior
//!   voters).
//!
//! Epoch credits are `(epoch, credits, prev_credits)` triples in epoch order: what the account
//! earned in `epoch` is `credits - prev_credits`; an epoch without a triple earned nothing.
use crate::error::LiquidStakingError;
use anchor_lang::prelude::*;

/// Completed epochs a reading reports (and a validator's record keeps).
pub const VOTE_HISTORY_EPOCHS: usize = 5;

/// What the program reads of a vote account in epoch `epoch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteReading {
    /// Commission on inflation rewards, in basis points (a percentage times 100 before V4).
    pub commission_bps: u16,
    /// Credits earned in each of the VOTE_HISTORY_EPOCHS epochs before `epoch`, newest first.
    pub credits: [u64; VOTE_HISTORY_EPOCHS],
    /// Credits earned so far in `epoch`.
    pub current_credits: u64,
}

impl VoteReading {
    /// What a closed vote account (no lamports, no data) reads as: taking all rewards and earning
    /// no credits. Stake delegated to it earns nothing.
    pub const fn closed() -> Self {
        VoteReading { commission_bps: 10_000, credits: [0; VOTE_HISTORY_EPOCHS], current_credits: 0 }
    }

    /// Credits over the window (the completed epochs).
    pub fn window_credits(&self) -> u64 {
        self.credits.iter().fold(0u64, |sum, c| sum.saturating_add(*c))
    }
}

const PUBKEY: usize = 32;
/// Prior voters of versions 1 and 2: 32 x (pubkey, epoch, epoch), index, is-empty.
const PRIOR_VOTERS: usize = 32 * 48 + 8 + 1;
/// Prior voters of version 0: 32 x (pubkey, epoch, epoch, slot), index, is-empty.
const PRIOR_VOTERS_0_23_5: usize = 32 * 56 + 8 + 1;
const BLS_PUBKEY_COMPRESSED: usize = 48;

struct Cursor<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).ok_or(LiquidStakingError::VoteStateUnreadable)?;
        let out = self.data.get(self.at..end).ok_or(LiquidStakingError::VoteStateUnreadable)?;
        self.at = end;
        Ok(out)
    }

    fn skip(&mut self, n: usize) -> Result<()> {
        self.bytes(n).map(|_| ())
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.bytes(1)?[0])
    }

    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.bytes(2)?.try_into().unwrap()))
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.bytes(4)?.try_into().unwrap()))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.bytes(8)?.try_into().unwrap()))
    }

    /// Skips a u64 count of `item`-byte items; returns the count.
    fn skip_items(&mut self, item: usize) -> Result<u64> {
        let count = self.u64()?;
        let len = usize::try_from(count).ok().and_then(|c| c.checked_mul(item)).ok_or(LiquidStakingError::VoteStateUnreadable)?;
        self.skip(len)?;
        Ok(count)
    }

    /// Skips an Option of `some`-byte content.
    fn skip_option(&mut self, some: usize) -> Result<()> {
        match self.u8()? {
            0 => Ok(()),
            1 => self.skip(some),
            _ => err!(LiquidStakingError::VoteStateUnreadable),
        }
    }
}

/// Reads the commission and the recent credits of the vote state in `data`, in epoch `epoch`.
/// Refuses (VoteStateUnreadable) a version this program does not know, an uninitialized vote
/// state (no authorized voter) and data too short for what its lengths say.
pub fn read_vote_state(data: &[u8], epoch: u64) -> Result<VoteReading> {
    let mut c = Cursor { data, at: 0 };
    let version = c.u32()?;
    let commission_bps = match version {
        0 => {
            c.skip(PUBKEY)?; // node
            let voter = c.bytes(PUBKEY)?;
            require!(voter.iter().any(|b| *b != 0), LiquidStakingError::VoteStateUnreadable);
            c.skip(8 + PRIOR_VOTERS_0_23_5 + PUBKEY)?; // voter epoch, prior voters, withdrawer
            let commission = c.u8()?;
            c.skip_items(12)?; // votes
            c.skip_option(8)?; // root slot
            commission as u16 * 100
        }
        1 | 2 => {
            c.skip(2 * PUBKEY)?; // node, withdrawer
            let commission = c.u8()?;
            c.skip_items(if version == 1 { 12 } else { 13 })?;
            c.skip_option(8)?;
            require!(c.skip_items(8 + PUBKEY)? > 0, LiquidStakingError::VoteStateUnreadable);
            c.skip(PRIOR_VOTERS)?;
            commission as u16 * 100
        }
        3 => {
            c.skip(4 * PUBKEY)?; // node, withdrawer, the two collectors
            let commission_bps = c.u16()?;
            c.skip(2 + 8)?; // block-revenue commission, pending delegator rewards
            c.skip_option(BLS_PUBKEY_COMPRESSED)?;
            c.skip_items(13)?;
            c.skip_option(8)?;
            require!(c.skip_items(8 + PUBKEY)? > 0, LiquidStakingError::VoteStateUnreadable);
            commission_bps
        }
        _ => return err!(LiquidStakingError::VoteStateUnreadable),
    };
    require!(commission_bps <= 10_000, LiquidStakingError::VoteStateUnreadable);

    // Epoch credits: read from the newest back to the oldest epoch of the window.
    let count = usize::try_from(c.u64()?).map_err(|_| LiquidStakingError::VoteStateUnreadable)?;
    let start = c.at;
    c.skip(count.checked_mul(24).ok_or(LiquidStakingError::VoteStateUnreadable)?)?;
    let mut reading = VoteReading { commission_bps, credits: [0; VOTE_HISTORY_EPOCHS], current_credits: 0 };
    for i in (0..count).rev() {
        let mut t = Cursor { data, at: start + i * 24 };
        let (entry_epoch, credits, prev_credits) = (t.u64()?, t.u64()?, t.u64()?);
        let earned = credits.saturating_sub(prev_credits);
        if entry_epoch == epoch {
            reading.current_credits = earned;
        } else if entry_epoch < epoch {
            let back = (epoch - entry_epoch - 1) as usize;
            if back >= VOTE_HISTORY_EPOCHS {
                break;
            }
            reading.credits[back] = earned;
        }
    }
    Ok(reading)
}

/// Whether the account at a validator's vote address is its closed vote account: no data and
/// nothing but the System program's (gone, or refunded by anyone after the Vote program closed it:
/// only closing makes a vote address a system account).
pub fn reads_as_closed(owner: &Pubkey, lamports: u64, data_len: usize) -> bool {
    data_len == 0 && (lamports == 0 || *owner == anchor_lang::solana_program::system_program::ID)
}

/// Reads `vote_account`, which must be owned by the Vote program (InvalidVoteAccount); a closed
/// one (`reads_as_closed`) reads as `VoteReading::closed`.
pub fn read_vote_account(vote_account: &AccountInfo, epoch: u64) -> Result<VoteReading> {
    if reads_as_closed(vote_account.owner, vote_account.lamports(), vote_account.data_len()) {
        return Ok(VoteReading::closed());
    }
    require_keys_eq!(*vote_account.owner, crate::instructions::VOTE_PROGRAM_ID, LiquidStakingError::InvalidVoteAccount);
    read_vote_state(&vote_account.try_borrow_data()?, epoch)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hand-built version-3 (V4) state: no votes, one authorized voter, `credits` triples.
    fn v4(commission_bps: u16, credits: &[(u64, u64, u64)]) -> Vec<u8> {
        let mut d = 3u32.to_le_bytes().to_vec();
        d.extend([1u8; 128]);
        d.extend(commission_bps.to_le_bytes());
        d.extend(10_000u16.to_le_bytes());
        d.extend(0u64.to_le_bytes());
        d.push(0); // no BLS key
        d.extend(0u64.to_le_bytes()); // votes
        d.push(0); // root
        d.extend(1u64.to_le_bytes());
        d.extend([2u8; 40]);
        d.extend((credits.len() as u64).to_le_bytes());
        for (e, c, p) in credits {
            d.extend(e.to_le_bytes());
            d.extend(c.to_le_bytes());
            d.extend(p.to_le_bytes());
        }
        d.extend([0u8; 16]);
        d
    }

    #[test]
    fn credits_are_per_epoch_newest_first_and_missing_epochs_earned_nothing() {
        let data = v4(500, &[(3, 100, 0), (4, 250, 100), (6, 400, 250), (7, 410, 400)]);
        let r = read_vote_state(&data, 7).unwrap();
        assert_eq!(r.commission_bps, 500);
        assert_eq!(r.current_credits, 10);
        assert_eq!(r.credits, [150, 0, 150, 100, 0]);
        assert_eq!(r.window_credits(), 400);
        // Later, the oldest epochs fall out of the window.
        assert_eq!(read_vote_state(&data, 9).unwrap().credits, [0, 10, 150, 0, 150]);
    }

    #[test]
    fn short_unknown_and_uninitialized_states_are_refused() {
        let data = v4(0, &[(1, 5, 0)]);
        for cut in [0, 3, 100, data.len() - 40] {
            assert_eq!(read_vote_state(&data[..cut], 2), Err(LiquidStakingError::VoteStateUnreadable.into()), "cut at {cut}");
        }
        let mut unknown = data.clone();
        unknown[0] = 4;
        assert_eq!(read_vote_state(&unknown, 2), Err(LiquidStakingError::VoteStateUnreadable.into()));
        let mut huge_count = data.clone();
        huge_count[4 + 128 + 2 + 2 + 8 + 1..][..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(read_vote_state(&huge_count, 2), Err(LiquidStakingError::VoteStateUnreadable.into()));
        assert_eq!(read_vote_state(&[0u8; 3762], 2), Err(LiquidStakingError::VoteStateUnreadable.into()), "uninitialized");
        assert_eq!(read_vote_state(&v4(10_001, &[]), 2), Err(LiquidStakingError::VoteStateUnreadable.into()));
    }
}
