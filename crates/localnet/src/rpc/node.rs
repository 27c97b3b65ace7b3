//! The chain behind the server: the in-process bank, an index of every address transactions
//! touched (for getProgramAccounts and getTokenAccountsByOwner, which the bank client cannot
//! answer), and the record of every transaction sent.
use super::RpcError;
use crate::chain::LocalChain;
use anchor_lang::prelude::Pubkey;
use solana_account::Account;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::sync::{broadcast, Mutex};

pub type SharedNode = Arc<Mutex<Node>>;

/// What happened to a transaction the server received.
#[derive(Debug, Clone)]
pub struct TxRecord {
    pub slot: u64,
    pub err: Option<TransactionError>,
    pub logs: Vec<String>,
    pub units_consumed: u64,
    pub fee: u64,
    pub pre_balances: Vec<u64>,
    pub post_balances: Vec<u64>,
    pub wire: Vec<u8>,
}

/// Notifications for WebSocket subscribers.
#[derive(Debug, Clone)]
pub enum Event {
    Slot(u64),
    Signature { signature: Signature, slot: u64, err: Option<TransactionError> },
}

pub struct Node {
    pub chain: LocalChain,
    index: BTreeSet<Pubkey>,
    transactions: HashMap<Signature, TxRecord>,
    pub events: broadcast::Sender<Event>,
    /// The pool the server bootstrapped, if any (reported by `localnet_info`).
    pub pool: Option<liquid_staking_sdk::PoolKeys>,
}

/// Lamports per signature charged by the in-process bank.
pub const LAMPORTS_PER_SIGNATURE: u64 = 5_000;

impl Node {
    pub fn new(chain: LocalChain) -> Self {
        let mut index = BTreeSet::new();
        index.insert(chain.payer_pubkey());
        index.extend(chain.vote_accounts.iter().copied());
        let (events, _) = broadcast::channel(1024);
        Self { chain, index, transactions: HashMap::new(), events, pool: None }
    }

    pub fn shared(self) -> SharedNode {
        Arc::new(Mutex::new(self))
    }

    pub fn index_addresses(&mut self, addresses: impl IntoIterator<Item = Pubkey>) {
        self.index.extend(addresses);
    }

    pub async fn slot(&mut self) -> u64 {
        self.chain.clock().await.slot
    }

    /// Every indexed account that exists now, with its address.
    pub async fn indexed_accounts(&mut self) -> Vec<(Pubkey, Account)> {
        let keys: Vec<Pubkey> = self.index.iter().copied().collect();
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(account) = self.chain.account(&key).await {
                out.push((key, account));
            }
        }
        out
    }

    pub fn transaction(&self, signature: &Signature) -> Option<&TxRecord> {
        self.transactions.get(signature)
    }

    /// Simulates `tx` against the current bank: (error, logs, units consumed).
    pub async fn simulate(&mut self, tx: &VersionedTransaction) -> Result<(Option<TransactionError>, Vec<String>, u64), RpcError> {
        let simulated = self.chain.ctx.banks_client.simulate_transaction(tx.clone()).await.map_err(RpcError::internal)?;
        let (logs, units) = simulated.simulation_details.map_or((Vec::new(), 0), |d| (d.logs, d.units_consumed));
        let err = match simulated.result {
            Some(Err(e)) => Some(e),
            _ => None,
        };
        Ok((err, logs, units))
    }

    /// Processes a signed transaction, records its outcome, and tells subscribers.
    pub async fn process(&mut self, tx: VersionedTransaction) -> Result<Signature, RpcError> {
        let signature = tx.signatures[0];
        let keys: Vec<Pubkey> = tx.message.static_account_keys().to_vec();
        let mut pre_balances = Vec::with_capacity(keys.len());
        for key in &keys {
            pre_balances.push(self.chain.lamports(key).await);
        }
        let wire = bincode::serialize(&tx).map_err(RpcError::internal)?;
        let result = self.chain.ctx.banks_client.process_transaction_with_metadata(tx.clone()).await.map_err(RpcError::internal)?;
        let mut post_balances = Vec::with_capacity(keys.len());
        for key in &keys {
            post_balances.push(self.chain.lamports(key).await);
        }
        let (logs, units_consumed) = result.metadata.map_or((Vec::new(), 0), |m| (m.log_messages, m.compute_units_consumed));
        let slot = self.slot().await;
        let err = result.result.err();
        let fee = LAMPORTS_PER_SIGNATURE * tx.signatures.len() as u64;
        self.index.extend(keys);
        self.transactions.insert(
            signature,
            TxRecord { slot, err: err.clone(), logs, units_consumed, fee, pre_balances, post_balances, wire },
        );
        let _ = self.events.send(Event::Signature { signature, slot, err });
        let _ = self.events.send(Event::Slot(slot));
        Ok(signature)
    }

    /// Sends SOL from the chain's payer (the local faucet).
    pub async fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<Signature, RpcError> {
        let payer = self.chain.payer().insecure_clone();
        let blockhash = self.chain.ctx.get_new_latest_blockhash().await.map_err(RpcError::internal)?;
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            &[solana_system_interface::instruction::transfer(&payer.pubkey(), to, lamports)],
            Some(&payer.pubkey()),
            &[&payer],
            blockhash,
        );
        self.process(tx.into()).await
    }

    /// Moves to the next epoch with real rewards (the dev method and the epoch timer).
    pub async fn advance_epoch(&mut self) -> u64 {
        let epoch = self.chain.advance_epoch().await;
        let slot = self.slot().await;
        let _ = self.events.send(Event::Slot(slot));
        epoch
    }
}
