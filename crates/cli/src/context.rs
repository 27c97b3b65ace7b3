//! What every command needs: the RPC client, the signer, the pool, sending with progress, output.
use anchor_lang::prelude::Pubkey;
use liquid_staking_sdk::{decode, state::Pool, PoolKeys};
use serde_json::{json, Value};
use solana_commitment_config::CommitmentConfig;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::{Error as ClientError, ErrorKind};
use solana_rpc_client_api::request::{RpcError, RpcRequest, RpcResponseErrorData};
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::str::FromStr;

pub type CliResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Text for a person.
    Display,
    /// One JSON object per command, on stdout.
    Json,
}

pub struct Context {
    pub rpc: RpcClient,
    keypair_path: String,
    pub output: OutputFormat,
}

/// Expands solana-cli URL monikers.
fn resolve_url(url: &str) -> String {
    match url {
        "localhost" | "l" => "http://127.0.0.1:8899".into(),
        "devnet" | "d" => "https://api.devnet.solana.com".into(),
        "mainnet-beta" | "m" => "https://api.mainnet-beta.solana.com".into(),
        "testnet" | "t" => "https://api.testnet.solana.com".into(),
        other => other.into(),
    }
}

fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}

impl Context {
    pub fn new(url: &str, keypair: &str, output: OutputFormat) -> Self {
        let url = resolve_url(url);
        Self {
            rpc: RpcClient::new_with_commitment(url, CommitmentConfig::confirmed()),
            keypair_path: expand_home(keypair),
            output,
        }
    }

    pub fn json(&self) -> bool {
        self.output == OutputFormat::Json
    }

    pub fn keypair_path(&self) -> &str {
        &self.keypair_path
    }

    pub fn signer(&self) -> CliResult<Keypair> {
        solana_keypair::read_keypair_file(&self.keypair_path)
            .map_err(|e| format!("cannot read keypair file {}: {e} (create one with `liquid-staking keygen`)", self.keypair_path).into())
    }

    /// The pool given, or the local chain's bootstrapped pool.
    pub fn pool(&self, given: &Option<String>) -> CliResult<(PoolKeys, Pool)> {
        let address = match given {
            Some(text) => Pubkey::from_str(text).map_err(|e| format!("--pool {text}: {e}"))?,
            None => {
                let info: Value = self
                    .rpc
                    .send(RpcRequest::Custom { method: "localnet_info" }, json!([]))
                    .map_err(|_| "no --pool given, and the cluster is not a local chain that names its pool")?;
                let text = info["pool"].as_str().ok_or("no --pool given, and the local chain has no pool")?;
                Pubkey::from_str(text)?
            }
        };
        let account = self.rpc.get_account(&address).map_err(|e| format!("pool {address}: {e}"))?;
        let pool = decode::pool(&account.data).map_err(|e| format!("{address}: {e}"))?;
        Ok((PoolKeys::from_pool(address, &pool), pool))
    }

    pub fn epoch(&self) -> CliResult<u64> {
        Ok(self.rpc.get_epoch_info()?.epoch)
    }

    /// The current epoch and how many slots it has (deposit quotes scale the dilution fee by it).
    pub fn epoch_and_slots(&self) -> CliResult<(u64, u64)> {
        let info = self.rpc.get_epoch_info()?;
        Ok((info.epoch, info.slots_in_epoch))
    }

    /// Signs with the keypair (fee payer) and `extra` signers, sends, waits for confirmation
    /// (with a spinner on a terminal, unless the output is JSON).
    pub fn send(&self, instructions: &[Instruction], extra: &[&Keypair]) -> CliResult<Signature> {
        let payer = self.signer()?;
        let mut signers: Vec<&Keypair> = vec![&payer];
        signers.extend_from_slice(extra);
        let blockhash = self.rpc.get_latest_blockhash()?;
        let tx = Transaction::new_signed_with_payer(instructions, Some(&payer.pubkey()), &signers, blockhash);
        let sent = if self.json() {
            self.rpc.send_and_confirm_transaction(&tx)
        } else {
            self.rpc.send_and_confirm_transaction_with_spinner(&tx)
        };
        sent.map_err(|e| explain(&e).into())
    }

    /// Prints the result: text for a person, or one JSON object.
    pub fn print(&self, text: impl std::fmt::Display, value: Value) {
        if self.json() {
            println!("{value}");
        } else {
            println!("{text}");
        }
    }

    pub fn fail(&self, error: &Box<dyn std::error::Error>) -> ! {
        if self.json() {
            println!("{}", json!({ "error": error.to_string() }));
        } else {
            eprintln!("error: {error}");
        }
        std::process::exit(1);
    }
}

/// Names a failed transaction's program error when there is one.
fn explain(error: &ClientError) -> String {
    let tx_error = match error.kind() {
        ErrorKind::RpcError(RpcError::RpcResponseError { data: RpcResponseErrorData::SendTransactionPreflightFailure(sim), .. }) => {
            sim.err.clone().map(|e| e.into())
        }
        ErrorKind::TransactionError(e) => Some(e.clone()),
        _ => None,
    };
    match tx_error {
        Some(solana_transaction_error::TransactionError::InstructionError(index, solana_instruction_error::InstructionError::Custom(code))) => {
            format!("instruction {index} failed: {}", liquid_staking_sdk::errors::describe(code))
        }
        Some(e) => format!("transaction failed: {e}"),
        None => error.to_string(),
    }
}
