//! The one JSON line that tells other tools where the chain is.

use serde::Serialize;

/// Printed on stdout once RPC answers and written to `--info-out`.
/// Keys are camelCase; `programId`/`programPath` are null with `--no-program`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct ChainInfo {
    /// JSON-RPC endpoint, e.g. `http://127.0.0.1:8899`.
    pub rpc_url: String,
    /// PubSub endpoint, e.g. `ws://127.0.0.1:8900/`.
    pub ws_url: String,
    /// The faucet as `host:port` (solana's TCP faucet protocol, not HTTP); `requestAirdrop` on
    /// the RPC uses it.
    pub faucet_address: String,
    /// Keypair file of the faucet, which is also the genesis mint (500M SOL): a funded payer.
    pub faucet_keypair: String,
    pub program_id: Option<String>,
    pub program_path: Option<String>,
    /// The validator's own (voting, staked) vote account first, then the extra, non-voting ones.
    pub vote_accounts: Vec<String>,
    /// The validator's node identity.
    pub identity: String,
    pub slots_per_epoch: u64,
    /// Absolute path of the ledger directory.
    pub ledger: String,
}

impl ChainInfo {
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("plain strings and numbers serialize")
    }
}
