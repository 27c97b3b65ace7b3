//! The CLI as a subprocess against the real local chain: agave's validator (`validator/`, built by
//! scripts/build-validator.sh) running the program's SBF build (scripts/build-sbf.sh), started by
//! the test on free ports. An operator creates and manages a pool; a staker goes in and out by
//! every route; epochs pass in real time and the crank is run with the CLI. Outputs are parsed
//! from `--output json`.
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const BIN: &str = env!("CARGO_BIN_EXE_liquid-staking");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The validator as a child process, stopped with SIGTERM when dropped.
struct Validator {
    child: Child,
    info: Value,
}

impl Drop for Validator {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

fn start_validator(dir: &Path) -> Validator {
    let binary = std::env::var_os("LIQUID_STAKING_VALIDATOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("validator/target/release/liquid-staking-validator"));
    assert!(binary.exists(), "no validator at {}: build it with `bash scripts/build-validator.sh`", binary.display());
    let program = repo_root().join("target/deploy/liquid_staking.so");
    assert!(program.exists(), "no program at {}: build it with `bash scripts/build-sbf.sh`", program.display());
    let ports = liquid_staking_localnet::ports::LocalPorts::pick();
    let mut child = Command::new(binary)
        .args(["--ledger", dir.join("ledger").to_str().unwrap(), "--rpc-port", &ports.rpc.to_string(), "--faucet-port", &ports.faucet.to_string()])
        .args(["--dynamic-port-range", &ports.range(), "--program", program.to_str().unwrap()])
        // As `liquid-staking-localnet up` runs it: half-second slots, 64-slot epochs.
        .args(["--slots-per-epoch", "64", "--ticks-per-slot", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the validator starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("the validator's info line ({e}): {line}"));
    Validator { child, info }
}

#[derive(Clone)]
struct Cli {
    url: String,
    dir: PathBuf,
    pool: Arc<std::sync::Mutex<Option<String>>>,
}

impl Cli {
    /// Runs the CLI with `--output json` (and `--pool` once one is made); returns (exit success,
    /// parsed stdout).
    fn run(&self, keypair: &str, args: &[&str]) -> (bool, Value) {
        let mut command = Command::new(BIN);
        command.args(["--url", &self.url, "--keypair", self.dir.join(keypair).to_str().unwrap(), "--output", "json"]).args(args);
        // Every command about a pool gets it (this chain is not one whose info file names a pool).
        let poolless = ["create", "keygen", "airdrop", "address", "wait-epoch"];
        if let Some(pool) = self.pool.lock().unwrap().as_ref() {
            if !args.iter().any(|a| poolless.contains(a)) {
                command.args(["--pool", pool]);
            }
        }
        let output = command.output().expect("the CLI runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!("{args:?}: stdout is not one JSON object ({e}): {stdout}\nstderr: {}", String::from_utf8_lossy(&output.stderr))
        });
        (output.status.success(), value)
    }

    fn ok(&self, keypair: &str, args: &[&str]) -> Value {
        let (ok, value) = self.run(keypair, args);
        assert!(ok, "{args:?} failed: {value}");
        value
    }

    fn fails(&self, keypair: &str, args: &[&str], error: &str) {
        let (ok, value) = self.run(keypair, args);
        assert!(!ok, "{args:?} should fail");
        let message = value["error"].as_str().unwrap_or_default();
        assert!(message.contains(error), "{args:?}: expected {error}, got {message}");
    }
}

const SOL: u64 = 1_000_000_000;

#[test]
fn operators_and_stakers_on_the_real_local_chain() {
    let dir = std::env::temp_dir().join(format!("liquid-staking-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let validator = start_validator(&dir);
    let cli = Cli { url: validator.info["rpcUrl"].as_str().unwrap().to_string(), dir: dir.clone(), pool: Arc::default() };
    let votes: Vec<String> = validator.info["voteAccounts"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();

    // An operator creates a pool and adds every validator of the chain.
    cli.ok("op.json", &["keygen"]);
    cli.ok("op.json", &["airdrop", "1000"]);
    cli.fails("op.json", &["pool", "create", "--reward-bps", "5000"], "RewardFeeTooHigh");
    let created = cli.ok("op.json", &["pool", "create", "--initial-deposit", "2", "--reward-bps", "700"]);
    *cli.pool.lock().unwrap() = Some(created["pool"].as_str().unwrap().to_string());
    let shown = cli.ok("op.json", &["pool", "show"]);
    assert_eq!((shown["totalLamports"].as_u64(), shown["fees"]["rewardBps"].as_u64()), (Some(2 * SOL), Some(700)));
    cli.ok("op.json", &["deposit", "300"]);
    for vote in &votes {
        cli.ok("op.json", &["validator", "add", vote]);
    }
    assert_eq!(cli.ok("op.json", &["validator", "list"])["validators"].as_array().unwrap().len(), votes.len());
    cli.ok("op.json", &["crank"]);

    // A staker deposits.
    cli.ok("me.json", &["keygen"]);
    cli.ok("me.json", &["airdrop", "100"]);
    let deposit = cli.ok("me.json", &["deposit", "50"]);
    assert!(deposit["lstMinted"].as_u64().unwrap() > 49 * SOL);
    cli.fails("me.json", &["deposit", "0"], "ZeroAmount");
    let pool = cli.ok("me.json", &["pool", "show"]);
    assert_eq!((pool["validators"].as_u64(), pool["stale"].as_bool()), (Some(votes.len() as u64), Some(false)));

    // A new epoch: stale until cranked; a deposit that will not wait is refused by name.
    cli.ok("me.json", &["wait-epoch"]);
    assert_eq!(cli.ok("me.json", &["pool", "show"])["stale"].as_bool(), Some(true));
    cli.fails("me.json", &["--wait-fresh", "0", "deposit", "1"], "PoolStale");
    assert_eq!(cli.ok("me.json", &["crank"])["finalizeTransactions"].as_u64(), Some(1));

    // The operator's and admin's commands, and others' refusals.
    cli.ok("op.json", &["validator", "set-weight", &votes[0], "--weight", "300"]);
    cli.fails("me.json", &["validator", "set-weight", &votes[0], "--weight", "1"], "NotOperator");
    cli.ok("op.json", &["pause", "--deposits"]);
    cli.fails("me.json", &["deposit", "1"], "DepositsPaused");
    cli.fails("me.json", &["unpause", "--deposits"], "NotPauseGuardian");
    cli.ok("op.json", &["unpause", "--deposits"]);
    assert!(cli.ok("op.json", &["set-fees", "--deposit-bps", "10"])["pendingFeesEpoch"].as_u64().is_some(), "an increase waits");
    cli.fails("op.json", &["set-fees", "--deposit-bps", "51"], "DepositFeeTooHigh");
    assert!(cli.ok("op.json", &["set-reserve-buffer", "500"])["effectiveEpoch"].as_u64().is_some(), "a new buffer waits two boundaries");
    assert!(cli.ok("op.json", &["set-reserve-buffer", "1000"])["effectiveEpoch"].is_null(), "the buffer in force cancels the change");
    cli.fails("op.json", &["set-reserve-buffer", "5"], "ReserveBufferTooLow");
    cli.fails("me.json", &["set-reserve-buffer", "500"], "NotAdmin");
    let rate = cli.ok("me.json", &["pool", "rate"]);
    assert_eq!(rate["breakerTripped"], false);
    let (epoch, total, supply) = (rate["epoch"].to_string(), rate["totalLamports"].to_string(), rate["lstSupply"].to_string());
    cli.fails("op.json", &["reset-rate-breaker", "--epoch", &epoch, "--total-lamports", &total, "--lst-supply", &supply], "RateBreakerNotTripped");
    let me = cli.ok("me.json", &["address"])["address"].as_str().unwrap().to_string();
    cli.fails("me.json", &["withdraw-treasury", "all"], "NotTreasuryAuthority");

    // One more epoch: the stake is active and the transients merge; then every exit.
    cli.ok("me.json", &["wait-epoch"]);
    cli.ok("op.json", &["crank"]);
    assert!(cli.ok("me.json", &["instant-unstake", "1"])["lamportsOut"].as_u64().unwrap() > 900_000_000);
    assert!(cli.ok("me.json", &["withdraw-stake", "2"])["lamports"].as_u64().unwrap() > 1_990_000_000);
    assert!(cli.ok("me.json", &["order-unstake", "5"])["lamports"].as_u64().unwrap() > 4_900_000_000);
    // At most 3% on the instant part, 0.1% on the ticket.
    let one_call = cli.ok("me.json", &["unstake", "10", "--max-fee-bps", "300"]);
    assert!(one_call["lamportsNow"].as_u64().unwrap() + one_call["lamportsOwed"].as_u64().unwrap() > 9_700_000_000);
    assert!(!cli.ok("me.json", &["tickets"])["tickets"].as_array().unwrap().is_empty());

    // Tickets come due once the crank has brought the stake back: claim waits for the epochs, a
    // crank runs meanwhile.
    let stop = Arc::new(AtomicBool::new(false));
    let cranker = {
        let (cli, stop) = (cli.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let _ = cli.run("op.json", &["crank"]);
                std::thread::sleep(std::time::Duration::from_secs(2));
            }
        })
    };
    let claimed = cli.ok("me.json", &["claim", "--wait"]);
    stop.store(true, Ordering::Relaxed);
    cranker.join().unwrap();
    assert!(claimed["lamports"].as_u64().unwrap() > 4_900_000_000);
    assert!(cli.ok("me.json", &["tickets"])["tickets"].as_array().unwrap().is_empty());
    assert!(cli.ok("me.json", &["balance"])["lst"].as_u64().unwrap() > 30 * SOL);

    // The treasury authority hands its role on and the new one takes the fees.
    cli.ok("op.json", &["set-roles", "--treasury-authority", &me]);
    cli.ok("me.json", &["withdraw-treasury", "all"]);
    drop(validator);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"], vec!["pool", "--help"], vec!["pool", "create", "--help"], vec!["pool", "show", "--help"],
        vec!["validator", "--help"], vec!["validator", "add", "--help"], vec!["validator", "remove", "--help"],
        vec!["validator", "set-weight", "--help"], vec!["validator", "list", "--help"], vec!["set-fees", "--help"],
        vec!["set-roles", "--help"], vec!["withdraw-treasury", "--help"], vec!["pool", "rate", "--help"],
        vec!["set-reserve-buffer", "--help"], vec!["reset-rate-breaker", "--help"],
        vec!["pause", "--help"], vec!["unpause", "--help"], vec!["deposit", "--help"], vec!["deposit-stake", "--help"],
        vec!["instant-unstake", "--help"], vec!["order-unstake", "--help"], vec!["unstake", "--help"],
        vec!["withdraw-stake", "--help"], vec!["claim", "--help"], vec!["tickets", "--help"], vec!["crank", "--help"],
        vec!["wait-epoch", "--help"], vec!["airdrop", "--help"], vec!["address", "--help"], vec!["keygen", "--help"],
        vec!["balance", "--help"],
    ] {
        let output = Command::new(BIN).args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stdout).contains("Usage:"), "{args:?}");
    }
}
