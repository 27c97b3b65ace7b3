//! `liquid-staking-localnet up`: the local chain. Starts agave's real validator
//! (`validator/`, solana-test-validator as a library) with the program's SBF build, creates a pool
//! over JSON-RPC with the SDK, writes where it is for the CLI and other clients
//! (`LocalnetInfo::default_path()`), then cranks every epoch and says what the epoch brought.
//! Builds the .so and the validator first when they are missing.
use liquid_staking_sdk::{
    addresses::lst_account,
    instructions as ix,
    quote,
    rpc::{self, LocalnetInfo},
    state::ValidatorList,
    PoolKeys, DEFAULT_FEES,
};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_rpc_client::rpc_client::RpcClient;
use solana_signer::Signer;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

const SOL: u64 = 1_000_000_000;

pub struct UpArgs {
    pub rpc_port: u16,
    pub faucet_port: u16,
    pub slots_per_epoch: u64,
    pub ticks_per_slot: u64,
    pub ledger: PathBuf,
    pub validator: Option<PathBuf>,
    pub program: Option<PathBuf>,
    pub authority_out: PathBuf,
    pub info_out: PathBuf,
    pub pool: bool,
    pub crank: bool,
    pub extra_votes: u32,
    pub dynamic_port_range: Option<String>,
    /// Stop (validator included) after this many epochs have been cranked; None: run until stopped.
    pub epochs: Option<u64>,
}

/// The repository's root (this crate is crates/localnet).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository exists")
}

/// Runs a build script of the repository, its output passed through.
fn run_script(script: &str) -> Result<(), String> {
    eprintln!("up: building with {script} (the first time takes a while) ...");
    let status = Command::new("bash").arg(repo_root().join(script)).status().map_err(|e| format!("{script}: {e}"))?;
    status.success().then_some(()).ok_or_else(|| format!("{script} failed ({status})"))
}

/// The validator binary: the one given, or the repository's release build (built if missing).
pub fn validator_binary(given: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = given {
        return path.exists().then(|| path.to_path_buf()).ok_or_else(|| format!("{}: no such validator binary", path.display()));
    }
    let path = repo_root().join("validator/target/release/liquid-staking-validator");
    if !path.exists() {
        run_script("scripts/build-validator.sh")?;
    }
    Ok(path)
}

/// The program's SBF build: the one given, or the repository's (built if missing).
fn program_so(given: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = given {
        return path.exists().then(|| path.to_path_buf()).ok_or_else(|| format!("{}: no such program", path.display()));
    }
    let path = repo_root().join("target/deploy/liquid_staking.so");
    if !path.exists() {
        run_script("scripts/build-sbf.sh")?;
    }
    Ok(path)
}

/// What the validator prints once it answers (see validator/README.md).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValidatorInfo {
    rpc_url: String,
    ws_url: String,
    faucet_keypair: String,
    program_id: Option<String>,
    vote_accounts: Vec<String>,
    slots_per_epoch: u64,
    ledger: String,
}

/// The validator as a child process, stopped (SIGTERM, then waited for) when dropped; the kernel
/// also sends it SIGTERM if this process dies first. Its stdout stays open (nothing may write to a
/// closed pipe).
struct Validator(Child, #[allow(dead_code)] BufReader<std::process::ChildStdout>);

impl Drop for Validator {
    fn drop(&mut self) {
        unsafe { libc::kill(self.0.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = self.0.kill();
    }
}

fn start_validator(args: &UpArgs, binary: &Path, program: &Path) -> Result<(Validator, ValidatorInfo), String> {
    let mut command = Command::new(binary);
    command
        .arg("--ledger")
        .arg(&args.ledger)
        .arg("--rpc-port")
        .arg(args.rpc_port.to_string())
        .arg("--faucet-port")
        .arg(args.faucet_port.to_string())
        .arg("--slots-per-epoch")
        .arg(args.slots_per_epoch.to_string())
        .arg("--ticks-per-slot")
        .arg(args.ticks_per_slot.to_string())
        .arg("--program")
        .arg(program)
        .arg("--extra-votes")
        .arg(args.extra_votes.to_string());
    if let Some(range) = &args.dynamic_port_range {
        command.arg("--dynamic-port-range").arg(range);
    }
    command.stdout(Stdio::piped()).stderr(Stdio::inherit());
    // The validator must not outlive this process.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|e| format!("{}: {e}", binary.display()))?;
    let mut stdout = BufReader::new(child.stdout.take().expect("piped"));
    let mut line = String::new();
    let read = stdout.read_line(&mut line);
    let validator = Validator(child, stdout);
    read.map_err(|e| format!("reading the validator's output: {e}"))?;
    if line.trim().is_empty() {
        return Err("the validator stopped before it answered (its errors are above)".into());
    }
    let info: ValidatorInfo = serde_json::from_str(&line).map_err(|e| format!("the validator's info line: {e}: {line}"))?;
    Ok((validator, info))
}

fn read_keypair(path: &str) -> Result<Keypair, String> {
    solana_keypair::read_keypair_file(path).map_err(|e| format!("{path}: {e}"))
}

/// Creates a pool with `authority` as admin, operator, pause guardian and treasury authority,
/// deposits `deposit_lamports` from it, and adds every vote account (equal weights).
fn create_pool(rpc: &RpcClient, authority: &Keypair, votes: &[Pubkey], deposit_lamports: u64) -> Result<PoolKeys, String> {
    let mint = Keypair::new();
    let list = Keypair::new();
    let keys = PoolKeys::derive(mint.pubkey(), list.pubkey());
    let list_rent = rpc.get_minimum_balance_for_rent_exemption(ValidatorList::SPACE).map_err(|e| rpc::explain(&e))?;
    let create = ix::initialize_pool(&ix::InitializePoolParams {
        payer: authority.pubkey(),
        keys,
        admin: authority.pubkey(),
        operator: authority.pubkey(),
        pause_guardian: authority.pubkey(),
        treasury_authority: authority.pubkey(),
        validator_list_rent_lamports: list_rent,
        fees: DEFAULT_FEES,
        reserve_buffer_bps: 1_000,
        initial_deposit_lamports: SOL,
    });
    rpc::send(rpc, authority, &create, &[&mint, &list])?;
    let me = authority.pubkey();
    let deposit = [
        ix::create_lst_account(&me, &me, &keys.lst_mint),
        ix::deposit_sol(&ix::DepositSolParams { keys, depositor: me, recipient_lst: lst_account(&me, &keys.lst_mint), lamports: deposit_lamports, min_lst_out: 0 }),
    ];
    rpc::send(rpc, authority, &deposit, &[])?;
    for vote in votes {
        let add = ix::add_validator(&ix::AddValidatorParams { keys, operator: me, vote_account: *vote, weight: 100 });
        rpc::send(rpc, authority, &[add], &[])?;
    }
    Ok(keys)
}

/// One line about the epoch just cranked: the rate, its move, the APY it implies, the crank's work.
fn epoch_line(rpc: &RpcClient, keys: &PoolKeys, run: &rpc::CrankRun, slots_per_epoch: u64, epoch_seconds: f64) -> String {
    let Ok((_, pool)) = rpc::load_pool(rpc, &keys.pool) else {
        return format!("epoch {}: crank sent {} transactions", run.epoch, run.transactions());
    };
    let rate = quote::rate(pool.total_lamports, pool.lst_supply);
    let previous = quote::rate(pool.previous_total_lamports, pool.previous_lst_supply);
    let epochs = pool.last_update_epoch.saturating_sub(pool.previous_update_epoch).max(1);
    // This chain's epochs last seconds: annualise by them, not by mainnet's.
    let per_year = 365.25 * 24.0 * 3600.0 / epoch_seconds.max(1.0);
    let apy = if epoch_seconds > 0.0 {
        format!("; APY {:.1}% at {epoch_seconds:.1} s a {slots_per_epoch}-slot epoch", quote::apy(previous, rate, epochs, per_year) * 100.0)
    } else {
        String::new()
    };
    format!(
        "epoch {}: rate {rate:.9} SOL per LST (rewards {:.9} SOL, fee {:.9} SOL{apy}), \
         {:.3} SOL under management; crank: {} observe, {} finalize, {} rebalance transactions",
        run.epoch,
        pool.last_rewards_lamports as f64 / SOL as f64,
        pool.last_fee_lamports as f64 / SOL as f64,
        pool.total_lamports as f64 / SOL as f64,
        run.observe_transactions,
        run.finalize_transactions,
        run.rebalance_transactions,
    )
}

pub fn run(args: &UpArgs) -> Result<(), String> {
    let started = Instant::now();
    let program = program_so(args.program.as_deref())?;
    let binary = validator_binary(args.validator.as_deref())?;
    eprintln!("up: starting the validator ({}) with {} ...", binary.display(), program.display());
    let (mut validator, chain) = start_validator(args, &binary, &program)?;
    eprintln!("up: the validator answers at {} after {:.1} s", chain.rpc_url, started.elapsed().as_secs_f64());
    let rpc = RpcClient::new_with_commitment(chain.rpc_url.clone(), CommitmentConfig::confirmed());
    let votes: Vec<Pubkey> = chain.vote_accounts.iter().map(|v| Pubkey::from_str(v).map_err(|e| format!("{v}: {e}"))).collect::<Result<_, _>>()?;

    let faucet = read_keypair(&chain.faucet_keypair)?;
    let mut pool = None;
    if args.pool {
        // A throwaway authority for this chain's pool, funded from the genesis mint.
        let authority = Keypair::new();
        solana_keypair::write_keypair_file(&authority, &args.authority_out).map_err(|e| format!("{}: {e}", args.authority_out.display()))?;
        let fund = solana_system_interface::instruction::transfer(&faucet.pubkey(), &authority.pubkey(), 10_000 * SOL);
        rpc::send(&rpc, &faucet, &[fund], &[])?;
        let keys = create_pool(&rpc, &authority, &votes, 100 * SOL)?;
        eprintln!("up: pool {} created with {} validators (the first votes and earns; the others never vote)", keys.pool, votes.len());
        pool = Some((keys, authority));
    }
    let info = LocalnetInfo {
        rpc_url: chain.rpc_url.clone(),
        ws_url: chain.ws_url.clone(),
        program_id: chain.program_id.clone().unwrap_or_default(),
        pool: pool.as_ref().map(|(k, _)| k.pool.to_string()).unwrap_or_default(),
        lst_mint: pool.as_ref().map(|(k, _)| k.lst_mint.to_string()).unwrap_or_default(),
        authority_keypair: std::path::absolute(&args.authority_out).unwrap_or(args.authority_out.clone()).display().to_string(),
        faucet_keypair: chain.faucet_keypair.clone(),
        vote_accounts: chain.vote_accounts.clone(),
        slots_per_epoch: chain.slots_per_epoch,
        ledger: chain.ledger.clone(),
    };
    info.save(&args.info_out)?;
    println!("{}", info.to_json_line());
    eprintln!(
        "up: ready after {:.1} s; wrote {}. Ctrl-C stops the validator{}",
        started.elapsed().as_secs_f64(),
        args.info_out.display(),
        if args.crank && pool.is_some() { "; the crank runs every epoch" } else { "" }
    );

    let mut last_cranked = None;
    let mut cranked = 0;
    // Wall time of the last whole epoch seen, to annualise this chain's short epochs.
    let (mut seen_epoch, mut epoch_started, mut epoch_seconds) = (None, Instant::now(), 0.0);
    loop {
        if let Ok(Some(status)) = validator.0.try_wait() {
            return Err(format!("the validator stopped ({status}); see {}/validator.log", chain.ledger));
        }
        let now = match rpc.get_epoch_info() {
            Ok(now) => now,
            Err(e) => {
                eprintln!("up: {}", rpc::explain(&e));
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if seen_epoch != Some(now.epoch) {
            if seen_epoch.is_some_and(|seen| now.epoch == seen + 1) {
                epoch_seconds = epoch_started.elapsed().as_secs_f64();
            }
            (seen_epoch, epoch_started) = (Some(now.epoch), Instant::now());
        }
        if let (true, Some((keys, authority))) = (args.crank, &pool) {
            if last_cranked.is_none_or(|last| now.epoch > last) {
                match rpc::crank(&rpc, authority, keys, |_| {}) {
                    Ok(run) => {
                        eprintln!("{}", epoch_line(&rpc, keys, &run, chain.slots_per_epoch, epoch_seconds));
                        last_cranked = Some(run.epoch);
                        cranked += 1;
                    }
                    // The runtime pays rewards over the epoch's first blocks: the crank waits.
                    Err(e) if e.contains("EpochRewardsActive") => {}
                    // A crank racing the epoch boundary (or another crank) fails now and then; the next poll retries.
                    Err(e) => eprintln!("up: crank in epoch {}: {e} (retrying)", now.epoch),
                }
            }
        }
        if args.epochs.is_some_and(|n| cranked >= n) {
            eprintln!("up: {cranked} epochs cranked; stopping the validator");
            return Ok(());
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}
