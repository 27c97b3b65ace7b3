//! How the bot's transactions reach the chain, and how it knows they did.
//!
//! - Every RPC call is retried on transport and node errors with exponential backoff and jitter.
//! - Each transaction is simulated first: a refusal is returned without sending, and the
//!   compute-unit limit is what the simulation used plus a margin.
//! - The priority fee is a percentile of the recent fees paid on the pool's accounts, capped.
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
use liquid_staking_sdk::{pack, plan, state::ValidatorEntry, PoolKeys};
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

#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// Priority fee cap, micro-lamports per compute unit.
    pub max_priority_fee: u64,
    /// Which percentile of recent fees on the pool's accounts to pay (0-100).
    pub priority_fee_percentile: u8,
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
            max_priority_fee: 100_000,
            priority_fee_percentile: 50,
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
    /// Accounts whose recent priority fees set ours (the pool's writable accounts).
    pub fee_accounts: Vec<anchor_lang::prelude::Pubkey>,
    pub config: SenderConfig,
    pub metrics: SharedMetrics,
    pub log: Logger,
    pub rng: Rng,
    /// The bot's lookup tables, used by observe transactions (v0) when there are any.
    pub lookup_tables: Vec<AddressLookupTableAccount>,
    pending: Vec<Pending>,
    last_priority_fee: u64,
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
        fee_accounts: Vec<anchor_lang::prelude::Pubkey>,
        config: SenderConfig,
        metrics: SharedMetrics,
        log: Logger,
        rng: Rng,
    ) -> Self {
        Self { rpc, payer, fee_accounts, config, metrics, log, rng, lookup_tables: Vec::new(), pending: Vec::new(), last_priority_fee: 0 }
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

    /// The priority fee to pay now: the configured percentile of recent fees on the pool's
    /// accounts, capped. Keeps the last value when the chain does not answer.
    fn priority_fee(&mut self) -> u64 {
        let accounts = self.fee_accounts.clone();
        if let Ok(fees) = self.rpc.get_recent_prioritization_fees(&accounts) {
            let mut values: Vec<u64> = fees.iter().map(|f| f.prioritization_fee).collect();
            values.sort_unstable();
            self.last_priority_fee = percentile(&values, self.config.priority_fee_percentile).min(self.config.max_priority_fee);
        } else {
            self.metrics.lock().unwrap().count_error("rpc");
        }
        self.metrics.lock().unwrap().priority_fee_micro_lamports = self.last_priority_fee;
        self.last_priority_fee
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
        let send_config = RpcSendTransactionConfig { skip_preflight: true, max_retries: Some(0), ..RpcSendTransactionConfig::default() };
        let mut last_answer = Instant::now();
        let mut last_send: Option<Instant> = None;
        let mut last_error = String::new();
        loop {
            if let Some(tx) = tx {
                if last_send.is_none_or(|at| at.elapsed() >= Duration::from_secs(2)) {
                    if let Err(e) = self.rpc.send_transaction_with_config(tx, send_config) {
                        self.metrics.lock().unwrap().count_error("rpc");
                        last_error = e.to_string();
                    }
                    last_send = Some(Instant::now());
                }
            }
            std::thread::sleep(Duration::from_millis(400));
            match self.rpc.get_signature_statuses(&[*signature]) {
                Ok(response) => {
                    last_answer = Instant::now();
                    self.metrics.lock().unwrap().last_poll_ok = Some(last_answer);
                    if let Some(Some(status)) = response.value.first() {
                        if status.satisfies_commitment(CommitmentConfig::confirmed()) {
                            return Outcome::Landed(status.err.clone());
                        }
                    }
                }
                Err(e) => {
                    self.metrics.lock().unwrap().count_error("rpc");
                    last_error = e.to_string();
                }
            }
            match self.rpc.get_block_height_with_commitment(CommitmentConfig::confirmed()) {
                Ok(height) if height > last_valid_block_height => {
                    // It can no longer land; one last look in case it landed just now.
                    return match self.rpc.get_signature_statuses_with_history(&[*signature]) {
                        Ok(r) => match r.value.first() {
                            Some(Some(status)) => Outcome::Landed(status.err.clone()),
                            _ => Outcome::Expired,
                        },
                        Err(e) => Outcome::Unknown(e.to_string()),
                    };
                }
                Ok(_) => last_answer = Instant::now(),
                Err(e) => {
                    self.metrics.lock().unwrap().count_error("rpc");
                    last_error = e.to_string();
                }
            }
            if last_answer.elapsed() > self.config.max_wait_unanswered {
                return Outcome::Unknown(last_error);
            }
        }
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

    /// Simulates, sets the compute budget and priority fee, signs, sends, and waits for the
    /// outcome; re-signs with a new blockhash only once the last one expired unlanded.
    fn send_as(&mut self, step: &'static str, instructions: &[Instruction], use_tables: bool) -> RpcResult<Signature> {
        // The bot sets its own compute budget.
        let instructions: Vec<Instruction> =
            instructions.iter().filter(|ix| ix.program_id != solana_compute_budget_interface::id()).cloned().collect();
        for _ in 0..self.config.send_attempts {
            let (blockhash, last_valid_block_height) =
                self.call("getLatestBlockhash", |rpc| rpc.get_latest_blockhash_with_commitment(CommitmentConfig::confirmed()))?;
            let units = match self.simulate(&instructions, blockhash, use_tables) {
                Ok(units) => units,
                Err(refusal) => {
                    let mut m = self.metrics.lock().unwrap();
                    m.count_transaction(step, TxResult::Refused);
                    m.count_error("program");
                    return Err(refusal);
                }
            };
            let limit = (units * (100 + self.config.compute_unit_margin_percent) / 100 + 1_000).min(MAX_COMPUTE_UNITS);
            let price = self.priority_fee();
            let mut all = vec![ComputeBudgetInstruction::set_compute_unit_limit(limit as u32)];
            if price > 0 {
                all.push(ComputeBudgetInstruction::set_compute_unit_price(price));
            }
            all.extend(instructions.iter().cloned());
            let tx = self.transaction(&all, blockhash, use_tables, true)?;
            let signature = tx.signatures[0];
            let fee_lamports = LAMPORTS_PER_SIGNATURE * tx.signatures.len() as u64 + (limit * price).div_ceil(1_000_000);
            self.pending.push(Pending { signature, last_valid_block_height, step, fee_lamports });
            let sent = Instant::now();
            match self.await_outcome(Some(&tx), &signature, last_valid_block_height) {
                Outcome::Landed(err) => {
                    self.pending.retain(|p| p.signature != signature);
                    self.record_landed(step, fee_lamports, &err);
                    if matches!(tx.message, VersionedMessage::V0(_)) {
                        self.metrics.lock().unwrap().v0_transactions += 1;
                    }
                    self.log.info(
                        "transaction landed",
                        &[
                            ("step", json!(step)),
                            ("signature", json!(signature.to_string())),
                            ("ok", json!(err.is_none())),
                            ("compute_unit_limit", json!(limit)),
                            ("priority_fee", json!(price)),
                            ("version", json!(if matches!(tx.message, VersionedMessage::V0(_)) { "v0" } else { "legacy" })),
                            ("seconds", json!((sent.elapsed().as_secs_f64() * 10.0).round() / 10.0)),
                        ],
                    );
                    return match err {
                        None => Ok(signature),
                        Some(e) => Err(describe(&e)),
                    };
                }
                Outcome::Expired => {
                    self.pending.retain(|p| p.signature != signature);
                    self.record_expired(step, &signature);
                }
                // Stays pending: the next cycle waits for it before planning.
                Outcome::Unknown(e) => return Err(format!("lost contact with the chain while {signature} was in flight: {e}")),
            }
        }
        Err(format!("{step} transaction expired {} times in a row", self.config.send_attempts))
    }
}

impl CrankSender for BotSender {
    fn send(&mut self, step: CrankStep, instructions: &[Instruction]) -> RpcResult<Signature> {
        self.send_as(step.name(), instructions, step == CrankStep::Observe)
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

/// The `p`th percentile (nearest rank) of sorted `values`; 0 for none.
fn percentile(values: &[u64], p: u8) -> u64 {
    if values.is_empty() {
        return 0;
    }
    let rank = (usize::from(p.min(100)) * values.len()).div_ceil(100).max(1);
    values[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_is_nearest_rank() {
        assert_eq!(percentile(&[], 50), 0);
        assert_eq!(percentile(&[7], 0), 7);
        assert_eq!(percentile(&[1, 2, 3, 4], 50), 2);
        assert_eq!(percentile(&[1, 2, 3, 4], 75), 3);
        assert_eq!(percentile(&[1, 2, 3, 4], 100), 4);
    }
}
