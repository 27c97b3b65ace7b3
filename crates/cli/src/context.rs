//! What every command needs: the RPC client, the signer, the pool, sending with progress, output.
use anchor_lang::prelude::Pubkey;
use liquid_staking_sdk::{
    rpc::{Connection, LocalnetInfo},
    state::Pool,
    PoolKeys,
};
use serde_json::{json, Value};
use solana_commitment_config::CommitmentConfig;
use solana_instruction::Instruction;
use solana_keypair::Keypair;
use solana_rpc_client::rpc_client::RpcClient;
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
    /// The local chain's info file (its URL and pool), if one was written.
    localnet: Option<LocalnetInfo>,
    /// How long deposits and exits wait for the crank when the pool is stale.
    fresh_wait: std::time::Duration,
}

impl Context {
    /// Connects as `liquid_staking_sdk::rpc::Connection::resolve` says (flags, the solana-cli
    /// config file, the local chain's info file, localhost).
    pub fn new(url: Option<&str>, keypair: Option<&str>, config: &str, output: OutputFormat, fresh_wait_seconds: u64) -> Self {
        let connection = Connection::resolve(url, keypair, config).unwrap_or_else(|e| {
            eprintln!("warning: ignoring the solana-cli config ({e})");
            Connection::resolve(url, keypair, "/nonexistent").expect("no config file to read")
        });
        Self {
            rpc: RpcClient::new_with_commitment(connection.url, CommitmentConfig::confirmed()),
            keypair_path: connection.keypair_path,
            output,
            localnet: connection.localnet,
            fresh_wait: std::time::Duration::from_secs(fresh_wait_seconds),
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

    /// The pool given, or the local chain's (from its info file, when the URL is the local chain's).
    pub fn pool(&self, given: &Option<String>) -> CliResult<(PoolKeys, Pool)> {
        let text = match (given, &self.localnet) {
            (Some(text), _) => text.as_str(),
            (None, Some(info)) => info.pool.as_str(),
            (None, None) => {
                return Err(format!(
                    "no --pool given, and no local chain at this URL (its info file {} is missing or names another URL); \
                     start one with `cargo run -p liquid-staking-localnet -- up`, or pass --pool",
                    LocalnetInfo::default_path().display()
                )
                .into())
            }
        };
        let address = Pubkey::from_str(text).map_err(|e| format!("--pool {text}: {e}"))?;
        Ok(liquid_staking_sdk::rpc::load_pool(&self.rpc, &address)?)
    }

    /// The pool, waiting (up to --wait-fresh seconds, with progress) for the crank to update it
    /// this epoch: right after an epoch boundary deposits and exits would fail with PoolStale.
    pub fn fresh_pool(&self, given: &Option<String>) -> CliResult<(PoolKeys, Pool)> {
        let deadline = std::time::Instant::now() + self.fresh_wait;
        loop {
            let (keys, pool) = self.pool(given)?;
            let epoch = self.epoch()?;
            if pool.last_update_epoch >= epoch || std::time::Instant::now() >= deadline {
                return Ok((keys, pool));
            }
            if !self.json() {
                eprintln!("the pool is not updated for epoch {epoch} yet: waiting for the crank ...");
            }
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }

    /// Runs `attempt` (a deposit or an exit that starts with `fresh_pool`) again, up to twice,
    /// when the pool turned stale between the check and the transaction (an epoch boundary).
    pub fn retry_stale(&self, mut attempt: impl FnMut() -> CliResult) -> CliResult {
        for _ in 0..2 {
            match attempt() {
                Err(e) if e.to_string().contains("PoolStale") && !self.fresh_wait.is_zero() => {
                    if !self.json() {
                        eprintln!("an epoch boundary passed: waiting for the crank, then trying again");
                    }
                }
                result => return result,
            }
        }
        attempt()
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
        sent.map_err(|e| liquid_staking_sdk::rpc::explain(&e).into())
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
