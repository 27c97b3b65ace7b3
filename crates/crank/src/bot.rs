//! The bot's loop: poll the epoch (with jitter); when the pool's last update is from an earlier
//! epoch, run the SDK's crank (observe batches, finalize, then rebalance, which also unstakes what
//! tickets need); between updates, fund tickets ordered since (rebalance when the reserve is short)
//! and, once the last quarter of the epoch begins, stake what was deposited since the update.
//!
//! Idempotent by construction: every step is planned by the SDK from a fresh read of the chain,
//! the program skips validators already observed and a second finalize, rebalance does nothing
//! while a transient is in flight, and the sender never lets two versions of one transaction be
//! alive at once (see sender.rs). So a restarted bot, or two bots at once, repeat no effect.
use crate::log::Logger;
use crate::lookup::{self, TablePlan};
use solana_commitment_config::CommitmentConfig;
use crate::metrics::SharedMetrics;
use crate::sender::{BotSender, SenderConfig};
use crate::Rng;
use anchor_lang::prelude::Pubkey;
use liquid_staking_sdk::{
    quote,
    rpc::{self, CrankRun, CrankStep},
    PoolKeys,
};
use serde_json::json;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_signer::Signer;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone)]
pub struct BotConfig {
    pub pool: Pubkey,
    /// Time between polls of the epoch.
    pub poll_interval: Duration,
    /// Each wait is the interval times 1 +- this fraction (bots started together drift apart).
    pub jitter: f64,
    /// Fault testing: stop the update before this step (the poll returns `Halted`; the binary
    /// then exits at once, as if killed).
    pub halt_before: Option<CrankStep>,
    /// Observe in v0 transactions over the bot's own lookup tables (created and extended as
    /// needed, paid by the bot): about twice as many validators a transaction.
    pub lookup_tables: bool,
    /// Validator risk: read every validator's vote account each epoch (`record_validators`) and,
    /// at every poll, deactivate the stake of a validator that breaks a rule
    /// (`deactivate_ineligible`): a commission rug is answered within a poll interval.
    pub protect_validators: bool,
    pub sender: SenderConfig,
}

/// What one poll did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome {
    /// The pool was already updated for this epoch (by this bot earlier or by anyone).
    Fresh,
    /// This poll updated the pool (or finished an update someone else started).
    Updated(CrankRun),
    /// Between updates: rebalanced to fund tickets.
    Rebalanced(CrankRun),
    /// Stopped before finalize as `halt_before` asked (fault testing): observe was sent.
    Halted(CrankRun),
}

/// Called with each epoch this bot updated and the pool as it left it.
pub type EpochReporter = Box<dyn FnMut(&CrankRun, &liquid_staking_sdk::state::Pool) + Send>;

pub struct Bot {
    rpc: Arc<RpcClient>,
    payer: Arc<Keypair>,
    keys: PoolKeys,
    config: BotConfig,
    metrics: SharedMetrics,
    log: Logger,
    rng: Rng,
    /// Unix time at which the epoch began, for the epoch it was read for.
    epoch_start: Option<(u64, f64)>,
    /// The last epoch whose update lag was recorded.
    lag_recorded_epoch: Option<u64>,
    /// The epoch whose late staking pass has run.
    late_rebalance_epoch: Option<u64>,
    /// The pool's state (epoch, owed, unstaking, reserve, stake) after the last rebalance between
    /// updates: while the reserve is short and nothing of this has changed, rebalancing again
    /// would find the same nothing to do, so the bot waits (backs off) instead of asking each poll.
    rebalanced_state: Option<PoolState>,
    /// The lookup tables were extended in this slot: usable once it is finalized.
    tables_usable_after: Option<u64>,
    /// Taken out for the length of a poll; keeps transactions of unknown fate between polls.
    sender: Option<BotSender>,
    reporter: Option<EpochReporter>,
}

/// What a rebalance between updates depends on: while none of it changes, a rebalance that found
/// nothing to do would find nothing again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    epoch: u64,
    owed_lamports: u64,
    unstaking_lamports: u64,
    reserve_lamports: u64,
    stake_lamports: u64,
}

impl PoolState {
    fn of(pool: &liquid_staking_sdk::state::Pool, reserve_lamports: u64, epoch: u64) -> Self {
        Self { epoch, owed_lamports: pool.owed_lamports, unstaking_lamports: pool.unstaking_lamports, reserve_lamports, stake_lamports: pool.stake_lamports }
    }
}

/// Between updates: the reserve is short of what tickets (and the buffer) need, and the pool has
/// changed since the last rebalance between updates left it (`last`). Without the second part a
/// shortfall nothing can cover yet (only activating stake) made the bot ask every poll.
pub fn tickets_need_rebalance(pool: &liquid_staking_sdk::state::Pool, reserve_lamports: u64, epoch: u64, last: Option<PoolState>) -> bool {
    pool.reserve_shortfall_lamports(reserve_lamports).unwrap_or(0) > 0 && last != Some(PoolState::of(pool, reserve_lamports, epoch))
}

fn now_unix() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs_f64()
}

impl Bot {
    pub fn new(rpc: RpcClient, payer: Keypair, config: BotConfig, metrics: SharedMetrics, log: Logger) -> Result<Self, String> {
        let (rpc, payer) = (Arc::new(rpc), Arc::new(payer));
        let mut rng = Rng::from_entropy();
        let mut sender = BotSender::new(rpc.clone(), payer.clone(), config.sender.clone(), metrics.clone(), log, rng.fork());
        // The pool's addresses: read once (they never change), retrying while the chain is away.
        let keys = sender.read("the pool", |rpc| rpc::load_pool(rpc, &config.pool))?.0;
        Ok(Self { rpc, payer, keys, config, metrics, log, rng, epoch_start: None, lag_recorded_epoch: None, late_rebalance_epoch: None, rebalanced_state: None, tables_usable_after: None, sender: Some(sender), reporter: None })
    }

    pub fn set_reporter(&mut self, reporter: EpochReporter) {
        self.reporter = Some(reporter);
    }

    /// Unix time at which `epoch` began, estimated once per epoch as now less the slots elapsed
    /// in it at the chain's measured slot time (recent performance samples). Block times would do
    /// on a cluster, but a loaded local chain's clock drifts from the wall clock.
    fn epoch_start_time(&mut self, epoch: u64, slot_index: u64) -> f64 {
        if let Some((e, at)) = self.epoch_start {
            if e == epoch {
                return at;
            }
        }
        let slot_seconds = self
            .rpc
            .get_recent_performance_samples(Some(5))
            .ok()
            .and_then(|samples| {
                let (slots, secs) = samples.iter().fold((0u64, 0u64), |(n, t), s| (n + s.num_slots, t + u64::from(s.sample_period_secs)));
                (slots > 0).then(|| secs as f64 / slots as f64)
            })
            .unwrap_or(0.4);
        let at = now_unix() - slot_index as f64 * slot_seconds;
        self.epoch_start = Some((epoch, at));
        at
    }

    /// One poll: read the epoch and the pool; update the pool if it is stale, else fund tickets.
    pub fn poll(&mut self) -> Result<PollOutcome, String> {
        let mut sender = self.sender.take().expect("the sender is put back after every poll");
        let result = self.poll_with(&mut sender);
        self.sender = Some(sender);
        result
    }

    fn poll_with(&mut self, sender: &mut BotSender) -> Result<PollOutcome, String> {
        self.metrics.lock().unwrap().polls += 1;
        let info = sender.call("getEpochInfo", |rpc| rpc.get_epoch_info())?;
        let pool_address = self.keys.pool;
        let (_, pool) = sender.read("the pool", |rpc| rpc::load_pool(rpc, &pool_address))?;
        let payer = self.payer.pubkey();
        let balance = sender.call("getBalance", |rpc| rpc.get_balance(&payer))?;
        let epoch_start = self.epoch_start_time(info.epoch, info.slot_index);
        {
            let mut m = self.metrics.lock().unwrap();
            m.epoch = info.epoch;
            m.pool_last_update_epoch = pool.last_update_epoch;
            m.rate = quote::rate(pool.total_lamports, pool.lst_supply);
            m.validators = u64::from(pool.validator_count);
            m.fee_payer_lamports = balance;
            m.last_poll_ok = Some(std::time::Instant::now());
            m.stale_since_unix = (pool.last_update_epoch < info.epoch).then_some(epoch_start);
        }
        if pool.last_update_epoch >= info.epoch {
            self.record_lag(info.epoch, epoch_start);
            self.protect(sender)?;
            // Between updates, rebalance when
            // - tickets ordered since need stake back: unstake now, so the SOL is back at the
            //   next boundary;
            // - the last quarter of the epoch has begun (once): stake what was deposited since the
            //   update, so it is active from the next epoch instead of the one after.
            let reserve = self.keys.reserve;
            let reserve_lamports = sender.call("getBalance", |rpc| rpc.get_balance(&reserve))?;
            let tickets_short = tickets_need_rebalance(&pool, reserve_lamports, info.epoch, self.rebalanced_state);
            let late = info.slot_index * 4 >= info.slots_in_epoch * 3 && self.late_rebalance_epoch != Some(info.epoch);
            if tickets_short || late {
                if late {
                    self.late_rebalance_epoch = Some(info.epoch);
                }
                sender.settle_pending()?;
                let mut run = CrankRun { epoch: info.epoch, ..CrankRun::default() };
                rpc::rebalance(&self.rpc, &payer, &self.keys, sender, &mut run)?;
                let (_, after) = sender.read("the pool", |rpc| rpc::load_pool(rpc, &pool_address))?;
                let reserve_after = sender.call("getBalance", |rpc| rpc.get_balance(&reserve))?;
                self.rebalanced_state = Some(PoolState::of(&after, reserve_after, info.epoch));
                if run.transactions() > 0 {
                    let why = if tickets_short { "funded tickets" } else { "staked the epoch's deposits" };
                    self.log.info(why, &[("epoch", json!(info.epoch)), ("rebalance_transactions", json!(run.rebalance_transactions))]);
                    return Ok(PollOutcome::Rebalanced(run));
                }
            }
            return Ok(PollOutcome::Fresh);
        }

        // Transactions of an earlier cycle that were in flight when the chain went away must
        // land or expire before this plan is made.
        sender.settle_pending()?;
        self.log.info("pool is stale: updating", &[("epoch", json!(info.epoch)), ("pool_epoch", json!(pool.last_update_epoch))]);
        if self.config.lookup_tables {
            // Without its tables the bot observes in legacy transactions: slower, not wrong.
            if let Err(e) = self.ensure_lookup_tables(sender) {
                self.metrics.lock().unwrap().count_error("lookup_table");
                self.log.warn("lookup tables not ready; observing without them", &[("error", json!(e))]);
                sender.lookup_tables.clear();
            }
        }
        let halt_before = self.config.halt_before;
        let mut run = rpc::update(&self.rpc, &payer, &self.keys, sender, |step| halt_before == Some(step))?;
        if halt_before == Some(CrankStep::Finalize) {
            self.log.warn("halting before finalize (a fault test)", &[("observe_transactions", json!(run.observe_transactions))]);
            return Ok(PollOutcome::Halted(run));
        }
        // The rate is fresh from here: the lag lenders see ends now, not after rebalancing.
        self.record_lag(info.epoch, epoch_start);
        // Validator risk before rebalancing: the targets it moves stake to are then this epoch's
        // (an ineligible validator's weight gone, score mode's selection made).
        self.protect(sender)?;
        rpc::rebalance(&self.rpc, &payer, &self.keys, sender, &mut run)?;
        let (_, pool) = sender.read("the pool", |rpc| rpc::load_pool(rpc, &pool_address))?;
        {
            let mut m = self.metrics.lock().unwrap();
            m.epochs_updated += run.finalize_transactions as u64;
            m.pool_last_update_epoch = pool.last_update_epoch;
            m.rate = quote::rate(pool.total_lamports, pool.lst_supply);
            m.stale_since_unix = None;
        }
        let (fees, lag) = {
            let m = self.metrics.lock().unwrap();
            (m.fees_paid_lamports, m.last_update_lag_seconds)
        };
        self.log.info(
            "pool updated",
            &[
                ("epoch", json!(run.epoch)),
                ("rate", json!(quote::rate(pool.total_lamports, pool.lst_supply))),
                ("rewards_lamports", json!(pool.last_rewards_lamports)),
                ("fee_lamports", json!(pool.last_fee_lamports)),
                ("observe_transactions", json!(run.observe_transactions)),
                ("finalize_transactions", json!(run.finalize_transactions)),
                ("rebalance_transactions", json!(run.rebalance_transactions)),
                ("rebalances_refused", json!(run.rebalances_refused)),
                ("lag_seconds", json!((lag * 10.0).round() / 10.0)),
                ("fees_paid_lamports_total", json!(fees)),
            ],
        );
        if let Some(reporter) = self.reporter.as_mut() {
            reporter(&run, &pool);
        }
        Ok(PollOutcome::Updated(run))
    }

    /// Makes the bot's lookup tables cover every validator in the list (see lookup.rs): finds its
    /// tables on first use, creates and extends what is missing. The validator resolves a v0
    /// transaction's tables against its root bank, so new addresses are usable only once the slot
    /// that added them is finalized (half a minute or more): until then the bot observes in legacy
    /// transactions rather than delay the update.
    fn ensure_lookup_tables(&mut self, sender: &mut BotSender) -> Result<(), String> {
        let keys = self.keys;
        let me = self.payer.pubkey();
        if let Some(extended_at) = self.tables_usable_after {
            let finalized = sender.call("getSlot", |rpc| rpc.get_slot_with_commitment(CommitmentConfig::finalized()))?;
            if finalized <= extended_at {
                sender.lookup_tables.clear();
                return Ok(());
            }
            self.tables_usable_after = None;
            sender.lookup_tables.clear();
        }
        let entries = sender.read("the validator list", |rpc| rpc::load_validator_list(rpc, &keys))?.entries;
        if sender.lookup_tables.is_empty() {
            sender.lookup_tables = sender.read("lookup tables", |rpc| lookup::find_tables(rpc, &me))?;
        }
        let plans = lookup::plan_tables(&keys, &entries, &sender.lookup_tables);
        self.retire_tables(sender, &lookup::unused_tables(&plans, &sender.lookup_tables))?;
        if plans.iter().all(|p| matches!(p, TablePlan::Ready(_))) {
            // Keep only the tables in use.
            let ready: Vec<Pubkey> = plans.iter().filter_map(|p| if let TablePlan::Ready(k) = p { Some(*k) } else { None }).collect();
            sender.lookup_tables.retain(|t| ready.contains(&t.key));
            return Ok(());
        }
        sender.lookup_tables.clear();
        let mut last_used_slot = 0;
        for plan in plans {
            let (table, missing) = match plan {
                TablePlan::Ready(_) => continue,
                TablePlan::Extend { table, missing } => (table, missing),
                TablePlan::Create { contents } => {
                    // A table's address comes from a recent slot: one not used for another table.
                    let slot = loop {
                        let slot = sender.call("getSlot", |rpc| rpc.get_slot_with_commitment(CommitmentConfig::finalized()))?;
                        if slot > last_used_slot {
                            break slot;
                        }
                        std::thread::sleep(Duration::from_millis(400));
                    };
                    last_used_slot = slot;
                    let (create, table) = lookup::create_table(&me, &me, slot);
                    sender.send_setup(&[create])?;
                    self.log.info("created a lookup table", &[("table", json!(table.to_string())), ("addresses", json!(contents.len()))]);
                    (table, contents)
                }
            };
            for extend in lookup::extend_instructions(&table, &me, &missing) {
                sender.send_setup(&[extend])?;
            }
        }
        let extended_at = sender.call("getSlot", |rpc| rpc.get_slot_with_commitment(CommitmentConfig::confirmed()))?;
        self.tables_usable_after = Some(extended_at);
        self.count_table_rent(sender)?;
        self.log.info("lookup tables extended; observing in legacy transactions until they are finalized", &[("slot", json!(extended_at))]);
        Ok(())
    }

    /// What the bot's tables hold (their rent, paid by the bot, deactivating ones included), for
    /// the books of the fee payer.
    fn count_table_rent(&mut self, sender: &mut BotSender) -> Result<(), String> {
        let me = self.payer.pubkey();
        let mut all: Vec<Pubkey> = sender.read("lookup tables", |rpc| lookup::find_tables(rpc, &me))?.iter().map(|t| t.key).collect();
        all.extend(sender.read("lookup tables", |rpc| lookup::find_deactivating_tables(rpc, &me))?.into_iter().map(|(k, _)| k));
        let mut held = 0;
        for chunk in all.chunks(100) {
            held += sender.call("getMultipleAccounts", |rpc| rpc.get_multiple_accounts(chunk))?.iter().flatten().map(|a| a.lamports).sum::<u64>();
        }
        self.metrics.lock().unwrap().lookup_table_lamports = held;
        Ok(())
    }

    /// Deactivates the bot's tables no plan uses (validators left the pool), and closes the
    /// deactivated ones whose cooldown has passed: their rent goes back to the bot.
    fn retire_tables(&mut self, sender: &mut BotSender, unused: &[Pubkey]) -> Result<(), String> {
        let me = self.payer.pubkey();
        for table in unused {
            sender.send_setup(&[lookup::deactivate_table(table, &me)])?;
            sender.lookup_tables.retain(|t| t.key != *table);
            self.log.info("deactivated a lookup table no longer in use", &[("table", json!(table.to_string()))]);
        }
        let slot = sender.call("getSlot", |rpc| rpc.get_slot_with_commitment(CommitmentConfig::confirmed()))?;
        let deactivating = sender.read("lookup tables", |rpc| lookup::find_deactivating_tables(rpc, &me))?;
        let mut closed = false;
        for (table, deactivated_at) in deactivating {
            if slot > deactivated_at.saturating_add(lookup::CLOSE_AFTER_SLOTS) {
                sender.send_setup(&[lookup::close_table(&table, &me, &me)])?;
                self.log.info("closed a deactivated lookup table", &[("table", json!(table.to_string()))]);
                closed = true;
            }
        }
        if closed || !unused.is_empty() {
            self.count_table_rent(sender)?;
        }
        Ok(())
    }

    /// Validator risk, when configured: reads the vote accounts not read this epoch (and in score
    /// mode sets the weights from their scores), then deactivates the stake of validators that
    /// break a rule (see `rpc::protect`).
    /// A failure is logged and counted (`errors_total{kind="protect"}`), never passed on: the
    /// rebalance after it (tickets to fund) must not wait on one unreadable vote account.
    fn protect(&mut self, sender: &mut BotSender) -> Result<(), String> {
        if !self.config.protect_validators {
            return Ok(());
        }
        let payer = self.payer.pubkey();
        let run = match rpc::protect(&self.rpc, &payer, &self.keys, sender, true) {
            Ok(run) => run,
            Err(e) => {
                self.metrics.lock().unwrap().count_error("protect");
                self.log.error("validator risk failed; rebalancing goes on", &[("error", json!(e))]);
                return Ok(());
            }
        };
        for vote in &run.deactivated {
            self.log.warn("deactivated the stake of an ineligible validator", &[("vote_account", json!(vote.to_string()))]);
        }
        if run.selected {
            self.log.info("set the weights from this epoch's validator scores", &[]);
        }
        let mut m = self.metrics.lock().unwrap();
        m.validators_deactivated += run.deactivated.len() as u64;
        m.validator_states = run.states.iter().map(|(vote, eligible, reason, commission)| (vote.to_string(), *eligible, *reason, *commission)).collect();
        Ok(())
    }

    fn record_lag(&mut self, epoch: u64, epoch_start: f64) {
        if self.lag_recorded_epoch != Some(epoch) {
            self.lag_recorded_epoch = Some(epoch);
            self.metrics.lock().unwrap().last_update_lag_seconds = (now_unix() - epoch_start).max(0.0);
        }
    }

    /// Polls until `stop` is set, waiting the poll interval (jittered) between polls. A failed
    /// poll is logged and counted; the next one starts over from a fresh read.
    pub fn run(&mut self, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            let wait = match self.poll() {
                Ok(PollOutcome::Halted(_)) => return,
                Ok(_) => self.config.poll_interval,
                Err(e) => {
                    self.metrics.lock().unwrap().count_error("cycle");
                    self.log.error("crank cycle failed; the next poll starts over", &[("error", json!(e))]);
                    // Soon, but not in a tight loop against a chain that is away.
                    self.config.poll_interval.min(Duration::from_secs(5))
                }
            };
            let wait = self.rng.jitter(wait, self.config.jitter);
            let until = std::time::Instant::now() + wait;
            while !stop.load(Ordering::Relaxed) && std::time::Instant::now() < until {
                std::thread::sleep(Duration::from_millis(100).min(until.saturating_duration_since(std::time::Instant::now())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pool whose reserve is short of its tickets by `short` lamports.
    fn short_pool(short: u64) -> (liquid_staking_sdk::state::Pool, u64) {
        use anchor_lang::AccountDeserialize;
        let mut pool = liquid_staking_sdk::state::Pool::try_deserialize_unchecked(&mut &vec![0u8; liquid_staking_sdk::state::Pool::SPACE][..]).unwrap();
        pool.owed_lamports = 10_000_000_000;
        pool.total_lamports = 50_000_000_000;
        pool.reserve_buffer_bps = 10;
        (pool, 10_000_000_000 - short)
    }

    #[test]
    fn a_shortfall_is_asked_about_once_until_the_pool_changes() {
        let (pool, reserve) = short_pool(1_000_000_000);
        assert!(tickets_need_rebalance(&pool, reserve, 7, None), "a shortfall: rebalance");
        let after = Some(PoolState::of(&pool, reserve, 7));
        assert!(!tickets_need_rebalance(&pool, reserve, 7, after), "nothing changed since: back off");
        assert!(tickets_need_rebalance(&pool, reserve + 1, 7, after), "the reserve moved");
        let mut more = pool.clone();
        more.owed_lamports += 1;
        assert!(tickets_need_rebalance(&more, reserve, 7, after), "a new ticket");
        assert!(tickets_need_rebalance(&pool, reserve, 8, after), "a new epoch");
        let (covered, reserve) = short_pool(0);
        assert!(!tickets_need_rebalance(&covered, reserve + 1_000_000_000, 7, None), "no shortfall: nothing to do");
    }
}
