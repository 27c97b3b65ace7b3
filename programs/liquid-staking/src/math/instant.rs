//! The instant-exit fee curve. Its rate rises linearly from its minimum, while the buffer is at or
//! above its target, to its maximum, when the buffer is empty (and stays there below zero). An
//! exit pays the curve's rate over the whole stretch it walks: from where the curve stands down by
//! the exit's value. The stretches of consecutive exits join end to end (fees kept in the reserve
//! do not move the curve back up until the next settlement: `Pool::instant_curve_position`), so an
//! exit split into many pays at least what it pays in one.

use super::*;
use crate::constants::BPS_DENOMINATOR;

/// The curve's rate in basis points at buffer `position` against a target of `buffer_target`:
/// `max - (max - min) * position / target`, the reduction rounded down (so the rate is rounded
/// up). The marginal fee of the next lamport out.
pub fn instant_fee_bps(position: u64, buffer_target: u64, min_bps: u16, max_bps: u16) -> u16 {
    if buffer_target == 0 || position >= buffer_target || max_bps <= min_bps {
        return min_bps;
    }
    let span = (max_bps - min_bps) as u128;
    let reduction = span * position as u128 / buffer_target as u128;
    max_bps - reduction as u16
}

/// `ceil(lamports * bps / 10_000)` for a stretch of the curve at a flat rate.
fn flat_fee(lamports: u64, bps: u16) -> MathResult<u64> {
    mul_div_ceil(lamports, bps as u64, BPS_DENOMINATOR, "instant_fee_flat")
}

/// The fee over the linear stretch `[low, high]` (both at most the target):
/// `ceil(∫ rate(b) db / 10_000)`. The rate's average over the stretch is its value at the middle,
/// `x / (2 * target)` with `x = 2 * target * max - span * (low + high)`, so the fee is
/// `ceil(len * x / (2 * target * 10_000))`, computed without a 256-bit product.
fn linear_fee(low: u64, high: u64, target: u64, min_bps: u16, max_bps: u16) -> MathResult<u64> {
    let at = "instant_fee_linear";
    let len = (high - low) as u128;
    let two_target = 2 * target as u128;
    let span = max_bps.saturating_sub(min_bps) as u128;
    let x = two_target * max_bps as u128 - span * (low as u128 + high as u128);
    // len * x / two_target = len * k + len * rem / two_target, with x = k * two_target + rem.
    let (k, rem) = (x / two_target, x % two_target);
    let spread = len.checked_mul(rem).ok_or(MathError { at })?;
    let whole = len * k + spread / two_target;
    let bps_denominator = BPS_DENOMINATOR as u128;
    // A fraction left over (spread % two_target) makes the exact fee a non-integer: round up.
    let fee = if spread % two_target > 0 { whole / bps_denominator + 1 } else { whole.div_ceil(bps_denominator) };
    u64::try_from(fee).map_err(|_| MathError { at })
}

/// The fee for an instant exit of `value` lamports with the curve at `position`: the rate over
/// `[position - value, position]`, in three pieces each rounded up: above the target at the
/// minimum, the linear part, and below zero at the maximum. At most `value`.
pub fn instant_exit_fee_lamports(value: u64, position: u64, buffer_target: u64, min_bps: u16, max_bps: u16) -> MathResult<u64> {
    let end = position.saturating_sub(value);
    let below_zero = value.saturating_sub(position);
    let mut fee = flat_fee(below_zero, max_bps.max(min_bps))?;
    if position > buffer_target {
        fee = checked_add(fee, flat_fee(position - end.max(buffer_target), min_bps)?, "instant_fee")?;
    }
    let (low, high) = (end.min(buffer_target), position.min(buffer_target));
    if high > low {
        fee = checked_add(fee, linear_fee(low, high, buffer_target, min_bps, max_bps)?, "instant_fee")?;
    }
    Ok(fee.min(value))
}

/// An instant exit from the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstantQuote {
    /// The LST's value at the rate, rounded down.
    pub value_lamports: u64,
    /// The fee's average rate over the exit, `ceil(fee * 10_000 / value)`.
    pub fee_bps: u16,
    /// The curve's rate over the stretch the exit walks (`instant_exit_fee_lamports`).
    pub fee_lamports: u64,
    /// Paid from the reserve now.
    pub lamports_out: u64,
    /// The treasury's part of the fee, `floor(fee * treasury_share / 10_000)`; the rest stays
    /// with the holders.
    pub treasury_fee_lamports: u64,
}

/// Quotes an instant exit of `lst`, with `liquid_lamports` in the reserve that belong to holders
/// (not owed to tickets) and the curve at `position` (see `Pool::instant_curve_position`). The
/// exit walks the curve by its full value (value less fee leaves the reserve; the fee stays, but
/// only counts for the curve again after the next settlement). Fails if the reserve cannot pay.
#[allow(clippy::too_many_arguments)]
pub fn quote_instant_exit(
    lst: u64,
    total_lamports: u64,
    lst_supply: u64,
    liquid_lamports: u64,
    position: u64,
    buffer_target: u64,
    min_bps: u16,
    max_bps: u16,
    treasury_share_bps: u16,
) -> MathResult<InstantQuote> {
    let value_lamports = lamports_for_lst(lst, total_lamports, lst_supply)?;
    let fee_lamports = instant_exit_fee_lamports(value_lamports, position, buffer_target, min_bps, max_bps)?;
    let lamports_out = value_lamports - fee_lamports;
    if lamports_out > liquid_lamports {
        return Err(MathError { at: "instant_exit_liquidity" });
    }
    let fee_bps = if value_lamports == 0 {
        min_bps
    } else {
        mul_div_ceil(fee_lamports, BPS_DENOMINATOR, value_lamports, "instant_fee_bps")?.min(u16::MAX as u64) as u16
    };
    let treasury_fee_lamports = mul_div_floor(fee_lamports, treasury_share_bps as u64, BPS_DENOMINATOR, "treasury_fee")?;
    Ok(InstantQuote { value_lamports, fee_bps, fee_lamports, lamports_out, treasury_fee_lamports })
}

/// The most lamports of value an instant exit may take from curve `position` while the curve's
/// rate where it ends stays at or below `max_fee_bps`: it must end at or above
/// `ceil(target * (max - m) / (max - min))`.
pub fn max_instant_value(position: u64, buffer_target: u64, min_bps: u16, max_bps: u16, max_fee_bps: u16) -> u64 {
    if max_fee_bps < min_bps {
        return 0;
    }
    if max_fee_bps >= max_bps || max_bps <= min_bps {
        return position;
    }
    let keep = ((buffer_target as u128) * ((max_bps - max_fee_bps) as u128)).div_ceil((max_bps - min_bps) as u128);
    position.saturating_sub(keep.min(u64::MAX as u128) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn curve_endpoints() {
        assert_eq!(instant_fee_bps(100, 100, 10, 300), 10);
        assert_eq!(instant_fee_bps(500, 100, 10, 300), 10);
        assert_eq!(instant_fee_bps(0, 100, 10, 300), 300);
        assert_eq!(instant_fee_bps(50, 100, 10, 300), 155);
        // rounded up: 290 * 1/3 = 96.67 -> reduction 96 -> 204
        assert_eq!(instant_fee_bps(1, 3, 10, 300), 204);
    }

    #[test]
    fn an_exit_the_reserve_cannot_pay_is_refused() {
        assert!(quote_instant_exit(1_000, 1_000, 1_000, 500, 500, 100, 10, 300, 0).is_err());
    }

    #[test]
    fn fee_is_the_area_under_the_curve() {
        // Above the target: the minimum rate. 10 bps of 1_000_000 = 1_000.
        assert_eq!(instant_exit_fee_lamports(1_000_000, 3_000_000, 1_000_000, 10, 310), Ok(1_000));
        // The whole linear part (target to zero): the average of min and max, 160 bps.
        assert_eq!(instant_exit_fee_lamports(1_000_000, 1_000_000, 1_000_000, 10, 310), Ok(16_000));
        // Below zero: the maximum rate.
        assert_eq!(instant_exit_fee_lamports(1_000_000, 0, 1_000_000, 10, 310), Ok(31_000));
        // All three: 1_000 + 16_000 + 31_000.
        assert_eq!(instant_exit_fee_lamports(3_000_000, 2_000_000, 1_000_000, 10, 310), Ok(48_000));
        // A flat curve (min = max) charges its rate everywhere.
        assert_eq!(instant_exit_fee_lamports(1_000_000, 500_000, 1_000_000, 50, 50), Ok(5_000));
        // No buffer target: the minimum above zero, the maximum below.
        assert_eq!(instant_exit_fee_lamports(2_000, 1_000, 0, 10, 300), Ok(1 + 30));
    }

    #[test]
    fn the_linear_fee_rounds_up() {
        // 1 lamport from position 1 of a 3-lamport target: rate from 300 - 290/3 ... exact area
        // (2*3*300 - 290*(0+1)) / (2*3) = 251.67 bps of 1 lamport: rounded up to 1 lamport.
        assert_eq!(instant_exit_fee_lamports(1, 1, 3, 10, 300), Ok(1));
    }

    proptest! {
        /// The fee never falls as the buffer left shrinks, and stays within [min, max].
        #[test]
        fn fee_is_monotonic_and_bounded(a in 0u64..1u64 << 40, b in 0u64..1u64 << 40, target in 1u64..1u64 << 40, min in 0u16..=1_000, extra in 0u16..=1_000) {
            let max = min.saturating_add(extra).min(1_000).max(min);
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            let f_lo = instant_fee_bps(lo, target, min, max);
            let f_hi = instant_fee_bps(hi, target, min, max);
            prop_assert!(f_lo >= f_hi);
            prop_assert!(f_lo <= max && f_hi >= min);
        }

        /// Taking at most `max_instant_value` keeps the fee at or below the caller's maximum.
        #[test]
        fn the_fill_respects_the_maximum_fee(liquid in 0u64..1u64 << 40, target in 1u64..1u64 << 40, min in 0u16..=500, max in 500u16..=1_000, m in 0u16..=1_000) {
            let x = max_instant_value(liquid, target, min, max, m);
            prop_assert!(x <= liquid);
            if m >= min && x > 0 {
                prop_assert!(instant_fee_bps(liquid - x, target, min, max) <= m);
            }
        }

        /// Splitting an exit in two never lowers its fee, and raises it by at most the two
        /// pieces' roundings.
        #[test]
        fn splitting_never_lowers_the_fee(position in 0u64..1u64 << 50, target in 0u64..1u64 << 48, v1 in 1_000u64..1u64 << 48, v2 in 1_000u64..1u64 << 48, min in 0u16..=1_000, extra in 0u16..=1_000) {
            let max = min.saturating_add(extra).min(1_000);
            let whole = instant_exit_fee_lamports(v1 + v2, position, target, min, max).unwrap();
            let first = instant_exit_fee_lamports(v1, position, target, min, max).unwrap();
            let second = instant_exit_fee_lamports(v2, position.saturating_sub(v1), target, min, max).unwrap();
            // Below zero the position saturates: the second piece then starts at zero, where the
            // whole exit's stretch also is.
            prop_assert!(first + second >= whole, "{first} + {second} < {whole}");
            prop_assert!(first + second <= whole + 6);
        }

        /// The fee lies between the curve's minimum and maximum rates on the value.
        #[test]
        fn fee_is_between_the_rates(position in 0u64..1u64 << 50, target in 0u64..1u64 << 48, value in 0u64..1u64 << 50, min in 0u16..=1_000, extra in 0u16..=1_000) {
            let max = min.saturating_add(extra).min(1_000);
            let fee = instant_exit_fee_lamports(value, position, target, min, max).unwrap();
            prop_assert!(fee as u128 * 10_000 >= value as u128 * min as u128);
            prop_assert!(fee as u128 <= (value as u128 * max as u128).div_ceil(10_000) + 3);
        }

        /// The user never gets more than the value; the treasury never more than the fee.
        #[test]
        fn instant_exit_pays_value_less_fee(total in 1_000_000_000u64..1u64 << 50, supply in 1_000_000_000u64..1u64 << 50, share in 0u64..=1_000_000, liquid in 0u64..1u64 << 50, target in 0u64..1u64 << 45, tshare in 0u16..=10_000) {
            let lst = (supply as u128 * share as u128 / 1_000_000) as u64;
            if let Ok(q) = quote_instant_exit(lst, total, supply, liquid, liquid, target, 10, 300, tshare) {
                prop_assert_eq!(q.lamports_out + q.fee_lamports, q.value_lamports);
                prop_assert!(q.lamports_out <= liquid);
                prop_assert!(q.treasury_fee_lamports <= q.fee_lamports);
                prop_assert!(q.value_lamports == 0 || q.fee_bps >= 10);
                prop_assert!(q.fee_lamports as u128 <= (q.value_lamports as u128 * 300).div_ceil(10_000) + 3);
            }
        }
    }
}
