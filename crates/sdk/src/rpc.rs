//! The SDK over JSON-RPC (a blocking client at `confirmed`): sending with the program's errors named,
//! reading a pool, and one run of the epoch crank. The CLI, the local chain and the crank bot use it.
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
    let mut signers: Vec<&Keypair> = vec![payer];
    signers.extend_from_slice(extra);
    let blockhash = rpc.get_latest_blockhash().map_err(|e| explain(&e))?;
    let tx = Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), &signers, blockhash);
    rpc.send_and_confirm_transaction(&tx).map_err(|e| explain(&e))
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

/// The pool's validator list, decoded.
pub fn load_validator_list(rpc: &RpcClient, keys: &PoolKeys) -> RpcResult<decode::DecodedValidatorList> {
    let data = rpc.get_account_data(&keys.validator_list).map_err(|e| format!("validator list {}: {e}", keys.validator_list))?;
    decode::validator_list(&data).map_err(|e| e.to_string())
}

/// What one run of the crank sent.
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

/// `send`, but while the runtime is still paying the epoch's rewards (its first blocks; the
/// program refuses with EpochRewardsActive) it waits and tries again, for up to a minute.
fn send_after_rewards(rpc: &RpcClient, payer: &Keypair, instructions: &[Instruction], progress: &mut impl FnMut(&str)) -> RpcResult<Signature> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        match send(rpc, payer, instructions, &[]) {
            Err(e) if e.contains("EpochRewardsActive") && std::time::Instant::now() < deadline => {
                progress("waiting for the runtime to finish paying the epoch's rewards");
                std::thread::sleep(std::time::Duration::from_millis(500));
            }
            result => return result,
        }
    }
}

/// Runs the crank for the current epoch once: observe (re-planning until every validator is
/// observed), finalize, rebalance, each step planned by the SDK from a fresh read, so running it
/// twice or beside another crank is safe. A rebalance batch that fails is retried one instruction
/// at a time and refusals are skipped. `progress` hears one line per step.
pub fn crank(rpc: &RpcClient, payer: &Keypair, keys: &PoolKeys, mut progress: impl FnMut(&str)) -> RpcResult<CrankRun> {
    let epoch = rpc.get_epoch_info().map_err(|e| explain(&e))?.epoch;
    let mut run = CrankRun { epoch, ..CrankRun::default() };
    let batch = plan::max_observe_batch(keys, &payer.pubkey());
    loop {
        let list = load_validator_list(rpc, keys)?;
        let round = plan::observe_transactions(keys, &list.entries, epoch, batch);
        if round.is_empty() {
            break;
        }
        for tx in round {
            progress(&format!("observing validators ({} transactions sent)", run.observe_transactions));
            send_after_rewards(rpc, payer, &tx, &mut progress)?;
            run.observe_transactions += 1;
        }
    }
    let (_, pool) = load_pool(rpc, &keys.pool)?;
    if plan::needs_finalize(&pool, epoch) {
        progress("finalizing the epoch");
        send_after_rewards(rpc, payer, &[ix::finalize_epoch(keys)], &mut progress)?;
        run.finalize_transactions += 1;
    }
    let (_, pool) = load_pool(rpc, &keys.pool)?;
    let list = load_validator_list(rpc, keys)?;
    let reserve = rpc.get_balance(&keys.reserve).map_err(|e| explain(&e))?;
    let stake_rent = rpc.get_minimum_balance_for_rent_exemption(STAKE_ACCOUNT_SPACE as usize).map_err(|e| explain(&e))?;
    let rebalances = plan::rebalance_instructions(keys, &pool, &list.entries, reserve, stake_rent);
    for tx in pack::pack(&payer.pubkey(), rebalances, plan::MAX_REBALANCES_PER_TX) {
        progress(&format!("rebalancing ({} transactions sent)", run.rebalance_transactions));
        run.rebalance_transactions += 1;
        if send(rpc, payer, &tx, &[]).is_ok() {
            continue;
        }
        for instruction in tx {
            run.rebalance_transactions += 1;
            if let Err(e) = send(rpc, payer, &[instruction], &[]) {
                progress(&format!("a rebalance instruction was refused and skipped: {e}"));
                run.rebalances_refused += 1;
            }
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
