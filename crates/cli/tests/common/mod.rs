//! The harness of the CLI's tests: agave's validator (`validator/`, built by
//! scripts/build-validator.sh) as a child process on free ports, started without the program, and
//! the CLI as a subprocess whose `--output json` is parsed.
#![allow(dead_code)] // each test binary uses its part

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

pub const BIN: &str = env!("CARGO_BIN_EXE_liquid-staking");

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The validator as a child process, stopped with SIGTERM when dropped.
pub struct Validator {
    child: Child,
    pub info: Value,
}

impl Drop for Validator {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// Starts the validator without the program (it is deployed through the upgradeable loader, as on
/// a real cluster).
pub fn start_validator(dir: &Path) -> Validator {
    let binary = std::env::var_os("LIQUID_STAKING_VALIDATOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("validator/target/release/liquid-staking-validator"));
    assert!(binary.exists(), "no validator at {}: build it with `bash scripts/build-validator.sh`", binary.display());
    let ports = liquid_staking_localnet::ports::LocalPorts::pick();
    let mut child = Command::new(binary)
        .args(["--ledger", dir.join("ledger").to_str().unwrap(), "--rpc-port", &ports.rpc.to_string(), "--faucet-port", &ports.faucet.to_string()])
        .args(["--dynamic-port-range", &ports.range(), "--no-program"])
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
pub struct Cli {
    pub url: String,
    pub dir: PathBuf,
    pub pool: Arc<std::sync::Mutex<Option<String>>>,
}

impl Cli {
    /// Runs the CLI with `--output json` (and `--pool` once one is made); returns (exit success,
    /// parsed stdout).
    pub fn run(&self, keypair: &str, args: &[&str]) -> (bool, Value) {
        let mut command = Command::new(BIN);
        command.args(["--url", &self.url, "--keypair", self.dir.join(keypair).to_str().unwrap(), "--output", "json"]).args(args);
        // Every command about a pool gets it (this chain is not one whose info file names a pool).
        let poolless = ["create", "keygen", "airdrop", "address", "wait-epoch", "program"];
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

    pub fn ok(&self, keypair: &str, args: &[&str]) -> Value {
        let (ok, value) = self.run(keypair, args);
        assert!(ok, "{args:?} failed: {value}");
        value
    }

    pub fn fails(&self, keypair: &str, args: &[&str], error: &str) {
        let (ok, value) = self.run(keypair, args);
        assert!(!ok, "{args:?} should fail");
        let message = value["error"].as_str().unwrap_or_default();
        assert!(message.contains(error), "{args:?}: expected {error}, got {message}");
    }
}

pub const SOL: u64 = 1_000_000_000;

/// The local program keypair (keys/): its address is the id the build declares.
pub fn program_keypair() -> String {
    repo_root().join("keys/liquid_staking-localnet-keypair.json").to_string_lossy().to_string()
}

/// This checkout's SBF build.
pub fn current_so() -> String {
    let so = repo_root().join("target/deploy/liquid_staking.so");
    assert!(so.exists(), "no program at {}: build it with `bash scripts/build-sbf.sh`", so.display());
    so.to_string_lossy().to_string()
}

impl Cli {
    pub fn new(validator: &Validator, dir: &Path) -> Self {
        Cli { url: validator.info["rpcUrl"].as_str().unwrap().to_string(), dir: dir.to_path_buf(), pool: Arc::default() }
    }

    /// A file in the test's folder (keypairs).
    pub fn path(&self, name: &str) -> String {
        self.dir.join(name).to_string_lossy().to_string()
    }

    /// `claim --wait` as `holder`, with `cranker` running the crank every 2 s meanwhile (tickets
    /// come due only once the crank has brought the stake back).
    pub fn claim_while_cranking(&self, holder: &str, cranker: &str) -> Value {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let crank = {
            let (cli, stop, cranker) = (self.clone(), stop.clone(), cranker.to_string());
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = cli.run(&cranker, &["crank"]);
                    std::thread::sleep(std::time::Duration::from_secs(2));
                }
            })
        };
        let claimed = self.ok(holder, &["claim", "--wait"]);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        crank.join().unwrap();
        claimed
    }

    /// Deploys `so` through the upgradeable loader at the local program id, `keypair` paying and
    /// holding the upgrade authority.
    pub fn deploy(&self, keypair: &str, so: &str) -> Value {
        self.ok(keypair, &["program", "deploy", "--program-keypair", &program_keypair(), "--so", so])
    }
}
