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
    // Stake per validator: every move observe and rebalancing make, validators coming and going.
    let t = &totals;
    assert!(t.merges > 1_000 && t.transients_withdrawn > 500 && t.main_withdrawals > 500, "{totals:?}");
    assert!(t.splits > 500 && t.whole_unstakes > 500 && t.stakes_added > 1_000 && t.redelegations > 500 && t.caller_rents > 10, "{totals:?}");
    assert!(t.validators_added > 1_000 && t.validators_removed > 500 && t.delinquent_deactivations > 50 && t.stake_withdrawals > 100, "{totals:?}");
    // Two cranks on one epoch: stale batches refused as the handler must refuse them.
    assert!(t.refused_moved > 500 && t.refused_transient_not_passed > 20 && t.refused_nothing_to_observe > 1_000, "{totals:?}");
    assert!(t.stalled_cranks > 500 && t.late_transactions > 500, "{totals:?}");
}

#[test]
fn saved_regression_seeds_keep_every_invariant() {
    for seed in regression_seeds() {
        run_sequence(seed, 200).unwrap_or_else(|v| panic!("regression seed broke again: {v}"));
    }
}
