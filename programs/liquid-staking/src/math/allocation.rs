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
    /// Deactivate the whole main stake: a split cannot cover the shortfall.
    Whole,
}

/// How to unstake `shortfall_lamports` from a validator whose main account has `delegated_lamports`
/// of active stake. A split must leave the account, and move, at least `minimum_delegation` (the
/// Stake program refuses less); it is sized from the delegation, never the balance (lamports above
/// the delegation cannot be split). Only when no split can cover the shortfall (it exceeds the
/// delegation less the minimum, or the delegation is under twice the minimum) is the whole stake
/// deactivated: every ticket can be funded by the crank alone, and a whole-stake unstake frees at
/// most `2 * minimum_delegation` more than needed. How the transient's rent is paid is the
/// caller's business, never a reason to deactivate more.
pub fn stake_decrease(shortfall_lamports: u64, delegated_lamports: u64, minimum_delegation: u64) -> StakeDecrease {
    if shortfall_lamports == 0 || delegated_lamports == 0 {
        return StakeDecrease::None;
    }
    let max_split = delegated_lamports.saturating_sub(minimum_delegation);
    if shortfall_lamports <= max_split && max_split >= minimum_delegation {
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
        assert_eq!(stake_decrease(5, 100, 20), Split(20), "at least the minimum delegation");
        assert_eq!(stake_decrease(50, 100, 20), Split(50));
        assert_eq!(stake_decrease(80, 100, 20), Split(80), "leaves exactly the minimum");
        assert_eq!(stake_decrease(81, 100, 20), Whole, "a split cannot cover it");
        assert_eq!(stake_decrease(5, 30, 20), Whole, "too little to split at all");
        assert_eq!(stake_decrease(0, 100, 20), None);
        assert_eq!(stake_decrease(5, 0, 20), None);
    }

    /// The review's finding: a dust shortfall on the largest validator is a split of the minimum,
    /// never its whole stake (before the fix, a reserve without rent for a transient made it Whole).
    #[test]
    fn a_dust_shortfall_never_deactivates_a_large_validator() {
        assert_eq!(stake_decrease(1, 1_000_000, 20), StakeDecrease::Split(20));
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
        fn decrease_is_valid_for_the_stake_program(short in 0u64.., delegated in 0u64.., min in 1u64..1u64 << 40) {
            match stake_decrease(short, delegated, min) {
                StakeDecrease::Split(x) => {
                    prop_assert!(x >= min && delegated - x >= min && x >= short);
                }
                // Whole only when no split could do: it frees at most twice the minimum more than needed.
                StakeDecrease::Whole => prop_assert!(short > 0 && delegated > 0 && (short > delegated.saturating_sub(min) || delegated < 2 * min)),
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
