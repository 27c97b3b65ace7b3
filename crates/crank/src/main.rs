//! `liquid-staking-crank`: the crank bot. Polls the epoch; when the pool's rate is from an
//! earlier epoch it observes every validator, finalizes and rebalances; between updates it funds
//! tickets. Serves Prometheus metrics and a health check on a loopback port. Anyone may run it,
//! any number at once: see the README's "Crank bot" section.
use clap::Parser;
use liquid_staking_crank::{
    log::{LogFormat, Logger},
    metrics::{self, HealthLimits, Metrics},
    sender::SenderConfig,
    Bot, BotConfig,
};
use liquid_staking_sdk::rpc::{Connection, CrankStep};
use serde_json::json;
use solana_commitment_config::CommitmentConfig;
use solana_rpc_client::rpc_client::RpcClient;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "liquid-staking-crank",
    version,
    about = "Keep a liquid-staking pool updated every epoch: observe, finalize, rebalance, fund tickets",
    after_help = "URL and keypair: flags first, then the solana-cli config file (--config), then the local chain's \
                  info file (~/.config/liquid-staking/localnet.json), then localhost and ~/.config/solana/id.json.\n\
                  Exit status with --once: 0 when the pool is updated for the current epoch, 1 otherwise."
)]
struct Args {
    /// JSON-RPC URL of the cluster. Monikers: localhost, devnet, testnet, mainnet-beta.
    #[arg(short = 'u', long)]
    url: Option<String>,
    /// Keypair file that pays the crank's fees (solana-cli format); needs no role in the pool.
    #[arg(short = 'k', long)]
    keypair: Option<String>,
    /// The solana-cli config file to take the URL and keypair from when no flag gives them.
    #[arg(short = 'C', long, default_value = "~/.config/solana/cli/config.yml")]
    config: String,
    /// The pool to crank. Default: the local chain's, when the URL is the local chain's.
    #[arg(long)]
    pool: Option<String>,
    /// Seconds between polls of the epoch.
    #[arg(long, default_value_t = 10.0)]
    poll_interval: f64,
    /// Each wait between polls is the interval times 1 +- this fraction.
    #[arg(long, default_value_t = 0.2)]
    jitter: f64,
    /// Poll once (updating the pool if it is stale), then exit: for cron and tests.
    #[arg(long)]
    once: bool,
    /// Where to serve /metrics and /healthz (loopback; port 0 picks one and logs it; "off" serves nothing).
    #[arg(long, default_value = "127.0.0.1:9464")]
    metrics_addr: String,
    /// Priority fee of a transaction's first signing, in micro-lamports per compute unit. It
    /// rises (four times, at least 1,000) only after a transaction failed to land in time, never
    /// with what others pay on the pool's accounts (which anyone could lift).
    #[arg(long, default_value_t = 0)]
    priority_fee: u64,
    /// Highest priority fee to pay, in micro-lamports per compute unit.
    #[arg(long, default_value_t = 100_000)]
    max_priority_fee: u64,
    /// Tries per RPC call before a crank cycle gives up (the next poll starts over).
    #[arg(long, default_value_t = 6)]
    rpc_attempts: u32,
    /// Signings of one transaction, each after the previous one's blockhash expired unlanded.
    #[arg(long, default_value_t = 5)]
    send_attempts: u32,
    /// /healthz fails when the pool has been stale this many seconds into an epoch.
    #[arg(long, default_value_t = 600)]
    max_stale_seconds: u64,
    /// /healthz fails when the fee payer holds less than this many SOL.
    #[arg(long, default_value_t = 0.05)]
    min_balance_sol: f64,
    /// Most validators one epoch's staking goes to, the most under-target first (each may take
    /// what it lacks plus 0.25% of the pool: STAKE_OVERFILL_BPS).
    #[arg(long, default_value_t = liquid_staking_sdk::plan::DEFAULT_MAX_STAKE_VALIDATORS)]
    max_stake_validators: usize,
    /// Observe in legacy transactions (about 25 validators each) instead of v0 ones over the bot's
    /// own address lookup tables (up to 55 each; the tables' rent, about 0.06 SOL per 125
    /// validators, is the bot's).
    #[arg(long)]
    no_lookup_tables: bool,
    /// Validator risk: read every pool validator's vote account each epoch and, at every poll,
    /// deactivate the stake of one that breaks the pool's rules (a commission rug, delinquency,
    /// low credits, the blocklist) as soon as it is seen.
    #[arg(long)]
    protect_validators: bool,
    /// Log lines as text or JSON, on stderr.
    #[arg(long, value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Fault testing: exit abruptly (status 3) after observing, before finalize.
    #[arg(long, hide = true)]
    halt_before_finalize: bool,
}

fn main() {
    let args = Args::parse();
    let log = Logger { format: args.log_format };
    if let Err(e) = run(args, log) {
        log.error(&e, &[]);
        std::process::exit(1);
    }
}

fn run(args: Args, log: Logger) -> Result<(), String> {
    let connection = Connection::resolve(args.url.as_deref(), args.keypair.as_deref(), &args.config)?;
    let url = connection.url.clone();
    let pool = match (&args.pool, connection.localnet) {
        (Some(pool), _) => pool.clone(),
        (None, Some(info)) if !info.pool.is_empty() => info.pool,
        _ => {
            return Err(format!(
                "no --pool given and no local chain pool at {url} (its info file {} is missing or names another URL)",
                connection.localnet_path.display()
            ))
        }
    };
    let pool = anchor_lang::prelude::Pubkey::from_str(&pool).map_err(|e| format!("--pool {pool}: {e}"))?;
    let keypair_path = connection.keypair_path;
    let payer = solana_keypair::read_keypair_file(&keypair_path).map_err(|e| format!("keypair {keypair_path}: {e}"))?;

    let metrics = Metrics::shared();
    let limits = HealthLimits {
        max_stale: Duration::from_secs(args.max_stale_seconds),
        min_balance_lamports: (args.min_balance_sol * 1e9) as u64,
        // Three polls missed, or a minute, whichever is longer.
        max_poll_age: Duration::from_secs_f64((args.poll_interval * 3.0).max(60.0)),
    };
    let metrics_addr = if args.metrics_addr == "off" {
        None
    } else {
        let address = args.metrics_addr.parse().map_err(|e| format!("--metrics-addr {}: {e}", args.metrics_addr))?;
        Some(metrics::serve(address, metrics.clone(), limits).map_err(|e| format!("--metrics-addr {}: {e}", args.metrics_addr))?)
    };
    log.info(
        "starting",
        &[
            ("url", json!(url)),
            ("pool", json!(pool.to_string())),
            ("fee_payer", json!(solana_signer::Signer::pubkey(&payer).to_string())),
            ("metrics", json!(metrics_addr.map(|a| format!("http://{a}/metrics")))),
            ("poll_interval_seconds", json!(args.poll_interval)),
        ],
    );

    let rpc = RpcClient::new_with_timeout_and_commitment(url, Duration::from_secs(30), CommitmentConfig::confirmed());
    let bot_config = BotConfig {
        pool,
        poll_interval: Duration::from_secs_f64(args.poll_interval),
        jitter: args.jitter.clamp(0.0, 1.0),
        halt_before: args.halt_before_finalize.then_some(CrankStep::Finalize),
        lookup_tables: !args.no_lookup_tables,
        protect_validators: args.protect_validators,
        sender: SenderConfig {
            priority_fee: args.priority_fee,
            max_priority_fee: args.max_priority_fee,
            rpc_attempts: args.rpc_attempts.max(1),
            send_attempts: args.send_attempts.max(1),
            max_stake_validators: args.max_stake_validators.max(1),
            ..SenderConfig::default()
        },
    };
    let mut bot = Bot::new(rpc, payer, bot_config, metrics.clone(), log)?;
    if args.once {
        let outcome = bot.poll()?;
        log.info("done (--once)", &[("outcome", json!(format!("{outcome:?}")))]);
        if matches!(outcome, liquid_staking_crank::PollOutcome::Halted(_)) {
            std::process::exit(3);
        }
        return Ok(());
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let stop = stop.clone();
        // A second signal exits at once.
        signal_handler(signal, move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
        });
    }
    bot.run(&stop);
    if args.halt_before_finalize && !stop.load(Ordering::SeqCst) {
        std::process::exit(3);
    }
    log.info("stopped", &[]);
    Ok(())
}

/// Runs `f` on a helper thread when `signal` arrives (a self-pipe: nothing but write(2) runs in
/// the handler).
fn signal_handler(signal: libc::c_int, f: impl Fn() + Send + 'static) {
    use std::sync::atomic::AtomicI32;
    static PIPES: [AtomicI32; 65] = [const { AtomicI32::new(-1) }; 65];
    extern "C" fn on_signal(signal: libc::c_int) {
        let fd = PIPES[signal as usize].load(Ordering::Relaxed);
        let byte = 1u8;
        unsafe { libc::write(fd, &byte as *const u8 as *const libc::c_void, 1) };
    }
    let mut fds = [0 as libc::c_int; 2];
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return;
    }
    PIPES[signal as usize].store(fds[1], Ordering::Relaxed);
    unsafe { libc::signal(signal, on_signal as *const () as usize) };
    std::thread::spawn(move || loop {
        let mut byte = 0u8;
        if unsafe { libc::read(fds[0], &mut byte as *mut u8 as *mut libc::c_void, 1) } != 1 {
            return;
        }
        f();
    });
}
