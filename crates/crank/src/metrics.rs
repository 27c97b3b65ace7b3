//! What the bot knows about itself and the pool, served on a loopback port: `/metrics` in the
//! Prometheus text format and `/healthz` (200 "ok", or 503 with the reasons). A plain HTTP/1.1
//! server on std's TcpListener, one short-lived thread per request: scrapes are rare.
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Outcome of one crank transaction, as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TxResult {
    /// Confirmed and succeeded.
    Confirmed,
    /// Landed with an error (the fee was charged).
    Failed,
    /// Refused in simulation: not sent, no fee (the runtime still paying rewards, nothing to do).
    Refused,
    /// Its blockhash expired before it landed; re-planned and re-signed.
    Expired,
}

impl TxResult {
    pub fn name(self) -> &'static str {
        match self {
            TxResult::Confirmed => "confirmed",
            TxResult::Failed => "failed",
            TxResult::Refused => "refused",
            TxResult::Expired => "expired",
        }
    }
}

/// When /healthz says the bot is unhealthy.
#[derive(Debug, Clone, Copy)]
pub struct HealthLimits {
    /// The pool may stay stale this long into an epoch.
    pub max_stale: Duration,
    /// The fee payer must hold at least this much.
    pub min_balance_lamports: u64,
    /// The last successful poll of the chain must be at most this old.
    pub max_poll_age: Duration,
}

#[derive(Debug, Default)]
pub struct Metrics {
    pub epoch: u64,
    pub pool_last_update_epoch: u64,
    /// SOL per LST, as of the pool's last update.
    pub rate: f64,
    pub validators: u64,
    /// Unix time at which the current epoch began, while the pool is stale for it (None once
    /// updated). How long it has been stale is reckoned when asked (`stale_seconds`), so /healthz
    /// sees a stale pool grow staler during a poll that takes long (an update that hangs).
    pub stale_since_unix: Option<f64>,
    /// Seconds from the start of the epoch to the pool's update (this bot's finalize, or its first
    /// poll after another bot's), for the last epoch this bot saw updated.
    pub last_update_lag_seconds: f64,
    pub fee_payer_lamports: u64,
    /// Fees this bot paid (signatures and priority), in lamports.
    pub fees_paid_lamports: u64,
    /// Lamports held by the bot's lookup tables (their rent, which the bot paid).
    pub lookup_table_lamports: u64,
    /// The last priority fee used, in micro-lamports per compute unit.
    pub priority_fee_micro_lamports: u64,
    /// Transactions by (step, result).
    pub transactions: BTreeMap<(&'static str, TxResult), u64>,
    /// Errors by kind: rpc (transport, timeouts, node errors), program (refused), expired, cycle.
    pub errors: BTreeMap<&'static str, u64>,
    /// Transactions sent as v0 (observe over the bot's lookup tables).
    pub v0_transactions: u64,
    /// Epochs this bot's own transactions finalized.
    pub epochs_updated: u64,
    /// Ineligible validators whose stake this bot deactivated (`--protect-validators`).
    pub validators_deactivated: u64,
    /// Each validator as the last validator-risk pass read it: vote account, eligible, the
    /// INELIGIBLE_* reason (0: none), commission in basis points.
    pub validator_states: Vec<(String, bool, u8, u16)>,
    pub polls: u64,
    /// When the chain last answered the bot (any call).
    pub last_poll_ok: Option<Instant>,
    pub started: Option<Instant>,
}

pub type SharedMetrics = Arc<Mutex<Metrics>>;

impl Metrics {
    pub fn shared() -> SharedMetrics {
        Arc::new(Mutex::new(Metrics { started: Some(Instant::now()), ..Metrics::default() }))
    }

    pub fn count_transaction(&mut self, step: &'static str, result: TxResult) {
        *self.transactions.entry((step, result)).or_default() += 1;
    }

    pub fn count_error(&mut self, kind: &'static str) {
        *self.errors.entry(kind).or_default() += 1;
    }

    /// Seconds the pool has been stale in the current epoch, now (0 when fresh).
    pub fn stale_seconds(&self) -> f64 {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs_f64();
        self.stale_since_unix.map_or(0.0, |since| (now - since).max(0.0))
    }

    /// Why the bot is unhealthy, if it is.
    pub fn health_problems(&self, limits: &HealthLimits) -> Vec<String> {
        let mut problems = Vec::new();
        let stale = self.stale_seconds();
        if stale > limits.max_stale.as_secs_f64() {
            problems.push(format!(
                "the pool has been stale for {:.0} s in epoch {} (limit {} s)",
                stale,
                self.epoch,
                limits.max_stale.as_secs()
            ));
        }
        match self.last_poll_ok {
            Some(at) if at.elapsed() <= limits.max_poll_age => {}
            Some(at) => problems.push(format!("the chain last answered {:.0} s ago", at.elapsed().as_secs_f64())),
            None => problems.push("the chain has not answered yet".into()),
        }
        if self.last_poll_ok.is_some() && self.fee_payer_lamports < limits.min_balance_lamports {
            problems.push(format!(
                "the fee payer holds {} lamports, below the floor of {}",
                self.fee_payer_lamports, limits.min_balance_lamports
            ));
        }
        problems
    }

    /// The Prometheus text exposition format (version 0.0.4).
    pub fn render(&self, limits: &HealthLimits) -> String {
        let mut out = String::new();
        let mut gauge = |name: &str, help: &str, value: String| {
            out.push_str(&format!("# HELP liquid_staking_crank_{name} {help}\n# TYPE liquid_staking_crank_{name} gauge\n"));
            out.push_str(&format!("liquid_staking_crank_{name} {value}\n"));
        };
        gauge("epoch", "The cluster's current epoch.", self.epoch.to_string());
        gauge("pool_last_update_epoch", "The epoch of the pool's last update (finalize).", self.pool_last_update_epoch.to_string());
        gauge("rate", "SOL per LST as of the pool's last update.", format!("{:.9}", self.rate));
        gauge("validators", "Validators in the pool.", self.validators.to_string());
        gauge("stale_seconds", "Seconds since the epoch began while the pool is not yet updated for it (0 when fresh).", format!("{:.1}", self.stale_seconds()));
        gauge("update_lag_seconds", "Seconds from the start of the epoch to the pool's update (this bot's finalize, or its first poll after another's).", format!("{:.1}", self.last_update_lag_seconds));
        gauge("fee_payer_lamports", "The fee payer's balance.", self.fee_payer_lamports.to_string());
        gauge("lookup_table_lamports", "Lamports the bot's lookup tables hold (rent it paid).", self.lookup_table_lamports.to_string());
        gauge("priority_fee_micro_lamports", "The last priority fee used, per compute unit.", self.priority_fee_micro_lamports.to_string());
        if !self.validator_states.is_empty() {
            let ineligible = self.validator_states.iter().filter(|v| !v.1).count();
            gauge("validators_ineligible", "Pool validators that break a validator rule or are cooling off (--protect-validators).", ineligible.to_string());
        }
        gauge("healthy", "1 when /healthz answers 200.", u8::from(self.health_problems(limits).is_empty()).to_string());
        gauge(
            "uptime_seconds",
            "Seconds since the bot started.",
            format!("{:.0}", self.started.map_or(0.0, |s| s.elapsed().as_secs_f64())),
        );
        let mut counter = |name: &str, help: &str, samples: Vec<(String, u64)>| {
            out.push_str(&format!("# HELP liquid_staking_crank_{name} {help}\n# TYPE liquid_staking_crank_{name} counter\n"));
            for (labels, value) in samples {
                out.push_str(&format!("liquid_staking_crank_{name}{labels} {value}\n"));
            }
        };
        counter("fees_paid_lamports_total", "Transaction fees this bot paid.", vec![(String::new(), self.fees_paid_lamports)]);
        counter("epochs_updated_total", "Epochs this bot's finalize updated.", vec![(String::new(), self.epochs_updated)]);
        counter("polls_total", "Polls of the chain.", vec![(String::new(), self.polls)]);
        counter("validators_deactivated_total", "Ineligible validators whose stake this bot deactivated.", vec![(String::new(), self.validators_deactivated)]);
        counter("v0_transactions_total", "Transactions sent as v0 (observe over the bot's lookup tables).", vec![(String::new(), self.v0_transactions)]);
        counter(
            "transactions_total",
            "Crank transactions by step and result.",
            self.transactions.iter().map(|((step, result), n)| (format!("{{step=\"{step}\",result=\"{}\"}}", result.name()), *n)).collect(),
        );
        counter(
            "errors_total",
            "Errors by kind.",
            self.errors.iter().map(|(kind, n)| (format!("{{kind=\"{kind}\"}}"), *n)).collect(),
        );
        if !self.validator_states.is_empty() {
            out.push_str("# HELP liquid_staking_crank_validator_eligible 1 while the validator passes every rule; reason names the broken rule otherwise.\n# TYPE liquid_staking_crank_validator_eligible gauge\n");
            for (vote, eligible, reason, _) in &self.validator_states {
                let reason = liquid_staking_sdk::risk::reason_code(*reason);
                out.push_str(&format!("liquid_staking_crank_validator_eligible{{vote_account=\"{vote}\",reason=\"{reason}\"}} {}\n", u8::from(*eligible)));
            }
            out.push_str("# HELP liquid_staking_crank_validator_commission_bps The validator's inflation commission at the last reading.\n# TYPE liquid_staking_crank_validator_commission_bps gauge\n");
            for (vote, _, _, commission) in &self.validator_states {
                out.push_str(&format!("liquid_staking_crank_validator_commission_bps{{vote_account=\"{vote}\"}} {commission}\n"));
            }
        }
        out
    }
}

/// Serves /metrics and /healthz on `address` (loopback) in a thread; returns the bound address.
pub fn serve(address: SocketAddr, metrics: SharedMetrics, limits: HealthLimits) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(address)?;
    let bound = listener.local_addr()?;
    std::thread::Builder::new().name("metrics".into()).spawn(move || {
        for stream in listener.incoming().flatten() {
            let metrics = metrics.clone();
            let _ = std::thread::Builder::new().name("metrics-request".into()).spawn(move || answer(stream, &metrics, &limits));
        }
    })?;
    Ok(bound)
}

fn answer(stream: TcpStream, metrics: &SharedMetrics, limits: &HealthLimits) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain the headers.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let (status, content_type, body) = {
        let m = metrics.lock().expect("metrics lock");
        match path {
            "/metrics" => ("200 OK", "text/plain; version=0.0.4", m.render(limits)),
            "/healthz" => match m.health_problems(limits) {
                problems if problems.is_empty() => ("200 OK", "text/plain", "ok\n".to_string()),
                problems => ("503 Service Unavailable", "text/plain", problems.join("\n") + "\n"),
            },
            _ => ("404 Not Found", "text/plain", "try /metrics or /healthz\n".to_string()),
        }
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> HealthLimits {
        HealthLimits { max_stale: Duration::from_secs(60), min_balance_lamports: 1_000, max_poll_age: Duration::from_secs(30) }
    }

    #[test]
    fn health_names_each_problem() {
        let mut m = Metrics::default();
        assert_eq!(m.health_problems(&limits()), vec!["the chain has not answered yet".to_string()]);
        m.last_poll_ok = Some(Instant::now());
        m.fee_payer_lamports = 5_000;
        assert!(m.health_problems(&limits()).is_empty());
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
        m.stale_since_unix = Some(now - 59.5);
        assert!(m.health_problems(&limits()).is_empty(), "59.5 s stale: within the limit");
        // Nobody updates the metrics: staleness still grows (a poll stuck in a long update).
        std::thread::sleep(Duration::from_millis(1_600));
        m.fee_payer_lamports = 999;
        let problems = m.health_problems(&limits());
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("stale for 61 s"), "{problems:?}");
        assert!(problems[1].contains("below the floor of 1000"));
    }

    #[test]
    fn render_labels_transactions_and_errors() {
        let mut m = Metrics { epoch: 7, fee_payer_lamports: 42, ..Metrics::default() };
        m.count_transaction("observe", TxResult::Confirmed);
        m.count_transaction("observe", TxResult::Confirmed);
        m.count_transaction("finalize", TxResult::Expired);
        m.count_error("rpc");
        let text = m.render(&limits());
        assert!(text.contains("liquid_staking_crank_epoch 7\n"));
        assert!(text.contains("liquid_staking_crank_fee_payer_lamports 42\n"));
        assert!(text.contains("liquid_staking_crank_transactions_total{step=\"observe\",result=\"confirmed\"} 2\n"));
        assert!(text.contains("liquid_staking_crank_transactions_total{step=\"finalize\",result=\"expired\"} 1\n"));
        assert!(text.contains("liquid_staking_crank_errors_total{kind=\"rpc\"} 1\n"));
        assert!(text.contains("liquid_staking_crank_healthy 0\n"));
        assert!(!text.contains("validator_eligible"), "no validator-risk series before a pass");
    }

    #[test]
    fn render_names_each_validators_standing() {
        let m = Metrics { validator_states: vec![("Vote1".into(), true, 0, 500), ("Vote2".into(), false, 4, 0)], ..Metrics::default() };
        let text = m.render(&limits());
        assert!(text.contains("liquid_staking_crank_validators_ineligible 1\n"));
        assert!(text.contains("liquid_staking_crank_validator_eligible{vote_account=\"Vote1\",reason=\"none\"} 1\n"));
        assert!(text.contains("liquid_staking_crank_validator_eligible{vote_account=\"Vote2\",reason=\"delinquent\"} 0\n"));
        assert!(text.contains("liquid_staking_crank_validator_commission_bps{vote_account=\"Vote1\"} 500\n"));
    }
}
