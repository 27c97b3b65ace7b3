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

/// How far past its target one staking may take a validator: STAKE_OVERFILL_BPS of SOL under
/// management, rounded down.
pub fn stake_overfill_lamports(total_lamports: u64) -> MathResult<u64> {
    mul_div_floor(total_lamports, crate::constants::STAKE_OVERFILL_BPS, BPS_DENOMINATOR, "stake_overfill")
}

/// How much to stake into a validator now, out of what the reserve holds above its buffer: only
/// into a validator below its target, what it lacks plus up to `overfill_lamports` more, and
/// nothing if that is below the smallest stake account worth creating. The overfill lets a few of
/// the most under-target validators take an epoch's deposits, instead of every validator a sliver
/// (one transaction per four validators); unstaking takes from the most over-target first.
pub fn stake_increase_lamports(
    target_lamports: u64,
    current_lamports: u64,
    reserve_available_lamports: u64,
    minimum_lamports: u64,
    overfill_lamports: u64,
) -> u64 {
    if current_lamports >= target_lamports {
        return 0;
    }
    let wanted = (target_lamports - current_lamports).saturating_add(overfill_lamports);
    let amount = wanted.min(reserve_available_lamports);
    if amount < minimum_lamports {
        0
    } else {
        amount
    }
}

/// How rebalancing unstakes from one validator to cover a shortfall of the reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeDecrease {
    /// Nothing to unstake.
    None,
    /// Split this much delegated stake off into the transient and deactivate it.
    Split(u64),
    /// Deactivate the whole main stake: splitting cannot cover the shortfall, or the reserve has
    /// no rent for a transient account.
    Whole,
}

/// How to unstake `shortfall_lamports` from a validator whose main account has `delegated_lamports`
/// of active stake. A split must leave the account, and move, at least `minimum_delegation` (the
/// Stake program refuses less); it is sized from the delegation, never the balance (lamports above
/// the delegation cannot be split). When a split cannot cover the shortfall, or `rent_available`
/// is false, the whole stake is deactivated: every ticket can be funded by the crank alone, at the
/// cost of unstaking at most `minimum_delegation` more than needed.
pub fn stake_decrease(shortfall_lamports: u64, delegated_lamports: u64, minimum_delegation: u64, rent_available: bool) -> StakeDecrease {
    if shortfall_lamports == 0 || delegated_lamports == 0 {
        return StakeDecrease::None;
    }
    let max_split = delegated_lamports.saturating_sub(minimum_delegation);
    if rent_available && shortfall_lamports <= max_split && max_split >= minimum_delegation {
        StakeDecrease::Split(shortfall_lamports.max(minimum_delegation))
    } else {
        StakeDecrease::Whole
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
        assert_eq!(stake_increase_lamports(100, 0, 50, 60, 0), 0);
        assert_eq!(stake_increase_lamports(100, 0, 80, 60, 0), 80);
        assert_eq!(stake_increase_lamports(100, 90, 80, 5, 0), 10);
    }

    #[test]
    fn increase_overfills_only_validators_below_target() {
        assert_eq!(stake_increase_lamports(100, 90, 80, 5, 30), 40, "what it lacks plus the overfill");
        assert_eq!(stake_increase_lamports(100, 90, 25, 5, 30), 25, "no more than is available");
        assert_eq!(stake_increase_lamports(100, 99, 80, 50, 30), 0, "still below the minimum");
        assert_eq!(stake_increase_lamports(100, 100, 80, 5, 30), 0, "at target: none");
        assert_eq!(stake_increase_lamports(100, 120, 80, 5, 30), 0, "above target: none");
        assert_eq!(stake_overfill_lamports(1_000_000), Ok(2_500));
    }

    #[test]
    fn decrease_splits_within_the_delegation_or_deactivates_it_all() {
        use StakeDecrease::*;
        assert_eq!(stake_decrease(5, 100, 20, true), Split(20), "at least the minimum delegation");
        assert_eq!(stake_decrease(50, 100, 20, true), Split(50));
        assert_eq!(stake_decrease(80, 100, 20, true), Split(80), "leaves exactly the minimum");
        assert_eq!(stake_decrease(81, 100, 20, true), Whole, "a split cannot cover it");
        assert_eq!(stake_decrease(5, 30, 20, true), Whole, "too little to split at all");
        assert_eq!(stake_decrease(5, 100, 20, false), Whole, "no rent for a transient");
        assert_eq!(stake_decrease(0, 100, 20, true), None);
        assert_eq!(stake_decrease(5, 0, 20, true), None);
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

        /// A split always leaves and moves at least the minimum delegation and covers the
        /// shortfall; otherwise the whole stake goes.
        #[test]
        fn decrease_is_valid_for_the_stake_program(short in 0u64.., delegated in 0u64.., min in 1u64..1u64 << 40, rent in any::<bool>()) {
            match stake_decrease(short, delegated, min, rent) {
                StakeDecrease::Split(x) => {
                    prop_assert!(rent && x >= min && delegated - x >= min && x >= short);
                }
                StakeDecrease::Whole => prop_assert!(short > 0 && delegated > 0),
                StakeDecrease::None => prop_assert!(short == 0 || delegated == 0),
            }
        }

        /// An increase never exceeds what is available nor the target plus the overfill, and
        /// goes only to a validator below its target.
        #[test]
        fn increase_is_bounded(t in 0u64.., c in 0u64.., a in 0u64.., m in 0u64.., o in 0u64..) {
            let inc = stake_increase_lamports(t, c, a, m, o);
            prop_assert!(inc <= a);
            prop_assert!(inc as u128 <= t.saturating_sub(c) as u128 + o as u128);
            prop_assert!(inc == 0 || (inc >= m && c < t));
        }
    }
}
