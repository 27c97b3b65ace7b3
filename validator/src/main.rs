//! The project's local chain: agave's `solana-test-validator` (3.1.12, as a library) running the
//! liquid-staking SBF program at its declared id, with transaction history, block/vote
//! subscriptions, a faucet, short epochs and extra (never voting) vote accounts.
//!
//! stdout carries exactly one line: the JSON description of the running chain (also written to
//! `--info-out`). Everything else (progress, errors) goes to stderr; the validator's own log goes
//! to `<ledger>/validator.log` unless `--log -`.

mod info;
mod stdio;

use std::{
    fs,
    net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::ExitCode,
    str::FromStr,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    thread,
    time::{Duration, Instant},
};

use clap::Parser;
use signal_hook::{consts::{SIGINT, SIGTERM}, iterator::Signals};
use solana_account::AccountSharedData;
use solana_commitment_config::CommitmentConfig;
use solana_epoch_schedule::EpochSchedule;
use solana_instruction::Instruction;
use solana_keypair::{read_keypair_file, write_keypair_file, Keypair};
use solana_pubkey::Pubkey;
use solana_rent::Rent;
use solana_rpc::{rpc::JsonRpcConfig, rpc_pubsub_service::PubSubConfig};
use solana_rpc_client::rpc_client::RpcClient;
use solana_rpc_client_api::config::RpcSimulateTransactionConfig;
use solana_signer::Signer;
use solana_streamer::socket::SocketAddrSpace;
use solana_test_validator::{TestValidator, TestValidatorGenesis, UpgradeableProgramInfo};
use solana_transaction::Transaction;
use solana_vote_program::vote_state::{self, VoteStateV4};

use crate::info::ChainInfo;

/// The program id declared by `declare_id!` in programs/liquid-staking.
const DEFAULT_PROGRAM_ID: &str = "48YRYB8m6ancFx3R3ZfDwPVxpSvFGM2rJP3zyk6AMBDL";
/// The smallest epoch the runtime accepts (`MINIMUM_SLOTS_PER_EPOCH`).
const MIN_SLOTS_PER_EPOCH: u64 = 32;
/// Balance of each extra validator identity (a plain system account, like the bootstrap's).
const EXTRA_IDENTITY_LAMPORTS: u64 = 10 * 1_000_000_000;
/// How long a shutdown may take before the process exits anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

// Files this binary keeps in the ledger directory (beside the library's own keypair files).
const FAUCET_KEYPAIR_FILE: &str = "faucet-keypair.json";
const EXTRA_VOTES_DIR: &str = "extra-votes";
const LOG_FILE: &str = "validator.log";
const INFO_FILE: &str = "localnet.json";
// Written by solana-test-validator itself.
const IDENTITY_KEYPAIR_FILE: &str = "validator-keypair.json";

#[derive(Parser, Debug)]
#[command(
    name = "liquid-staking-validator",
    version,
    about = "Local Solana chain for liquid-staking: agave's solana-test-validator 3.1.12 with the \
             program's SBF build, a faucet, short epochs and extra non-voting vote accounts.",
    long_about = None,
    after_help = "Prints one JSON line on stdout once RPC answers (also written to --info-out), \
                  then runs until Ctrl-C or SIGTERM. Progress goes to stderr."
)]
struct Args {
    /// Ledger directory. Wiped on start unless --keep-ledger.
    #[arg(long, value_name = "DIR", default_value = "test-ledger")]
    ledger: PathBuf,

    /// Reuse an existing ledger (and its faucet and extra vote keypairs) instead of wiping it.
    #[arg(long)]
    keep_ledger: bool,

    /// JSON-RPC port; PubSub (websocket) listens on the next port.
    #[arg(long, value_name = "PORT", default_value_t = 8899, value_parser = clap::value_parser!(u16).range(1..65535))]
    rpc_port: u16,

    /// Faucet port (solana's TCP faucet protocol; JSON-RPC requestAirdrop goes through it).
    #[arg(long, value_name = "PORT", default_value_t = 9900, value_parser = clap::value_parser!(u16).range(1..))]
    faucet_port: u16,

    /// Slots per epoch (no warmup). The runtime's minimum is 32.
    #[arg(long, value_name = "SLOTS", default_value_t = 32, value_parser = clap::value_parser!(u64).range(MIN_SLOTS_PER_EPOCH..))]
    slots_per_epoch: u64,

    /// Ticks per slot. Default: the library's 64, which with agave 3.1's PoH default of 4.6875 ms
    /// per tick makes 300 ms slots; 85 gives ~400 ms (mainnet's pace today).
    #[arg(long, value_name = "TICKS", value_parser = clap::value_parser!(u64).range(2..))]
    ticks_per_slot: Option<u64>,

    /// The program's SBF build, loaded as an upgradeable BPF program at --program-id.
    /// Default: target/deploy/liquid_staking.so under the repository root.
    #[arg(long, value_name = "PATH", conflicts_with = "no_program")]
    program: Option<PathBuf>,

    /// Address of the program.
    #[arg(long, value_name = "PUBKEY", default_value = DEFAULT_PROGRAM_ID, value_parser = parse_pubkey)]
    program_id: Pubkey,

    /// Upgrade authority of the program. Default: none can upgrade (the all-zero address).
    #[arg(long, value_name = "PUBKEY", value_parser = parse_pubkey)]
    upgrade_authority: Option<Pubkey>,

    /// Start without the program (e.g. before the SBF build exists).
    #[arg(long)]
    no_program: bool,

    /// Extra vote accounts created at genesis, each with its own node identity. They never vote
    /// (like delinquent validators) and so earn nothing.
    #[arg(long, value_name = "N", default_value_t = 2)]
    extra_votes: usize,

    /// Where to write the JSON description of the chain. Default: <ledger>/localnet.json.
    #[arg(long, value_name = "PATH")]
    info_out: Option<PathBuf>,

    /// Validator log file, or "-" for stderr. Default: <ledger>/validator.log.
    /// The filter is RUST_LOG, else "solana=info,agave=info".
    #[arg(long, value_name = "PATH")]
    log: Option<PathBuf>,

    /// Ports for the validator's gossip/TPU/TVU/repair sockets (needs at least 25 ports);
    /// kept away from the RPC and faucet ports.
    #[arg(long, value_name = "MIN-MAX", default_value = "10000-10100", value_parser = parse_port_range)]
    dynamic_port_range: (u16, u16),
}

fn parse_pubkey(s: &str) -> Result<Pubkey, String> {
    Pubkey::from_str(s).map_err(|e| format!("not a base58 public key: {e}"))
}

fn parse_port_range(s: &str) -> Result<(u16, u16), String> {
    let (lo, hi) = s.split_once('-').ok_or("expected MIN-MAX, e.g. 10000-10100")?;
    let lo: u16 = lo.trim().parse().map_err(|e| format!("bad MIN: {e}"))?;
    let hi: u16 = hi.trim().parse().map_err(|e| format!("bad MAX: {e}"))?;
    if hi < lo || hi - lo < 25 {
        return Err("the range must hold at least 25 ports".into());
    }
    Ok((lo, hi))
}

/// Prints a progress line on stderr, prefixed so it stands out from the library's own output.
macro_rules! progress {
    ($($arg:tt)*) => { eprintln!("[liquid-staking-validator] {}", format_args!($($arg)*)) };
}

fn main() -> ExitCode {
    let args = Args::parse(); // --help and --version print to stdout and exit here
    // The library prints progress with println!; keep the real stdout for the JSON line only.
    let stdout = match stdio::StdoutForJson::take() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot set up stdout: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(args, stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The repository root: this crate lives in <root>/validator. Falls back to the current directory
/// when the binary runs away from the checkout it was built in.
fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    if root.join("Cargo.toml").is_file() {
        root.canonicalize().unwrap_or(root)
    } else {
        PathBuf::from(".")
    }
}

fn absolute(p: &Path) -> PathBuf {
    p.canonicalize()
        .or_else(|_| std::path::absolute(p))
        .unwrap_or_else(|_| p.to_path_buf())
}

fn run(args: Args, stdout: stdio::StdoutForJson) -> Result<(), String> {
    let t0 = Instant::now();

    // Check everything that can be checked before the (slow) start.
    let program = if args.no_program {
        None
    } else {
        let path = args
            .program
            .clone()
            .unwrap_or_else(|| repo_root().join("target/deploy/liquid_staking.so"));
        check_sbf_file(&path)?;
        Some(absolute(&path))
    };
    check_tcp_port_free(args.rpc_port, "RPC (--rpc-port)")?;
    let pubsub_port = args.rpc_port + 1;
    check_tcp_port_free(pubsub_port, "PubSub (--rpc-port + 1)")?;
    if args.faucet_port == args.rpc_port || args.faucet_port == pubsub_port {
        return Err("--faucet-port must differ from --rpc-port and --rpc-port + 1".into());
    }
    let (lo, hi) = args.dynamic_port_range;
    for (p, what) in [(args.rpc_port, "--rpc-port"), (pubsub_port, "--rpc-port + 1"), (args.faucet_port, "--faucet-port")] {
        if (lo..=hi).contains(&p) {
            return Err(format!("{what} {p} lies inside --dynamic-port-range {lo}-{hi}"));
        }
    }

    // Ledger: wiped unless kept; a kept ledger brings back its faucet and extra vote keypairs.
    let ledger = &args.ledger;
    let reuse = args.keep_ledger && TestValidatorGenesis::ledger_exists(ledger);
    if !reuse && ledger.exists() {
        progress!("wiping ledger {}", ledger.display());
        fs::remove_dir_all(ledger).map_err(|e| format!("cannot wipe ledger {}: {e}", ledger.display()))?;
    }
    fs::create_dir_all(ledger).map_err(|e| format!("cannot create ledger {}: {e}", ledger.display()))?;
    let ledger_abs = absolute(ledger);

    setup_logging(&args, &ledger_abs)?;

    let faucet_keypair = load_or_create_keypair(&ledger_abs.join(FAUCET_KEYPAIR_FILE), reuse)?;
    let extra = if reuse {
        let extra = ExtraVote::load_all(&ledger_abs)?;
        if extra.len() != args.extra_votes {
            progress!(
                "kept ledger has {} extra vote accounts; --extra-votes {} ignored",
                extra.len(),
                args.extra_votes
            );
        }
        extra
    } else {
        ExtraVote::create_all(&ledger_abs, args.extra_votes)?
    };

    // Faucet: the genesis mint (500M SOL) is the faucet's keypair.
    let mint = faucet_keypair.pubkey();
    let faucet_addr = start_faucet(faucet_keypair, args.faucet_port)?;
    progress!("faucet on {faucet_addr} (mint {mint})");

    let rpc_threads = thread::available_parallelism().map(|n| n.get()).unwrap_or(2).max(2);
    let rpc_config = JsonRpcConfig {
        // The library's default keeps no transaction history: getTransaction,
        // getSignaturesForAddress and getBlock would fail. These are the binary's settings.
        enable_rpc_transaction_history: true,
        enable_extended_tx_metadata_storage: true,
        faucet_addr: Some(faucet_addr),
        full_api: true,
        rpc_threads,
        ..JsonRpcConfig::default_for_test()
    };
    let pubsub_config = PubSubConfig {
        enable_block_subscription: true,
        enable_vote_subscription: true,
        ..PubSubConfig::default()
    };

    let mut genesis = TestValidatorGenesis::default();
    genesis
        .ledger_path(&ledger_abs)
        .rpc_config(rpc_config)
        .pubsub_config(pubsub_config)
        .rpc_port(args.rpc_port)
        .gossip_port(0) // any free port in the dynamic range
        .port_range(args.dynamic_port_range)
        .epoch_schedule(EpochSchedule::custom(args.slots_per_epoch, args.slots_per_epoch, false));
    if let Some(ticks) = args.ticks_per_slot {
        genesis.ticks_per_slot(ticks);
    }
    if let Some(path) = &program {
        genesis.add_upgradeable_programs_with_path(&[UpgradeableProgramInfo {
            program_id: args.program_id,
            loader: solana_sdk_ids::bpf_loader_upgradeable::id(),
            upgrade_authority: args.upgrade_authority.unwrap_or_default(),
            program_path: path.clone(),
        }]);
    }
    for v in &extra {
        for (address, account) in v.genesis_accounts(&genesis.rent) {
            genesis.add_account(address, account);
        }
    }

    progress!(
        "starting validator: ledger {}, {} slots/epoch, program {}, {} extra vote account(s)",
        ledger_abs.display(),
        args.slots_per_epoch,
        program.as_ref().map_or("none".to_string(), |p| format!("{} at {}", p.display(), args.program_id)),
        extra.len()
    );
    let validator = genesis
        .start_with_mint_address(mint, SocketAddrSpace::Unspecified)
        .map_err(|e| format!("validator failed to start: {e}"))?;
    progress!("RPC answers at {} after {:.1}s", validator.rpc_url(), t0.elapsed().as_secs_f64());

    if program.is_some() {
        wait_for_program(&validator, &args.program_id, &mint)?;
        progress!("program {} invocable after {:.1}s", args.program_id, t0.elapsed().as_secs_f64());
    }

    let identity = read_keypair_file(ledger_abs.join(IDENTITY_KEYPAIR_FILE))
        .map_err(|e| format!("cannot read the validator identity from the ledger: {e}"))?
        .pubkey();
    let mut vote_accounts = vec![validator.vote_account_address().to_string()];
    vote_accounts.extend(extra.iter().map(|v| v.vote.pubkey().to_string()));
    let info = ChainInfo {
        rpc_url: validator.rpc_url(),
        ws_url: validator.rpc_pubsub_url(),
        faucet_address: faucet_addr.to_string(),
        faucet_keypair: ledger_abs.join(FAUCET_KEYPAIR_FILE).display().to_string(),
        program_id: program.as_ref().map(|_| args.program_id.to_string()),
        program_path: program.as_ref().map(|p| p.display().to_string()),
        vote_accounts,
        identity: identity.to_string(),
        slots_per_epoch: args.slots_per_epoch,
        ledger: ledger_abs.display().to_string(),
    };
    let line = info.to_json_line();
    let info_out = args.info_out.clone().unwrap_or_else(|| ledger_abs.join(INFO_FILE));
    fs::write(&info_out, format!("{line}\n"))
        .map_err(|e| format!("cannot write --info-out {}: {e}", info_out.display()))?;
    stdout.print_line(&line).map_err(|e| format!("cannot write to stdout: {e}"))?;
    progress!(
        "ready after {:.1}s; info in {}; Ctrl-C or SIGTERM to stop",
        t0.elapsed().as_secs_f64(),
        info_out.display()
    );

    wait_for_signal_then_stop(validator)
}

/// A readable ELF file (a truncated or text file would only fail deep inside genesis creation).
fn check_sbf_file(path: &Path) -> Result<(), String> {
    let hint = "build it first (the project's SBF build writes target/deploy/liquid_staking.so), \
                or pass --program <PATH>, or --no-program";
    let data = fs::read(path).map_err(|e| format!("program {}: {e}; {hint}", path.display()))?;
    if data.len() < 64 || &data[..4] != b"\x7fELF" {
        return Err(format!("program {} is not an ELF shared object (SBF .so); {hint}", path.display()));
    }
    Ok(())
}

/// The RPC service binds 0.0.0.0:<port> inside the validator and only logs a failure there,
/// so check first and fail clearly.
fn check_tcp_port_free(port: u16, what: &str) -> Result<(), String> {
    TcpListener::bind((Ipv4Addr::UNSPECIFIED, port))
        .map(drop)
        .map_err(|e| format!("{what} port {port} is not free: {e} (is another validator running?)"))
}

fn setup_logging(args: &Args, ledger: &Path) -> Result<(), String> {
    match &args.log {
        Some(p) if p.as_os_str() == "-" => {
            agave_logger::setup_with_default(agave_logger::DEFAULT_FILTER);
            progress!("validator log: stderr");
        }
        other => {
            let path = other.clone().unwrap_or_else(|| ledger.join(LOG_FILE));
            fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| format!("cannot open log file {}: {e}", path.display()))?;
            agave_logger::setup_file_with_default(&path, agave_logger::DEFAULT_FILTER);
            progress!("validator log: {}", absolute(&path).display());
        }
    }
    Ok(())
}

fn load_or_create_keypair(path: &Path, reuse: bool) -> Result<Keypair, String> {
    if reuse {
        read_keypair_file(path).map_err(|e| {
            format!("kept ledger has no readable {}: {e} (start once without --keep-ledger)", path.display())
        })
    } else {
        let keypair = Keypair::new();
        write_keypair_file(&keypair, path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(keypair)
    }
}

/// Runs the faucet on 127.0.0.1:<port> on its own thread and returns its address once bound.
fn start_faucet(keypair: Keypair, port: u16) -> Result<SocketAddr, String> {
    let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port);
    let (sender, receiver) = crossbeam_channel::bounded(1);
    thread::Builder::new()
        .name("lsFaucet".into())
        .spawn(move || {
            #[allow(deprecated)] // Faucet::new: no caps on a local chain
            let faucet = solana_faucet::faucet::Faucet::new(keypair, None, None, None);
            let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(r) => r,
                Err(e) => {
                    let _ = sender.send(Err(format!("faucet runtime: {e}")));
                    return;
                }
            };
            runtime.block_on(solana_faucet::faucet::run_faucet(
                Arc::new(std::sync::Mutex::new(faucet)),
                addr,
                Some(sender),
            ));
        })
        .map_err(|e| format!("cannot start the faucet thread: {e}"))?;
    receiver
        .recv_timeout(Duration::from_secs(10))
        .map_err(|e| format!("faucet did not start: {e}"))?
        .map_err(|e| format!("faucet (--faucet-port {port}): {e}"))
}

/// One extra vote account and its node identity, both keypairs kept in <ledger>/extra-votes/.
struct ExtraVote {
    identity: Keypair,
    vote: Keypair,
}

impl ExtraVote {
    fn paths(ledger: &Path, i: usize) -> (PathBuf, PathBuf) {
        let dir = ledger.join(EXTRA_VOTES_DIR);
        (dir.join(format!("identity-{i}.json")), dir.join(format!("vote-{i}.json")))
    }

    fn create_all(ledger: &Path, n: usize) -> Result<Vec<Self>, String> {
        let dir = ledger.join(EXTRA_VOTES_DIR);
        fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        (0..n)
            .map(|i| {
                let (ip, vp) = Self::paths(ledger, i);
                let v = Self { identity: Keypair::new(), vote: Keypair::new() };
                for (k, p) in [(&v.identity, &ip), (&v.vote, &vp)] {
                    write_keypair_file(k, p).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
                }
                Ok(v)
            })
            .collect()
    }

    fn load_all(ledger: &Path) -> Result<Vec<Self>, String> {
        let mut all = Vec::new();
        loop {
            let (ip, vp) = Self::paths(ledger, all.len());
            if !ip.exists() {
                return Ok(all);
            }
            let read = |p: &Path| read_keypair_file(p).map_err(|e| format!("cannot read {}: {e}", p.display()));
            all.push(Self { identity: read(&ip)?, vote: read(&vp)? });
        }
    }

    /// A funded identity and a rent-exempt vote account (state v4, as the bootstrap validator's
    /// with every feature active) whose voter and withdrawer are the identity. Nothing votes with
    /// it, so it stays delinquent and earns no rewards.
    fn genesis_accounts(&self, rent: &Rent) -> [(Pubkey, AccountSharedData); 2] {
        let node = self.identity.pubkey();
        let vote_lamports = rent.minimum_balance(VoteStateV4::size_of());
        let vote_account = vote_state::create_v4_account_with_authorized(&node, &node, &node, None, 0, vote_lamports);
        [
            (node, AccountSharedData::new(EXTRA_IDENTITY_LAMPORTS, 0, &solana_sdk_ids::system_program::id())),
            (self.vote.pubkey(), vote_account),
        ]
    }
}

/// Programs placed in genesis become invocable a slot or so after start: simulate a call (no
/// signature, nothing lands) until the runtime stops answering "Program is not deployed".
/// The program rejects the empty instruction, which proves it loaded and ran.
fn wait_for_program(validator: &TestValidator, program_id: &Pubkey, payer: &Pubkey) -> Result<(), String> {
    let client = RpcClient::new_with_commitment(validator.rpc_url(), CommitmentConfig::processed());
    let ix = Instruction { program_id: *program_id, accounts: vec![], data: vec![] };
    let tx = Transaction::new_with_payer(&[ix], Some(payer));
    let config = RpcSimulateTransactionConfig {
        sig_verify: false,
        replace_recent_blockhash: true,
        commitment: Some(CommitmentConfig::processed()),
        ..RpcSimulateTransactionConfig::default()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let outcome = client.simulate_transaction_with_config(&tx, config.clone());
        let not_deployed = match &outcome {
            Ok(r) => r.value.logs.iter().flatten().any(|l| l.contains("Program is not deployed")),
            Err(_) => true,
        };
        if !not_deployed {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(match outcome {
                Ok(r) => format!(
                    "program {program_id} is still not invocable after 30 s: {:?} {:?}",
                    r.value.err, r.value.logs
                ),
                Err(e) => format!("cannot simulate a call of program {program_id}: {e}"),
            });
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// Blocks until SIGINT or SIGTERM, then closes the validator (flushes the ledger). A second
/// signal, or a close longer than SHUTDOWN_GRACE, exits at once.
fn wait_for_signal_then_stop(validator: TestValidator) -> Result<(), String> {
    let mut signals = Signals::new([SIGINT, SIGTERM]).map_err(|e| format!("cannot handle signals: {e}"))?;
    let first = signals.forever().next();
    progress!("signal {} received, stopping (again to force)", first.unwrap_or_default());
    let closed = Arc::new(AtomicBool::new(false));
    {
        let closed = closed.clone();
        thread::spawn(move || {
            if signals.forever().next().is_some() {
                progress!("second signal: exiting now");
                std::process::exit(130);
            }
        });
        thread::spawn(move || {
            thread::sleep(SHUTDOWN_GRACE);
            if !closed.load(Ordering::SeqCst) {
                progress!("validator did not stop within {}s: exiting", SHUTDOWN_GRACE.as_secs());
                std::process::exit(1);
            }
        });
    }
    let t = Instant::now();
    drop(validator); // Validator::close: exit signal and join of every service
    closed.store(true, Ordering::SeqCst);
    progress!("stopped in {:.1}s", t.elapsed().as_secs_f64());
    Ok(())
}
