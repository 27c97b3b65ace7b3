//! The fuzz bench: many long random sequences through the pool's accounting (see the library),
//! on every core, with progress; prints how many ran, how long it took and what they did; the
//! first failing seed is printed (and with --save appended to regressions.txt) and the run fails.
//!
//!     cargo run -p liquid-staking-fuzz -- [--sequences 100000] [--steps 200] [--start 0] [--threads N] [--save]
use liquid_staking_fuzz::{run_sequence, Stats, Violation};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

fn arg(args: &[String], name: &str, default: u64) -> u64 {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name}: a number")))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!(
            "liquid-staking-fuzz [--sequences N] [--steps N] [--start SEED] [--threads N] [--save]\n\n\
             Runs N seeded random sequences (default 100,000) of N steps (default 500) through the pool's\n\
             accounting, checking every invariant after every step. --save appends a failing seed to\n\
             crates/fuzz/regressions.txt (replayed by the crate's tests). Exit status 1 on a violation."
        );
        return;
    }
    let sequences = arg(&args, "--sequences", 100_000);
    let steps = arg(&args, "--steps", 500);
    let start = arg(&args, "--start", 0);
    let threads = arg(&args, "--threads", std::thread::available_parallelism().map_or(1, |n| n.get() as u64)).max(1);
    let save = args.iter().any(|a| a == "--save");

    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let totals = Arc::new(Mutex::new(Stats::default()));
    let failure: Arc<Mutex<Option<Violation>>> = Arc::new(Mutex::new(None));
    eprintln!("fuzz: {sequences} sequences of {steps} steps from seed {start} on {threads} threads");
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (next, done, totals, failure) = (next.clone(), done.clone(), totals.clone(), failure.clone());
            std::thread::spawn(move || {
                let mut local = Stats::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= sequences || failure.lock().expect("lock").is_some() {
                        break;
                    }
                    match run_sequence(start + i, steps) {
                        Ok(stats) => local.add(&stats),
                        Err(v) => {
                            failure.lock().expect("lock").get_or_insert(v);
                            break;
                        }
                    }
                    let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if finished % (sequences / 10).max(1) == 0 {
                        eprintln!("  {finished} of {sequences} sequences, {:.0} s", started.elapsed().as_secs_f64());
                    }
                }
                totals.lock().expect("lock").add(&local);
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let t = *totals.lock().expect("lock");
    let ran = done.load(Ordering::Relaxed);
    println!(
        "fuzz: {ran} sequences, {} steps ({} accepted, {} refused and reverted), {} epochs, {} settlements, {} tickets paid, in {elapsed:.1} s ({:.0} steps/s)",
        t.steps, t.accepted, t.refused, t.epochs, t.settlements, t.tickets_paid, t.steps as f64 / elapsed
    );
    println!(
        "  validators: up to {} in a list, {} added, {} removals started, {} entries dropped, {} stakes deactivated as delinquent",
        t.max_validators, t.validators_added, t.removals_started, t.validators_removed, t.delinquent_deactivations
    );
    println!(
        "  observe: {} batches landed, {} merges, {} transients and {} main withdrawals to the reserve; {} batches refused as predicted \
         ({} naming a validator that moved, {} without a recorded transient, {} with nothing to observe)",
        t.observe_batches,
        t.merges,
        t.transients_withdrawn,
        t.main_withdrawals,
        t.refused_batches,
        t.refused_moved,
        t.refused_transient_not_passed,
        t.refused_nothing_to_observe
    );
    println!(
        "  rebalance: {} splits ({} with the caller's rent), {} whole unstakes, {} transients staked, {} redelegations; {} refused",
        t.splits, t.caller_rents, t.whole_unstakes, t.stakes_added, t.redelegations, t.refused_rebalances
    );
    println!(
        "  cranks: {} interleaved pairs, {} stalled, {} late transactions, {} finalizes refused, {} repeated observe rounds of a lone crank; {} stake withdrawals",
        t.interleaved_cranks, t.stalled_cranks, t.late_transactions, t.refused_finalizes, t.repeated_observe_rounds, t.stake_withdrawals
    );
    if let Some(v) = failure.lock().expect("lock").clone() {
        println!("INVARIANT BROKEN: {v}");
        if save {
            use std::io::Write;
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/regressions.txt");
            let mut file = std::fs::OpenOptions::new().append(true).open(path).expect("regressions.txt");
            writeln!(file, "{} # {}", v.seed, v.to_string().replace('\n', " ")).expect("written");
            println!("saved seed {} to {path}", v.seed);
        }
        std::process::exit(1);
    }
    println!("no invariant broken");
}
