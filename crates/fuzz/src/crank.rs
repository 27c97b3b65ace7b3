//! The crank's three instructions as their handlers run them (`observe_validators`,
//! `finalize_epoch`, `rebalance_validator`: the per-validator decisions are the program's own
//! `observe_validator`, `Pool::plan_rebalance` and `Pool::book_rebalance`; the model carries out
//! the stake moves they name on its stake accounts), the crank's planners (the SDK's, mirrored:
//! this crate depends on the program only), and the drivers: one crank running its plan for an
//! epoch, and two cranks whose plans land interleaved.
use crate::model::*;
use crate::stake::STAKE_RENT_LAMPORTS;
use crate::{Rng, Stats};
use anchor_lang::prelude::Pubkey;
use liquid_staking::{error::LiquidStakingError as E, state::*};
use std::collections::VecDeque;

/// An account an observe batch passes: validator `v`'s main or transient stake account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Address {
    Main(usize),
    Transient(usize),
}

/// One `observe_validators` instruction as a crank built it: from `first_index`, the validators it
/// names (by vote account) and whether it passes each one's transient.
#[derive(Debug, Clone)]
pub struct ObserveBatch {
    pub first_index: u32,
    pub names: Vec<(usize, bool)>,
}

impl ObserveBatch {
    /// Its remaining accounts: each validator's main stake account, then its transient if passed.
    pub fn accounts(&self) -> Vec<Address> {
        let mut out = Vec::with_capacity(self.names.len() * 2);
        for &(v, transient) in &self.names {
            out.push(Address::Main(v));
            if transient {
                out.push(Address::Transient(v));
            }
        }
        out
    }
}

/// What the handler must do with a batch, told from the list as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Accept,
    /// No accounts at all.
    Empty,
    /// A named validator is no longer at the index the batch names it at (another crank's
    /// observation removed an entry and moved the last one into its place).
    Moved,
    /// A named, unobserved validator records a transient the batch does not pass.
    TransientNotPassed,
    /// Everything named was observed already.
    NothingToObserve,
}

impl Expect {
    /// The refusals the handler may give (a moved validator: whichever check it fails first).
    pub fn refusals(self) -> &'static [E] {
        match self {
            Expect::Accept => &[],
            Expect::Empty | Expect::TransientNotPassed => &[E::ObserveAccountsMismatch],
            Expect::Moved => &[E::StakeAccountMismatch, E::ValidatorIndexOutOfRange, E::ObserveAccountsMismatch],
            Expect::NothingToObserve => &[E::NothingToObserve],
        }
    }
}

/// What a finalize may be refused with: another crank was first, or not everything is observed.
const FINALIZE_REFUSALS: &[E] = &[E::PoolAlreadyUpdated, E::ValidatorsNotObserved];
/// What a rebalance may be refused with: nothing to do, or a stale plan.
const REBALANCE_REFUSALS: &[E] = &[
    E::PoolStale,
    E::RebalancingPaused,
    E::StakingLimitReached,
    E::ValidatorIndexOutOfRange,
    E::ValidatorIndexMismatch,
    E::ValidatorRemoving,
    E::TransientStakeInFlight,
    E::StakeNotActive,
    E::ValidatorBelowTarget,
    E::NothingToStake,
];

fn code(e: &Refusal) -> u32 {
    match e {
        anchor_lang::error::Error::AnchorError(a) => a.error_code_number,
        _ => u32::MAX,
    }
}

pub fn name(e: &Refusal) -> String {
    match e {
        anchor_lang::error::Error::AnchorError(a) => a.error_name.clone(),
        other => other.to_string(),
    }
}

fn one_of(e: &Refusal, codes: &[E]) -> bool {
    codes.iter().any(|c| u32::from(*c) == code(e))
}

/// The SDK's stop list: refusals no later candidate could avoid.
fn stops_the_plan(e: &Refusal) -> bool {
    one_of(e, &[E::PoolStale, E::RebalancingPaused, E::StakingLimitReached])
}

/// The SDK's DEFAULT_MAX_STAKE_VALIDATORS.
const MAX_STAKE_VALIDATORS: usize = 16;

impl Model {
    fn pay_from_reserve(&mut self, lamports: u64, what: &str) -> Tx<()> {
        match self.reserve.checked_sub(lamports) {
            Some(left) if left >= RESERVE_RENT_LAMPORTS => {
                self.reserve = left;
                Ok(())
            }
            _ => Err(Fail::Broken(format!("{what}: {lamports} from a reserve of {} would take its rent", self.reserve))),
        }
    }

    /// `observe_validators(first_index)` with `accounts` as its remaining accounts. Returns the
    /// validators newly observed or removed.
    pub fn observe_validators(&mut self, first_index: u32, accounts: &[Address]) -> Tx<u32> {
        req(!accounts.is_empty(), E::ObserveAccountsMismatch)?;
        let epoch = self.epoch;
        // Which accounts are whose, read in list order before anything changes.
        let mut batch: Vec<(usize, Address, bool)> = Vec::with_capacity(accounts.len());
        let mut cursor = 0;
        while cursor < accounts.len() {
            let index = first_index as usize + batch.len();
            let entry = self.list.get(index).ok_or(E::ValidatorIndexOutOfRange)?;
            let v = vote_id(&entry.vote_account);
            let transient = accounts.get(cursor + 1) == Some(&Address::Transient(v));
            req(transient || entry.transient_stake_lamports == 0 || entry.last_observed_epoch == epoch, E::ObserveAccountsMismatch)?;
            batch.push((index, accounts[cursor], transient));
            cursor += 1 + transient as usize;
        }
        let (mut stake_delta, mut loss, mut unstaking_returned, mut weight_removed) = (0i128, 0u64, 0u64, 0u64);
        let (mut observed, mut removed) = (0u32, 0u32);
        // Highest index first: dropping an entry moves the last one into its place.
        for &(index, main_address, transient_passed) in batch.iter().rev() {
            let entry = self.list.get_mut(index).ok_or(E::ValidatorIndexOutOfRange)?;
            let v = vote_id(&entry.vote_account);
            req(main_address == Address::Main(v), E::StakeAccountMismatch)?;
            if entry.last_observed_epoch == epoch {
                continue;
            }
            let w = &mut self.validators[v];
            let main = w.main.view(epoch);
            let transient = if transient_passed { w.transient.view(epoch) } else { None };
            let o = observe_validator(entry, main, transient, STAKE_RENT_LAMPORTS);
            // The stake moves it names, in its order.
            if let (Some(step), true) = (o.transient, transient_passed) {
                match step {
                    TransientMove::Withdraw(lamports) => {
                        w.transient.withdraw(lamports, epoch).map_err(stake_refused("observe (transient withdrawal)", v))?;
                        self.reserve += lamports;
                        self.done.transients_withdrawn += 1;
                    }
                    TransientMove::Merge => {
                        let Validator { main, transient, .. } = w;
                        main.merge(transient, epoch).map_err(stake_refused("observe (merge)", v))?;
                        self.done.merges += 1;
                    }
                }
            }
            if o.deactivate_transient && transient_passed {
                w.transient.deactivate(epoch).map_err(stake_refused("observe (deactivate transient)", v))?;
            }
            if o.main_withdrawal > 0 {
                w.main.withdraw(o.main_withdrawal, epoch).map_err(stake_refused("observe (main withdrawal)", v))?;
                self.reserve += o.main_withdrawal;
                self.done.main_withdrawals += 1;
            }
            stake_delta += o.stake_delta;
            loss = loss.saturating_add(o.loss_lamports);
            unstaking_returned += o.unstaking_returned;
            weight_removed += o.weight_removed;
            // What the accounts gained from outside is now on the books, for the settlement.
            self.observed_pending += std::mem::take(&mut w.unseen_lamports);
            if o.remove_entry {
                self.list.swap_remove(index);
                removed += 1;
                continue;
            }
            self.list[index].last_observed_epoch = epoch;
            observed += 1;
        }
        req(observed + removed > 0, E::NothingToObserve)?;
        let pool = &mut self.pool;
        pool.apply_stake_delta(stake_delta)?;
        pool.record_observed_loss(epoch, loss);
        pool.unstaking_lamports = pool.unstaking_lamports.saturating_sub(unstaking_returned);
        pool.total_weight = pool.total_weight.saturating_sub(weight_removed);
        pool.validator_count -= removed;
        for _ in 0..observed {
            pool.record_observation(epoch);
        }
        self.done.validators_removed += removed as u64;
        self.done.observe_batches += 1;
        Ok(observed + removed)
    }

    /// `finalize_epoch`. Returns the rewards recognised; a settlement that recognises anything
    /// but what came from outside since the last one breaks the model.
    pub fn finalize(&mut self) -> Tx<u64> {
        let epoch = self.epoch;
        req(self.pool.last_update_epoch != epoch, E::PoolAlreadyUpdated)?;
        req(self.pool.all_validators_observed(epoch), E::ValidatorsNotObserved)?;
        let observed_loss = self.pool.observed_loss_at(epoch);
        let observed_total = self.pool.observed_total_lamports(self.reserve)?;
        let rewards_slots = (epoch - self.pool.last_update_epoch) * SLOTS_PER_EPOCH;
        let supply = self.pool.lst_supply;
        let settlement = self.pool.settle(observed_total, supply, epoch, rewards_slots)?;
        self.treasury_lst += settlement.fee_lst;
        let received = self.reserve_pending + self.observed_pending;
        if settlement.rewards_lamports != received || settlement.loss_lamports != 0 || observed_loss != 0 {
            return Err(Fail::Broken(format!(
                "the settlement recognised rewards {} and a loss {} (observed loss {observed_loss}); the pool received {received} from outside",
                settlement.rewards_lamports, settlement.loss_lamports
            )));
        }
        self.reserve_pending = 0;
        self.observed_pending = 0;
        self.done.settlements += 1;
        Ok(settlement.rewards_lamports)
    }

    /// `rebalance_validator(index)` for `vote`: the program's decision, carried out.
    pub fn rebalance_validator(&mut self, index: u32, vote: Pubkey) -> Tx<Rebalance> {
        let epoch = self.epoch;
        self.pool.require_fresh(epoch)?;
        let entry = self.list.get(index as usize).ok_or(E::ValidatorIndexOutOfRange)?;
        req(entry.vote_account == vote, E::ValidatorIndexMismatch)?;
        let v = vote_id(&vote);
        let w = self.validators[v];
        let action = self.pool.plan_rebalance(entry, w.main.main_stake(epoch), w.transient.exists, self.reserve, STAKE_RENT_LAMPORTS, epoch)?;
        match action {
            Rebalance::Split { lamports, rent_from_reserve } => {
                // The transient's rent, to its address: from the reserve, or from the caller (then
                // a donation the next observation sees).
                if rent_from_reserve {
                    self.pay_from_reserve(STAKE_RENT_LAMPORTS, "split rent")?;
                } else {
                    self.validators[v].unseen_lamports += STAKE_RENT_LAMPORTS;
                    self.done.caller_rents += 1;
                }
                let Validator { main, transient, unseen_lamports, .. } = &mut self.validators[v];
                // Lamports someone sent to the address are in the new account too.
                *unseen_lamports += transient.lamports;
                transient.lamports += STAKE_RENT_LAMPORTS;
                main.split_into(transient, lamports).map_err(stake_refused("rebalance (split)", v))?;
                transient.deactivate(epoch).map_err(stake_refused("rebalance (deactivate the split)", v))?;
                self.done.splits += 1;
            }
            Rebalance::Whole => {
                self.validators[v].main.deactivate(epoch).map_err(stake_refused("rebalance (whole)", v))?;
                self.done.whole_unstakes += 1;
            }
            Rebalance::StakeTransient { lamports, .. } => {
                self.pay_from_reserve(lamports, "stake transient")?;
                let w = &mut self.validators[v];
                let stray = w.transient.create_delegated(lamports, epoch).map_err(stake_refused("rebalance (stake)", v))?;
                w.unseen_lamports += stray;
                self.done.stakes_added += 1;
            }
            Rebalance::Redelegate { lamports, .. } => {
                self.pay_from_reserve(lamports, "redelegate")?;
                let main = &mut self.validators[v].main;
                main.lamports += lamports;
                main.redelegate(epoch).map_err(stake_refused("rebalance (delegate again)", v))?;
                self.done.redelegations += 1;
            }
        }
        self.pool.book_rebalance(&mut self.list[index as usize], &action, STAKE_RENT_LAMPORTS, epoch)?;
        Ok(action)
    }

    // --- planners: the SDK's (crates/sdk/src/plan.rs), mirrored ---------------------------------

    /// `observe_instructions`: consecutive runs of unobserved entries, at most `max_accounts`
    /// stake accounts an instruction (one per validator, two when its entry records a transient).
    pub fn plan_observe(&self, max_accounts: usize) -> Vec<ObserveBatch> {
        let max_accounts = max_accounts.max(2);
        let count = |e: &ValidatorEntry| 1 + (e.transient_stake_lamports > 0) as usize;
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.list.len() {
            if self.list[i].last_observed_epoch == self.epoch {
                i += 1;
                continue;
            }
            let start = i;
            let mut accounts = 0;
            let mut names = Vec::new();
            while i < self.list.len() && self.list[i].last_observed_epoch != self.epoch && accounts + count(&self.list[i]) <= max_accounts {
                accounts += count(&self.list[i]);
                names.push((vote_id(&self.list[i].vote_account), self.list[i].transient_stake_lamports > 0));
                i += 1;
            }
            out.push(ObserveBatch { first_index: start as u32, names });
        }
        out
    }

    /// `unstake_candidates`: active, no transient, main not already deactivated, at or above
    /// target; most over target first.
    fn unstake_candidates(&self, pool: &Pool) -> Vec<usize> {
        let mut c: Vec<(u64, usize)> = (self.list.iter().enumerate())
            .filter(|(_, e)| e.status == VALIDATOR_STATUS_ACTIVE && e.transient_stake_lamports == 0 && !e.main_deactivated_by_pool())
            .filter_map(|(i, e)| {
                let target = pool.validator_target_lamports(e).ok()?;
                (e.total_lamports() >= target).then(|| (e.total_lamports() - target, i))
            })
            .collect();
        c.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        c.into_iter().map(|(_, i)| i).collect()
    }

    /// `stake_candidates`: active, no transient, below target, not waiting for stake on its way
    /// back; most under target first.
    fn stake_candidates(&self, pool: &Pool) -> Vec<usize> {
        let mut c: Vec<(u64, usize)> = (self.list.iter().enumerate())
            .filter(|(_, e)| e.status == VALIDATOR_STATUS_ACTIVE && e.transient_stake_lamports == 0)
            .filter(|(_, e)| !(e.main_deactivated_by_pool() && e.unstaking_lamports > 0))
            .filter_map(|(i, e)| {
                let target = pool.validator_target_lamports(e).ok()?;
                (e.total_lamports() < target).then(|| (target - e.total_lamports(), i))
            })
            .collect();
        c.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        c.into_iter().map(|(_, i)| i).collect()
    }

    /// `rebalance_instructions`: each candidate's action decided by `Pool::plan_rebalance` and
    /// booked on a copy of the pool, so the plan is what the program will do.
    pub fn plan_rebalance(&self) -> Vec<(u32, Pubkey)> {
        let epoch = self.epoch;
        let mut pool = self.pool.clone();
        let mut reserve = self.reserve;
        let unstaking = pool.reserve_shortfall_lamports(reserve).unwrap_or(0) > 0;
        let candidates = if unstaking { self.unstake_candidates(&pool) } else { self.stake_candidates(&pool) };
        let mut out = Vec::new();
        for index in candidates {
            if unstaking && pool.reserve_shortfall_lamports(reserve).unwrap_or(0) == 0 {
                break;
            }
            if !unstaking && out.len() >= MAX_STAKE_VALIDATORS {
                break;
            }
            let mut entry = self.list[index];
            let main = self.validators[vote_id(&entry.vote_account)].main.main_stake(epoch);
            let action = match pool.plan_rebalance(&entry, main, false, reserve, STAKE_RENT_LAMPORTS, epoch) {
                Ok(action) => action,
                Err(e) if stops_the_plan(&e) => break,
                Err(_) => continue,
            };
            let Ok(booked) = pool.book_rebalance(&mut entry, &action, STAKE_RENT_LAMPORTS, epoch) else { continue };
            reserve = reserve.saturating_sub(booked.reserve_out_lamports);
            out.push((index as u32, entry.vote_account));
        }
        out
    }

    /// What the handler must do with `batch` now, told from the list without running it.
    pub fn expect(&self, batch: &ObserveBatch) -> Expect {
        let (mut moved, mut missing, mut all_observed) = (false, false, true);
        for (k, &(v, passed)) in batch.names.iter().enumerate() {
            match self.list.get(batch.first_index as usize + k) {
                Some(e) if e.vote_account == vote_key(v) => {
                    if e.last_observed_epoch != self.epoch {
                        all_observed = false;
                        missing |= e.transient_stake_lamports > 0 && !passed;
                    }
                }
                _ => moved = true,
            }
        }
        if batch.names.is_empty() {
            Expect::Empty
        } else if moved {
            Expect::Moved
        } else if missing {
            Expect::TransientNotPassed
        } else if all_observed {
            Expect::NothingToObserve
        } else {
            Expect::Accept
        }
    }
}

/// One crank transaction (or, `PlanRebalance`, a crank reading the chain to plan its rebalances).
#[derive(Debug, Clone)]
pub enum Op {
    Observe(ObserveBatch),
    Finalize,
    PlanRebalance,
    Rebalance(u32, Pubkey),
}

/// Lands `op`; a refusal reverts it. Checks an observe batch lands or is refused exactly as
/// `Model::expect` says, that nothing is refused but for the reasons a stale plan or nothing to
/// do can give, and every invariant after it. Returns the crank's next operations (a rebalance
/// plan), or what broke.
pub fn land(m: &mut Model, op: &Op, stats: &mut Stats) -> Result<Vec<Op>, String> {
    let next = land_unchecked(m, op, stats)?;
    m.check()?;
    Ok(next)
}

fn land_unchecked(m: &mut Model, op: &Op, stats: &mut Stats) -> Result<Vec<Op>, String> {
    match op {
        Op::Observe(batch) => {
            let expect = m.expect(batch);
            let result = m.tx(|m| m.observe_validators(batch.first_index, &batch.accounts()));
            match (expect, result) {
                (_, Err(Fail::Broken(b))) => return Err(b),
                (Expect::Accept, Ok(_)) => {}
                (Expect::Accept, Err(Fail::Refused(e))) => {
                    return Err(format!("observe batch {batch:?}, every validator where it names it, refused with {}", name(&e)))
                }
                (expect, Ok(_)) => return Err(format!("observe batch {batch:?} landed; expected a refusal ({expect:?})")),
                (expect, Err(Fail::Refused(e))) => {
                    if !one_of(&e, expect.refusals()) {
                        return Err(format!("observe batch {batch:?} refused with {}; expected {expect:?}: {:?}", name(&e), expect.refusals()));
                    }
                    stats.refused_batches += 1;
                    match expect {
                        Expect::Moved => stats.refused_moved += 1,
                        Expect::TransientNotPassed => stats.refused_transient_not_passed += 1,
                        _ => stats.refused_nothing_to_observe += 1,
                    }
                }
            }
            Ok(Vec::new())
        }
        Op::Finalize => match m.tx(|m| m.finalize()) {
            Ok(_) => Ok(Vec::new()),
            Err(Fail::Refused(e)) if one_of(&e, FINALIZE_REFUSALS) => {
                stats.refused_finalizes += 1;
                Ok(Vec::new())
            }
            Err(Fail::Refused(e)) => Err(format!("finalize refused with {}", name(&e))),
            Err(Fail::Broken(b)) => Err(b),
        },
        Op::PlanRebalance => Ok(m.plan_rebalance().into_iter().map(|(i, v)| Op::Rebalance(i, v)).collect()),
        Op::Rebalance(index, vote) => match m.tx(|m| m.rebalance_validator(*index, *vote)) {
            Ok(_) => Ok(Vec::new()),
            Err(Fail::Refused(e)) if one_of(&e, REBALANCE_REFUSALS) => {
                stats.refused_rebalances += 1;
                Ok(Vec::new())
            }
            Err(Fail::Refused(e)) => Err(format!("rebalance of validator {} at {index} refused with {}", vote_id(vote), name(&e))),
            Err(Fail::Broken(b)) => Err(b),
        },
    }
}

/// How many stake accounts a crank's observe instruction carries: small, so that pools of a few
/// validators still take several batches.
fn max_accounts(rng: &mut Rng) -> usize {
    2 + rng.below(5) as usize
}

fn shuffle<T>(rng: &mut Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        v.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

/// One crank's plan for the epoch as the chain is now: its observe batches (sent together, so
/// landing in any order), then finalize, then its rebalances (planned once finalize is done).
fn plan_crank(m: &Model, rng: &mut Rng) -> VecDeque<Op> {
    let mut batches = m.plan_observe(max_accounts(rng));
    shuffle(rng, &mut batches);
    let mut ops: VecDeque<Op> = batches.into_iter().map(Op::Observe).collect();
    ops.push_back(Op::Finalize);
    ops.push_back(Op::PlanRebalance);
    ops
}

/// One crank, alone, brings the pool up to date: rounds of fresh observe plans (batches landing in
/// a random order; a removal can make a later batch of the same round stale) until every
/// validator is observed, finalize, then the rebalances its plan names. The first batch of every
/// round is fresh and must land, so each round makes progress; a planned rebalance must land
/// (the plan is the program's own decision on the same state).
pub fn crank_alone(m: &mut Model, rng: &mut Rng, stats: &mut Stats) -> Result<(), String> {
    let mut rounds = 0;
    while !m.pool.all_validators_observed(m.epoch) {
        rounds += 1;
        stats.repeated_observe_rounds += (rounds > 1) as u64;
        if rounds > m.list.len() + 1 {
            return Err(format!("{rounds} rounds of observation and still not every validator observed"));
        }
        let mut batches = m.plan_observe(max_accounts(rng));
        if batches.is_empty() {
            return Err("not every validator is observed, yet the plan finds none to observe".into());
        }
        shuffle(rng, &mut batches);
        for (k, batch) in batches.into_iter().enumerate() {
            if k == 0 && m.expect(&batch) != Expect::Accept {
                return Err(format!("a fresh batch {batch:?} would be refused: {:?}", m.expect(&batch)));
            }
            land(m, &Op::Observe(batch), stats)?;
        }
    }
    if m.pool.last_update_epoch != m.epoch {
        match m.tx(|m| m.finalize()) {
            Ok(_) => {}
            Err(Fail::Refused(e)) => return Err(format!("finalize refused with every validator observed: {}", name(&e))),
            Err(Fail::Broken(b)) => return Err(b),
        }
        m.check()?;
    }
    for (index, vote) in m.plan_rebalance() {
        match m.tx(|m| m.rebalance_validator(index, vote)) {
            Ok(_) => {}
            Err(Fail::Refused(e)) => return Err(format!("the planned rebalance of validator {} at {index} was refused: {}", vote_id(&vote), name(&e))),
            Err(Fail::Broken(b)) => return Err(b),
        }
        m.check()?;
    }
    Ok(())
}

/// Two cranks plan the epoch from the same state and their transactions land interleaved; crank
/// B sometimes stalls, its remaining transactions kept in `late` to land some steps (or epochs)
/// later. Then crank A, alone, finishes what the refusals left undone.
pub fn two_cranks(m: &mut Model, rng: &mut Rng, stats: &mut Stats, late: &mut Vec<Op>) -> Result<(), String> {
    let mut queues = [plan_crank(m, rng), plan_crank(m, rng)];
    while !queues[0].is_empty() || !queues[1].is_empty() {
        let c = if queues[0].is_empty() {
            1
        } else if queues[1].is_empty() {
            0
        } else {
            rng.below(2) as usize
        };
        if c == 1 && rng.chance(4) {
            late.extend(queues[1].drain(..).filter(|op| !matches!(op, Op::PlanRebalance)));
            stats.stalled_cranks += 1;
            continue;
        }
        let op = queues[c].pop_front().expect("a crank with work");
        let next = land(m, &op, stats)?;
        for op in next.into_iter().rev() {
            queues[c].push_front(op);
        }
    }
    stats.interleaved_cranks += 1;
    crank_alone(m, rng, stats)
}
