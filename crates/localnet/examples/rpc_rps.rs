//! Benchmark: requests per second the local chain's JSON-RPC server answers, for getAccountInfo
//! and for sendTransaction (SOL transfers, each a new transaction simulated then processed by the
//! bank; one getLatestBlockhash per 20 sends), with solana-rpc-client over HTTP on 127.0.0.1 and 8
//! concurrent clients.
//!
//!     cargo run -p liquid-staking-localnet --example rpc_rps [-- REQUESTS]
use liquid_staking_localnet::{bootstrap::bootstrap_pool, rpc, LocalChain, SOL};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_signer::Signer;
use std::sync::Arc;
use std::time::Instant;

const CLIENTS: usize = 8;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let requests: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let mut node = rpc::Node::new(LocalChain::start(2).await);
    let authority = Keypair::new();
    let keys = bootstrap_pool(&mut node, &authority).await.expect("pool");
    let (http, _) = rpc::serve(node.shared(), 0, 0).await.expect("server");
    let url = format!("http://{http}");

    // getAccountInfo on the pool account.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let client = RpcClient::new_with_commitment(url.clone(), CommitmentConfig::confirmed());
        tasks.push(tokio::spawn(async move {
            for _ in 0..requests / CLIENTS {
                client.get_account(&keys.pool).await.expect("getAccountInfo");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("getAccountInfo:  {:>6} requests in {:>6.2} s = {:>7.0} requests/s ({CLIENTS} clients)", requests, elapsed, requests as f64 / elapsed);

    // sendTransaction: distinct transfers (each simulated, then processed by the bank).
    // program-test registers a new blockhash every 6.4 ms slot and keeps 300: a blockhash lives
    // about 2 s here, so clients must fetch one shortly before sending.
    let sends = requests / 4;
    let setup = RpcClient::new_with_commitment(url.clone(), CommitmentConfig::confirmed());
    let mut wallets = Vec::new();
    for _ in 0..CLIENTS {
        let wallet = Keypair::new();
        setup.request_airdrop(&wallet.pubkey(), 100 * SOL).await.expect("airdrop");
        wallets.push(Arc::new(wallet));
    }
    let transfer = |wallet: &Keypair, i: usize, blockhash| {
        let to = Keypair::new().pubkey();
        let ix = solana_system_interface::instruction::transfer(&wallet.pubkey(), &to, 1_000_000 + i as u64);
        solana_transaction::Transaction::new_signed_with_payer(&[ix], Some(&wallet.pubkey()), &[wallet], blockhash)
    };

    // One client, sequential: a fresh blockhash every 20 sends.
    let started = Instant::now();
    let mut blockhash = setup.get_latest_blockhash().await.expect("blockhash");
    for i in 0..sends {
        if i % 20 == 19 {
            blockhash = setup.get_latest_blockhash().await.expect("blockhash");
        }
        setup.send_transaction(&transfer(&wallets[0], i, blockhash)).await.expect("sendTransaction");
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("sendTransaction: {:>6} requests in {:>6.2} s = {:>7.0} requests/s (1 client, preflight on, +1 getLatestBlockhash per 20)", sends, elapsed, sends as f64 / elapsed);

    // Eight clients at once, each fetching a blockhash right before each send.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for wallet in wallets {
        let client = RpcClient::new_with_commitment(url.clone(), CommitmentConfig::confirmed());
        tasks.push(tokio::spawn(async move {
            for i in 0..sends / CLIENTS {
                let blockhash = client.get_latest_blockhash().await.expect("blockhash");
                let to = Keypair::new().pubkey();
                let ix = solana_system_interface::instruction::transfer(&wallet.pubkey(), &to, 2_000_000 + i as u64);
                let tx = solana_transaction::Transaction::new_signed_with_payer(&[ix], Some(&wallet.pubkey()), &[&*wallet], blockhash);
                client.send_transaction(&tx).await.expect("sendTransaction");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let pairs = sends / CLIENTS * CLIENTS;
    println!("sendTransaction: {:>6} requests in {:>6.2} s = {:>7.0} requests/s ({CLIENTS} clients, each with a getLatestBlockhash before it)", pairs, elapsed, pairs as f64 / elapsed);
}
