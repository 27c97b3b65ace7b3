//! The crank bot (`liquid-staking-crank`'s library) against the real local chain:
//! `liquid-staking-localnet up --no-crank` (agave's validator running the SBF build, a pool of
//! three validators), epochs passing in real time. One chain, four epochs, one scenario each:
//!
//! 1. the RPC endpoint fails mid-crank (a proxy drops connections, hangs, answers HTTP 500 and
//!    JSON-RPC errors for a stretch right after the bot's first transaction): the bot waits out
//!    the transaction whose fate it lost, re-plans, and updates the pool; /metrics and /healthz
//!    say what happened;
//! 2. the bot stops between observe and finalize (dropped, as a kill leaves it) and a new bot
//!    finishes the update with finalize alone; then it funds a ticket ordered after the update;
//! 3. two bots crank the same epoch at once; the ticket is paid; what each paid for is counted:
//!    every step landed once, and a transaction the other bot made redundant is refused in
//!    simulation (NothingToObserve, PoolAlreadyUpdated) rather than paid for;
//! 4. an update that straddles an epoch boundary (its observe lands in the next epoch): it ends
//!    with the new epoch updated instead of re-sending the same batch for ever;
//! 5. validator risk, unattended: the voting validator raises its commission to 100% through the
//!    Vote program early in an epoch, and a bot with `protect_validators` deactivates its stake in
//!    that same epoch.
//!
//! After each: the pool is updated for the epoch, every validator was observed exactly in it, the
//! previous update is the epoch before (finalize applied once), the books balance to the lamport
//! (reserve + stake accounts = SOL under management + SOL owed to tickets), and each bot's payer
//! lost exactly the fees the bot counted plus the rent its lookup tables hold: no lamport moved
//! otherwise.
use liquid_staking_crank::{
    log::{LogFormat, Logger},
    metrics::{self, HealthLimits, Metrics, SharedMetrics, TxResult},
    sender::SenderConfig,
    Bot, BotConfig, PollOutcome,
};
use liquid_staking_sdk::{
    addresses::{lst_account, new_ticket_nonce},
    instructions as ix,
    rpc::{self, CrankStep, LocalnetInfo},
    state::Pool,
    PoolKeys,
};
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_rpc_client::rpc_client::RpcClient;
use solana_signer::Signer;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SOL: u64 = 1_000_000_000;

/// `liquid-staking-localnet up --no-crank` as a child process, stopped when dropped.
struct Chain {
    child: Child,
    info: LocalnetInfo,
    _dir: PathBuf,
}

impl Drop for Chain {
    fn drop(&mut self) {
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn start_chain() -> Chain {
    let dir = std::env::temp_dir().join(format!("crank-bot-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ports = liquid_staking_localnet::ports::LocalPorts::pick();
    let mut child = Command::new(env!("CARGO_BIN_EXE_liquid-staking-localnet"))
        .args(["up", "--no-crank", "--metrics-addr", "off", "--app-addr", "off"])
        .args(["--rpc-port", &ports.rpc.to_string(), "--faucet-port", &ports.faucet.to_string()])
        .args(["--dynamic-port-range", &ports.range()])
        .arg("--ledger")
        .arg(dir.join("ledger"))
        .arg("--info-out")
        .arg(dir.join("localnet.json"))
        .arg("--authority-out")
        .arg(dir.join("authority.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("liquid-staking-localnet up starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info: LocalnetInfo = serde_json::from_str(&line).unwrap_or_else(|e| panic!("up's info line ({e}): {line}"));
    Chain { child, info, _dir: dir }
}

/// What the proxy does to a request.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Closes the connection without answering.
    Drop,
    /// Answers nothing for longer than the client waits.
    Hang,
    /// HTTP 500.
    ServerError,
    /// A JSON-RPC error (node behind).
    RpcError,
}

#[derive(Default)]
struct ProxyState {
    /// Armed: the next sendTransaction passes, then every request faults for this long.
    armed: Option<Duration>,
    fault_until: Option<Instant>,
    faults: u64,
    forwarded: u64,
}

/// An HTTP proxy in front of the chain's JSON-RPC that injects faults on demand.
struct FaultProxy {
    url: String,
    state: Arc<Mutex<ProxyState>>,
}

impl FaultProxy {
    fn start(upstream: &str) -> Self {
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(ProxyState::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (upstream, state) = (upstream.clone(), shared.clone());
                std::thread::spawn(move || serve_connection(client, &upstream, &state));
            }
        });
        Self { url, state }
    }

    fn arm(&self, stretch: Duration) {
        self.state.lock().unwrap().armed = Some(stretch);
    }

    fn faults(&self) -> u64 {
        self.state.lock().unwrap().faults
    }
}

/// Reads one HTTP request (headers and a Content-Length body); None at end of stream.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

fn serve_connection(client: TcpStream, upstream: &str, state: &Mutex<ProxyState>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut client = client;
    while let Some((head, body)) = read_request(&mut reader) {
        let fault = {
            let mut s = state.lock().unwrap();
            let now = Instant::now();
            if s.fault_until.is_some_and(|until| now < until) {
                s.faults += 1;
                Some([Fault::Drop, Fault::Hang, Fault::ServerError, Fault::RpcError][(s.faults % 4) as usize])
            } else {
                if s.armed.is_some() && String::from_utf8_lossy(&body).contains("\"sendTransaction\"") {
                    // This one passes: the transaction is in flight when the chain goes away.
                    s.fault_until = Some(now + s.armed.take().unwrap());
                }
                s.forwarded += 1;
                None
            }
        };
        match fault {
            Some(Fault::Drop) => return,
            Some(Fault::Hang) => {
                std::thread::sleep(Duration::from_secs(6));
                return;
            }
            Some(Fault::ServerError) => {
                let _ = client.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                return;
            }
            Some(Fault::RpcError) => {
                let id = serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|v| v.get("id").cloned()).unwrap_or(1.into());
                let answer = serde_json::json!({"jsonrpc": "2.0", "error": {"code": -32005, "message": "Node is behind by 42 slots"}, "id": id}).to_string();
                let _ = write!(client, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}", answer.len());
                return;
            }
            None => {
                // Forward on a connection of its own; the answer ends the client's connection too.
                let Ok(mut up) = TcpStream::connect(upstream) else { return };
                let head = head.replace("keep-alive", "close");
                let head = if head.to_ascii_lowercase().contains("connection:") {
                    head
                } else {
                    head.trim_end_matches("\r\n").to_string() + "\r\nConnection: close\r\n\r\n"
                };
                if up.write_all(head.as_bytes()).and_then(|_| up.write_all(&body)).is_err() {
                    return;
                }
                let mut answer = Vec::new();
                let _ = up.read_to_end(&mut answer);
                let _ = client.write_all(&answer);
                return;
            }
        }
    }
}

fn client(url: &str) -> RpcClient {
    RpcClient::new_with_timeout_and_commitment(url.to_string(), Duration::from_secs(3), CommitmentConfig::confirmed())
}

fn quiet() -> Logger {
    Logger { format: LogFormat::Text }
}

fn bot(url: &str, payer: &Keypair, pool: Pubkey, halt_before: Option<CrankStep>, metrics: SharedMetrics) -> Bot {
    bot_with(url, payer, pool, halt_before, metrics, false)
}

fn bot_with(url: &str, payer: &Keypair, pool: Pubkey, halt_before: Option<CrankStep>, metrics: SharedMetrics, protect_validators: bool) -> Bot {
    let config = BotConfig {
        pool,
        poll_interval: Duration::from_secs(1),
        jitter: 0.2,
        halt_before,
        lookup_tables: true,
        protect_validators,
        sender: SenderConfig { max_wait_unanswered: Duration::from_secs(4), rpc_attempts: 3, ..SenderConfig::default() },
    };
    Bot::new(client(url), payer.insecure_clone(), config, metrics, quiet()).expect("the bot starts")
}

fn fund(rpc: &RpcClient, faucet: &Keypair, to: &Pubkey, lamports: u64) {
    rpc::send(rpc, faucet, &[solana_system_interface::instruction::transfer(&faucet.pubkey(), to, lamports)], &[]).unwrap();
}

fn epoch(rpc: &RpcClient) -> u64 {
    rpc.get_epoch_info().unwrap().epoch
}

fn wait_for_epoch(rpc: &RpcClient, target: u64) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while epoch(rpc) < target {
        assert!(Instant::now() < deadline, "epoch {target} did not come");
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The pool, its validator list, and what it holds, read in one call (one slot).
fn books(rpc: &RpcClient, keys: &PoolKeys) -> (Pool, Vec<liquid_staking_sdk::state::ValidatorEntry>, u64) {
    let list = rpc::load_validator_list(rpc, keys).unwrap();
    let mut addresses = vec![keys.pool, keys.reserve];
    for e in &list.entries {
        addresses.push(keys.validator_stake(&e.vote_account));
        addresses.push(keys.transient_stake(&e.vote_account));
    }
    let accounts = rpc.get_multiple_accounts(&addresses).unwrap();
    let pool = liquid_staking_sdk::decode::pool(&accounts[0].as_ref().unwrap().data).unwrap();
    let reserve = accounts[1].as_ref().map_or(0, |a| a.lamports);
    let stake: u64 = accounts[2..].iter().map(|a| a.as_ref().map_or(0, |a| a.lamports)).sum();
    let holdings = pool.reserve_free_lamports(reserve) + stake;
    (pool, list.entries, holdings)
}

/// The pool is updated for `epoch` exactly once, every validator observed in it, the books balance.
fn assert_updated_once(rpc: &RpcClient, keys: &PoolKeys, epoch: u64, previous: u64) {
    let (pool, entries, holdings) = books(rpc, keys);
    assert_eq!(pool.last_update_epoch, epoch, "the pool is updated for epoch {epoch}");
    assert_eq!(pool.previous_update_epoch, previous, "finalize settled {previous} -> {epoch} once");
    assert_eq!(pool.observe_epoch, epoch);
    assert_eq!(pool.observed_count, pool.validator_count, "each validator counted once");
    assert!(entries.iter().all(|e| e.last_observed_epoch == epoch), "every validator observed in epoch {epoch}");
    assert_eq!(holdings, pool.total_lamports + pool.owed_lamports, "reserve + stake accounts = SOL under management + owed to tickets");
}

/// What a bot spent: the fees it counted, and the rent its lookup tables hold.
fn fees_paid(metrics: &SharedMetrics) -> u64 {
    let m = metrics.lock().unwrap();
    m.fees_paid_lamports + m.lookup_table_lamports
}

fn http_get(address: std::net::SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// Runs `bot` on a thread until the pool is updated for `epoch` (or 4 minutes pass).
fn run_until_updated(mut bot: Bot, rpc_url: &str, pool: Pubkey, target: u64) -> std::thread::JoinHandle<Bot> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let handle = std::thread::spawn(move || {
        bot.run(&flag);
        bot
    });
    let rpc = client(rpc_url);
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        if rpc::load_pool(&rpc, &pool).is_ok_and(|(_, p)| p.last_update_epoch >= target) {
            break;
        }
        assert!(Instant::now() < deadline, "the bot did not update the pool for epoch {target}");
        std::thread::sleep(Duration::from_millis(500));
    }
    stop.store(true, Ordering::SeqCst);
    handle
}

#[test]
fn crank_bot_survives_faults_restarts_and_company() {
    let chain = start_chain();
    let url = chain.info.rpc_url.clone();
    let rpc = client(&url);
    let pool_address = Pubkey::from_str(&chain.info.pool).unwrap();
    let (keys, _) = rpc::load_pool(&rpc, &pool_address).unwrap();
    let faucet = solana_keypair::read_keypair_file(&chain.info.faucet_keypair).unwrap();

    // A staker deposits 50 SOL in epoch 0; the bots get payers of their own, with no role in the pool.
    let staker = Keypair::new();
    fund(&rpc, &faucet, &staker.pubkey(), 60 * SOL);
    let me = staker.pubkey();
    let my_lst = lst_account(&me, &keys.lst_mint);
    rpc::send(
        &rpc,
        &staker,
        &[
            ix::create_lst_account(&me, &me, &keys.lst_mint),
            ix::deposit_sol(&ix::DepositSolParams { keys, depositor: me, recipient_lst: my_lst, lamports: 50 * SOL, min_lst_out: 0 }),
        ],
        &[],
    )
    .unwrap();
    let payers: Vec<Keypair> = (0..4).map(|_| Keypair::new()).collect();
    for p in &payers {
        fund(&rpc, &faucet, &p.pubkey(), 10 * SOL);
    }
    let balance = |p: &Keypair| rpc.get_balance(&p.pubkey()).unwrap();

    // 1. Epoch 1: faults for 10 s right after the bot's first transaction.
    let start = epoch(&rpc);
    wait_for_epoch(&rpc, start + 1);
    let e1 = start + 1;
    let proxy = FaultProxy::start(&url);
    proxy.arm(Duration::from_secs(10));
    let metrics_a = Metrics::shared();
    let limits = HealthLimits { max_stale: Duration::from_secs(600), min_balance_lamports: SOL / 20, max_poll_age: Duration::from_secs(60) };
    let served = metrics::serve("127.0.0.1:0".parse().unwrap(), metrics_a.clone(), limits).unwrap();
    let before_a = balance(&payers[0]);
    let bot_a = bot(&proxy.url, &payers[0], pool_address, None, metrics_a.clone());
    let handle = run_until_updated(bot_a, &url, pool_address, e1);
    let bot_a = handle.join().unwrap();
    assert!(proxy.faults() > 0, "the proxy injected faults");
    assert_updated_once(&rpc, &keys, e1, start);
    {
        let m = metrics_a.lock().unwrap();
        assert!(m.errors.get("rpc").copied().unwrap_or(0) > 0, "the bot saw the faults: {:?}", m.errors);
        assert!(m.transactions.get(&("finalize", TxResult::Confirmed)).copied().unwrap_or(0) + m.transactions.get(&("observe", TxResult::Confirmed)).copied().unwrap_or(0) > 0);
    }
    let metrics_text = http_get(served, "/metrics");
    assert!(metrics_text.contains(&format!("liquid_staking_crank_pool_last_update_epoch {e1}\n")), "{metrics_text}");
    assert!(metrics_text.contains("liquid_staking_crank_errors_total{kind=\"rpc\"}"), "{metrics_text}");
    let health = http_get(served, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200 OK"), "healthy once updated: {health}");

    drop(bot_a);
    // The faulted proxy cost no lamport beyond the fees the bot counted.
    assert_eq!(before_a - balance(&payers[0]), fees_paid(&metrics_a), "payer A lost exactly its fees");

    // 2. Epoch 2: a bot stops between observe and finalize; another finishes with finalize alone.
    wait_for_epoch(&rpc, e1 + 1);
    let e2 = e1 + 1;
    let metrics_b = Metrics::shared();
    let before_b = balance(&payers[1]);
    let mut halting = bot(&url, &payers[1], pool_address, Some(CrankStep::Finalize), metrics_b.clone());
    let halted = loop {
        // The first polls of an epoch may find the runtime still paying rewards.
        match halting.poll() {
            Ok(PollOutcome::Halted(run)) => break run,
            Ok(other) => panic!("expected a halt before finalize, got {other:?}"),
            Err(e) => {
                eprintln!("retrying: {e}");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    };
    drop(halting);
    assert!(halted.observe_transactions > 0);
    let (pool, _, _) = books(&rpc, &keys);
    assert_eq!(pool.last_update_epoch, e1, "not finalized yet");
    assert!(pool.all_validators_observed(e2), "all observed before the halt");
    let metrics_c = Metrics::shared();
    let before_c = balance(&payers[2]);
    let mut finisher = bot(&url, &payers[2], pool_address, None, metrics_c.clone());
    match finisher.poll().unwrap() {
        PollOutcome::Updated(run) => {
            assert_eq!(run.observe_transactions, 0, "nothing observed twice");
            assert_eq!(run.finalize_transactions, 1);
        }
        other => panic!("expected an update, got {other:?}"),
    }
    assert_updated_once(&rpc, &keys, e2, e1);
    assert_eq!(before_b - balance(&payers[1]), fees_paid(&metrics_b), "payer B lost exactly its fees");
    // The staker orders a 40 LST ticket, more than the reserve holds: the bot unstakes for it
    // between updates (the transients of epoch 1 merged, so stake can be split off).
    let nonce = new_ticket_nonce();
    let ticket = keys.ticket(&me, nonce);
    rpc::send(
        &rpc,
        &staker,
        &[ix::order_unstake(&ix::OrderUnstakeParams { keys, owner: me, owner_lst: my_lst, ticket_nonce: nonce, lst_amount: 40 * SOL, min_lamports_out: 0 })],
        &[],
    )
    .unwrap();
    let reserve = rpc.get_balance(&keys.reserve).unwrap();
    let (_, pool) = rpc::load_pool(&rpc, &pool_address).unwrap();
    assert!(pool.reserve_shortfall_lamports(reserve).unwrap() > 0, "the ticket needs stake back");
    match finisher.poll().unwrap() {
        PollOutcome::Rebalanced(run) => assert!(run.rebalance_transactions > 0),
        other => panic!("expected the bot to fund the ticket, got {other:?}"),
    }
    let (pool, _, holdings) = books(&rpc, &keys);
    assert!(pool.unstaking_lamports > 0, "stake is on its way back for the ticket");
    assert_eq!(holdings, pool.total_lamports + pool.owed_lamports);
    drop(finisher);
    assert_eq!(before_c - balance(&payers[2]), fees_paid(&metrics_c), "payer C lost exactly its fees");

    // 3. Epoch 3: two bots at once.
    wait_for_epoch(&rpc, e2 + 1);
    let e3 = e2 + 1;
    // Bot 1 pays with the key of the bot that halted in epoch 2: its lookup tables, made then, are
    // finalized now, so it observes in v0 transactions. Bot 2 is new: it makes its tables.
    let before: Vec<u64> = [&payers[1], &payers[3]].iter().map(|p| balance(p)).collect();
    let (m1, m2) = (Metrics::shared(), Metrics::shared());
    let updates = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = [(&payers[1], m1.clone()), (&payers[3], m2.clone())]
        .into_iter()
        .map(|(payer, m)| {
            let mut b = bot(&url, payer, pool_address, None, m);
            let updates = updates.clone();
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(240);
                loop {
                    match b.poll() {
                        Ok(PollOutcome::Updated(_)) => {
                            updates.fetch_add(1, Ordering::SeqCst);
                            return;
                        }
                        Ok(PollOutcome::Fresh) => return,
                        Ok(_) | Err(_) => {}
                    }
                    assert!(Instant::now() < deadline, "two bots: no update");
                    std::thread::sleep(Duration::from_millis(300));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert!(updates.load(Ordering::SeqCst) >= 1);
    assert_updated_once(&rpc, &keys, e3, e2);
    let after: Vec<u64> = [&payers[1], &payers[3]].iter().map(|p| balance(p)).collect();
    assert!(m1.lock().unwrap().v0_transactions > 0, "bot 1 observed over its lookup tables");
    assert_eq!(before[0] - after[0], fees_paid(&m1), "bot 1 lost exactly its fees");
    assert_eq!(before[1] - after[1], fees_paid(&m2), "bot 2 lost exactly its fees");
    let finalized: u64 = [&m1, &m2].iter().map(|m| m.lock().unwrap().transactions.get(&("finalize", TxResult::Confirmed)).copied().unwrap_or(0)).sum();
    eprintln!("two bots: {finalized} finalize transaction(s) confirmed between them; the pool settled once");
    // What the two bots paid for: each step landed once between them; a bot that found the other
    // one first was refused in simulation (not sent) or, in a race, landed a refused transaction.
    let count = |m: &SharedMetrics, step: &'static str, result: TxResult| m.lock().unwrap().transactions.get(&(step, result)).copied().unwrap_or(0);
    let confirmed = |step| count(&m1, step, TxResult::Confirmed) + count(&m2, step, TxResult::Confirmed);
    let failed: u64 = ["observe", "finalize", "rebalance"].iter().map(|s| count(&m1, s, TxResult::Failed) + count(&m2, s, TxResult::Failed)).sum();
    let refused: u64 = ["observe", "finalize"].iter().map(|s| count(&m1, s, TxResult::Refused) + count(&m2, s, TxResult::Refused)).sum();
    eprintln!(
        "two bots: observe landed {} time(s), finalize {}; {refused} redundant transaction(s) refused in simulation (no fee), {failed} landed and refused (a race: a fee paid for nothing)",
        confirmed("observe"),
        confirmed("finalize")
    );
    assert_eq!(confirmed("finalize"), 1, "finalize paid for once");
    assert!(failed <= 1, "at most one transaction lost a race: {failed}");
    // The ticket is paid: the stake the bot unstaked in epoch 2 came back at the boundary.
    let before_claim = balance(&staker);
    rpc::send(&rpc, &staker, &[ix::claim_ticket(&keys, &me, &ticket)], &[]).expect("the ticket is funded");
    assert!(balance(&staker) > before_claim + 39 * SOL, "the ticket paid about 40 SOL");

    // 4. Epoch 4: an update whose observe lands in epoch 5. Before the fix the update planned on
    // epoch 4 for ever: the observe landed in 5, stamped 5, so the plan (filtered on 4) sent it
    // again, the program skipped it, and the loop never ended.
    wait_for_epoch(&rpc, e3 + 1);
    let e4 = e3 + 1;
    let payer = Keypair::new();
    fund(&rpc, &faucet, &payer.pubkey(), SOL);
    let done = Arc::new(AtomicBool::new(false));
    let (url4, keys4, flag) = (url.clone(), keys, done.clone());
    let straddling = std::thread::spawn(move || {
        let rpc = client(&url4);
        let mut sender = StraddleSender { inner: rpc::PlainSender { rpc: &rpc, payer: &payer, progress: |l: &str| eprintln!("straddle: {l}") }, waited: false };
        let run = rpc::update(&rpc, &payer.pubkey(), &keys4, &mut sender, |_| false);
        flag.store(true, Ordering::SeqCst);
        run
    });
    let deadline = Instant::now() + Duration::from_secs(150);
    while !done.load(Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "an update straddling an epoch boundary never ended");
        std::thread::sleep(Duration::from_millis(500));
    }
    let run = straddling.join().unwrap().expect("the straddling update succeeds");
    assert_eq!(run.epoch, e4 + 1, "it updated the epoch its observe landed in");
    assert_eq!(run.finalize_transactions, 1);
    assert_updated_once(&rpc, &keys, e4 + 1, e3);

    // 5. Epoch 6 (or the first epoch whose first half is still open when the test gets there):
    // the voting validator's withdrawer (its vote account's own keypair, in the ledger) raises the
    // commission to 100%; the Vote program allows a rise only in the first half of an epoch.
    let withdrawer = solana_keypair::read_keypair_file(chain._dir.join("ledger/vote-account-keypair.json")).expect("the vote account's keypair");
    let voting = withdrawer.pubkey();
    let index = books(&rpc, &keys).1.iter().position(|e| e.vote_account == voting).expect("the voting validator is in the pool");
    let rug_epoch = loop {
        let now = rpc.get_epoch_info().unwrap();
        if now.slot_index * 4 > now.slots_in_epoch {
            wait_for_epoch(&rpc, now.epoch + 1);
            continue;
        }
        let rug = solana_vote_program::vote_instruction::update_commission(&voting, &voting, 100);
        match rpc::send(&rpc, &faucet, &[rug], &[&withdrawer]) {
            Ok(_) => break now.epoch,
            Err(e) if e.contains("CommissionUpdateTooLate") || e.contains("commission update too late") => continue,
            Err(e) => panic!("the commission rise was refused: {e}"),
        }
    };
    let payer = Keypair::new();
    fund(&rpc, &faucet, &payer.pubkey(), SOL);
    let metrics5 = Metrics::shared();
    let mut protecting = bot_with(&url, &payer, keys.pool, None, metrics5.clone(), true);
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        protecting.poll().expect("the protecting bot polls");
        let list = rpc::load_validator_list(&rpc, &keys).unwrap();
        if list.entries[index].main_deactivated_by_pool() {
            assert!(!list.entries[index].is_eligible());
            assert_eq!(list.records[index].reason, liquid_staking_sdk::state::INELIGIBLE_COMMISSION_ABOVE_CAP);
            assert_eq!(list.records[index].commission_bps[0], 10_000);
            break;
        }
        assert!(Instant::now() < deadline, "the bot never deactivated the rugged validator");
        std::thread::sleep(Duration::from_millis(300));
    }
    let stake = rpc.get_account_data(&keys.validator_stake(&voting)).unwrap();
    let deactivated_in = match bincode::deserialize::<solana_stake_interface::state::StakeStateV2>(&stake).unwrap() {
        solana_stake_interface::state::StakeStateV2::Stake(_, s, _) => s.delegation.deactivation_epoch,
        other => panic!("not a stake: {other:?}"),
    };
    assert_eq!(deactivated_in, rug_epoch, "the rug was answered in its own epoch");
    assert!(metrics5.lock().unwrap().validators_deactivated >= 1);
    eprintln!("validator risk: commission raised to 100% in epoch {rug_epoch}, stake deactivated in epoch {deactivated_in} by the bot");
    drop(chain);
}

/// Sends like `PlainSender`, but holds its first observe until the next epoch has begun.
struct StraddleSender<'a, P: FnMut(&str)> {
    inner: rpc::PlainSender<'a, P>,
    waited: bool,
}

impl<P: FnMut(&str)> rpc::CrankSender for StraddleSender<'_, P> {
    fn send(&mut self, step: CrankStep, instructions: &[solana_instruction::Instruction]) -> rpc::RpcResult<solana_signature::Signature> {
        self.inner.send(step, instructions)
    }
    fn send_all(&mut self, step: CrankStep, transactions: &[Vec<solana_instruction::Instruction>]) -> Vec<rpc::RpcResult<solana_signature::Signature>> {
        if step == CrankStep::Observe && !self.waited {
            self.waited = true;
            let now = epoch(self.inner.rpc);
            wait_for_epoch(self.inner.rpc, now + 1);
        }
        self.inner.send_all(step, transactions)
    }
}
