//! Writes the shared quote test vectors for the web app: `app/test-vectors/quotes.json`.
//!
//!     cargo run -p liquid-staking-sdk --example quote_vectors [-- OUTPUT_PATH]
//!
//! Every vector is one call of the program's own money math (`liquid_staking::math`) or of a
//! `Pool` quote method, over a deterministic spread of inputs (edge values: zero, one, tiny, huge
//! u64, an empty buffer, rounding boundaries; then a seeded pseudo-random spread over every
//! magnitude). The app's vitest suite (app/src/math/vectors.test.ts) recomputes every vector with
//! its TypeScript port (app/src/math/) and must agree on every output and every error. The format
//! is app/test-vectors/quotes.schema.md. The output is byte-for-byte deterministic.
//!
//! Two composite quotes are not methods of `Pool` but the quoting part of an instruction handler,
//! written out here exactly as the handler does it: the one-call exit
//! (programs/liquid-staking/src/instructions/user/unstake.rs) and the stake withdrawal's amount
//! checks (withdraw_stake.rs).

use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};

use anchor_lang::AnchorDeserialize;
use liquid_staking_sdk::constants::MIN_STAKE_DELEGATION_LAMPORTS;
use liquid_staking_sdk::math::{self, EpochYield, MathError, MathResult};
use liquid_staking_sdk::state::{Fees, Pool, PAUSED_INSTANT_EXITS};

// ---------------------------------------------------------------------------------------------
// A minimal JSON writer: every integer is written as a decimal string (u64 and u128 exceed what
// a JSON number holds exactly in JavaScript).

enum J {
    S(String),
    O(Vec<(&'static str, J)>),
}

fn s<T: ToString>(v: T) -> J {
    J::S(v.to_string())
}

fn write_json(out: &mut String, v: &J) {
    match v {
        J::S(text) => {
            out.push('"');
            for c in text.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 => {
                        let _ = write!(out, "\\u{:04x}", c as u32);
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        J::O(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "\"{k}\":");
                write_json(out, v);
            }
            out.push('}');
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Deterministic inputs.

/// splitmix64: a fixed seed gives the same vectors on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    /// A u64 of a random magnitude (every bit length equally likely), or an edge value.
    fn amount(&mut self) -> u64 {
        if self.below(4) == 0 {
            EDGE_U64[self.below(EDGE_U64.len() as u64) as usize]
        } else {
            let bits = self.below(65);
            if bits == 0 {
                0
            } else {
                self.next() >> (64 - bits)
            }
        }
    }

    /// A u64 below 2^bits.
    fn bits(&mut self, bits: u32) -> u64 {
        if bits == 0 {
            0
        } else {
            self.next() >> (64 - bits.min(64))
        }
    }

    fn bps(&mut self, cap: u16) -> u16 {
        match self.below(6) {
            0 => 0,
            1 => cap,
            2 => EDGE_BPS[self.below(EDGE_BPS.len() as u64) as usize].min(cap),
            _ => self.below(cap as u64 + 1) as u16,
        }
    }
}

const EDGE_U64: &[u64] = &[
    0,
    1,
    2,
    3,
    7,
    9_999,
    10_000,
    10_001,
    999_999_999,
    1_000_000_000,
    1_000_000_001,
    (1 << 32) - 1,
    1 << 32,
    (1 << 53) - 1,
    1 << 53,
    (1 << 53) + 1,
    1 << 63,
    u64::MAX - 1,
    u64::MAX,
];

const EDGE_BPS: &[u16] = &[0, 1, 9, 10, 50, 300, 1_000, 5_000, 9_999, 10_000, u16::MAX];

// ---------------------------------------------------------------------------------------------
// Vectors.

struct Vectors {
    out: Vec<J>,
    skipped: usize,
}

impl Vectors {
    /// Records one call: `args` and either `ok` (the output) or `err` (what failed). A panic (an
    /// overflow the program's code leaves to Rust's overflow checks) records nothing and is counted.
    fn push(&mut self, name: &str, f: &'static str, args: Vec<(&'static str, J)>, result: impl FnOnce() -> Result<J, String>) {
        match catch_unwind(AssertUnwindSafe(result)) {
            Ok(r) => {
                let outcome = match r {
                    Ok(v) => ("ok", v),
                    Err(e) => ("err", J::S(e)),
                };
                self.out.push(J::O(vec![("name", s(name)), ("fn", s(f)), ("args", J::O(args)), outcome]));
            }
            Err(_) => self.skipped += 1,
        }
    }
}

fn math_err<T>(r: MathResult<T>, ok: impl FnOnce(T) -> J) -> Result<J, String> {
    r.map(ok).map_err(|MathError { at }| at.to_string())
}

fn program_err(e: anchor_lang::error::Error) -> String {
    match e {
        anchor_lang::error::Error::AnchorError(a) => a.error_name.clone(),
        anchor_lang::error::Error::ProgramError(p) => format!("{:?}", p.program_error),
    }
}

fn fees_json(f: &Fees) -> J {
    J::O(vec![
        ("reward_bps", s(f.reward_bps)),
        ("deposit_bps", s(f.deposit_bps)),
        ("delayed_unstake_bps", s(f.delayed_unstake_bps)),
        ("stake_withdrawal_bps", s(f.stake_withdrawal_bps)),
        ("instant_unstake_min_bps", s(f.instant_unstake_min_bps)),
        ("instant_unstake_max_bps", s(f.instant_unstake_max_bps)),
        ("treasury_share_bps", s(f.treasury_share_bps)),
    ])
}

/// The pool fields the quotes read (the schema's "pool" object).
fn pool_json(p: &Pool) -> J {
    J::O(vec![
        ("paused", s(p.paused)),
        ("fees", fees_json(&p.fees)),
        ("pending_fees", fees_json(&p.pending_fees)),
        ("pending_fees_epoch", s(p.pending_fees_epoch)),
        ("reserve_buffer_bps", s(p.reserve_buffer_bps)),
        ("total_lamports", s(p.total_lamports)),
        ("lst_supply", s(p.lst_supply)),
        ("last_update_epoch", s(p.last_update_epoch)),
        ("owed_lamports", s(p.owed_lamports)),
        ("reserve_rent_lamports", s(p.reserve_rent_lamports)),
        ("previous_total_lamports", s(p.previous_total_lamports)),
        ("last_rewards_lamports", s(p.last_rewards_lamports)),
        ("last_fee_lamports", s(p.last_fee_lamports)),
        ("last_rewards_slots", s(p.last_rewards_slots)),
        ("instant_fees_retained_lamports", s(p.instant_fees_retained_lamports)),
        ("instant_curve_target_lamports", s(p.instant_curve_target_lamports)),
    ])
}

fn deposit_json(q: math::DepositQuote) -> J {
    J::O(vec![("fee_lamports", s(q.fee_lamports)), ("lst_out", s(q.lst_out))])
}

fn exit_json(q: math::ExitQuote) -> J {
    J::O(vec![
        ("value_lamports", s(q.value_lamports)),
        ("fee_lamports", s(q.fee_lamports)),
        ("lamports_out", s(q.lamports_out)),
    ])
}

fn instant_json(q: math::InstantQuote) -> J {
    J::O(vec![
        ("value_lamports", s(q.value_lamports)),
        ("fee_bps", s(q.fee_bps)),
        ("fee_lamports", s(q.fee_lamports)),
        ("lamports_out", s(q.lamports_out)),
        ("treasury_fee_lamports", s(q.treasury_fee_lamports)),
    ])
}

/// A pool with every field zero (then set by the caller): robust to fields added later.
fn zero_pool() -> Pool {
    let zeros = vec![0u8; Pool::SPACE - 8];
    <Pool as AnchorDeserialize>::deserialize(&mut &zeros[..]).expect("a zeroed Pool deserializes")
}

fn random_fees(rng: &mut Rng) -> Fees {
    let min = rng.bps(1_000);
    let max = if rng.below(8) == 0 { rng.bps(1_000) } else { min.saturating_add(rng.bps(1_000)).min(1_000) };
    Fees {
        reward_bps: rng.bps(1_000),
        deposit_bps: rng.bps(50),
        delayed_unstake_bps: rng.bps(50),
        stake_withdrawal_bps: rng.bps(50),
        instant_unstake_min_bps: min,
        instant_unstake_max_bps: max,
        treasury_share_bps: rng.bps(10_000),
    }
}

/// A pool state at a random scale: realistic (rate near 1, SOL amounts) most of the time, any u64
/// sometimes.
fn random_pool(rng: &mut Rng, epoch: u64) -> Pool {
    let mut p = zero_pool();
    let realistic = rng.below(4) != 0;
    let scale = if realistic { 30 + rng.below(33) as u32 } else { 64 };
    p.total_lamports = if realistic { rng.bits(scale).max(1_000_000_000) } else { rng.amount() };
    p.lst_supply = if realistic {
        // rate between ~0.5 and ~2
        let r = 500 + rng.below(1_500);
        ((p.total_lamports as u128) * 1_000 / r as u128).min(u64::MAX as u128) as u64
    } else {
        rng.amount()
    };
    p.fees = random_fees(rng);
    p.pending_fees = random_fees(rng);
    p.pending_fees_epoch = match rng.below(3) {
        0 => u64::MAX,
        1 => epoch,
        _ => epoch.saturating_add(rng.below(3)).saturating_sub(1),
    };
    p.reserve_buffer_bps = rng.bps(5_000);
    p.last_update_epoch = epoch;
    p.paused = if rng.below(3) == 0 { PAUSED_INSTANT_EXITS } else { 0 };
    p.owed_lamports = if rng.below(2) == 0 { 0 } else { rng.bits(scale.saturating_sub(3)) };
    p.reserve_rent_lamports = if realistic { 890_880 } else { rng.amount() };
    p.previous_total_lamports = if rng.below(5) == 0 { 0 } else { p.total_lamports.saturating_sub(rng.bits(scale.saturating_sub(8))) };
    p.last_rewards_lamports = if rng.below(4) == 0 { 0 } else { rng.bits(scale.saturating_sub(10)) };
    p.last_fee_lamports = (p.last_rewards_lamports / 20).saturating_add(if rng.below(10) == 0 { rng.amount() } else { 0 });
    p.last_rewards_slots = match rng.below(4) {
        0 => 0,
        1 => 64,
        2 => 432_000,
        _ => rng.below(1_000_000),
    };
    p.instant_curve_target_lamports = if realistic {
        math::buffer_target_lamports(p.total_lamports, p.reserve_buffer_bps).unwrap_or(0)
    } else {
        rng.amount()
    };
    p.instant_fees_retained_lamports = if rng.below(2) == 0 { 0 } else { rng.bits(scale.saturating_sub(12)) };
    p
}

fn random_reserve(rng: &mut Rng, p: &Pool) -> u64 {
    let base = p.reserve_rent_lamports.saturating_add(p.owed_lamports);
    match rng.below(6) {
        0 => 0,
        1 => base,
        2 => base.saturating_add(p.instant_curve_target_lamports),
        3 => rng.amount(),
        _ => base.saturating_add(rng.bits(64 - p.total_lamports.leading_zeros())),
    }
}

/// An LST amount: a share of the supply most of the time, any u64 sometimes.
fn random_lst(rng: &mut Rng, p: &Pool) -> u64 {
    match rng.below(8) {
        0 => 0,
        1 => 1,
        2 => rng.amount(),
        3 => p.lst_supply,
        _ => ((p.lst_supply as u128) * (rng.below(1_000_001) as u128) / 1_000_000) as u64,
    }
}

/// The one-call exit's quote, as programs/liquid-staking/src/instructions/user/unstake.rs computes
/// it (after its freshness and zero checks).
fn quote_unstake(pool: &Pool, lst_amount: u64, max_fee_bps: u16, reserve_balance: u64, epoch: u64) -> anchor_lang::Result<J> {
    let instant = pool.quote_unstake_instant_part(lst_amount, reserve_balance, epoch, max_fee_bps)?;
    let instant_lst = instant.as_ref().map_or(0, |(lst, _)| *lst);
    let instant = instant.map(|(_, quote)| quote);
    let mut after = pool.clone();
    if let Some(q) = &instant {
        after.book_instant_exit(instant_lst, q)?;
    }
    let ticket_lst = lst_amount - instant_lst;
    let ticket = if ticket_lst > 0 {
        let q = after.quote_delayed_exit(ticket_lst, epoch)?;
        if q.lamports_out == 0 {
            return Err(liquid_staking_sdk::LiquidStakingError::ExitTooSmall.into());
        }
        Some(q)
    } else {
        None
    };
    let instant_out = instant.map_or(0, |q| q.lamports_out);
    let owed = ticket.map_or(0, |q| q.lamports_out);
    Ok(J::O(vec![
        ("instant_lst", s(instant_lst)),
        ("instant_lamports_out", s(instant_out)),
        ("instant_fee_lamports", s(instant.map_or(0, |q| q.fee_lamports))),
        ("treasury_fee_lamports", s(instant.map_or(0, |q| q.treasury_fee_lamports))),
        ("ticket_lst", s(ticket_lst)),
        ("ticket_lamports", s(owed)),
        ("ticket_fee_lamports", s(ticket.map_or(0, |q| q.fee_lamports))),
        ("total_lamports_out", s(instant_out as u128 + owed as u128)),
    ]))
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../app/test-vectors/quotes.json").to_string());
    std::panic::set_hook(Box::new(|_| {}));
    let mut v = Vectors { out: Vec::new(), skipped: 0 };
    let mut rng = Rng(0x5EED_1E57_0000_0001);

    // --- mul_div_floor / mul_div_ceil: every pair of edge values, then random.
    for (i, &a) in EDGE_U64.iter().enumerate() {
        for (j, &b) in EDGE_U64.iter().enumerate().step_by(3) {
            let c = EDGE_U64[(i + j) % EDGE_U64.len()];
            let args = || vec![("a", s(a)), ("b", s(b)), ("c", s(c))];
            v.push("edge", "mul_div_floor", args(), || math_err(math::mul_div_floor(a, b, c, "t"), s));
            v.push("edge", "mul_div_ceil", args(), || math_err(math::mul_div_ceil(a, b, c, "t"), s));
        }
    }
    for _ in 0..120 {
        let (a, b, c) = (rng.amount(), rng.amount(), rng.amount());
        let args = || vec![("a", s(a)), ("b", s(b)), ("c", s(c))];
        v.push("random", "mul_div_floor", args(), || math_err(math::mul_div_floor(a, b, c, "t"), s));
        v.push("random", "mul_div_ceil", args(), || math_err(math::mul_div_ceil(a, b, c, "t"), s));
    }
    // Rounding boundaries: exact divisions and one off.
    for k in [1u64, 3, 7, 10_000, 1_000_000_007] {
        for off in [0u64, 1] {
            let (a, b, c) = (k * 3 + off, 10_000, k);
            let args = || vec![("a", s(a)), ("b", s(b)), ("c", s(c))];
            v.push("boundary", "mul_div_floor", args(), || math_err(math::mul_div_floor(a, b, c, "t"), s));
            v.push("boundary", "mul_div_ceil", args(), || math_err(math::mul_div_ceil(a, b, c, "t"), s));
        }
    }

    // --- rate.rs
    for i in 0..150 {
        let name = if i < 20 { "edge" } else { "random" };
        let (lamports, total, supply) = if i < 20 {
            (EDGE_U64[i % EDGE_U64.len()], EDGE_U64[(i * 7) % EDGE_U64.len()], EDGE_U64[(i * 11 + 3) % EDGE_U64.len()])
        } else {
            (rng.amount(), rng.amount(), rng.amount())
        };
        let bps = rng.bps(10_000);
        let y = EpochYield { net_rewards_lamports: rng.amount(), base_lamports: rng.amount() };
        let y = if rng.below(4) == 0 { EpochYield::NONE } else { y };
        v.push(name, "lst_for_deposit", vec![("lamports", s(lamports)), ("total_lamports", s(total)), ("lst_supply", s(supply))], || {
            math_err(math::lst_for_deposit(lamports, total, supply), s)
        });
        v.push(name, "lamports_for_lst", vec![("lst", s(lamports)), ("total_lamports", s(total)), ("lst_supply", s(supply))], || {
            math_err(math::lamports_for_lst(lamports, total, supply), s)
        });
        v.push(name, "fee_lamports", vec![("lamports", s(lamports)), ("bps", s(bps))], || math_err(math::fee_lamports(lamports, bps), s));
        let yargs = || vec![("lamports", s(lamports)), ("net_rewards_lamports", s(y.net_rewards_lamports)), ("base_lamports", s(y.base_lamports))];
        v.push(name, "dilution_fee_lamports", yargs(), || math_err(math::dilution_fee_lamports(lamports, y), s));
        let (from, to) = (rng.amount() % 1_000_000, if rng.below(2) == 0 { 64 } else { rng.amount() % 1_000_000 });
        v.push(
            name,
            "yield_scaled",
            vec![("net_rewards_lamports", s(y.net_rewards_lamports)), ("base_lamports", s(y.base_lamports)), ("from_slots", s(from)), ("to_slots", s(to))],
            || {
                math_err(y.scaled(from, to), |y| {
                    J::O(vec![("net_rewards_lamports", s(y.net_rewards_lamports)), ("base_lamports", s(y.base_lamports))])
                })
            },
        );
        let dep_bps = rng.bps(50);
        v.push(
            name,
            "quote_deposit",
            vec![
                ("lamports", s(lamports)),
                ("total_lamports", s(total)),
                ("lst_supply", s(supply)),
                ("deposit_bps", s(dep_bps)),
                ("net_rewards_lamports", s(y.net_rewards_lamports)),
                ("base_lamports", s(y.base_lamports)),
            ],
            || math_err(math::quote_deposit(lamports, total, supply, dep_bps, y), deposit_json),
        );
        let undelegated = if rng.below(3) == 0 { 0 } else { rng.amount() };
        v.push(
            name,
            "quote_stake_deposit",
            vec![
                ("delegated", s(lamports)),
                ("undelegated", s(undelegated)),
                ("total_lamports", s(total)),
                ("lst_supply", s(supply)),
                ("deposit_bps", s(dep_bps)),
                ("net_rewards_lamports", s(y.net_rewards_lamports)),
                ("base_lamports", s(y.base_lamports)),
            ],
            || math_err(math::quote_stake_deposit(lamports, undelegated, total, supply, dep_bps, y), deposit_json),
        );
        v.push(
            name,
            "quote_exit",
            vec![("lst", s(lamports)), ("total_lamports", s(total)), ("lst_supply", s(supply)), ("fee_bps", s(bps))],
            || math_err(math::quote_exit(lamports, total, supply, bps), exit_json),
        );
        let reward_bps = rng.bps(1_000);
        v.push(
            name,
            "settle_epoch",
            vec![("previous_total_lamports", s(total)), ("observed_total_lamports", s(lamports)), ("lst_supply", s(supply)), ("reward_fee_bps", s(reward_bps))],
            || {
                math_err(math::settle_epoch(total, lamports, supply, reward_bps), |r| {
                    J::O(vec![
                        ("rewards_lamports", s(r.rewards_lamports)),
                        ("loss_lamports", s(r.loss_lamports)),
                        ("fee_lamports", s(r.fee_lamports)),
                        ("fee_lst", s(r.fee_lst)),
                        ("new_total_lamports", s(r.new_total_lamports)),
                        ("new_lst_supply", s(r.new_lst_supply)),
                    ])
                })
            },
        );
        let fee = rng.amount() % (total.max(1));
        v.push(name, "fee_lst_for", vec![("fee_lamports", s(fee)), ("total_lamports", s(total)), ("lst_supply", s(supply))], || {
            math_err(math::fee_lst_for(fee, total, supply), s)
        });
        v.push(name, "rate_scaled", vec![("total_lamports", s(total)), ("lst_supply", s(supply))], || Ok(s(math::rate_scaled(total, supply))));
        let buffer_bps = rng.bps(10_000);
        v.push(name, "buffer_target_lamports", vec![("total_lamports", s(total)), ("buffer_bps", s(buffer_bps))], || {
            math_err(math::buffer_target_lamports(total, buffer_bps), s)
        });
    }
    // Deposits that round to exactly one LST unit and just below.
    for (lamports, total, supply) in [(1u64, 1_000_000_000u64, 1_000_000_000u64), (2, 3, 2), (3, 2, 1), (999, 1_000, 1), (1_000, 1_000, 1), (1_001, 1_000, 1)] {
        v.push("boundary", "lst_for_deposit", vec![("lamports", s(lamports)), ("total_lamports", s(total)), ("lst_supply", s(supply))], || {
            math_err(math::lst_for_deposit(lamports, total, supply), s)
        });
    }

    // --- instant.rs: the fee curve around its target, at an empty buffer and below zero.
    let curve_cases = |rng: &mut Rng| -> (u64, u64, u64, u16, u16) {
        let target = match rng.below(5) {
            0 => 0,
            1 => 1,
            2 => 3,
            3 => rng.amount(),
            _ => rng.bits(40),
        };
        let position = match rng.below(7) {
            0 => 0,
            1 => target,
            2 => target.saturating_add(1),
            3 => target.saturating_sub(1),
            4 => target / 2,
            5 => rng.amount(),
            _ => target.saturating_mul(2),
        };
        let value = match rng.below(6) {
            0 => 0,
            1 => 1,
            2 => position,
            3 => position.saturating_add(1),
            4 => rng.amount(),
            _ => rng.bits(40),
        };
        let min = rng.bps(1_000);
        let max = if rng.below(6) == 0 { rng.bps(1_000) } else { min.saturating_add(rng.bps(1_000)).min(1_000) };
        (value, position, target, min, max)
    };
    for _ in 0..260 {
        let (value, position, target, min, max) = curve_cases(&mut rng);
        v.push(
            "curve",
            "instant_fee_bps",
            vec![("position", s(position)), ("buffer_target", s(target)), ("min_bps", s(min)), ("max_bps", s(max))],
            || Ok(s(math::instant_fee_bps(position, target, min, max))),
        );
        v.push(
            "curve",
            "instant_exit_fee_lamports",
            vec![("value", s(value)), ("position", s(position)), ("buffer_target", s(target)), ("min_bps", s(min)), ("max_bps", s(max))],
            || math_err(math::instant_exit_fee_lamports(value, position, target, min, max), s),
        );
        let max_fee = rng.bps(1_000);
        v.push(
            "curve",
            "max_instant_value",
            vec![("position", s(position)), ("buffer_target", s(target)), ("min_bps", s(min)), ("max_bps", s(max)), ("max_fee_bps", s(max_fee))],
            || Ok(s(math::max_instant_value(position, target, min, max, max_fee))),
        );
        let (total, supply) = (rng.amount(), rng.amount());
        let lst = rng.amount();
        let liquid = if rng.below(2) == 0 { position } else { rng.amount() };
        let share = rng.bps(10_000);
        v.push(
            "curve",
            "quote_instant_exit",
            vec![
                ("lst", s(lst)),
                ("total_lamports", s(total)),
                ("lst_supply", s(supply)),
                ("liquid_lamports", s(liquid)),
                ("position", s(position)),
                ("buffer_target", s(target)),
                ("min_bps", s(min)),
                ("max_bps", s(max)),
                ("treasury_share_bps", s(share)),
            ],
            || math_err(math::quote_instant_exit(lst, total, supply, liquid, position, target, min, max, share), instant_json),
        );
    }
    // The program's own unit-test points of the curve.
    for (value, position, target, min, max) in [
        (1_000_000u64, 3_000_000u64, 1_000_000u64, 10u16, 310u16),
        (1_000_000, 1_000_000, 1_000_000, 10, 310),
        (1_000_000, 0, 1_000_000, 10, 310),
        (3_000_000, 2_000_000, 1_000_000, 10, 310),
        (1_000_000, 500_000, 1_000_000, 50, 50),
        (2_000, 1_000, 0, 10, 300),
        (1, 1, 3, 10, 300),
    ] {
        v.push(
            "unit",
            "instant_exit_fee_lamports",
            vec![("value", s(value)), ("position", s(position)), ("buffer_target", s(target)), ("min_bps", s(min)), ("max_bps", s(max))],
            || math_err(math::instant_exit_fee_lamports(value, position, target, min, max), s),
        );
    }

    // --- Pool quote methods, and the handlers' composite quotes.
    for i in 0..300 {
        let epoch = if i % 10 == 0 { 0 } else { 1 + rng.below(1_000) };
        let pool = random_pool(&mut rng, epoch);
        let reserve = random_reserve(&mut rng, &pool);
        let epoch_slots = match rng.below(3) {
            0 => 64,
            1 => 432_000,
            _ => 32 + rng.below(1_000),
        };
        let lamports = match rng.below(5) {
            0 => 0,
            1 => 1,
            2 => rng.amount(),
            _ => rng.bits(64 - pool.total_lamports.leading_zeros()),
        };
        let lst = random_lst(&mut rng, &pool);
        let max_fee_bps = rng.bps(1_000);
        let pj = || pool_json(&pool);
        v.push(
            "pool",
            "pool_quote_deposit_sol",
            vec![("pool", pj()), ("lamports", s(lamports)), ("epoch", s(epoch)), ("epoch_slots", s(epoch_slots))],
            || pool.quote_deposit_sol(lamports, epoch, epoch_slots).map(deposit_json).map_err(program_err),
        );
        v.push("pool", "pool_quote_delayed_exit", vec![("pool", pj()), ("lst", s(lst)), ("epoch", s(epoch))], || {
            pool.quote_delayed_exit(lst, epoch).map(exit_json).map_err(program_err)
        });
        v.push(
            "pool",
            "pool_quote_instant_exit",
            vec![("pool", pj()), ("lst", s(lst)), ("reserve_balance", s(reserve)), ("epoch", s(epoch))],
            || pool.quote_instant_exit(lst, reserve, epoch).map(instant_json).map_err(program_err),
        );
        v.push(
            "pool",
            "pool_book_instant_exit",
            vec![("pool", pj()), ("lst", s(lst)), ("reserve_balance", s(reserve)), ("epoch", s(epoch))],
            || {
                let q = pool.quote_instant_exit(lst, reserve, epoch).map_err(program_err)?;
                let mut after = pool.clone();
                let treasury_lst = after.book_instant_exit(lst, &q).map_err(program_err)?;
                Ok(J::O(vec![
                    ("total_lamports", s(after.total_lamports)),
                    ("lst_supply", s(after.lst_supply)),
                    ("instant_fees_retained_lamports", s(after.instant_fees_retained_lamports)),
                    ("treasury_lst", s(treasury_lst)),
                ]))
            },
        );
        v.push(
            "pool",
            "pool_quote_unstake",
            vec![("pool", pj()), ("lst", s(lst)), ("max_fee_bps", s(max_fee_bps)), ("reserve_balance", s(reserve)), ("epoch", s(epoch))],
            || quote_unstake(&pool, lst, max_fee_bps, reserve, epoch).map_err(program_err),
        );
        v.push("pool", "pool_quote_withdraw_stake", vec![("pool", pj()), ("lst", s(lst)), ("epoch", s(epoch))], || {
            // withdraw_stake.rs: the quote, then the minimum-delegation check.
            let q = math::quote_exit(lst, pool.total_lamports, pool.lst_supply, pool.fees_at(epoch).stake_withdrawal_bps)
                .map_err(|e| program_err(liquid_staking_sdk::LiquidStakingError::from(e).into()))?;
            if q.lamports_out < MIN_STAKE_DELEGATION_LAMPORTS {
                return Err("StakeWithdrawalTooSmall".to_string());
            }
            Ok(exit_json(q))
        });
        v.push("pool", "pool_reserve", vec![("pool", pj()), ("reserve_balance", s(reserve))], || {
            Ok(J::O(vec![
                ("free_lamports", s(pool.reserve_free_lamports(reserve))),
                ("liquid_lamports", s(pool.reserve_liquid_lamports(reserve))),
                ("curve_position", s(pool.instant_curve_position(reserve))),
                (
                    "buffer_target_lamports",
                    match pool.buffer_target_lamports() {
                        Ok(b) => s(b),
                        Err(e) => s(format!("err:{}", program_err(e))),
                    },
                ),
            ]))
        });
    }

    let mut json = String::new();
    json.push_str("{\n\"schema\":\"1\",\n\"generator\":\"cargo run -p liquid-staking-sdk --example quote_vectors\",\n\"vectors\":[\n");
    for (i, vector) in v.out.iter().enumerate() {
        if i > 0 {
            json.push_str(",\n");
        }
        write_json(&mut json, vector);
    }
    json.push_str("\n]\n}\n");
    if let Some(dir) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(dir).expect("create the output folder");
    }
    std::fs::write(&path, json).expect("write the vectors");
    let _ = std::panic::take_hook();
    println!("wrote {} vectors to {path} ({} inputs skipped: they overflow where the program relies on Rust's overflow checks)", v.out.len(), v.skipped);
}
