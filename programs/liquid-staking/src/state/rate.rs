use crate::{constants::*, error::LiquidStakingError, math};
use anchor_lang::prelude::*;

/// `ExchangeRate::flags`: the breaker tripped (see RATE_BREAKER_DROP_BPS). Readers must refuse
/// the rate until the admin has looked and reset it (`reset_rate_breaker`).
pub const RATE_FLAG_BREAKER: u8 = 1;
/// `ExchangeRate::flags`: the last settlement lowered the rate, or its observations saw a stake
/// account lose lamports, within the breaker's tolerance. Information for readers; cleared by the
/// next settlement that does neither.
pub const RATE_FLAG_LOSS: u8 = 2;

/// The exchange rate as of the last settlement, for lending protocols and other readers:
/// `[RATE_SEED, pool]`, written by `initialize_pool` and every `finalize_epoch`, returned by
/// `get_rate` (its first RETURN_LEN bytes). A fixed, versioned `repr(C)` layout (offsets below,
/// after Anchor's 8-byte discriminator; return data carries the same bytes without it), so a
/// reader needs neither this crate nor Borsh.
///
/// | offset | size | field                      |
/// |-------:|-----:|----------------------------|
/// |      8 |    1 | version (= 1)              |
/// |      9 |    1 | flags                      |
/// |     16 |   32 | pool                       |
/// |     48 |    8 | total_lamports             |
/// |     56 |    8 | lst_supply                 |
/// |     64 |    8 | epoch                      |
/// |     72 |    8 | slot                       |
/// |     80 |    8 | unix_timestamp             |
/// |     88 |    8 | high_water_total_lamports  |
/// |     96 |    8 | high_water_lst_supply      |
/// |    104 |    8 | pre_trip_epoch             |
/// |    112 |    8 | pre_trip_total_lamports    |
/// |    120 |    8 | pre_trip_lst_supply        |
///
/// The breaker's state (offsets 88 to 127) came into the reserved bytes of version 1 without
/// moving anything before it; `get_rate` returns the first 80 bytes as it always did.
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
    /// The highest rate since the pool's creation or the breaker's last reset: a settlement more
    /// than RATE_BREAKER_DROP_BPS below it trips the breaker (a slow drawdown trips it too).
    pub high_water_total_lamports: u64,
    pub high_water_lst_supply: u64,
    /// The last settlement before the breaker tripped, kept until the reset (zero otherwise): what
    /// the rate was when it was last trusted.
    pub pre_trip_epoch: u64,
    pub pre_trip_total_lamports: u64,
    pub pre_trip_lst_supply: u64,
    /// Room for later fields.
    pub _reserved: [u8; 24],
}

/// A settlement that went past the breaker's tolerance on at least one of its measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerTrip {
    /// Against the settlement before.
    pub drop_bps: u64,
    /// Against the high-water mark.
    pub drawdown_bps: u64,
    /// The epoch's gross loss in stake accounts, against SOL under management before it.
    pub loss_bps: u64,
    /// This settlement set the breaker (it was not tripped before).
    pub newly_tripped: bool,
}

impl ExchangeRate {
    pub const SPACE: usize = 8 + core::mem::size_of::<ExchangeRate>();
    /// The bytes `get_rate` returns: the account without its discriminator, up to the breaker's state.
    pub const RETURN_LEN: usize = 80;

    pub fn is_tripped(&self) -> bool {
        self.flags & RATE_FLAG_BREAKER != 0
    }

    /// Writes a settlement: the new totals, when, and the flags, weighing `loss_lamports` (what
    /// stake accounts lost in the settled epoch, gross). Returns every settlement past the
    /// breaker's tolerance, whether it set the breaker or found it set already.
    pub fn record(&mut self, total_lamports: u64, lst_supply: u64, loss_lamports: u64, clock: &Clock) -> Option<BreakerTrip> {
        let (previous_total, previous_supply, previous_epoch) = (self.total_lamports, self.lst_supply, self.epoch);
        if self.high_water_lst_supply == 0 {
            // At creation (and in accounts written before the high-water mark existed).
            self.high_water_total_lamports = previous_total;
            self.high_water_lst_supply = previous_supply;
        }
        let drop_bps = math::rate_drop_bps(previous_total, previous_supply, total_lamports, lst_supply);
        let drawdown_bps = math::rate_drop_bps(self.high_water_total_lamports, self.high_water_lst_supply, total_lamports, lst_supply);
        let loss_bps = math::loss_bps(loss_lamports, previous_total);
        let was_tripped = self.is_tripped();
        self.flags &= !RATE_FLAG_LOSS;
        if drop_bps > 0 || loss_lamports > 0 {
            self.flags |= RATE_FLAG_LOSS;
        }
        let past_tolerance = drop_bps.max(drawdown_bps).max(loss_bps) > RATE_BREAKER_DROP_BPS;
        if past_tolerance {
            self.flags |= RATE_FLAG_BREAKER;
            if !was_tripped {
                self.pre_trip_epoch = previous_epoch;
                self.pre_trip_total_lamports = previous_total;
                self.pre_trip_lst_supply = previous_supply;
            }
        }
        // A tripped breaker holds the mark where it was until the admin acknowledges the loss.
        if !self.is_tripped() && !math::rate_is_below(total_lamports, lst_supply, self.high_water_total_lamports, self.high_water_lst_supply) {
            self.high_water_total_lamports = total_lamports;
            self.high_water_lst_supply = lst_supply;
        }
        self.version = RATE_VERSION;
        self.total_lamports = total_lamports;
        self.lst_supply = lst_supply;
        self.epoch = clock.epoch;
        self.slot = clock.slot;
        self.unix_timestamp = clock.unix_timestamp;
        past_tolerance.then_some(BreakerTrip { drop_bps, drawdown_bps, loss_bps, newly_tripped: !was_tripped })
    }

    /// Clears the breaker, acknowledging the settlement (`epoch`, `total_lamports`, `lst_supply`)
    /// the admin saw, which must be the current one: a drop recorded after the admin looked cannot
    /// be acknowledged unseen. The acknowledged rate becomes the new high-water mark.
    pub fn reset(&mut self, epoch: u64, total_lamports: u64, lst_supply: u64) -> Result<()> {
        require!(self.is_tripped(), LiquidStakingError::RateBreakerNotTripped);
        require!(
            (epoch, total_lamports, lst_supply) == (self.epoch, self.total_lamports, self.lst_supply),
            LiquidStakingError::RateAcknowledgementMismatch
        );
        self.flags &= !RATE_FLAG_BREAKER;
        self.high_water_total_lamports = total_lamports;
        self.high_water_lst_supply = lst_supply;
        self.pre_trip_epoch = 0;
        self.pre_trip_total_lamports = 0;
        self.pre_trip_lst_supply = 0;
        Ok(())
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
        assert_eq!(core::mem::offset_of!(ExchangeRate, high_water_total_lamports), ExchangeRate::RETURN_LEN);
        assert_eq!(core::mem::offset_of!(ExchangeRate, high_water_lst_supply), 88);
        assert_eq!(core::mem::offset_of!(ExchangeRate, pre_trip_epoch), 96);
        assert_eq!(core::mem::offset_of!(ExchangeRate, pre_trip_total_lamports), 104);
        assert_eq!(core::mem::offset_of!(ExchangeRate, pre_trip_lst_supply), 112);
        assert_eq!(core::mem::offset_of!(ExchangeRate, _reserved), 120);
        assert_eq!(ExchangeRate::SPACE, 8 + 144);
    }

    fn clock(epoch: u64) -> Clock {
        Clock { slot: epoch * 100, epoch, unix_timestamp: epoch as i64 * 40, ..Clock::default() }
    }

    fn created(total: u64) -> ExchangeRate {
        let mut r = ExchangeRate::zeroed();
        assert_eq!(r.record(total, total, 0, &clock(1)), None);
        r
    }

    #[test]
    fn a_small_loss_is_flagged_a_large_one_trips_the_breaker_until_reset() {
        let mut r = created(1_000_000);
        assert_eq!(r.flags, 0);
        assert_eq!(r.record(1_001_000, 1_000_000, 0, &clock(2)), None, "a rise");
        assert_eq!(r.flags, 0);
        assert_eq!(r.record(1_000_500, 1_000_000, 0, &clock(3)), None, "5 bps down: within tolerance");
        assert_eq!(r.flags, RATE_FLAG_LOSS);
        assert_eq!(r.record(1_001_000, 1_000_000, 0, &clock(4)), None);
        assert_eq!(r.flags, 0, "the loss flag follows the last settlement");
        let trip = r.record(990_000, 1_000_000, 0, &clock(5)).expect("1.1% down trips it");
        assert_eq!((trip.drop_bps, trip.newly_tripped), (110, true));
        assert_eq!(r.flags, RATE_FLAG_BREAKER | RATE_FLAG_LOSS);
        assert_eq!((r.pre_trip_epoch, r.pre_trip_total_lamports, r.pre_trip_lst_supply), (4, 1_001_000, 1_000_000));
        assert_eq!(r.record(991_000, 1_000_000, 0, &clock(6)).map(|t| t.newly_tripped), Some(false), "still below the mark: reported again");
        assert_eq!(r.flags, RATE_FLAG_BREAKER, "stays until the admin resets it");
        assert_eq!((r.pre_trip_epoch, r.pre_trip_total_lamports), (4, 1_001_000), "the snapshot from before the trip is kept");
        assert_eq!((r.epoch, r.slot, r.unix_timestamp, r.version), (6, 600, 240, RATE_VERSION));
    }

    /// The review's findings 4 and 5: each of these went unnoticed before the fix.
    #[test]
    fn a_loss_masked_by_rewards_trips_the_breaker() {
        let mut r = created(1_000_000);
        // The rate rose (rewards elsewhere), but a stake account lost 0.2% of the pool.
        let trip = r.record(1_001_000, 1_000_000, 2_000, &clock(2)).expect("a gross loss of 20 bps trips it");
        assert_eq!((trip.drop_bps, trip.loss_bps), (0, 20));
        assert_eq!(r.flags, RATE_FLAG_BREAKER | RATE_FLAG_LOSS);
    }

    #[test]
    fn a_slow_drawdown_trips_the_breaker() {
        let mut r = created(1_000_000);
        assert_eq!(r.record(999_400, 1_000_000, 0, &clock(2)), None, "6 bps");
        let trip = r.record(998_800, 1_000_000, 0, &clock(3)).expect("12 bps below the high-water mark");
        assert_eq!((trip.drop_bps, trip.drawdown_bps), (7, 12));
    }

    #[test]
    fn a_reset_names_the_settlement_it_acknowledges() {
        let mut r = created(1_000_000);
        assert_eq!(r.reset(1, 1_000_000, 1_000_000), Err(LiquidStakingError::RateBreakerNotTripped.into()));
        r.record(900_000, 1_000_000, 0, &clock(2)).unwrap();
        // The admin read (2, 900_000); a further drop lands before the reset.
        r.record(800_000, 1_000_000, 0, &clock(3)).unwrap();
        assert_eq!(r.reset(2, 900_000, 1_000_000), Err(LiquidStakingError::RateAcknowledgementMismatch.into()));
        assert!(r.is_tripped());
        r.reset(3, 800_000, 1_000_000).unwrap();
        assert!(!r.is_tripped());
        assert_eq!((r.high_water_total_lamports, r.pre_trip_epoch), (800_000, 0), "the acknowledged rate is the new mark");
        assert_eq!(r.record(800_100, 1_000_000, 0, &clock(4)), None);
    }

    use anchor_lang::__private::bytemuck::Zeroable;
}
