//! The SDK over JSON-RPC (a blocking client at `confirmed`): sending with the program's errors named,
//! reading a pool, and one run of the epoch crank. The CLI, the local chain and the crank bot use it.
pub mod deploy;

use crate::{decode, instructions as ix, pack, plan, PoolKeys};
use anchor_lang::prelude::Pubkey;
use liquid_staking::{constants::STAKE_ACCOUNT_SPACE, state::Pool};
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::request::{RpcError, RpcResponseErrorData};
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::Transaction;

/// A failure to send, read, or decode, said in words (the program's errors by name).
pub type RpcResult<T> = Result<T, String>;

/// Signs with `payer` and `extra`, sends with a fresh blockhash, and waits for confirmation.
pub fn send(rpc: &RpcClient, payer: &Keypair, instructions: &[Instruction], extra: &[&Keypair]) -> RpcResult<Signature> {
    let blockhash = rpc.get_latest_blockhash().map_err(|e| explain(&e))?;
    rpc.send_and_confirm_transaction(&sign(instructions, payer, extra, blockhash)).map_err(|e| explain(&e))
}

/// A transaction paid by `payer`, signed by it and by each of `extra` once (a key that is both
/// the payer and another role, such as the upgrade authority, signs once).
pub fn sign(instructions: &[Instruction], payer: &Keypair, extra: &[&Keypair], blockhash: solana_hash::Hash) -> Transaction {
    let mut signers: Vec<&Keypair> = vec![payer];
    for signer in extra {
        if !signers.iter().any(|s| s.pubkey() == signer.pubkey()) {
            signers.push(signer);
        }
    }
    Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), &signers, blockhash)
}

/// Names a failed transaction's program error when there is one.
pub fn explain(error: &ClientError) -> String {
    let tx_error = match error.kind() {
        ErrorKind::RpcError(RpcError::RpcResponseError { data: RpcResponseErrorData::SendTransactionPreflightFailure(sim), .. }) => {
            sim.err.clone().map(|e| e.into())
        }
        ErrorKind::TransactionError(e) => Some(e.clone()),
        _ => None,
    };
    match tx_error {
        Some(solana_transaction_error::TransactionError::InstructionError(index, solana_instruction_error::InstructionError::Custom(code))) => {
            format!("instruction {index} failed: {}", crate::errors::describe(code))
        }
        Some(e) => format!("transaction failed: {e}"),
        None => error.to_string(),
    }
}

/// The pool at `address`, decoded, with its keys.
pub fn load_pool(rpc: &RpcClient, address: &Pubkey) -> RpcResult<(PoolKeys, Pool)> {
    let account = rpc.get_account(address).map_err(|e| format!("pool {address}: {e}"))?;
    let pool = decode::pool(&account.data).map_err(|e| format!("{address}: {e}"))?;
    Ok((PoolKeys::from_pool(*address, &pool), pool))
}

/// The pool's validator list, decoded. Only the used parts are fetched (header, the `count`
/// entries and records, the rules: a few kilobytes for a small pool instead of the 2.7 MB account),
/// laid into a zeroed buffer of the account's size and decoded as a whole.
pub fn load_validator_list(rpc: &RpcClient, keys: &PoolKeys) -> RpcResult<decode::DecodedValidatorList> {
    use liquid_staking::state::{ValidatorEntry, ValidatorList, ValidatorRecord, ValidatorScoring};
    use solana_account_decoder_client_types::{UiAccountEncoding, UiDataSliceConfig};
    let address = keys.validator_list;
    let slice = |offset: usize, length: usize| -> RpcResult<(Vec<u8>, Option<u64>)> {
        let config = solana_rpc_client_api::config::RpcAccountInfoConfig {
            encoding: Some(UiAccountEncoding::Base64),
            data_slice: Some(UiDataSliceConfig { offset, length }),
            commitment: Some(rpc.commitment()),
            min_context_slot: None,
        };
        let account = rpc.get_ui_account_with_config(&address, config).map_err(|e| format!("validator list {address}: {e}"))?.value;
        let account = account.ok_or_else(|| format!("validator list {address}: no such account"))?;
        let space = account.space;
        let data = account.data.decode().ok_or_else(|| format!("validator list {address}: undecodable data"))?;
        Ok((data, space))
    };
    let header_len = 8 + std::mem::offset_of!(ValidatorList, entries);
    let (header, space) = slice(0, header_len)?;
    let Some(space) = space.map(|s| s as usize).filter(|s| *s >= ValidatorList::SPACE_V0 && header.len() == header_len) else {
        // A node that does not say the account's size: read it whole.
        let data = rpc.get_account_data(&address).map_err(|e| format!("validator list {address}: {e}"))?;
        return decode::validator_list(&data).map_err(|e| e.to_string());
    };
    let count_at = 8 + std::mem::offset_of!(ValidatorList, count);
    let count = u32::from_le_bytes(header[count_at..count_at + 4].try_into().expect("4 bytes")) as usize;
    let mut data = vec![0u8; space];
    data[..header_len].copy_from_slice(&header);
    let mut parts = vec![(header_len, count * std::mem::size_of::<ValidatorEntry>())];
    if space >= ValidatorList::SPACE {
        parts.push((8 + std::mem::offset_of!(ValidatorList, records), count * std::mem::size_of::<ValidatorRecord>()));
        parts.push((8 + std::mem::offset_of!(ValidatorList, scoring), std::mem::size_of::<ValidatorScoring>()));
    }
    for (offset, length) in parts.into_iter().filter(|(_, l)| *l > 0) {
        let (part, _) = slice(offset, length)?;
        if part.len() != length {
            return Err(format!("validator list {address}: {} bytes at {offset}, {length} asked", part.len()));
        }
        data[offset..offset + length].copy_from_slice(&part);
    }
    decode::validator_list(&data).map_err(|e| e.to_string())
}

/// What one run of the crank sent: transactions that landed and succeeded, by step.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CrankRun {
    pub epoch: u64,
    pub observe_transactions: usize,
    pub finalize_transactions: usize,
    pub rebalance_transactions: usize,
    /// Rebalance instructions the chain refused on their own (after their batch failed), skipped.
    pub rebalances_refused: usize,
}

impl CrankRun {
    pub fn transactions(&self) -> usize {
        self.observe_transactions + self.finalize_transactions + self.rebalance_transactions
    }
}

/// A step of the crank, naming what a transaction does (for logs and metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CrankStep {
    Observe,
    Finalize,
    Rebalance,
    /// Reading the validators' vote accounts (`record_validators`).
    Record,
    /// Deactivating an ineligible validator's stake (`deactivate_ineligible`).
    Protect,
    /// Setting the weights from scores, in score mode (`select_validators`).
    Select,
}

impl CrankStep {
    pub const ALL: [CrankStep; 6] = [CrankStep::Observe, CrankStep::Finalize, CrankStep::Rebalance, CrankStep::Record, CrankStep::Protect, CrankStep::Select];

    pub fn name(self) -> &'static str {
        match self {
            CrankStep::Observe => "observe",
            CrankStep::Finalize => "finalize",
            CrankStep::Rebalance => "rebalance",
            CrankStep::Record => "record",
            CrankStep::Protect => "protect",
            CrankStep::Select => "select",
        }
    }
}

/// How the crank's transactions reach the chain. [`PlainSender`] signs and sends (the CLI, the
/// local chain); the crank bot's sender adds compute-unit limits by simulation, priority fees,
/// re-signing on blockhash expiry, retries and metrics. Either way the crank's plan is the SDK's.
pub trait CrankSender {
    /// Sends one transaction of `step` carrying `instructions` and waits for its confirmation.
    fn send(&mut self, step: CrankStep, instructions: &[Instruction]) -> RpcResult<Signature>;
    /// Sends independent transactions of `step` (one epoch's observe batches) and waits for all of
    /// them; one result each, in order. By default one after the other; senders that can keep
    /// several in flight at once do.
    fn send_all(&mut self, step: CrankStep, transactions: &[Vec<Instruction>]) -> Vec<RpcResult<Signature>> {
        transactions.iter().map(|tx| self.send(step, tx)).collect()
    }
    /// How many stake accounts one observe transaction carries (the legacy transaction's size
    /// limit, unless the sender has a better way, such as lookup tables).
    fn observe_accounts(&mut self, keys: &PoolKeys, payer: &Pubkey, _entries: &[liquid_staking::state::ValidatorEntry]) -> usize {
        plan::max_observe_accounts(keys, payer)
    }
    /// How many vote accounts one record_validators transaction carries.
    fn record_accounts(&mut self, keys: &PoolKeys, payer: &Pubkey) -> usize {
        crate::risk::max_record_accounts(keys, payer)
    }
    /// Most validators one epoch's staking goes to (the most under-target first).
    fn max_stake_validators(&self) -> usize {
        plan::DEFAULT_MAX_STAKE_VALIDATORS
    }
    /// One line about what the crank is doing.
    fn progress(&mut self, _line: &str) {}
}

/// Signs with `payer`, sends with a fresh blockhash, waits for confirmation; progress to a closure.
pub struct PlainSender<'a, P: FnMut(&str)> {
    pub rpc: &'a RpcClient,
    pub payer: &'a Keypair,
    pub progress: P,
}

impl<P: FnMut(&str)> CrankSender for PlainSender<'_, P> {
    fn send(&mut self, _step: CrankStep, instructions: &[Instruction]) -> RpcResult<Signature> {
        send(self.rpc, self.payer, instructions, &[])
    }
    /// Sends every transaction (preflight checks each), then confirms them all together; one not
    /// seen to land before its blockhash expired is sent again on its own.
    fn send_all(&mut self, step: CrankStep, transactions: &[Vec<Instruction>]) -> Vec<RpcResult<Signature>> {
        let blockhash = match self.rpc.get_latest_blockhash() {
            Ok(hash) => hash,
            Err(e) => return transactions.iter().map(|_| Err(explain(&e))).collect(),
        };
        let mut results: Vec<Option<RpcResult<Signature>>> = Vec::with_capacity(transactions.len());
        let mut in_flight: Vec<(usize, Signature)> = Vec::new();
        for (i, instructions) in transactions.iter().enumerate() {
            let tx = Transaction::new_signed_with_payer(instructions, Some(&self.payer.pubkey()), &[self.payer], blockhash);
            match self.rpc.send_transaction(&tx) {
                Ok(signature) => {
                    in_flight.push((i, signature));
                    results.push(None);
                }
                Err(e) => results.push(Some(Err(explain(&e)))),
            }
        }
        while !in_flight.is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(400));
            let signatures: Vec<Signature> = in_flight.iter().map(|(_, s)| *s).collect();
            if let Ok(statuses) = self.rpc.get_signature_statuses(&signatures) {
                in_flight.retain(|(i, signature)| {
                    let position = signatures.iter().position(|s| s == signature).expect("asked for it");
                    match &statuses.value[position] {
                        Some(status) if status.satisfies_commitment(self.rpc.commitment()) => {
                            results[*i] = Some(match &status.err {
                                None => Ok(*signature),
                                Some(e) => Err(explain(&ClientError::from(e.clone()))),
                            });
                            false
                        }
                        _ => true,
                    }
                });
            }
            if !in_flight.is_empty() && !self.rpc.is_blockhash_valid(&blockhash, self.rpc.commitment()).unwrap_or(true) {
                for (i, _) in std::mem::take(&mut in_flight) {
                    results[i] = Some(self.send(step, &transactions[i]));
                }
            }
        }
        results.into_iter().map(|r| r.expect("every transaction has a result")).collect()
    }
    fn progress(&mut self, line: &str) {
        (self.progress)(line)
    }
}

/// Whether `error` (as [`explain`] words it) is the program's refusal `name`.
pub fn is_refusal(error: &str, name: &str) -> bool {
    error.contains(&format!("failed: {name}:"))
}

/// `sender.send`, but while the runtime is still paying the epoch's rewards (its first blocks; the
/// program refuses with EpochRewardsActive) it waits and tries again, for up to a minute.
fn send_after_rewards(sender: &mut impl CrankSender, step: CrankStep, instructions: &[Instruction]) -> RpcResult<Signature> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        match sender.send(step, instructions) {
            Err(e) if is_refusal(&e, "EpochRewardsActive") && std::time::Instant::now() < deadline => {
                sender.progress("waiting for the runtime to finish paying the epoch's rewards");
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            result => return result,
        }
    }
}

/// Runs the crank for the current epoch once: observe, finalize, rebalance (see [`crank_with`]).
pub fn crank(rpc: &RpcClient, payer: &Keypair, keys: &PoolKeys, progress: impl FnMut(&str)) -> RpcResult<CrankRun> {
    crank_with(rpc, &payer.pubkey(), keys, &mut PlainSender { rpc, payer, progress })
}

/// Runs the crank for the current epoch once through `sender`: [`update`] (observe, re-planning
/// until every validator is observed, then finalize), then [`rebalance`]. Each step is planned by
/// the SDK from a fresh read, so running it twice or beside another crank is safe.
pub fn crank_with(rpc: &RpcClient, payer: &Pubkey, keys: &PoolKeys, sender: &mut impl CrankSender) -> RpcResult<CrankRun> {
    let mut run = update(rpc, payer, keys, sender, |_| false)?;
    rebalance(rpc, payer, keys, sender, &mut run)?;
    Ok(run)
}

fn current_epoch(rpc: &RpcClient) -> RpcResult<u64> {
    Ok(rpc.get_epoch_info().map_err(|e| explain(&e))?.epoch)
}

/// Observe every validator not yet observed this epoch (re-planning after each round, its
/// batches sent at once), then finalize if the pool's rate is from an earlier epoch. The epoch
/// is read again every round: when it changes during the update (observes landing in the next
/// epoch are stamped with it), the update starts over for the new epoch, so it ends with that
/// epoch finalized. A round that observes nothing new ends it with an error instead of sending
/// the same batches again. `halt(step)` is asked before each step and ends the update early when
/// it says so (the crank bot's fault tests stop between steps). Batches and a finalize that
/// another crank got to first (NothingToObserve, PoolAlreadyUpdated) count as done.
pub fn update(
    rpc: &RpcClient,
    payer: &Pubkey,
    keys: &PoolKeys,
    sender: &mut impl CrankSender,
    mut halt: impl FnMut(CrankStep) -> bool,
) -> RpcResult<CrankRun> {
    let mut run = CrankRun { epoch: current_epoch(rpc)?, ..CrankRun::default() };
    'epoch: loop {
        let epoch = run.epoch;
        let mut unobserved_before: Option<usize> = None;
        loop {
            let list = load_validator_list(rpc, keys)?;
            let now = current_epoch(rpc)?;
            if now != epoch {
                sender.progress(&format!("epoch {now} began during the update of epoch {epoch}: updating for epoch {now}"));
                run.epoch = now;
                continue 'epoch;
            }
            let unobserved = list.entries.iter().filter(|e| e.last_observed_epoch != epoch).count();
            if unobserved == 0 {
                break;
            }
            if unobserved_before == Some(unobserved) {
                return Err(format!("observe made no progress in epoch {epoch}: {unobserved} validators still unobserved after a round"));
            }
            unobserved_before = Some(unobserved);
            let max_accounts = sender.observe_accounts(keys, payer, &list.entries);
            // Highest indices first: a batch that drops a leaving validator's entry moves the last
            // entry into its slot, which a later batch of lower indices never names.
            let mut round = plan::observe_transactions(keys, &list.entries, epoch, max_accounts);
            round.reverse();
            sender.progress(&format!("observing {unobserved} validators ({} transactions)", round.len()));
            for (tx, result) in round.iter().zip(sender.send_all(CrankStep::Observe, &round)) {
                match result {
                    Ok(_) => run.observe_transactions += 1,
                    Err(e) if is_refusal(&e, "NothingToObserve") => {}
                    Err(e) if is_refusal(&e, "EpochRewardsActive") => {
                        send_after_rewards(sender, CrankStep::Observe, tx)?;
                        run.observe_transactions += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        if halt(CrankStep::Finalize) {
            return Ok(run);
        }
        let (_, pool) = load_pool(rpc, &keys.pool)?;
        if current_epoch(rpc)? != epoch {
            run.epoch = current_epoch(rpc)?;
            continue 'epoch;
        }
        if plan::needs_finalize(&pool, epoch) {
            sender.progress("finalizing the epoch");
            match send_after_rewards(sender, CrankStep::Finalize, &[ix::finalize_epoch(keys)]) {
                Ok(_) => run.finalize_transactions += 1,
                Err(e) if is_refusal(&e, "PoolAlreadyUpdated") => {}
                // Observed in the epoch before, finalized in a new one: update for the new epoch.
                Err(e) if is_refusal(&e, "ValidatorsNotObserved") && current_epoch(rpc)? != epoch => {
                    run.epoch = current_epoch(rpc)?;
                    continue 'epoch;
                }
                Err(e) => return Err(e),
            }
        }
        return Ok(run);
    }
}

/// The main stake accounts of the validators at `indices`, as rebalancing sees them in `epoch`.
pub fn read_main_stakes(
    rpc: &RpcClient,
    keys: &PoolKeys,
    entries: &[liquid_staking::state::ValidatorEntry],
    indices: &[usize],
    epoch: u64,
) -> RpcResult<std::collections::HashMap<usize, liquid_staking::state::MainStake>> {
    let mut out = std::collections::HashMap::new();
    if indices.is_empty() {
        return Ok(out);
    }
    let history = rpc.get_account_data(&solana_stake_interface::sysvar::stake_history::ID).map_err(|e| explain(&e))?;
    for chunk in indices.chunks(100) {
        let addresses: Vec<Pubkey> = chunk.iter().map(|&i| keys.validator_stake(&entries[i].vote_account)).collect();
        let accounts = rpc.get_multiple_accounts(&addresses).map_err(|e| explain(&e))?;
        for (&index, account) in chunk.iter().zip(accounts) {
            if let Some(main) = account.and_then(|a| decode::main_stake(&a.owner, &a.data, epoch, &history)) {
                out.insert(index, main);
            }
        }
    }
    Ok(out)
}

/// Rebalance as the SDK's plan says from a fresh read (the program's own decisions, see
/// `plan::rebalance_instructions`): unstake what tickets and the buffer lack from validators
/// above target with active stake, or stake reserve SOL into the most under-target validators. A
/// batch that fails is retried one instruction at a time and refusals are skipped (counted in
/// `run`); a refusal that holds for all (an epoch boundary passed: PoolStale) ends the step.
pub fn rebalance(rpc: &RpcClient, payer: &Pubkey, keys: &PoolKeys, sender: &mut impl CrankSender, run: &mut CrankRun) -> RpcResult<()> {
    let epoch = current_epoch(rpc)?;
    let (_, pool) = load_pool(rpc, &keys.pool)?;
    let list = load_validator_list(rpc, keys)?;
    let reserve = rpc.get_balance(&keys.reserve).map_err(|e| explain(&e))?;
    let stake_rent = rpc.get_minimum_balance_for_rent_exemption(STAKE_ACCOUNT_SPACE as usize).map_err(|e| explain(&e))?;
    let needed = plan::rebalance_main_stakes_needed(&pool, &list.entries, reserve);
    let main_stakes = read_main_stakes(rpc, keys, &list.entries, &needed, epoch)?;
    let rebalances = plan::rebalance_instructions(&plan::RebalanceInputs {
        keys,
        payer: *payer,
        pool: &pool,
        entries: &list.entries,
        reserve_lamports: reserve,
        stake_account_rent_lamports: stake_rent,
        epoch,
        main_stakes: &main_stakes,
        max_stake_validators: sender.max_stake_validators(),
    });
    // Refusals that hold for every instruction: an epoch boundary passed (the pool is stale until
    // the next update, which plans again), the runtime is paying rewards, or the epoch's staking
    // limit is reached.
    let for_all = |e: &str| ["PoolStale", "EpochRewardsActive", "StakingLimitReached"].iter().any(|name| is_refusal(e, name));
    for tx in pack::pack(payer, rebalances, plan::MAX_REBALANCES_PER_TX) {
        sender.progress(&format!("rebalancing ({} transactions landed)", run.rebalance_transactions));
        let refusal = match sender.send(CrankStep::Rebalance, &tx) {
            Ok(_) => {
                run.rebalance_transactions += 1;
                continue;
            }
            Err(e) => e,
        };
        if for_all(&refusal) {
            sender.progress(&format!("rebalancing stopped: {refusal}"));
            return Ok(());
        }
        for instruction in tx {
            match sender.send(CrankStep::Rebalance, &[instruction]) {
                Ok(_) => run.rebalance_transactions += 1,
                Err(e) if for_all(&e) => {
                    sender.progress(&format!("rebalancing stopped: {e}"));
                    return Ok(());
                }
                Err(e) => {
                    sender.progress(&format!("a rebalance instruction was refused and skipped: {e}"));
                    run.rebalances_refused += 1;
                }
            }
        }
    }
    Ok(())
}

/// What one validator-risk pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ProtectRun {
    /// `record_validators` transactions that landed.
    pub record_transactions: usize,
    /// Whether a `select_validators` landed (score mode: the weights were set from scores).
    pub selected: bool,
    /// Validators whose stake was deactivated (`deactivate_ineligible` landed).
    pub deactivated: Vec<Pubkey>,
    /// Every validator as the pass last read it: vote account, eligible, reason, commission (bps).
    pub states: Vec<(Pubkey, bool, u8, u16)>,
}

/// The vote accounts of `entries`, in order (None: closed).
pub fn read_vote_accounts(rpc: &RpcClient, entries: &[liquid_staking::state::ValidatorEntry]) -> RpcResult<Vec<Option<solana_account::Account>>> {
    let mut out = Vec::with_capacity(entries.len());
    for chunk in entries.chunks(100) {
        let addresses: Vec<Pubkey> = chunk.iter().map(|e| e.vote_account).collect();
        out.extend(rpc.get_multiple_accounts(&addresses).map_err(|e| explain(&e))?);
    }
    Ok(out)
}

/// Validator risk, permissionless, at any slot: with `record`, reads every validator not yet read
/// this epoch into its record (`record_validators`) and, in score mode, sets the weights from the
/// round's scores (`select_validators`); then deactivates the stake of every
/// validator that breaks a rule (`deactivate_ineligible`), judged first from its vote account as
/// just read (`risk::deactivation_candidates`), so only what the program will do is sent. A list
/// from before the records is left alone (it must migrate first). Refusals another caller caused
/// (NothingToRecord, NothingToSelect, NothingToDeactivate, ValidatorEligible) count as done.
pub fn protect(rpc: &RpcClient, payer: &Pubkey, keys: &PoolKeys, sender: &mut impl CrankSender, record: bool) -> RpcResult<ProtectRun> {
    let mut run = ProtectRun::default();
    let epoch = current_epoch(rpc)?;
    let mut list = load_validator_list(rpc, keys)?;
    if list.scoring.is_none() {
        return Ok(run);
    }
    if record {
        let max = sender.record_accounts(keys, payer);
        let batches = crate::risk::record_instructions(keys, &list, epoch, max);
        if !batches.is_empty() {
            sender.progress(&format!("reading {} validators' vote accounts ({} transactions)", list.entries.len(), batches.len()));
        }
        for instruction in batches {
            match sender.send(CrankStep::Record, &[instruction]) {
                Ok(_) => run.record_transactions += 1,
                Err(e) if is_refusal(&e, "NothingToRecord") => {}
                Err(e) => return Err(e),
            }
        }
        if run.record_transactions > 0 {
            list = load_validator_list(rpc, keys)?;
        }
        if let Some(select) = crate::risk::selection_transaction(keys, &list, epoch) {
            sender.progress("setting the weights from this epoch's scores");
            match sender.send(CrankStep::Select, &select) {
                Ok(_) => {
                    run.selected = true;
                    list = load_validator_list(rpc, keys)?;
                }
                // Another caller selected first, a reading moved a score since the list was read,
                // or an epoch boundary passed (the next pass reads the new round).
                Err(e) if ["NothingToSelect", "SelectionCutoffMismatch", "ValidatorsNotRecorded"].iter().any(|n| is_refusal(&e, n)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    run.states = list
        .entries
        .iter()
        .zip(&list.records)
        .map(|(e, r)| (e.vote_account, e.is_eligible(), r.reason, r.last_commission_bps().unwrap_or(0)))
        .collect();
    let votes = read_vote_accounts(rpc, &list.entries)?;
    for (index, vote) in crate::risk::deactivation_candidates(&list, &votes, epoch) {
        sender.progress(&format!("deactivating the stake of ineligible validator {vote}"));
        match sender.send(CrankStep::Protect, &[ix::deactivate_ineligible(keys, index, vote)]) {
            Ok(_) => run.deactivated.push(vote),
            Err(e) if ["NothingToDeactivate", "ValidatorEligible", "EpochRewardsActive"].iter().any(|n| is_refusal(&e, n)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(run)
}

/// What the local chain (`liquid-staking-localnet up`) tells its clients: where it listens and the
/// pool it created. Written to `LocalnetInfo::default_path()` (and printed as one JSON line), read
/// by the CLI when no `--pool` is given.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalnetInfo {
    pub rpc_url: String,
    pub ws_url: String,
    pub program_id: String,
    pub pool: String,
    pub lst_mint: String,
    /// Keypair file of the pool's admin, operator, pause guardian and treasury authority (a
    /// throwaway key of this local chain).
    pub authority_keypair: String,
    /// Keypair file of the chain's genesis mint: 500M SOL, usable as a payer.
    pub faucet_keypair: String,
    /// The validator's own vote account first (it votes and earns), then vote accounts that never vote.
    pub vote_accounts: Vec<String>,
    pub slots_per_epoch: u64,
    pub ledger: String,
    /// The crank bot `up` runs: its metrics endpoint (absent when it runs none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crank_metrics: Option<String>,
    /// The web app `up` serves (absent when it serves none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_url: Option<String>,
}

impl LocalnetInfo {
    /// `$XDG_CONFIG_HOME/liquid-staking/localnet.json`, or `~/.config/liquid-staking/localnet.json`.
    pub fn default_path() -> std::path::PathBuf {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".config")))
            .unwrap_or_else(|| std::path::PathBuf::from("."));
        config.join("liquid-staking").join("localnet.json")
    }

    pub fn load(path: &std::path::Path) -> RpcResult<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn save(&self, path: &std::path::Path) -> RpcResult<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(path, self.to_json_line() + "\n").map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("plain strings serialize")
    }
}

/// The settings the `solana` CLI keeps in `~/.config/solana/cli/config.yml` that our tools honour
/// too (flags take precedence): the cluster's URL and the keypair that signs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SolanaCliConfig {
    pub json_rpc_url: Option<String>,
    pub keypair_path: Option<String>,
}

impl SolanaCliConfig {
    /// `~/.config/solana/cli/config.yml`, where `solana config set` writes.
    pub fn default_path() -> Option<std::path::PathBuf> {
        std::env::var_os("HOME").map(|home| std::path::Path::new(&home).join(".config/solana/cli/config.yml"))
    }

    /// Reads the file at `path`; a missing file is an empty config (as for `solana`), an
    /// unreadable one an error.
    pub fn load(path: &std::path::Path) -> RpcResult<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Self::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// The top-level `key: value` pairs of the file (it is flat YAML, written by `solana config set`).
    pub fn parse(text: &str) -> Self {
        let mut config = Self::default();
        for line in text.lines() {
            if line.starts_with([' ', '\t', '#', '-']) {
                continue;
            }
            let Some((key, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            if value.is_empty() {
                continue;
            }
            match key.trim() {
                "json_rpc_url" => config.json_rpc_url = Some(value.to_string()),
                "keypair_path" => config.keypair_path = Some(value.to_string()),
                _ => {}
            }
        }
        config
    }
}

/// Expands solana-cli URL monikers (localhost, devnet, testnet, mainnet-beta and their initials).
pub fn resolve_url(url: &str) -> String {
    match url {
        "localhost" | "l" => "http://127.0.0.1:8899".into(),
        "devnet" | "d" => "https://api.devnet.solana.com".into(),
        "testnet" | "t" => "https://api.testnet.solana.com".into(),
        "mainnet-beta" | "m" => "https://api.mainnet-beta.solana.com".into(),
        other => other.into(),
    }
}

/// `~/x` as `$HOME/x`.
pub fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}

/// Where a tool talks to and who signs, resolved as the CLI and the crank bot both do.
#[derive(Debug, Clone)]
pub struct Connection {
    pub url: String,
    pub keypair_path: String,
    /// The local chain's info, when the URL is the local chain's (its pool is then the default).
    pub localnet: Option<LocalnetInfo>,
    /// Where the local chain's info file was looked for.
    pub localnet_path: std::path::PathBuf,
}

impl Connection {
    /// The URL: `url` given, else the solana-cli config file's (`config_path`, when it exists),
    /// else the local chain's from its info file (`LIQUID_STAKING_LOCALNET` names another file
    /// than the default), else localhost. The keypair: `keypair` given, else the config file's,
    /// else ~/.config/solana/id.json.
    pub fn resolve(url: Option<&str>, keypair: Option<&str>, config_path: &str) -> RpcResult<Self> {
        let config = SolanaCliConfig::load(std::path::Path::new(&expand_home(config_path)))?;
        let localnet_path = std::env::var_os("LIQUID_STAKING_LOCALNET").map_or_else(LocalnetInfo::default_path, std::path::PathBuf::from);
        let localnet = LocalnetInfo::load(&localnet_path).ok();
        let url = match (url, config.json_rpc_url.as_deref(), &localnet) {
            (Some(url), _, _) | (None, Some(url), _) => resolve_url(url),
            (None, None, Some(info)) => info.rpc_url.clone(),
            (None, None, None) => resolve_url("localhost"),
        };
        let keypair = keypair.or(config.keypair_path.as_deref()).unwrap_or("~/.config/solana/id.json");
        Ok(Self { localnet: localnet.filter(|info| info.rpc_url == url), url, keypair_path: expand_home(keypair), localnet_path })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solana_cli_config_reads_url_and_keypair() {
        let text = "---\njson_rpc_url: \"http://127.0.0.1:8899\"\nwebsocket_url: ''\nkeypair_path: /home/me/.config/solana/id.json\n\
                    address_labels:\n  \"11111111111111111111111111111111\": System Program\ncommitment: confirmed\n";
        let config = SolanaCliConfig::parse(text);
        assert_eq!(config.json_rpc_url.as_deref(), Some("http://127.0.0.1:8899"));
        assert_eq!(config.keypair_path.as_deref(), Some("/home/me/.config/solana/id.json"));
        assert_eq!(SolanaCliConfig::parse("json_rpc_url: ''\n"), SolanaCliConfig::default());
        let missing = SolanaCliConfig::load(std::path::Path::new("/nonexistent/config.yml")).unwrap();
        assert_eq!(missing, SolanaCliConfig::default());
    }
}
