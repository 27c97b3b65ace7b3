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
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use liquid_staking_crank::{
    log::{LogFormat, Logger},
    metrics::{HealthLimits, Metrics},
    sender::SenderConfig,
    Bot, BotConfig,
};

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
    /// The crank bot runs validator risk (`--protect-validators`).
    pub protect: bool,
    /// Where the crank bot serves /metrics and /healthz ("off": nowhere).
    pub metrics_addr: String,
    /// Where the web app is served ("off": not built, not served).
    pub app_addr: String,
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
    let adds = votes.iter().map(|vote| ix::add_validator(&ix::AddValidatorParams { keys, operator: me, vote_account: *vote, weight: 100 })).collect();
    // About 41k compute units each: six fit a transaction's default budget (200k per instruction).
    for tx in liquid_staking_sdk::pack::pack(&me, adds, 6) {
        rpc::send(rpc, authority, &tx, &[])?;
    }
    Ok(keys)
}

/// One line about the epoch just cranked: the rate, its move, the APY it implies, the crank's work.
fn epoch_line(pool: &liquid_staking_sdk::state::Pool, run: &rpc::CrankRun, slots_per_epoch: u64, epoch_seconds: f64, lag_seconds: f64) -> String {
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
         {:.3} SOL under management; crank bot: {} observe, {} finalize, {} rebalance transactions, \
         updated {lag_seconds:.1} s into the epoch",
        run.epoch,
        pool.last_rewards_lamports as f64 / SOL as f64,
        pool.last_fee_lamports as f64 / SOL as f64,
        pool.total_lamports as f64 / SOL as f64,
        run.observe_transactions,
        run.finalize_transactions,
        run.rebalance_transactions,
    )
}

/// Starts the crank bot (the `liquid-staking-crank` library, as anyone would run it) on a thread
/// of its own, paying from `payer`; prints a line per epoch it updates and counts them.
#[allow(clippy::too_many_arguments)]
fn start_crank_bot(
    rpc_url: &str,
    payer: Keypair,
    pool: Pubkey,
    metrics_addr: &str,
    slots_per_epoch: u64,
    protect: bool,
    cranked: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) -> Result<Option<std::net::SocketAddr>, String> {
    let metrics = Metrics::shared();
    let limits = HealthLimits { max_stale: Duration::from_secs(120), min_balance_lamports: SOL / 20, max_poll_age: Duration::from_secs(60) };
    let served = if metrics_addr == "off" {
        None
    } else {
        let address = metrics_addr.parse().map_err(|e| format!("--metrics-addr {metrics_addr}: {e}"))?;
        Some(liquid_staking_crank::metrics::serve(address, metrics.clone(), limits).map_err(|e| format!("--metrics-addr {metrics_addr}: {e}"))?)
    };
    let config = BotConfig {
        pool,
        // Epochs here last about half a minute: poll often.
        poll_interval: Duration::from_secs(2),
        jitter: 0.2,
        halt_before: None,
        lookup_tables: true,
        protect_validators: protect,
        sender: SenderConfig::default(),
    };
    let rpc = RpcClient::new_with_timeout_and_commitment(rpc_url.to_string(), Duration::from_secs(30), CommitmentConfig::confirmed());
    let mut bot = Bot::new(rpc, payer, config, metrics.clone(), Logger { format: LogFormat::Text })?;
    // Wall time between the epochs the bot updates, to annualise this chain's short epochs.
    let mut last: Option<(u64, Instant)> = None;
    bot.set_reporter(Box::new(move |run, pool| {
        let epoch_seconds = match last {
            Some((epoch, at)) if run.epoch > epoch => at.elapsed().as_secs_f64() / (run.epoch - epoch) as f64,
            _ => 0.0,
        };
        last = Some((run.epoch, Instant::now()));
        let lag = metrics.lock().map_or(0.0, |m| m.last_update_lag_seconds);
        eprintln!("{}", epoch_line(pool, run, slots_per_epoch, epoch_seconds, lag));
        cranked.fetch_add(1, Ordering::SeqCst);
    }));
    std::thread::Builder::new().name("crank-bot".into()).spawn(move || bot.run(&stop)).map_err(|e| e.to_string())?;
    Ok(served)
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
        // Each validator's stake account takes rent + 1 SOL of the deposit.
        let keys = create_pool(&rpc, &authority, &votes, (100 * SOL).max(2 * SOL * votes.len() as u64))?;
        eprintln!("up: pool {} created with {} validators (the first votes and earns; the others never vote)", keys.pool, votes.len());
        pool = Some((keys, authority));
    }
    // The crank bot pays from a key of its own that holds no role in the pool: anyone may crank.
    let crank_payer = match (&pool, args.crank) {
        (Some(_), true) => {
            let payer = Keypair::new();
            let path = Path::new(&chain.ledger).join("crank-keypair.json");
            solana_keypair::write_keypair_file(&payer, &path).map_err(|e| format!("{}: {e}", path.display()))?;
            rpc::send(&rpc, &faucet, &[solana_system_interface::instruction::transfer(&faucet.pubkey(), &payer.pubkey(), 100 * SOL)], &[])?;
            Some(payer)
        }
        _ => None,
    };
    let crank_running = crank_payer.is_some();
    let cranked = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut crank_metrics = None;
    if let Some(crank_payer) = crank_payer {
        let (keys, _) = pool.as_ref().expect("a crank payer only with a pool");
        crank_metrics = start_crank_bot(&chain.rpc_url, crank_payer, keys.pool, &args.metrics_addr, chain.slots_per_epoch, args.protect, cranked.clone(), stop.clone())?
            .map(|address| format!("http://{address}/metrics"));
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
        crank_metrics,
        app_url: None,
    };
    let mut info = info;
    if let (Some((keys, _)), false) = (&pool, args.app_addr == "off") {
        let address = args.app_addr.parse().map_err(|e| format!("--app-addr {}: {e}", args.app_addr))?;
        let dist = liquid_staking_localnet::app::build(&repo_root().join("app"))?;
        let config = serde_json::json!({
            "rpcUrl": chain.rpc_url, "wsUrl": chain.ws_url, "pool": keys.pool.to_string(), "cluster": "localnet",
            "programId": chain.program_id.clone().unwrap_or_default(), "lstMint": keys.lst_mint.to_string(),
        });
        let bound = liquid_staking_localnet::app::serve(address, dist, config.to_string()).map_err(|e| format!("--app-addr {}: {e}", args.app_addr))?;
        info.app_url = Some(format!("http://{bound}/"));
    }
    info.save(&args.info_out)?;
    println!("{}", info.to_json_line());
    if let Some(url) = &info.app_url {
        eprintln!("up: the web app: {url} (connect a Wallet Standard wallet set to this local chain)");
    }
    eprintln!(
        "up: ready after {:.1} s; wrote {}. Ctrl-C stops the validator{}",
        started.elapsed().as_secs_f64(),
        args.info_out.display(),
        if crank_running { "; the crank bot updates the pool every epoch" } else { "" }
    );

    loop {
        if let Ok(Some(status)) = validator.0.try_wait() {
            stop.store(true, Ordering::SeqCst);
            return Err(format!("the validator stopped ({status}); see {}/validator.log", chain.ledger));
        }
        let done = cranked.load(Ordering::SeqCst);
        if args.epochs.is_some_and(|n| done >= n) {
            stop.store(true, Ordering::SeqCst);
            eprintln!("up: {done} epochs cranked; stopping the validator");
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}
