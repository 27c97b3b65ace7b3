//! The randomized invariant test (tests/src/fuzz.rs), a fixed seeded set for CI plus every saved
//! regression seed. The bench (`cargo run -p liquid-staking-tests --example fuzz_bench`) runs
//! 100,000 and more sequences.
use liquid_staking_tests::fuzz::{self, FuzzConfig};

#[tokio::test]
async fn seeded_sequences_keep_every_invariant() {
    let started = std::time::Instant::now();
    let seeds: Vec<u64> = (0..48).collect();
    let mut totals = fuzz::FuzzReport::default();
    for batch in seeds.chunks(16) {
        let report = fuzz::run(batch, FuzzConfig::default())
            .await
            .unwrap_or_else(|v| panic!("invariant broken: {v}\nreplay: add {} to tests/fuzz/regressions.txt", v.seed));
        totals.sequences += report.sequences;
        totals.steps += report.steps;
        totals.transactions_landed += report.transactions_landed;
        totals.transactions_refused += report.transactions_refused;
        totals.tickets_paid += report.tickets_paid;
    }
    eprintln!(
        "fuzz: {} sequences, {} steps, {} transactions landed, {} refused (state unchanged), {} tickets paid, {:.1} s",
        totals.sequences, totals.steps, totals.transactions_landed, totals.transactions_refused, totals.tickets_paid,
        started.elapsed().as_secs_f64()
    );
    assert!(totals.transactions_landed > totals.sequences * 5, "the sequences did something");
    assert!(totals.tickets_paid > 0, "tickets were opened and paid");
}

#[tokio::test]
async fn saved_regression_seeds_keep_every_invariant() {
    let seeds = fuzz::regression_seeds();
    for seed in seeds {
        fuzz::run(&[seed], FuzzConfig::default()).await.unwrap_or_else(|v| panic!("regression seed broke again: {v}"));
    }
}
