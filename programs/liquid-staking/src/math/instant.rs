//! The instant-exit fee curve: the fee rises linearly from its minimum, when the buffer left after
//! the exit is at or above its target, to its maximum, when the exit would empty the buffer.

use super::*;
use crate::constants::BPS_DENOMINATOR;

/// Fee in basis points for an exit leaving `buffer_after` lamports against a target of
/// `buffer_target`: `max - (max - min) * after / target`, the reduction rounded down (so the fee
/// is rounded up).
pub fn instant_fee_bps(buffer_after: u64, buffer_target: u64, min_bps: u16, max_bps: u16) -> u16 {
    if buffer_target == 0 || buffer_after >= buffer_target || max_bps <= min_bps {
        return min_bps;
    }
    let span = (max_bps - min_bps) as u128;
    let reduction = span * buffer_after as u128 / buffer_target as u128;
    max_bps - reduction as u16
}

/// An instant exit from the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstantQuote {
    /// The LST's value at the rate, rounded down.
    pub value_lamports: u64,
    pub fee_bps: u16,
    /// `ceil(value * fee_bps / 10_000)`.
    pub fee_lamports: u64,
    /// Paid from the reserve now.
    pub lamports_out: u64,
    /// The treasury's part of the fee, `floor(fee * treasury_share / 10_000)`; the rest stays
    /// with the holders.
    pub treasury_fee_lamports: u64,
}

/// Quotes an instant exit of `lst`, with `liquid_lamports` in the reserve that belong to holders
/// (not owed to tickets). The fee is read at the buffer left after paying the full value (a
/// little higher than after paying value less fee: in the pool's favour). Fails if the reserve
/// cannot pay.
#[allow(clippy::too_many_arguments)]
pub fn quote_instant_exit(
    lst: u64,
    total_lamports: u64,
    lst_supply: u64,
    liquid_lamports: u64,
    buffer_target: u64,
    min_bps: u16,
    max_bps: u16,
    treasury_share_bps: u16,
) -> MathResult<InstantQuote> {
    let value_lamports = lamports_for_lst(lst, total_lamports, lst_supply)?;
    let buffer_after = liquid_lamports.saturating_sub(value_lamports);
    let fee_bps = instant_fee_bps(buffer_after, buffer_target, min_bps, max_bps);
    let fee_lamports = fee_lamports(value_lamports, fee_bps)?.min(value_lamports);
    let lamports_out = value_lamports - fee_lamports;
    if lamports_out > liquid_lamports {
        return Err(MathError { at: "instant_exit_liquidity" });
    }
    let treasury_fee_lamports = mul_div_floor(fee_lamports, treasury_share_bps as u64, BPS_DENOMINATOR, "treasury_fee")?;
    Ok(InstantQuote { value_lamports, fee_bps, fee_lamports, lamports_out, treasury_fee_lamports })
}

/// The most lamports of value an instant exit may take while its fee stays at or below
/// `max_fee_bps`: the buffer must keep `ceil(target * (max - m) / (max - min))`.
pub fn max_instant_value(liquid_lamports: u64, buffer_target: u64, min_bps: u16, max_bps: u16, max_fee_bps: u16) -> u64 {
    if max_fee_bps < min_bps {
        return 0;
    }
    if max_fee_bps >= max_bps || max_bps <= min_bps {
        return liquid_lamports;
    }
    let keep = ((buffer_target as u128) * ((max_bps - max_fee_bps) as u128)).div_ceil((max_bps - min_bps) as u128);
    liquid_lamports.saturating_sub(keep.min(u64::MAX as u128) as u64)
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
        assert!(quote_instant_exit(1_000, 1_000, 1_000, 500, 100, 10, 300, 0).is_err());
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

        /// The user never gets more than the value; the treasury never more than the fee.
        #[test]
        fn instant_exit_pays_value_less_fee(total in 1_000_000_000u64..1u64 << 50, supply in 1_000_000_000u64..1u64 << 50, share in 0u64..=1_000_000, liquid in 0u64..1u64 << 50, target in 0u64..1u64 << 45, tshare in 0u16..=10_000) {
            let lst = (supply as u128 * share as u128 / 1_000_000) as u64;
            if let Ok(q) = quote_instant_exit(lst, total, supply, liquid, target, 10, 300, tshare) {
                prop_assert_eq!(q.lamports_out + q.fee_lamports, q.value_lamports);
                prop_assert!(q.lamports_out <= liquid);
                prop_assert!(q.treasury_fee_lamports <= q.fee_lamports);
                prop_assert!(q.fee_bps >= 10 && q.fee_bps <= 300);
            }
        }
    }
}
