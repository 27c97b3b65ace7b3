//! # Randomized invariant testing of the pool's accounting
//!
//! A model of one pool and its world, driven by long seeded random sequences: the pool account
//! and its validator list (the program's own `Pool` and `ValidatorEntry`, the list a Vec with
//! swap_remove like the account), the reserve's balance, and for each of 1 to 6 validators (more
//! added, some removed, on the way) its main and transient stake accounts: lamports, delegation
//! and epochs, activating for one epoch, deactivating for one, rewards paid at the boundary on
//! the stake effective in the epoch (`stake.rs` holds the Stake program's rules, so a move the
//! program asks for and the Stake program would refuse is caught). Users, tickets, a treasury.
//!
//! Every decision goes through the program's own code: the `Pool` methods and `math` functions
//! the handlers call (quotes, bookings, settlement, shortfall and buffer rules), and per
//! validator `state::observe_validator` (what observe does to one validator) and
//! `Pool::plan_rebalance` / `Pool::book_rebalance` (what rebalancing does); the model carries out
//! the stake moves they name and repeats the handlers' guards in their order (batch parsing,
//! address and transient checks, skips, NothingToObserve, PoolAlreadyUpdated, ...). A refused
//! transaction leaves the model as it was, as the chain reverts it.
//!
//! The crank runs as the SDK plans it (`crank.rs` mirrors `crates/sdk/src/plan.rs`: observe
//! batches of consecutive unobserved validators, the rebalance candidates in its order, each
//! decided on a copy of the pool), and also as two cranks planning one epoch from the same state
//! whose transactions land interleaved, one of them sometimes stalling and landing its batches
//! steps or epochs later. Each observe batch is predicted from the list as it stands (a validator
//! named where it no longer is: StakeAccountMismatch or whichever check fails first; a recorded
//! transient not passed: ObserveAccountsMismatch; all observed: NothingToObserve; else it lands)
//! and must land or be refused exactly so.
//!
//! Checked after every transaction:
//! - the books to the lamport: reserve + every stake account = SOL under management + SOL owed
//!   to tickets + what came from outside and is not yet settled (rewards, donations, a caller's
//!   rent), split as: seen by an observation or in the reserve (the next settlement recognises
//!   exactly that), or not yet seen;
//! - per validator: its entry records its accounts less exactly what they gained from outside
//!   since it was last observed (no loss without a slash); it has its main stake account, and a
//!   transient exactly when the entry records one; no stake is left behind by a validator that
//!   left the list; the entries add up to the pool's stake_lamports, unstaking_lamports, weight,
//!   validator and observed counts;
//! - every LST unit is someone's (users, treasury, the locked initial deposit) and the pool
//!   counts them all; SOL owed equals the open tickets; the reserve never pays out its rent;
//! - the rate never falls (no slashes in the model); no observation sees a loss;
//! - a deposit followed at once by an instant exit (or a ticket) never returns more SOL;
//! - the crank, alone, always finishes an epoch: a fresh batch lands, finalize lands once all are
//!   observed, every rebalance it plans lands;
//!
//! and at the end, with the crank run for a few more epochs: every ticket is paid.
//!
//! What the model simplifies: warm-up and cool-down take one epoch whatever the amount; no
//! slashes, lockups or foreign accounts (addresses are checked by vote account, not re-derived);
//! no stake deposits; the EpochRewards sysvar is never active. The chain fuzz in
//! `tests/src/fuzz.rs` runs real transactions through the real handlers and Stake program, at a
//! thousandth of the speed.
mod crank;
mod model;
mod stake;

use crank::{land, Op};
use model::{random_fees, random_weight, Fail, Model, Tx, SOL, VOTE_ACCOUNTS};
pub use model::{RESERVE_RENT_LAMPORTS, SLOTS_PER_EPOCH};
pub use stake::STAKE_RENT_LAMPORTS;

use liquid_staking::state::PAUSED_ALL;

/// splitmix64: small, fast, and the same sequence on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// Spread over magnitudes: 0, 1, ... up to `max`, each decade about equally likely.
    pub fn amount(&mut self, max: u64) -> u64 {
        match self.below(12) {
            0 => 0,
            1 => 1,
            2 => max,
            _ => {
                let decades = (max.max(10) as f64).log10();
                let x = 10f64.powf(self.next() as f64 / u64::MAX as f64 * decades);
                (x as u64).min(max)
            }
        }
    }
}

/// `Stats` and its `add`, from one list of counters.
macro_rules! counters {
    ($($(#[$doc:meta])* $field:ident),* $(,)?) => {
        /// What sequences did: steps, and what landed or was refused.
        #[derive(Debug, Default, Clone, Copy)]
        pub struct Stats {
            $($(#[$doc])* pub $field: u64,)*
        }

        impl Stats {
            /// Adds `o`'s counts (`max_validators`: the larger).
            pub fn add(&mut self, o: &Stats) {
                let max_validators = self.max_validators.max(o.max_validators);
                $(self.$field += o.$field;)*
                self.max_validators = max_validators;
            }
        }
    };
}

counters! {
    steps,
    accepted,
    refused,
    epochs,
    tickets_paid,
    settlements,
    /// The most validators any sequence's list held at once.
    max_validators,
    validators_added,
    removals_started,
    /// Entries dropped by observe once a leaving validator's stake was back in the reserve.
    validators_removed,
    delinquent_deactivations,
    observe_batches,
    merges,
    transients_withdrawn,
    main_withdrawals,
    splits,
    whole_unstakes,
    stakes_added,
    redelegations,
    /// Splits whose transient's rent the caller paid (the reserve lacked it).
    caller_rents,
    stake_withdrawals,
    interleaved_cranks,
    /// Cranks that stopped half-way, their transactions landing later.
    stalled_cranks,
    late_transactions,
    /// Observe batches refused, each exactly as predicted: a named validator moved, a recorded
    /// transient not passed, nothing left to observe.
    refused_batches,
    refused_moved,
    refused_transient_not_passed,
    refused_nothing_to_observe,
    refused_finalizes,
    refused_rebalances,
    /// Rounds a crank alone needed beyond its first plan: its own batches, landing in any order,
    /// made one another stale (a removal moved the list's last entry, which a later batch names).
    repeated_observe_rounds,
}

/// An invariant broke.
#[derive(Debug, Clone)]
pub struct Violation {
    pub seed: u64,
    pub step: u64,
    pub action: &'static str,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "seed {} step {} ({}): {}", self.seed, self.step, self.action, self.message)
    }
}

/// Epochs of cranking the drain allows for every ticket to be paid.
const DRAIN_EPOCHS: u64 = 8;
/// Crank transactions held back at most (the oldest are dropped: a crank gives up on them).
const MAX_LATE: usize = 32;

/// What a step did: landed (true) or was refused and reverted (false).
type Step = Tx<bool>;

fn landed<T>(r: Tx<T>) -> Step {
    r.map(|_| true)
}

/// A crank operation landed by `land`, which reverts refusals itself.
fn crank_step(r: Result<bool, String>) -> Step {
    r.map_err(Fail::Broken)
}

/// A batch a careless crank built: one validator's transient flag flipped (a recorded transient
/// left out, or one passed that is not recorded), the first index off by one, a validator left
/// out (those after it shift), or the whole list from the start.
fn sloppy(m: &Model, rng: &mut Rng, mut batch: crank::ObserveBatch) -> crank::ObserveBatch {
    match rng.below(4) {
        0 => {
            let k = rng.below(batch.names.len() as u64) as usize;
            batch.names[k].1 = !batch.names[k].1;
        }
        1 => batch.first_index = if rng.chance(50) { batch.first_index + 1 } else { batch.first_index.saturating_sub(1) },
        2 => {
            let k = rng.below(batch.names.len() as u64) as usize;
            batch.names.remove(k);
        }
        _ => {
            batch.first_index = 0;
            batch.names = m.list.iter().map(|e| (model::vote_id(&e.vote_account), e.transient_stake_lamports > 0)).collect();
        }
    }
    batch
}

/// Runs sequence `seed`: `steps` random actions, then the drain. Returns what it did, or the
/// first broken invariant.
pub fn run_sequence(seed: u64, steps: u64) -> Result<Stats, Violation> {
    let mut rng = Rng::new(seed);
    let users = 1 + rng.below(4) as usize;
    let validators = 1 + rng.below(6) as usize;
    let mut model = Model::new(&mut rng, users, validators);
    let mut stats = Stats::default();
    let mut late: Vec<Op> = Vec::new();
    let fail = |step: u64, action: &'static str, message: String| Violation { seed, step, action, message };
    model.check().map_err(|m| fail(0, "initialize", m))?;
    for step in 0..steps {
        stats.steps += 1;
        let before = model.clone();
        let user = rng.below(model.users.len() as u64) as usize;
        let held = model.users[user].lst;
        let lst = match rng.below(4) {
            0 => held,
            1 => rng.amount(held.max(1)),
            _ => held / (1 + rng.below(10)),
        };
        let count = model.validator_count() as u64;
        let pick = rng.below(100);
        let (action, result): (&'static str, Step) = match pick {
            0..=17 => ("deposit", landed(model.deposit(user, rng.amount(1_000 * SOL)))),
            18..=24 => ("order_unstake", landed(model.order_unstake(user, lst))),
            25..=31 => ("instant_unstake", landed(model.instant_unstake(user, lst))),
            32..=36 => {
                let max_fee = [0u16, 1, 10, 50, 300, 1_000, 10_000][rng.below(7) as usize];
                ("unstake", landed(model.unstake(user, lst, max_fee)))
            }
            37..=41 => {
                let index = rng.below(count + 1) as usize;
                ("withdraw_stake", landed(model.withdraw_stake(user, index, lst)))
            }
            42..=49 if !model.tickets.is_empty() => {
                let t = rng.below(model.tickets.len() as u64) as usize;
                ("claim_ticket", landed(model.claim(t)))
            }
            50..=53 => {
                let lamports = rng.amount(50 * SOL);
                if rng.chance(50) {
                    model.donate_to_reserve(lamports);
                } else {
                    model.donate_to_stake(rng.below(VOTE_ACCOUNTS as u64) as usize, rng.chance(40), lamports);
                }
                ("donation", Ok(true))
            }
            54..=57 => {
                // A round trip must never return more than it put in.
                let lamports = rng.amount(500 * SOL);
                let r = model.deposit(user, lamports).and_then(|minted| {
                    if rng.chance(50) {
                        model.instant_unstake(user, minted)
                    } else {
                        model.order_unstake(user, minted)
                    }
                });
                if let Ok(out) = r {
                    if out > lamports {
                        return Err(fail(step, "round trip", format!("deposited {lamports}, got {out} back")));
                    }
                }
                ("round trip", landed(r))
            }
            58..=59 => {
                let fees = random_fees(&mut rng);
                model.pool.schedule_fees(fees, model.epoch);
                ("set_fees", Ok(true))
            }
            60 => {
                // Pauses are short: lifted more readily than set.
                model.pool.paused = if model.pool.paused == 0 && rng.chance(40) { 1 + rng.below(PAUSED_ALL as u64) as u8 } else { 0 };
                ("set_pause", Ok(true))
            }
            61 => {
                // A run on the reserve: everyone leaves at any fee (the rest as tickets), three
                // times over (the fees kept in the reserve go too), and due tickets are claimed:
                // the reserve is left with little but what open tickets are owed.
                let r = (0..3 * model.users.len()).try_fold(false, |any, k| {
                    let u = k % model.users.len();
                    let lst = model.users[u].lst / if k < model.users.len() { 2 } else { 1 };
                    Ok(model.tx(|m| m.unstake(u, lst, 10_000)).is_ok() || any)
                });
                model.claim_all();
                ("run on the reserve", r)
            }
            62..=65 => {
                let index = rng.below(count + 1) as usize;
                match rng.below(20) {
                    0..=6 => {
                        let weight = random_weight(&mut rng);
                        ("add_validator", landed(model.add_validator(rng.below(VOTE_ACCOUNTS as u64) as usize, weight)))
                    }
                    7..=10 => ("remove_validator", landed(model.remove_validator(index))),
                    11..=17 => {
                        let weight = random_weight(&mut rng);
                        ("set_validator_weight", landed(model.set_validator_weight(index, weight)))
                    }
                    _ => ("deactivate_delinquent", landed(model.deactivate_delinquent(rng.below(VOTE_ACCOUNTS as u64) as usize, rng.chance(30)))),
                }
            }
            66..=70 => {
                // One observe batch of a crank's plan, sometimes built carelessly.
                let plan = model.plan_observe(2 + rng.below(5) as usize);
                let r = if plan.is_empty() {
                    Ok(false)
                } else {
                    let mut batch = plan[rng.below(plan.len() as u64) as usize].clone();
                    if rng.chance(30) {
                        batch = sloppy(&model, &mut rng, batch);
                    }
                    let landed_before = model.done.observe_batches;
                    land(&mut model, &Op::Observe(batch), &mut stats).map(|_| model.done.observe_batches > landed_before)
                };
                ("observe_validators", crank_step(r))
            }
            71..=73 => {
                let settled = model.done.settlements;
                let r = land(&mut model, &Op::Finalize, &mut stats).map(|_| model.done.settlements > settled);
                ("finalize_epoch", crank_step(r))
            }
            74..=75 => {
                // One validator, maybe named with the wrong vote account.
                let index = rng.below(count + 1) as u32;
                let vote = match model.list.get(index as usize) {
                    Some(e) if rng.chance(90) => e.vote_account,
                    _ => model::vote_key(rng.below(VOTE_ACCOUNTS as u64) as usize),
                };
                let r = model.tx(|m| m.rebalance_validator(index, vote));
                ("rebalance_validator", landed(r))
            }
            76..=77 => {
                let r = (|| {
                    let plan = land(&mut model, &Op::PlanRebalance, &mut stats)?;
                    for op in &plan {
                        land(&mut model, op, &mut stats)?;
                    }
                    Ok(!plan.is_empty())
                })();
                ("rebalance plan", crank_step(r))
            }
            78..=90 => {
                let r = crank::two_cranks(&mut model, &mut rng, &mut stats, &mut late);
                if late.len() > MAX_LATE {
                    late.drain(..late.len() - MAX_LATE);
                }
                ("two cranks", crank_step(r.map(|_| true)))
            }
            91..=93 if !late.is_empty() => {
                let op = late.swap_remove(rng.below(late.len() as u64) as usize);
                stats.late_transactions += 1;
                ("late crank transaction", crank_step(land(&mut model, &op, &mut stats).map(|_| true)))
            }
            // (A claim or a late transaction with none waiting: a deposit instead.)
            _ if pick < 94 => ("deposit", landed(model.deposit(user, rng.amount(1_000 * SOL)))),
            _ => {
                // Mainnet-like yields, sometimes none, sometimes a warm-up-like burst.
                let ppm = [0u64, 50, 150, 300, 1_000, 20_000][rng.below(6) as usize];
                model.advance(ppm);
                stats.epochs += 1;
                ("next epoch", Ok(true))
            }
        };
        match result {
            Ok(true) => stats.accepted += 1,
            Ok(false) => stats.refused += 1,
            Err(Fail::Refused(_)) => {
                // A refused instruction changes nothing: the chain reverts the transaction.
                model = before;
                stats.refused += 1;
            }
            Err(Fail::Broken(m)) => return Err(fail(step, action, m)),
        }
        stats.max_validators = stats.max_validators.max(model.validator_count() as u64);
        model.check().map_err(|m| fail(step, action, m))?;
    }
    // The drain: unpaused, the crank alone every epoch, tickets claimed as they come due.
    model.pool.paused = 0;
    for round in 0..DRAIN_EPOCHS {
        crank::crank_alone(&mut model, &mut rng, &mut stats).map_err(|m| fail(steps + round, "drain crank", m))?;
        model.claim_all();
        model.check().map_err(|m| fail(steps + round, "drain", m))?;
        if model.tickets.is_empty() {
            break;
        }
        model.advance(150);
    }
    if !model.tickets.is_empty() {
        let owed: u64 = model.tickets.iter().map(|t| t.lamports).sum();
        return Err(fail(
            steps + DRAIN_EPOCHS,
            "drain",
            format!("{} tickets ({owed} lamports) unpaid after {DRAIN_EPOCHS} epochs of cranking", model.tickets.len()),
        ));
    }
    stats.add(&model.done);
    Ok(stats)
}

/// The seeds saved because they once broke an invariant (regressions.txt beside this crate: one
/// seed per line, `#` comments).
pub fn regression_seeds() -> Vec<u64> {
    include_str!("../regressions.txt").lines().filter_map(|l| l.split('#').next()).filter_map(|l| l.trim().parse().ok()).collect()
}
