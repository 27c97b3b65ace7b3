//! How the bot's transactions reach the chain, and how it knows they did.
//!
//! - Every RPC call is retried on transport and node errors with exponential backoff and jitter.
//! - Each transaction is simulated first: a refusal is returned without sending, and the
//!   compute-unit limit is what the simulation used plus a margin.
//! - The priority fee starts at a fixed base and rises only after a transaction failed to land
//!   (its blockhash expired), up to a cap. It follows nothing anyone else controls: a fee read
//!   from the pool's accounts could be lifted by anyone write-locking them cheaply.
//! - Independent transactions (one epoch's observe batches) are simulated, signed and sent
//!   together, then awaited together: the update takes about one confirmation, not one each.
//! - A sent transaction is rebroadcast until it is confirmed or its blockhash has expired (the
//!   confirmed block height passed its last valid height: it can never land). Only then is it
//!   re-signed with a new blockhash, so two versions of one transaction are never alive at once.
//! - When the chain stops answering while a transaction's fate is unknown, it is kept as pending,
//!   and the next crank cycle waits for it to land or expire before planning: the bot never acts
//!   on a plan that a lost transaction may already have carried out.
use crate::metrics::{SharedMetrics, TxResult};
use crate::{log::Logger, Rng};
use liquid_staking_sdk::rpc::{explain, CrankSender, CrankStep, RpcResult};
use serde_json::json;
use solana_commitment_config::CommitmentConfig;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_hash::Hash;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use liquid_staking_sdk::{instructions as ix, pack, plan, state::ValidatorEntry, PoolKeys};
use anchor_lang::prelude::Pubkey;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::config::{RpcSendTransactionConfig, RpcSimulateTransactionConfig};
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most compute units a transaction may ask for.
const MAX_COMPUTE_UNITS: u64 = 1_400_000;
/// Base fee per signature.
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// The least priority fee (micro-lamports per compute unit) a re-signing after an expiry pays.
pub const PRIORITY_FEE_STEP: u64 = 1_000;

impl SenderConfig {
    /// The priority fee of signing `attempt` (0 first) of one transaction: the base, then after
    /// each expiry four times more (at least PRIORITY_FEE_STEP), capped.
    pub fn priority_fee_for(&self, attempt: u32) -> u64 {
        let mut fee = self.priority_fee;
        for _ in 0..attempt {
            fee = fee.saturating_mul(4).max(PRIORITY_FEE_STEP);
        }
        fee.min(self.max_priority_fee)
    }
}

#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// Priority fee of a transaction's first signing, micro-lamports per compute unit.
    pub priority_fee: u64,
    /// Priority fee cap, micro-lamports per compute unit: each signing after an expiry pays four
    /// times the last (at least PRIORITY_FEE_STEP), up to this.
    pub max_priority_fee: u64,
    /// Tries per RPC call before the crank cycle gives up (it runs again at the next poll).
    pub rpc_attempts: u32,
    /// Signings of one transaction (each after the previous one's blockhash expired).
    pub send_attempts: u32,
    /// Compute units asked for above what the simulation used, in percent.
    pub compute_unit_margin_percent: u64,
    /// How long to keep asking about a sent transaction while the chain does not answer.
    pub max_wait_unanswered: Duration,
    /// Most validators one epoch's staking goes to (the most under-target first).
    pub max_stake_validators: usize,
}

impl Default for SenderConfig {
    fn default() -> Self {
        Self {
            priority_fee: 0,
            max_priority_fee: 100_000,
            rpc_attempts: 6,
            send_attempts: 5,
            compute_unit_margin_percent: 15,
            max_wait_unanswered: Duration::from_secs(90),
            max_stake_validators: plan::DEFAULT_MAX_STAKE_VALIDATORS,
        }
    }
}

/// A transaction sent whose fate is not known yet.
#[derive(Debug, Clone)]
struct Pending {
    signature: Signature,
    last_valid_block_height: u64,
    step: &'static str,
    fee_lamports: u64,
}

enum Outcome {
    Landed(Option<TransactionError>),
    Expired,
    /// The chain stopped answering before the transaction landed or expired.
    Unknown(String),
}

pub struct BotSender {
    pub rpc: Arc<RpcClient>,
    pub payer: Arc<Keypair>,
    pub config: SenderConfig,
    pub metrics: SharedMetrics,
    pub log: Logger,
    pub rng: Rng,
    /// The bot's lookup tables, used by observe transactions (v0) when there are any.
    pub lookup_tables: Vec<AddressLookupTableAccount>,
    pending: Vec<Pending>,
}

/// Whether an RPC failure may pass if asked again (transport, timeouts, node errors), as opposed
/// to a transaction the chain refused or a signing failure.
fn is_transient(error: &ClientError) -> bool {
    !matches!(error.kind(), ErrorKind::TransactionError(_) | ErrorKind::SigningError(_))
}

impl BotSender {
    pub fn new(
        rpc: Arc<RpcClient>,
        payer: Arc<Keypair>,
        config: SenderConfig,
        metrics: SharedMetrics,
        log: Logger,
        rng: Rng,
    ) -> Self {
        Self { rpc, payer, config, metrics, log, rng, lookup_tables: Vec::new(), pending: Vec::new() }
    }

    /// Calls the chain, retrying transient failures with exponential backoff (250 ms doubling up
    /// to 8 s, each wait jittered by +-25%).
    pub fn call<T>(&mut self, what: &str, mut f: impl FnMut(&RpcClient) -> Result<T, ClientError>) -> RpcResult<T> {
        let mut delay = Duration::from_millis(250);
        let mut attempt = 1;
        loop {
            match f(&self.rpc) {
                Ok(value) => {
                    self.metrics.lock().unwrap().last_poll_ok = Some(Instant::now());
                    return Ok(value);
                }
                Err(e) => {
                    self.metrics.lock().unwrap().count_error("rpc");
                    if !is_transient(&e) || attempt >= self.config.rpc_attempts {
                        return Err(format!("{what}: {}", explain(&e)));
                    }
                    self.log.warn("rpc call failed; retrying", &[("call", json!(what)), ("attempt", json!(attempt)), ("error", json!(e.to_string()))]);
                    std::thread::sleep(self.rng.jitter(delay, 0.25));
                    delay = (delay * 2).min(Duration::from_secs(8));
                    attempt += 1;
                }
            }
        }
    }

    /// As [`call`](Self::call), for the SDK's readers (which say their errors in words).
    pub fn read<T>(&mut self, what: &str, mut f: impl FnMut(&RpcClient) -> RpcResult<T>) -> RpcResult<T> {
        let mut delay = Duration::from_millis(250);
        for attempt in 1.. {
            match f(&self.rpc) {
                Ok(value) => {
                    self.metrics.lock().unwrap().last_poll_ok = Some(Instant::now());
                    return Ok(value);
                }
                Err(e) if attempt < self.config.rpc_attempts => {
                    self.metrics.lock().unwrap().count_error("rpc");
                    self.log.warn("read failed; retrying", &[("read", json!(what)), ("attempt", json!(attempt)), ("error", json!(e))]);
                    std::thread::sleep(self.rng.jitter(delay, 0.25));
                    delay = (delay * 2).min(Duration::from_secs(8));
                }
                Err(e) => {
                    self.metrics.lock().unwrap().count_error("rpc");
                    return Err(format!("{what}: {e}"));
                }
            }
        }
        unreachable!("the loop returns")
    }

    /// Waits until every pending transaction has landed or expired (or the chain stops
    /// answering again: then an error, and the cycle must not plan).
    pub fn settle_pending(&mut self) -> RpcResult<()> {
        while let Some(p) = self.pending.first().cloned() {
            self.log.info("waiting for an earlier transaction to land or expire", &[("signature", json!(p.signature.to_string()))]);
            match self.await_outcome(None, &p.signature, p.last_valid_block_height) {
                Outcome::Landed(err) => {
                    self.pending.remove(0);
                    self.record_landed(p.step, p.fee_lamports, &err);
                }
                Outcome::Expired => {
                    self.pending.remove(0);
                    self.record_expired(p.step, &p.signature);
                }
                Outcome::Unknown(e) => return Err(format!("an earlier transaction's fate is unknown: {e}")),
            }
        }
        Ok(())
    }

    /// The compute units `instructions` use, by simulation; Err with the refusal in words when
    /// the chain would refuse them.
    fn simulate(&mut self, instructions: &[Instruction], blockhash: Hash, use_tables: bool) -> RpcResult<u64> {
        let mut with_limit = vec![ComputeBudgetInstruction::set_compute_unit_limit(MAX_COMPUTE_UNITS as u32)];
        with_limit.extend_from_slice(instructions);
        let tx = self.transaction(&with_limit, blockhash, use_tables, false)?;
        let config = RpcSimulateTransactionConfig {
            sig_verify: false,
            replace_recent_blockhash: true,
            commitment: Some(CommitmentConfig::confirmed()),
            ..RpcSimulateTransactionConfig::default()
        };
        let result = self.call("simulateTransaction", |rpc| rpc.simulate_transaction_with_config(&tx, config.clone()))?.value;
        if let Some(err) = result.err {
            return Err(describe(&err.into()));
        }
        Ok(result.units_consumed.unwrap_or(MAX_COMPUTE_UNITS))
    }

    /// Sends `tx` (when given) and rebroadcasts it every 2 s, until it is confirmed, its blockhash
    /// has expired, or the chain has not answered for `max_wait_unanswered`.
    fn await_outcome(&mut self, tx: Option<&VersionedTransaction>, signature: &Signature, last_valid_block_height: u64) -> Outcome {
        self.await_outcomes(&[(tx, *signature, last_valid_block_height)]).pop().expect("one outcome")
    }

    /// [`await_outcome`](Self::await_outcome) for several transactions at once: one status query
    /// and one block-height query a round for all of them. Outcomes in order.
    fn await_outcomes(&mut self, txs: &[(Option<&VersionedTransaction>, Signature, u64)]) -> Vec<Outcome> {
        let send_config = RpcSendTransactionConfig { skip_preflight: true, max_retries: Some(0), ..RpcSendTransactionConfig::default() };
        let mut outcomes: Vec<Option<Outcome>> = txs.iter().map(|_| None).collect();
        let mut last_answer = Instant::now();
        let mut last_send: Option<Instant> = None;
        let mut last_error = String::new();
        while outcomes.iter().any(Option::is_none) {
            let open: Vec<usize> = (0..txs.len()).filter(|&i| outcomes[i].is_none()).collect();
            if last_send.is_none_or(|at| at.elapsed() >= Duration::from_secs(2)) {
                for &i in &open {
                    if let Some(tx) = txs[i].0 {
                        if let Err(e) = self.rpc.send_transaction_with_config(tx, send_config) {
                            self.metrics.lock().unwrap().count_error("rpc");
                            last_error = e.to_string();
                        }
                    }
                }
                last_send = Some(Instant::now());
            }
            std::thread::sleep(Duration::from_millis(400));
            let signatures: Vec<Signature> = open.iter().map(|&i| txs[i].1).collect();
            match self.rpc.get_signature_statuses(&signatures) {
                Ok(response) => {
                    last_answer = Instant::now();
                    self.metrics.lock().unwrap().last_poll_ok = Some(last_answer);
                    for (&i, status) in open.iter().zip(&response.value) {
                        if let Some(status) = status {
                            if status.satisfies_commitment(CommitmentConfig::confirmed()) {
                                outcomes[i] = Some(Outcome::Landed(status.err.clone()));
                            }
                        }
                    }
                }
                Err(e) => {
                    self.metrics.lock().unwrap().count_error("rpc");
                    last_error = e.to_string();
                }
            }
            match self.rpc.get_block_height_with_commitment(CommitmentConfig::confirmed()) {
                Ok(height) => {
                    last_answer = Instant::now();
                    for &i in &open {
                        if outcomes[i].is_none() && height > txs[i].2 {
                            // It can no longer land; one last look in case it landed just now.
                            outcomes[i] = Some(match self.rpc.get_signature_statuses_with_history(&[txs[i].1]) {
                                Ok(r) => match r.value.first() {
                                    Some(Some(status)) => Outcome::Landed(status.err.clone()),
                                    _ => Outcome::Expired,
                                },
                                Err(e) => Outcome::Unknown(e.to_string()),
                            });
                        }
                    }
                }
                Err(e) => {
                    self.metrics.lock().unwrap().count_error("rpc");
                    last_error = e.to_string();
                }
            }
            if last_answer.elapsed() > self.config.max_wait_unanswered {
                for outcome in outcomes.iter_mut().filter(|o| o.is_none()) {
                    *outcome = Some(Outcome::Unknown(last_error.clone()));
                }
            }
        }
        outcomes.into_iter().map(|o| o.expect("every transaction has an outcome")).collect()
    }

    fn record_landed(&mut self, step: &'static str, fee_lamports: u64, err: &Option<TransactionError>) {
        let mut m = self.metrics.lock().unwrap();
        m.fees_paid_lamports += fee_lamports;
        match err {
            None => m.count_transaction(step, TxResult::Confirmed),
            Some(_) => {
                m.count_transaction(step, TxResult::Failed);
                m.count_error("program");
            }
        }
    }

    fn record_expired(&mut self, step: &'static str, signature: &Signature) {
        {
            let mut m = self.metrics.lock().unwrap();
            m.count_transaction(step, TxResult::Expired);
            m.count_error("expired");
        }
        self.log.warn("transaction expired before it landed; re-planning", &[("step", json!(step)), ("signature", json!(signature.to_string()))]);
    }
}

impl BotSender {
    /// A transaction of `instructions` (after the compute-budget ones) for `blockhash`: v0 with
    /// the bot's lookup tables when `use_tables`, else legacy; signed by the payer, or unsigned
    /// (for simulation).
    fn transaction(&self, instructions: &[Instruction], blockhash: Hash, use_tables: bool, sign: bool) -> RpcResult<VersionedTransaction> {
        let payer = self.payer.pubkey();
        let message = if use_tables && !self.lookup_tables.is_empty() {
            VersionedMessage::V0(
                v0::Message::try_compile(&payer, instructions, &self.lookup_tables, blockhash).map_err(|e| format!("compiling a v0 message: {e}"))?,
            )
        } else {
            VersionedMessage::Legacy(Message::new_with_blockhash(instructions, Some(&payer), &blockhash))
        };
        if sign {
            VersionedTransaction::try_new(message, &[&*self.payer]).map_err(|e| format!("signing: {e}"))
        } else {
            let signatures = vec![Signature::default(); usize::from(message.header().num_required_signatures)];
            Ok(VersionedTransaction { signatures, message })
        }
    }

    /// A transaction outside the crank's steps (the bot's lookup tables), sent the same way.
    pub fn send_setup(&mut self, instructions: &[Instruction]) -> RpcResult<Signature> {
        self.send_as("lookup_table", instructions, false)
    }

    /// Simulates `instructions`, sets the compute budget and the priority fee of signing
    /// `attempt`, signs, and records it as pending. A refusal in simulation is returned (and
    /// counted) without sending.
    fn prepare(&mut self, step: &'static str, instructions: &[Instruction], use_tables: bool, attempt: u32) -> RpcResult<Prepared> {
        let (blockhash, last_valid_block_height) =
            self.call("getLatestBlockhash", |rpc| rpc.get_latest_blockhash_with_commitment(CommitmentConfig::confirmed()))?;
        let units = match self.simulate(instructions, blockhash, use_tables) {
            Ok(units) => units,
            Err(refusal) => {
                let mut m = self.metrics.lock().unwrap();
                m.count_transaction(step, TxResult::Refused);
                m.count_error("program");
                return Err(refusal);
            }
        };
        let limit = (units * (100 + self.config.compute_unit_margin_percent) / 100 + 1_000).min(MAX_COMPUTE_UNITS);
        let price = self.config.priority_fee_for(attempt);
        self.metrics.lock().unwrap().priority_fee_micro_lamports = price;
        let mut all = vec![ComputeBudgetInstruction::set_compute_unit_limit(limit as u32)];
        if price > 0 {
            all.push(ComputeBudgetInstruction::set_compute_unit_price(price));
        }
        all.extend(instructions.iter().cloned());
        let tx = self.transaction(&all, blockhash, use_tables, true)?;
        let signature = tx.signatures[0];
        let fee_lamports = LAMPORTS_PER_SIGNATURE * tx.signatures.len() as u64 + (limit * price).div_ceil(1_000_000);
        self.pending.push(Pending { signature, last_valid_block_height, step, fee_lamports });
        Ok(Prepared { step, tx, signature, last_valid_block_height, fee_lamports, limit, price, sent: Instant::now() })
    }

    /// What `outcome` means for the prepared transaction: its result, or None when it expired
    /// unlanded (sign it again).
    fn finish(&mut self, p: &Prepared, outcome: Outcome) -> Option<RpcResult<Signature>> {
        match outcome {
            Outcome::Landed(err) => {
                self.pending.retain(|q| q.signature != p.signature);
                self.record_landed(p.step, p.fee_lamports, &err);
                let v0 = matches!(p.tx.message, VersionedMessage::V0(_));
                if v0 {
                    self.metrics.lock().unwrap().v0_transactions += 1;
                }
                self.log.info(
                    "transaction landed",
                    &[
                        ("step", json!(p.step)),
                        ("signature", json!(p.signature.to_string())),
                        ("ok", json!(err.is_none())),
                        ("compute_unit_limit", json!(p.limit)),
                        ("priority_fee", json!(p.price)),
                        ("version", json!(if v0 { "v0" } else { "legacy" })),
                        ("seconds", json!((p.sent.elapsed().as_secs_f64() * 10.0).round() / 10.0)),
                    ],
                );
                Some(match err {
                    None => Ok(p.signature),
                    Some(e) => Err(describe(&e)),
                })
            }
            Outcome::Expired => {
                self.pending.retain(|q| q.signature != p.signature);
                self.record_expired(p.step, &p.signature);
                None
            }
            // Stays pending: the next cycle waits for it before planning.
            Outcome::Unknown(e) => Some(Err(format!("lost contact with the chain while {} was in flight: {e}", p.signature))),
        }
    }

    /// Simulates, sets the compute budget and priority fee, signs, sends, and waits for the
    /// outcome; re-signs with a new blockhash (and a higher priority fee) only once the last one
    /// expired unlanded, from signing `first_attempt` on.
    fn send_as(&mut self, step: &'static str, instructions: &[Instruction], use_tables: bool) -> RpcResult<Signature> {
        self.send_from(step, &without_compute_budget(instructions), use_tables, 0)
    }

    fn send_from(&mut self, step: &'static str, instructions: &[Instruction], use_tables: bool, first_attempt: u32) -> RpcResult<Signature> {
        for attempt in first_attempt..self.config.send_attempts {
            let p = self.prepare(step, instructions, use_tables, attempt)?;
            let outcome = self.await_outcome(Some(&p.tx), &p.signature, p.last_valid_block_height);
            if let Some(result) = self.finish(&p, outcome) {
                return result;
            }
        }
        Err(format!("{step} transaction expired {} times in a row", self.config.send_attempts))
    }
}

/// A signed transaction, sent or about to be, and what it costs.
struct Prepared {
    step: &'static str,
    tx: VersionedTransaction,
    signature: Signature,
    last_valid_block_height: u64,
    fee_lamports: u64,
    limit: u64,
    price: u64,
    sent: Instant,
}

/// The instructions less any compute-budget ones: the bot sets its own.
fn without_compute_budget(instructions: &[Instruction]) -> Vec<Instruction> {
    instructions.iter().filter(|ix| ix.program_id != solana_compute_budget_interface::id()).cloned().collect()
}

impl CrankSender for BotSender {
    fn send(&mut self, step: CrankStep, instructions: &[Instruction]) -> RpcResult<Signature> {
        self.send_as(step.name(), instructions, matches!(step, CrankStep::Observe | CrankStep::Record))
    }

    /// With lookup tables, as many vote accounts as the 64 account locks allow; else the SDK's
    /// legacy size.
    fn record_accounts(&mut self, keys: &PoolKeys, payer: &Pubkey) -> usize {
        if self.lookup_tables.is_empty() {
            return liquid_staking_sdk::risk::max_record_accounts(keys, payer);
        }
        let fixed = ix::record_validators(&ix::RecordValidatorsParams { keys: *keys, first_index: 0, vote_accounts: &[] }).accounts.len();
        pack::MAX_TRANSACTION_ACCOUNTS - 3 - fixed
    }

    /// All simulated, signed and sent at once, then awaited together; one that expires unlanded
    /// is signed again on its own (at the next priority fee).
    fn send_all(&mut self, step: CrankStep, transactions: &[Vec<Instruction>]) -> Vec<RpcResult<Signature>> {
        let use_tables = step == CrankStep::Observe;
        let transactions: Vec<Vec<Instruction>> = transactions.iter().map(|tx| without_compute_budget(tx)).collect();
        let prepared: Vec<RpcResult<Prepared>> = transactions.iter().map(|tx| self.prepare(step.name(), tx, use_tables, 0)).collect();
        let in_flight: Vec<(Option<&VersionedTransaction>, Signature, u64)> =
            prepared.iter().filter_map(|p| p.as_ref().ok()).map(|p| (Some(&p.tx), p.signature, p.last_valid_block_height)).collect();
        let mut outcomes = self.await_outcomes(&in_flight).into_iter();
        let mut results = Vec::with_capacity(transactions.len());
        for (p, instructions) in prepared.into_iter().zip(&transactions) {
            results.push(match p {
                Err(refusal) => Err(refusal),
                Ok(p) => {
                    let outcome = outcomes.next().expect("an outcome per transaction sent");
                    match self.finish(&p, outcome) {
                        Some(result) => result,
                        None => self.send_from(step.name(), instructions, use_tables, 1),
                    }
                }
            });
        }
        results
    }

    /// With lookup tables, as many stake accounts as the 64 account locks allow (the
    /// transaction's own accounts: payer, the program, the compute-budget program); else the SDK's
    /// legacy size.
    fn observe_accounts(&mut self, keys: &PoolKeys, payer: &Pubkey, entries: &[ValidatorEntry]) -> usize {
        if self.lookup_tables.is_empty() {
            return plan::max_observe_accounts(keys, payer);
        }
        let fixed = crate::lookup::fixed_accounts(keys).len();
        let max_accounts = pack::MAX_TRANSACTION_ACCOUNTS - 3 - fixed;
        // Check the size of the largest batch there can be, one that straddles two tables.
        let per = crate::lookup::validators_per_table(keys);
        let start = if entries.len() > per { per.saturating_sub(max_accounts / 2) } else { 0 };
        let Some(batch) = plan::observe_instructions(keys, &entries[start..], u64::MAX, max_accounts).into_iter().next() else {
            return max_accounts;
        };
        let all = [ComputeBudgetInstruction::set_compute_unit_limit(1), ComputeBudgetInstruction::set_compute_unit_price(1), batch.instruction];
        match self.transaction(&all, Hash::default(), true, false) {
            Ok(tx) if bincode::serialized_size(&tx).is_ok_and(|size| size as usize <= pack::MAX_TRANSACTION_BYTES) => max_accounts,
            _ => plan::max_observe_accounts(keys, payer),
        }
    }

    fn max_stake_validators(&self) -> usize {
        self.config.max_stake_validators
    }

    fn progress(&mut self, line: &str) {
        self.log.info(line, &[]);
    }
}

/// A transaction error in words, the program's errors by name.
fn describe(error: &TransactionError) -> String {
    match error {
        TransactionError::InstructionError(index, solana_instruction_error::InstructionError::Custom(code)) => {
            format!("instruction {index} failed: {}", liquid_staking_sdk::errors::describe(*code))
        }
        other => format!("transaction failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_priority_fee_rises_only_after_an_expiry_and_stays_under_the_cap() {
        let config = SenderConfig { priority_fee: 0, max_priority_fee: 50_000, ..SenderConfig::default() };
        let fees: Vec<u64> = (0..6).map(|attempt| config.priority_fee_for(attempt)).collect();
        assert_eq!(fees, vec![0, 1_000, 4_000, 16_000, 50_000, 50_000]);
        let based = SenderConfig { priority_fee: 2_000, max_priority_fee: 100_000, ..SenderConfig::default() };
        assert_eq!((based.priority_fee_for(0), based.priority_fee_for(1)), (2_000, 8_000));
    }
}
