//! The exchange rate: SOL under management (`total_lamports`) over LST supply (`lst_supply`).
//! The rate is never stored as a rounded number; it is the pair, and every conversion rounds
//! in the pool's favour.

use super::*;
use crate::constants::BPS_DENOMINATOR;

/// LST minted for a SOL deposit, rounded down (the depositor receives).
/// An empty pool (no supply) mints one LST unit per lamport; a pool with supply but no SOL (a
/// total loss) mints nothing: one LST unit per lamport there would hand the new SOL to the old
/// holders.
pub fn lst_for_deposit(lamports: u64, total_lamports: u64, lst_supply: u64) -> MathResult<u64> {
    if lst_supply == 0 {
        return Ok(lamports);
    }
    if total_lamports == 0 {
        return Err(MathError { at: "lst_for_deposit_no_value" });
    }
    mul_div_floor(lamports, lst_supply, total_lamports, "lst_for_deposit")
}

/// A fee of `bps` on `lamports`, rounded up (the user pays).
pub fn fee_lamports(lamports: u64, bps: u16) -> MathResult<u64> {
    mul_div_ceil(lamports, bps as u64, BPS_DENOMINATOR, "fee_lamports")
}

/// What a SOL deposit mints after its fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepositQuote {
    /// Kept by the pool for its holders: the larger of `ceil(lamports * deposit_bps / 10_000)`
    /// and the dilution fee (see `dilution_fee_lamports`).
    pub fee_lamports: u64,
    /// `floor((lamports - fee) * supply / total)`.
    pub lst_out: u64,
}

/// The holders' yield of the last settled epoch: `net_rewards / base` (rewards after the reward
/// fee, over SOL under management before them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EpochYield {
    pub net_rewards_lamports: u64,
    pub base_lamports: u64,
}

impl EpochYield {
    /// No yield: for deposits that bring their own rewards (stake deposits).
    pub const NONE: EpochYield = EpochYield { net_rewards_lamports: 0, base_lamports: 0 };

    /// The yield earned over `from_slots` slots, carried over to an epoch of `to_slots` slots:
    /// `ceil(net * to / from)` (rounded up: the estimate never undercharges by a rounding).
    /// Rewards are paid per slot of an epoch, so a warm-up epoch twice as long pays twice as much.
    /// With `from_slots` unknown (0), the yield is taken as it is.
    pub fn scaled(self, from_slots: u64, to_slots: u64) -> MathResult<EpochYield> {
        if from_slots == 0 || from_slots == to_slots {
            return Ok(self);
        }
        Ok(EpochYield {
            net_rewards_lamports: mul_div_ceil(self.net_rewards_lamports, to_slots, from_slots, "yield_scaled")?,
            base_lamports: self.base_lamports,
        })
    }
}

/// SOL deposited during an epoch sits unstaked until the next one, yet shares that epoch's rewards
/// at the boundary, diluting the holders. A deposit therefore pays at least what one epoch's
/// yield is on it, estimated by the last epoch's: `ceil(lamports * net_rewards / base)`, capped at
/// MAX_DEPOSIT_FEE_BPS. A depositor who stays gets it back in the next epoch's rewards; one who
/// leaves right after the boundary has paid for what they took.
pub fn dilution_fee_lamports(lamports: u64, last_yield: EpochYield) -> MathResult<u64> {
    if last_yield.base_lamports == 0 || last_yield.net_rewards_lamports == 0 {
        return Ok(0);
    }
    let fee = mul_div_ceil(lamports, last_yield.net_rewards_lamports, last_yield.base_lamports, "dilution_fee")?;
    Ok(fee.min(fee_lamports(lamports, crate::constants::MAX_DEPOSIT_FEE_BPS)?))
}

pub fn quote_deposit(
    lamports: u64,
    total_lamports: u64,
    lst_supply: u64,
    deposit_bps: u16,
    last_yield: EpochYield,
) -> MathResult<DepositQuote> {
    let fee_lamports = fee_lamports(lamports, deposit_bps)?.max(dilution_fee_lamports(lamports, last_yield)?);
    let lst_out = lst_for_deposit(checked_sub(lamports, fee_lamports, "deposit_fee")?, total_lamports, lst_supply)?;
    Ok(DepositQuote { fee_lamports, lst_out })
}

/// A stake deposit of `delegated` active stake plus `undelegated` lamports (the account's rent and
/// any padding, which reach the reserve unstaked): the delegated part earned this epoch's rewards
/// itself and pays only the deposit fee; the undelegated part is a SOL deposit and pays at least
/// the dilution fee, exactly as `quote_deposit` would charge it.
pub fn quote_stake_deposit(
    delegated: u64,
    undelegated: u64,
    total_lamports: u64,
    lst_supply: u64,
    deposit_bps: u16,
    last_yield: EpochYield,
) -> MathResult<DepositQuote> {
    let lamports = checked_add(delegated, undelegated, "stake_deposit")?;
    let stake_fee = fee_lamports(delegated, deposit_bps)?;
    let sol_fee = fee_lamports(undelegated, deposit_bps)?.max(dilution_fee_lamports(undelegated, last_yield)?);
    let fee_lamports = checked_add(stake_fee, sol_fee, "stake_deposit_fee")?;
    let lst_out = lst_for_deposit(checked_sub(lamports, fee_lamports, "stake_deposit_fee")?, total_lamports, lst_supply)?;
    Ok(DepositQuote { fee_lamports, lst_out })
}

/// What an exit pays for `lst` after a fee of `fee_bps`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitQuote {
    /// The LST's value at the rate, rounded down.
    pub value_lamports: u64,
    /// `ceil(value * fee_bps / 10_000)`, kept by the pool.
    pub fee_lamports: u64,
    /// `value - fee`: what the user receives (now, as stake, or as a ticket).
    pub lamports_out: u64,
}

pub fn quote_exit(lst: u64, total_lamports: u64, lst_supply: u64, fee_bps: u16) -> MathResult<ExitQuote> {
    let value_lamports = lamports_for_lst(lst, total_lamports, lst_supply)?;
    let fee_lamports = fee_lamports(value_lamports, fee_bps)?;
    Ok(ExitQuote { value_lamports, fee_lamports, lamports_out: value_lamports - fee_lamports.min(value_lamports) })
}

/// Lamports an amount of LST is worth, rounded down (the holder receives).
pub fn lamports_for_lst(lst: u64, total_lamports: u64, lst_supply: u64) -> MathResult<u64> {
    mul_div_floor(lst, total_lamports, lst_supply, "lamports_for_lst")
}

/// The outcome of folding one epoch's change in SOL under management into the rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpochSettlement {
    /// Increase of SOL under management since the last settlement (0 on a loss).
    pub rewards_lamports: u64,
    /// Decrease of SOL under management (a slash); 0 normally.
    pub loss_lamports: u64,
    /// Reward fee in lamports: `floor(rewards * fee_bps / 10_000)`.
    pub fee_lamports: u64,
    /// LST minted to the treasury for the fee:
    /// `floor(fee * supply / (new_total - fee))`, so the treasury's new LST is worth at most
    /// `fee_lamports` at the new rate and the holders keep every rounding remainder.
    pub fee_lst: u64,
    pub new_total_lamports: u64,
    pub new_lst_supply: u64,
}

/// Settles an epoch: `observed_total_lamports` is what the pool holds now (reserve plus every
/// stake account), `previous_total_lamports` what the rate was last computed on.
pub fn settle_epoch(
    previous_total_lamports: u64,
    observed_total_lamports: u64,
    lst_supply: u64,
    reward_fee_bps: u16,
) -> MathResult<EpochSettlement> {
    let rewards_lamports = observed_total_lamports.saturating_sub(previous_total_lamports);
    let loss_lamports = previous_total_lamports.saturating_sub(observed_total_lamports);
    let fee_lamports = mul_div_floor(
        rewards_lamports,
        reward_fee_bps as u64,
        BPS_DENOMINATOR,
        "reward_fee_lamports",
    )?;
    let fee_lst = fee_lst_for(fee_lamports, observed_total_lamports, lst_supply)?;
    Ok(EpochSettlement {
        rewards_lamports,
        loss_lamports,
        fee_lamports,
        fee_lst,
        new_total_lamports: observed_total_lamports,
        new_lst_supply: checked_add(lst_supply, fee_lst, "new_lst_supply")?,
    })
}

/// LST to mint so that the new tokens are worth at most `fee_lamports` once minted:
/// `floor(fee * supply / (total - fee))`, where `total` already includes the fee.
pub fn fee_lst_for(fee_lamports: u64, total_lamports: u64, lst_supply: u64) -> MathResult<u64> {
    if fee_lamports == 0 || lst_supply == 0 {
        return Ok(0);
    }
    let holders_lamports = checked_sub(total_lamports, fee_lamports, "fee_lst")?;
    mul_div_floor(fee_lamports, lst_supply, holders_lamports, "fee_lst")
}

/// Lamports per whole LST (10^9 units), scaled by 10^9, rounded down: a display value only,
/// never used to move money.
pub fn rate_scaled(total_lamports: u64, lst_supply: u64) -> u128 {
    if lst_supply == 0 {
        return 1_000_000_000;
    }
    (total_lamports as u128) * 1_000_000_000 / (lst_supply as u128)
}

/// Whether the rate `total / supply` is below `than_total / than_supply`, exactly (u128
/// cross-multiplication). What the tests and fuzzers check "the rate never falls" with.
pub fn rate_is_below(total: u64, supply: u64, than_total: u64, than_supply: u64) -> bool {
    (total as u128) * (than_supply as u128) < (than_total as u128) * (supply as u128)
}

/// How far the rate fell from `previous` to `new` totals, in basis points rounded up (0 when it
/// did not fall, or there was no previous rate). For the rate account's breaker, never money:
/// computed on the 10^9-scaled rates, whose rounding is far below one basis point.
pub fn rate_drop_bps(previous_total: u64, previous_supply: u64, new_total: u64, new_supply: u64) -> u64 {
    if previous_total == 0 || previous_supply == 0 {
        return 0;
    }
    let old = rate_scaled(previous_total, previous_supply);
    let new = rate_scaled(new_total, new_supply);
    if new >= old {
        return 0;
    }
    // old < 2^94, so (old - new) * 10_000 < 2^108.
    let bps = ((old - new) * BPS_DENOMINATOR as u128).div_ceil(old);
    bps as u64
}

/// `loss_lamports` as a share of `base_lamports`, in basis points rounded up (a loss of anything
/// from nothing counts as everything). For the rate account's breaker, never money.
pub fn loss_bps(loss_lamports: u64, base_lamports: u64) -> u64 {
    if loss_lamports == 0 {
        return 0;
    }
    if base_lamports == 0 {
        return BPS_DENOMINATOR;
    }
    ((loss_lamports as u128 * BPS_DENOMINATOR as u128).div_ceil(base_lamports as u128)).min(u64::MAX as u128) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn loss_in_basis_points() {
        assert_eq!(loss_bps(0, 0), 0);
        assert_eq!(loss_bps(1, 0), 10_000);
        assert_eq!(loss_bps(10, 10_000), 10);
        assert_eq!(loss_bps(11, 10_000), 11, "rounded up");
        assert_eq!(loss_bps(1, 10_000_000), 1);
    }

    #[test]
    fn rate_drop_in_basis_points() {
        assert_eq!(rate_drop_bps(0, 0, 5, 5), 0, "no previous rate");
        assert_eq!(rate_drop_bps(100, 100, 101, 100), 0, "a rise");
        assert_eq!(rate_drop_bps(10_000, 10_000, 9_990, 10_000), 10);
        assert_eq!(rate_drop_bps(10_000, 10_000, 9_989, 10_000), 11);
        assert_eq!(rate_drop_bps(1_000_000_000, 1_000_000_000, 999_999_999, 1_000_000_000), 1, "rounded up");
        assert_eq!(rate_drop_bps(u64::MAX, 1, 0, u64::MAX), 10_000, "everything lost");
    }

    proptest! {
        #[test]
        fn rate_drop_is_zero_exactly_when_the_rate_does_not_fall(pt in 1u64.., ps in 1u64.., nt: u64, ns in 1u64..) {
            let fell = rate_scaled(nt, ns) < rate_scaled(pt, ps);
            prop_assert_eq!(rate_drop_bps(pt, ps, nt, ns) > 0, fell);
            prop_assert!(rate_drop_bps(pt, ps, nt, ns) <= 10_000);
            // A drop the scaled rates show is a drop exactly.
            prop_assert!(!fell || rate_is_below(nt, ns, pt, ps));
        }
    }

    /// `a/b >= c/d` for non-negative rationals, exactly.
    fn ratio_ge(a: u64, b: u64, c: u64, d: u64) -> bool {
        (a as u128) * (d as u128) >= (c as u128) * (b as u128)
    }

    #[test]
    fn first_deposit_is_one_to_one() {
        assert_eq!(lst_for_deposit(5, 0, 0), Ok(5));
    }

    #[test]
    fn a_pool_with_supply_and_no_sol_mints_nothing() {
        assert_eq!(lst_for_deposit(5, 0, 10), Err(MathError { at: "lst_for_deposit_no_value" }));
    }

    #[test]
    fn deposit_rounds_down() {
        // rate 3 lamports per 2 units: 10 lamports buy 6.66.. units -> 6
        assert_eq!(lst_for_deposit(10, 3, 2), Ok(6));
    }

    #[test]
    fn settlement_example() {
        // 100 SOL, 100 LST, 1 SOL rewards, 10% fee
        let s = settle_epoch(100_000_000_000, 101_000_000_000, 100_000_000_000, 1_000).unwrap();
        assert_eq!(s.rewards_lamports, 1_000_000_000);
        assert_eq!(s.fee_lamports, 100_000_000);
        // 0.1 SOL * 100 LST / 100.9 SOL = 0.099108027 LST
        assert_eq!(s.fee_lst, 99_108_027);
        assert_eq!(s.new_lst_supply, 100_099_108_027);
    }

    #[test]
    fn dilution_fee_follows_the_last_yield_and_is_capped() {
        let y = EpochYield { net_rewards_lamports: 4, base_lamports: 10_000 }; // 4 bps
        assert_eq!(dilution_fee_lamports(1_000_000, y), Ok(400));
        assert_eq!(dilution_fee_lamports(1, y), Ok(1), "rounded up");
        let huge = EpochYield { net_rewards_lamports: 1_000, base_lamports: 10_000 }; // 10%
        assert_eq!(dilution_fee_lamports(1_000_000, huge), Ok(5_000), "capped at 0.5%");
        assert_eq!(dilution_fee_lamports(1_000_000, EpochYield::NONE), Ok(0));
        let q = quote_deposit(1_000_000, 1_000, 1_000, 10, y).unwrap();
        assert_eq!(q.fee_lamports, 1_000, "the configured fee when it is larger");
    }

    #[test]
    fn yield_scales_with_the_epoch_length_rounded_up() {
        let y = EpochYield { net_rewards_lamports: 10, base_lamports: 1_000 };
        assert_eq!(y.scaled(64, 128).unwrap().net_rewards_lamports, 20);
        assert_eq!(y.scaled(3, 1).unwrap().net_rewards_lamports, 4, "10/3 rounded up");
        assert_eq!(y.scaled(0, 128).unwrap(), y, "unknown length: as it is");
    }

    #[test]
    fn stake_deposit_charges_the_undelegated_part_like_a_sol_deposit() {
        let y = EpochYield { net_rewards_lamports: 40, base_lamports: 10_000 }; // 40 bps
        let stake_only = quote_stake_deposit(1_000_000, 0, 1, 1, 0, y).unwrap();
        assert_eq!(stake_only.fee_lamports, 0, "active stake pays no dilution fee");
        let padded = quote_stake_deposit(1_000_000, 1_000_000, 1, 1, 0, y).unwrap();
        assert_eq!(padded.fee_lamports, dilution_fee_lamports(1_000_000, y).unwrap());
        let with_fee = quote_stake_deposit(1_000_000, 1_000_000, 1, 1, 10, y).unwrap();
        assert_eq!(with_fee.fee_lamports, 1_000 + 4_000, "deposit fee on the stake, dilution fee on the rest");
    }

    #[test]
    fn a_loss_takes_no_fee() {
        let s = settle_epoch(100, 90, 100, 1_000).unwrap();
        assert_eq!((s.rewards_lamports, s.loss_lamports, s.fee_lst), (0, 10, 0));
    }

    proptest! {
        /// A deposit never mints LST worth more than the SOL paid, and never lowers the rate.
        #[test]
        fn deposit_creates_no_value(
            total in 1u64..=u64::MAX / 4,
            supply in 1u64..=u64::MAX / 4,
            lamports in 1u64..=1u64 << 50,
        ) {
            prop_assume!(total.checked_add(lamports).is_some());
            let minted = lst_for_deposit(lamports, total, supply).unwrap();
            let new_total = total + lamports;
            let new_supply = supply + minted;
            // value of the minted LST at the new rate <= lamports paid
            let value = lamports_for_lst(minted, new_total, new_supply).unwrap();
            prop_assert!(value <= lamports);
            // rate after >= rate before
            prop_assert!(ratio_ge(new_total, new_supply, total, supply));
            // and the depositor is short by less than one LST unit
            let one_more = lst_for_deposit(lamports, total, supply).unwrap() + 1;
            prop_assert!((one_more as u128) * (total as u128) > (lamports as u128) * (supply as u128));
        }

        /// Settling rewards: the treasury gets at most the fee's worth (and at most one unit less),
        /// holders keep the rest, and the rate does not fall.
        #[test]
        fn settlement_pays_the_fee_exactly_and_never_lowers_the_rate(
            total in 1_000_000_000u64..=1u64 << 60,
            supply in 1_000_000_000u64..=1u64 << 60,
            rewards in 0u64..=1u64 << 40,
            fee_bps in 0u16..=1_000,
        ) {
            let observed = total + rewards;
            let s = settle_epoch(total, observed, supply, fee_bps).unwrap();
            prop_assert_eq!(s.rewards_lamports, rewards);
            prop_assert_eq!(s.new_lst_supply, supply + s.fee_lst);
            let fee = s.fee_lamports;
            prop_assert!(fee as u128 * 10_000 <= rewards as u128 * fee_bps as u128);
            // treasury value f * T' / (S + f) <= fee
            prop_assert!((s.fee_lst as u128) * (observed as u128) <= (fee as u128) * (s.new_lst_supply as u128));
            // one more unit would exceed the fee: the treasury is not short-changed by more than a unit
            if fee > 0 {
                let f1 = s.fee_lst as u128 + 1;
                prop_assert!(f1 * (observed as u128) > (fee as u128) * (supply as u128 + f1));
            }
            prop_assert!(ratio_ge(observed, s.new_lst_supply, total, supply));
        }

        /// A deposit with a fee mints no more than one without, and never creates value.
        #[test]
        fn deposit_fee_only_helps_holders(
            total in 1u64..=1u64 << 60,
            supply in 1u64..=1u64 << 60,
            lamports in 1u64..=1u64 << 50,
            bps in 0u16..=50,
        ) {
            // Rates at which the LST minted overflows u64 are refused (checked), not quoted.
            let plain = lst_for_deposit(lamports, total, supply);
            prop_assume!(plain.is_ok_and(|m| supply.checked_add(m).is_some()));
            let y = EpochYield { net_rewards_lamports: total / 3_000, base_lamports: total };
            let q = quote_deposit(lamports, total, supply, bps, y).unwrap();
            prop_assert!(q.lst_out <= lst_for_deposit(lamports, total, supply).unwrap());
            prop_assert!(q.fee_lamports as u128 * 10_000 >= lamports as u128 * bps as u128);
            // The fee stays in the pool, so the depositor shares in it like every holder: their LST
            // is worth no more than they paid, and the rate does not fall for anyone.
            let value = lamports_for_lst(q.lst_out, total + lamports, supply + q.lst_out).unwrap();
            prop_assert!(value <= lamports);
            prop_assert!(ratio_ge(total + lamports, supply + q.lst_out, total, supply));
        }

        /// A padded stake deposit never mints more than a stake deposit plus a SOL deposit of the
        /// padding would, each priced alone.
        #[test]
        fn padding_costs_at_least_a_sol_deposit(
            total in 1_000_000_000u64..=1u64 << 55,
            supply in 1_000_000_000u64..=1u64 << 55,
            delegated in 1u64..=1u64 << 45,
            undelegated in 0u64..=1u64 << 45,
            net in 0u64..=1u64 << 30,
            bps in 0u16..=50,
        ) {
            let y = EpochYield { net_rewards_lamports: net, base_lamports: total };
            let padded = quote_stake_deposit(delegated, undelegated, total, supply, bps, y).unwrap();
            let sol_fee = quote_deposit(undelegated.max(1), total, supply, bps, y).unwrap().fee_lamports;
            prop_assert!(padded.fee_lamports >= fee_lamports(delegated, bps).unwrap());
            if undelegated > 0 {
                prop_assert!(padded.fee_lamports >= sol_fee);
            }
            let value = lamports_for_lst(padded.lst_out, total + delegated + undelegated, supply + padded.lst_out).unwrap();
            prop_assert!(value <= delegated + undelegated);
        }

        /// An exit never pays more than the LST is worth, and leaves the rate no lower.
        #[test]
        fn exits_never_lower_the_rate(
            total in 1_000_000_000u64..=1u64 << 60,
            supply in 1_000_000_000u64..=1u64 << 60,
            share in 0u64..=1_000_000,
            bps in 0u16..=1_000,
        ) {
            let lst = (supply as u128 * share as u128 / 1_000_000) as u64;
            let q = quote_exit(lst, total, supply, bps).unwrap();
            prop_assert!(q.lamports_out + q.fee_lamports == q.value_lamports || q.lamports_out == 0);
            prop_assert!(q.value_lamports as u128 * supply as u128 <= lst as u128 * total as u128);
            if lst < supply {
                prop_assert!(ratio_ge(total - q.lamports_out, supply - lst, total, supply));
            }
        }

        /// Redeeming what a deposit minted never returns more than was deposited.
        #[test]
        fn round_trip_never_profits(
            total in 1u64..=1u64 << 62,
            supply in 1u64..=1u64 << 62,
            lamports in 1u64..=1u64 << 50,
        ) {
            let minted = lst_for_deposit(lamports, total, supply).unwrap();
            let back = lamports_for_lst(minted, total + lamports, supply + minted).unwrap();
            prop_assert!(back <= lamports);
        }
    }
}
