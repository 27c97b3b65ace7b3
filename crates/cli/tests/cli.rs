//! The CLI as a subprocess against a local chain started by the test (random free ports):
//! create a pool, deposit, advance epochs, crank, exit by each route, claim; operator commands;
//! outputs parsed from `--output json`.
use liquid_staking_localnet::{bootstrap::bootstrap_pool, rpc, LocalChain};
use serde_json::Value;
use solana_keypair::Keypair;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_liquid-staking");

struct Cli {
    url: String,
    dir: PathBuf,
    node: rpc::SharedNode,
}

impl Cli {
    /// Runs the CLI with `--output json`; returns (exit success, parsed stdout).
    async fn run(&self, keypair: &str, args: &[&str]) -> (bool, Value) {
        let mut command = Command::new(BIN);
        command.args(["--url", &self.url, "--keypair", self.dir.join(keypair).to_str().unwrap(), "--output", "json"]).args(args);
        let output = tokio::task::spawn_blocking(move || command.output().expect("the CLI runs")).await.unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!("{args:?}: stdout is not one JSON object ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&output.stderr))
        });
        (output.status.success(), value)
    }

    async fn ok(&self, keypair: &str, args: &[&str]) -> Value {
        let (ok, value) = self.run(keypair, args).await;
        assert!(ok, "{args:?} failed: {value}");
        value
    }

    async fn fails(&self, keypair: &str, args: &[&str], error: &str) {
        let (ok, value) = self.run(keypair, args).await;
        assert!(!ok, "{args:?} should fail");
        let message = value["error"].as_str().unwrap_or_default();
        assert!(message.contains(error), "{args:?}: expected {error}, got {message}");
    }
}

async fn start() -> Cli {
    let unique = solana_signer::Signer::pubkey(&Keypair::new());
    let dir = std::env::temp_dir().join(format!("liquid-staking-cli-{unique}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut node = rpc::Node::new(LocalChain::start(2).await);
    let authority = Keypair::new();
    bootstrap_pool(&mut node, &authority).await.unwrap();
    solana_keypair::write_keypair_file(&authority, dir.join("authority.json")).unwrap();
    let node = node.shared();
    let (http, _) = rpc::serve(node.clone(), 0, 0).await.unwrap();
    Cli { url: format!("http://{http}"), dir, node }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staker_goes_in_and_out_by_every_route() {
    let cli = start().await;
    let me = cli.ok("me.json", &["keygen"]).await["address"].as_str().unwrap().to_string();
    assert!(!me.is_empty());
    cli.ok("me.json", &["airdrop", "100"]).await;
    let deposit = cli.ok("me.json", &["deposit", "50"]).await;
    assert_eq!(deposit["lstMinted"].as_u64(), Some(50_000_000_000));
    let pool = cli.ok("me.json", &["pool", "show"]).await;
    assert_eq!((pool["rate"].as_str(), pool["validators"].as_u64(), pool["stale"].as_bool()), (Some("1.000000000"), Some(2), Some(false)));

    // A new epoch: stale until cranked; deposits are refused with the program's error name.
    cli.ok("me.json", &["advance-epoch"]).await;
    assert_eq!(cli.ok("me.json", &["pool", "show"]).await["stale"].as_bool(), Some(true));
    cli.fails("me.json", &["deposit", "1"], "PoolStale").await;
    let crank = cli.ok("me.json", &["crank"]).await;
    assert_eq!(crank["finalizeTransactions"].as_u64(), Some(1));
    cli.ok("me.json", &["advance-epoch"]).await;
    cli.ok("me.json", &["crank"]).await;

    // Every exit.
    let instant = cli.ok("me.json", &["instant-unstake", "1"]).await;
    assert!(instant["lamportsOut"].as_u64().unwrap() > 900_000_000);
    let stake = cli.ok("me.json", &["withdraw-stake", "2"]).await;
    assert!(stake["lamports"].as_u64().unwrap() > 1_990_000_000);
    let ticket = cli.ok("me.json", &["order-unstake", "5"]).await;
    assert!(ticket["lamports"].as_u64().unwrap() > 4_900_000_000);
    let one_call = cli.ok("me.json", &["unstake", "10", "--max-fee-bps", "300"]).await;
    assert!(one_call["lamportsNow"].as_u64().unwrap() + one_call["lamportsOwed"].as_u64().unwrap() > 9_900_000_000);
    let tickets = cli.ok("me.json", &["tickets"]).await;
    assert!(!tickets["tickets"].as_array().unwrap().is_empty());
    cli.fails("me.json", &["deposit", "0"], "ZeroAmount").await;

    // Tickets come due once the crank has brought the stake back.
    for _ in 0..2 {
        cli.ok("me.json", &["advance-epoch"]).await;
        cli.ok("me.json", &["crank"]).await;
    }
    let claimed = cli.ok("me.json", &["claim"]).await;
    assert!(claimed["lamports"].as_u64().unwrap() > 4_900_000_000);
    assert!(claimed["waiting"].as_array().unwrap().is_empty());
    assert!(cli.ok("me.json", &["tickets"]).await["tickets"].as_array().unwrap().is_empty());
    let balance = cli.ok("me.json", &["balance"]).await;
    assert!(balance["lst"].as_u64().unwrap() > 30_000_000_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operators_create_pools_and_manage_them() {
    let cli = start().await;
    cli.ok("op.json", &["keygen"]).await;
    cli.ok("op.json", &["airdrop", "50"]).await;
    let created = cli.ok("op.json", &["pool", "create", "--initial-deposit", "2", "--reward-bps", "700"]).await;
    let pool = created["pool"].as_str().unwrap().to_string();
    let shown = cli.ok("op.json", &["pool", "show", "--pool", &pool]).await;
    assert_eq!((shown["totalLamports"].as_u64(), shown["fees"]["rewardBps"].as_u64()), (Some(2_000_000_000), Some(700)));
    cli.fails("op.json", &["pool", "create", "--reward-bps", "5000"], "RewardFeeTooHigh").await;

    // The local chain's pool: its authority operates it; others may not.
    let validators = cli.ok("authority.json", &["validator", "list"]).await;
    let vote = validators["validators"][0]["voteAccount"].as_str().unwrap().to_string();
    cli.ok("authority.json", &["validator", "set-weight", &vote, "--weight", "300"]).await;
    cli.fails("op.json", &["validator", "set-weight", &vote, "--weight", "1"], "NotOperator").await;
    cli.ok("authority.json", &["pause", "--deposits"]).await;
    cli.fails("op.json", &["deposit", "1"], "DepositsPaused").await;
    cli.fails("op.json", &["unpause", "--deposits"], "NotPauseGuardian").await;
    cli.ok("authority.json", &["unpause", "--deposits"]).await;
    cli.ok("op.json", &["deposit", "1"]).await;
    let fees = cli.ok("authority.json", &["set-fees", "--deposit-bps", "10"]).await;
    assert!(fees["pendingFeesEpoch"].as_u64().is_some(), "an increase waits two epoch boundaries");
    cli.fails("authority.json", &["set-fees", "--deposit-bps", "51"], "DepositFeeTooHigh").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claim_waits_for_the_epochs_to_pass() {
    let cli = start().await;
    cli.ok("me.json", &["keygen"]).await;
    cli.ok("me.json", &["airdrop", "30"]).await;
    cli.ok("me.json", &["deposit", "20"]).await;
    cli.ok("me.json", &["order-unstake", "5"]).await;
    // The chain's epochs pass in the background, as with `serve --epoch-seconds`.
    let node = cli.node.clone();
    tokio::spawn(async move {
        for _ in 0..3 {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let mut n = node.lock().await;
            n.advance_epoch().await;
            let keys = n.pool.unwrap();
            liquid_staking_localnet::run_crank(&mut n.chain, &keys).await.unwrap();
        }
    });
    let claimed = cli.ok("me.json", &["claim", "--wait"]).await;
    assert!(claimed["lamports"].as_u64().unwrap() > 4_900_000_000);
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"], vec!["pool", "--help"], vec!["pool", "create", "--help"], vec!["pool", "show", "--help"],
        vec!["validator", "--help"], vec!["validator", "add", "--help"], vec!["validator", "remove", "--help"],
        vec!["validator", "set-weight", "--help"], vec!["validator", "list", "--help"], vec!["set-fees", "--help"],
        vec!["pause", "--help"], vec!["unpause", "--help"], vec!["deposit", "--help"], vec!["deposit-stake", "--help"],
        vec!["instant-unstake", "--help"], vec!["order-unstake", "--help"], vec!["unstake", "--help"],
        vec!["withdraw-stake", "--help"], vec!["claim", "--help"], vec!["tickets", "--help"], vec!["crank", "--help"],
        vec!["advance-epoch", "--help"], vec!["airdrop", "--help"], vec!["address", "--help"], vec!["keygen", "--help"],
        vec!["balance", "--help"],
    ] {
        let output = Command::new(BIN).args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("Usage:"), "{args:?}");
    }
}
