//! How reserve SOL is spread over validators: the buffer kept unstaked and each validator's target.

use super::*;
use crate::constants::BPS_DENOMINATOR;

/// SOL the reserve keeps unstaked: `ceil(total * buffer_bps / 10_000)`. Rounded up: the
/// liquidity buffer never falls short by a rounding.
pub fn buffer_target_lamports(total_lamports: u64, buffer_bps: u16) -> MathResult<u64> {
    mul_div_ceil(total_lamports, buffer_bps as u64, BPS_DENOMINATOR, "buffer_target")
}

/// A validator's target stake: its weight's share of what is to be staked, rounded down
/// (the remainder stays in the reserve). Zero when no weight is set anywhere.
pub fn validator_target_lamports(
    stakeable_lamports: u64,
    weight: u32,
    total_weight: u64,
) -> MathResult<u64> {
    if total_weight == 0 {
        return Ok(0);
    }
    // weight <= total_weight, so the result fits whenever stakeable does.
    let q = (stakeable_lamports as u128) * (weight as u128) / (total_weight as u128);
    u64::try_from(q).map_err(|_| MathError { at: "validator_target" })
}

/// How much to stake into a validator now: towards its target, out of what the reserve holds
/// above its buffer, and nothing if that is below the smallest stake account worth creating.
pub fn stake_increase_lamports(
    target_lamports: u64,
    current_lamports: u64,
    reserve_available_lamports: u64,
    minimum_lamports: u64,
) -> u64 {
    let wanted = target_lamports.saturating_sub(current_lamports);
    let amount = wanted.min(reserve_available_lamports);
    if amount < minimum_lamports {
        0
    } else {
        amount
    }
}

/// How much to unstake from a validator holding `stake_lamports` in its main account, to cover
/// `shortfall_lamports`: at least the minimum delegation (a split below it is refused), at most
/// what leaves the account `keep_lamports` (rent + minimum delegation); 0 when that is too little.
pub fn stake_decrease_lamports(shortfall_lamports: u64, stake_lamports: u64, keep_lamports: u64, minimum_delegation: u64) -> u64 {
    let amount = shortfall_lamports.max(minimum_delegation).min(stake_lamports.saturating_sub(keep_lamports));
    if amount < minimum_delegation {
        0
    } else {
        amount
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn buffer_rounds_up() {
        assert_eq!(buffer_target_lamports(10_001, 1_000), Ok(1_001));
        assert_eq!(buffer_target_lamports(10_000, 1_000), Ok(1_000));
    }

    #[test]
    fn increase_respects_minimum() {
        assert_eq!(stake_increase_lamports(100, 0, 50, 60), 0);
        assert_eq!(stake_increase_lamports(100, 0, 80, 60), 80);
        assert_eq!(stake_increase_lamports(100, 90, 80, 5), 10);
    }

    #[test]
    fn decrease_respects_minimum_and_keep() {
        assert_eq!(stake_decrease_lamports(5, 100, 10, 20), 20, "at least the minimum delegation");
        assert_eq!(stake_decrease_lamports(50, 100, 10, 20), 50);
        assert_eq!(stake_decrease_lamports(500, 100, 10, 20), 90, "never below keep");
        assert_eq!(stake_decrease_lamports(50, 25, 10, 20), 0, "too little to split");
    }

    proptest! {
        /// Targets never add up to more than what is to be staked.
        #[test]
        fn targets_never_exceed_stakeable(
            stakeable in 0u64..=u64::MAX,
            weights in proptest::collection::vec(0u32..=1_000_000, 1..50),
        ) {
            let total: u64 = weights.iter().map(|w| *w as u64).sum();
            let sum: u128 = weights
                .iter()
                .map(|w| validator_target_lamports(stakeable, *w, total).unwrap() as u128)
                .sum();
            prop_assert!(sum <= stakeable as u128);
        }

        /// An increase never exceeds what is wanted nor what is available.
        #[test]
        fn increase_is_bounded(t in 0u64.., c in 0u64.., a in 0u64.., m in 0u64..) {
            let inc = stake_increase_lamports(t, c, a, m);
            prop_assert!(inc <= a);
            prop_assert!(inc <= t.saturating_sub(c));
            prop_assert!(inc == 0 || inc >= m);
        }
    }
}
