//! CI's share of the accounting fuzz: a fixed set of seeds (seconds), and every saved regression.
use liquid_staking_fuzz::{regression_seeds, run_sequence, Stats};

#[test]
fn two_thousand_seeded_sequences_keep_every_invariant() {
    let mut totals = Stats::default();
    for seed in 0..2_000 {
        let stats = run_sequence(seed, 200).unwrap_or_else(|v| panic!("{v}\nsave it: echo '{} # ...' >> crates/fuzz/regressions.txt", v.seed));
        totals.add(&stats);
    }
    eprintln!("{totals:?}");
    // The sequences exercise the pool, not only its refusals.
    assert!(totals.accepted > totals.steps / 2, "{totals:?}");
    assert!(totals.settlements > 2_000 && totals.tickets_paid > 2_000, "{totals:?}");
}

#[test]
fn saved_regression_seeds_keep_every_invariant() {
    for seed in regression_seeds() {
        run_sequence(seed, 200).unwrap_or_else(|v| panic!("regression seed broke again: {v}"));
    }
}
