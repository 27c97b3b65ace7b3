//! Benchmark: what the epoch crank costs for pools of 3, 100 and 1,000 validators (or the sizes
//! given as arguments). Builds each pool on the in-process chain (vote accounts at genesis, every
//! validator added, SOL deposited), then runs three epochs of the crank with real rewards:
//!   epoch 0: stake the deposits (one transient per validator),
//!   epoch 1: observe + merge those transients, finalize,
//!   epoch 2: steady state (observe, finalize, nothing to stake).
//! Prints transactions, bytes and wall time per epoch.
//!
//!     cargo run -p liquid-staking-localnet --example crank_cost [-- 3 100 1000]
use liquid_staking_localnet::{run_crank, setup, CrankReport, LocalChain, SOL};
use liquid_staking_sdk::{instructions as ix, pack, plan};
use solana_signer::Signer;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![3, 100, 1000] } else { sizes };
    println!(
        "{:>10} | {:>6} | {:>7} | {:>8} | {:>9} | {:>9} | {:>9} | {:>8} | {:>9} | {:>14}",
        "validators", "epoch", "observe", "finalize", "rebalance", "total txs", "per obs.", "KB sent", "wall ms", "SPL update txs"
    );
    println!("{}", "-".repeat(112));
    for n in sizes {
        bench(n).await;
    }
    println!();
    println!("per obs.: validators per observe transaction (legacy transaction, no lookup table).");
    println!("SPL update txs: what SPL Stake Pool's update needs for the same pool, from its instruction");
    println!("builders' batching (4 validators per update_validator_list_balance, plus update_stake_pool_balance");
    println!("and cleanup_removed_validator_entries): ceil(n/4) + 2. Not measured here: spl-stake-pool does not run");
    println!("natively in program-test (see shared/native-testing.md).");
}

fn row(n: usize, epoch: &str, r: &CrankReport, batch: usize, ms: u128) {
    println!(
        "{:>10} | {:>6} | {:>7} | {:>8} | {:>9} | {:>9} | {:>9} | {:>8.1} | {:>9} | {:>14}",
        n,
        epoch,
        r.observe_transactions,
        r.finalize_transactions,
        r.rebalance_transactions,
        r.transactions(),
        batch,
        r.bytes_sent as f64 / 1024.0,
        ms,
        n.div_ceil(4) + 2
    );
}

async fn bench(n: usize) {
    let setup_started = Instant::now();
    let mut chain = LocalChain::start(n).await;
    let pool = setup::create_pool(&mut chain, &setup::PoolConfig::default()).await.expect("pool");
    let keys = pool.keys;
    // Enough SOL for every validator's stake account plus two SOL each to stake by weight.
    let user = setup::funded_wallet(&mut chain, (4 * n as u64 + 10) * SOL).await;
    setup::deposit_sol(&mut chain, &keys, &user, (4 * n as u64 + 5) * SOL, 0).await.expect("deposit");
    let adds: Vec<_> = chain
        .vote_accounts
        .clone()
        .into_iter()
        .map(|vote| ix::add_validator(&ix::AddValidatorParams { keys, operator: pool.operator.pubkey(), vote_account: vote, weight: 1 }))
        .collect();
    let payer = chain.payer_pubkey();
    for tx in pack::pack(&payer, adds, 8) {
        chain.process(&tx, &[&pool.operator]).await.expect("add validators");
    }
    eprintln!("{n} validators: pool built in {:.1} s", setup_started.elapsed().as_secs_f64());
    let batch = plan::max_observe_accounts(&keys, &payer);
    for epoch in ["0", "1", "2"] {
        if epoch != "0" {
            chain.advance_epoch().await;
        }
        let started = Instant::now();
        let report = run_crank(&mut chain, &keys).await.expect("crank");
        row(n, epoch, &report, batch, started.elapsed().as_millis());
    }
}
