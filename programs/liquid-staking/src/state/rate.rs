use crate::{constants::*, math};
use anchor_lang::prelude::*;

/// `ExchangeRate::flags`: the last settlement lowered the rate by more than RATE_BREAKER_DROP_BPS.
/// Readers must refuse the rate until the admin has looked and reset it (`reset_rate_breaker`).
pub const RATE_FLAG_BREAKER: u8 = 1;
/// `ExchangeRate::flags`: the last settlement lowered the rate, within the breaker's tolerance.
/// Information for readers; cleared by the next settlement that does not.
pub const RATE_FLAG_LOSS: u8 = 2;

/// The exchange rate as of the last settlement, for lending protocols and other readers:
/// `[RATE_SEED, pool]`, written by `initialize_pool` and every `finalize_epoch`, returned whole by
/// `get_rate`. A fixed, versioned `repr(C)` layout (offsets below, after Anchor's 8-byte
/// discriminator; return data carries the same bytes without it), so a reader needs neither this
/// crate nor Borsh.
///
/// | offset | size | field            |
/// |-------:|-----:|------------------|
/// |      8 |    1 | version (= 1)    |
/// |      9 |    1 | flags            |
/// |     16 |   32 | pool             |
/// |     48 |    8 | total_lamports   |
/// |     56 |    8 | lst_supply       |
/// |     64 |    8 | epoch            |
/// |     72 |    8 | slot             |
/// |     80 |    8 | unix_timestamp   |
///
/// Between settlements the pool's own rate only rises (fees stay with holders, rounding favours
/// the pool), so this snapshot is a floor of the rate for its whole epoch.
#[account(zero_copy)]
#[repr(C)]
#[derive(Debug, PartialEq, Eq)]
pub struct ExchangeRate {
    /// RATE_VERSION.
    pub version: u8,
    /// RATE_FLAG_* bits.
    pub flags: u8,
    pub _padding: [u8; 6],
    /// The pool this rate is of.
    pub pool: Pubkey,
    /// SOL under management (lamports) the rate is computed on.
    pub total_lamports: u64,
    /// LST in circulation (smallest units, 9 decimals).
    pub lst_supply: u64,
    /// Epoch of the settlement that wrote it.
    pub epoch: u64,
    /// Slot of that settlement.
    pub slot: u64,
    /// Clock's unix timestamp at that slot.
    pub unix_timestamp: i64,
    /// Room for later fields (a new layout version).
    pub _reserved: [u8; 64],
}

impl ExchangeRate {
    pub const SPACE: usize = 8 + core::mem::size_of::<ExchangeRate>();
    /// The bytes `get_rate` returns: the account without its discriminator, up to `_reserved`.
    pub const RETURN_LEN: usize = 80;

    /// Writes a settlement: the new totals, when, and the flags. Returns the drop (basis points)
    /// when this write tripped the breaker (it stays tripped until reset).
    pub fn record(&mut self, total_lamports: u64, lst_supply: u64, clock: &Clock) -> Option<u64> {
        let drop_bps = math::rate_drop_bps(self.total_lamports, self.lst_supply, total_lamports, lst_supply);
        let was_tripped = self.flags & RATE_FLAG_BREAKER != 0;
        self.flags &= !RATE_FLAG_LOSS;
        if drop_bps > 0 {
            self.flags |= RATE_FLAG_LOSS;
        }
        if drop_bps > RATE_BREAKER_DROP_BPS {
            self.flags |= RATE_FLAG_BREAKER;
        }
        self.version = RATE_VERSION;
        self.total_lamports = total_lamports;
        self.lst_supply = lst_supply;
        self.epoch = clock.epoch;
        self.slot = clock.slot;
        self.unix_timestamp = clock.unix_timestamp;
        (!was_tripped && self.flags & RATE_FLAG_BREAKER != 0).then_some(drop_bps)
    }

    /// What `get_rate` returns (RETURN_LEN bytes).
    pub fn return_bytes(&self) -> &[u8] {
        &bytemuck::bytes_of(self)[..Self::RETURN_LEN]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_offsets_are_the_documented_ones() {
        assert_eq!(core::mem::offset_of!(ExchangeRate, version), 0);
        assert_eq!(core::mem::offset_of!(ExchangeRate, flags), 1);
        assert_eq!(core::mem::offset_of!(ExchangeRate, pool), 8);
        assert_eq!(core::mem::offset_of!(ExchangeRate, total_lamports), 40);
        assert_eq!(core::mem::offset_of!(ExchangeRate, lst_supply), 48);
        assert_eq!(core::mem::offset_of!(ExchangeRate, epoch), 56);
        assert_eq!(core::mem::offset_of!(ExchangeRate, slot), 64);
        assert_eq!(core::mem::offset_of!(ExchangeRate, unix_timestamp), 72);
        assert_eq!(core::mem::offset_of!(ExchangeRate, _reserved), ExchangeRate::RETURN_LEN);
        assert_eq!(ExchangeRate::SPACE, 8 + 144);
    }

    fn clock(epoch: u64) -> Clock {
        Clock { slot: epoch * 100, epoch, unix_timestamp: epoch as i64 * 40, ..Clock::default() }
    }

    #[test]
    fn a_small_loss_is_flagged_a_large_one_trips_the_breaker_until_reset() {
        let mut r = ExchangeRate::zeroed();
        r.record(1_000_000, 1_000_000, &clock(1));
        assert_eq!(r.flags, 0);
        assert_eq!(r.record(1_001_000, 1_000_000, &clock(2)), None, "a rise");
        assert_eq!(r.flags, 0);
        assert_eq!(r.record(1_000_500, 1_000_000, &clock(3)), None, "5 bps down: within tolerance");
        assert_eq!(r.flags, RATE_FLAG_LOSS);
        assert_eq!(r.record(1_000_600, 1_000_000, &clock(4)), None);
        assert_eq!(r.flags, 0, "the loss flag follows the last settlement");
        assert_eq!(r.record(990_000, 1_000_000, &clock(5)), Some(106), "1.06% down (from 1.0006) trips it");
        assert_eq!(r.flags, RATE_FLAG_BREAKER | RATE_FLAG_LOSS);
        assert_eq!(r.record(991_000, 1_000_000, &clock(6)), None, "already tripped");
        assert_eq!(r.flags, RATE_FLAG_BREAKER, "stays until the admin resets it");
        assert_eq!((r.epoch, r.slot, r.unix_timestamp, r.version), (6, 600, 240, RATE_VERSION));
    }

    use anchor_lang::__private::bytemuck::Zeroable;
}
