//! The exchange-rate account lenders read: written at creation and by every finalize, its
//! breaker tripped by a drop and reset by the admin only.
use liquid_staking::{
    constants::RATE_VERSION,
    error::LiquidStakingError as E,
    events::{RateBreakerReset, RateBreakerTrippedV2},
    math::rate_is_below,
    state::{RATE_FLAG_BREAKER, RATE_FLAG_LOSS},
};
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A staked pool whose stake is active and whose rate was settled this epoch.
async fn settled_pool() -> TestContext {
    let (mut t, _) = TestContext::staked(2, 30).await;
    t.chain.advance_epoch().await;
    let keys = t.keys();
    run_crank(&mut t.chain, &keys).await.unwrap();
    t
}

#[tokio::test]
async fn initialize_writes_the_rate_account() {
    let mut t = TestContext::new(1).await;
    let pool = t.pool_state().await;
    let rate = t.rate_account().await;
    let clock = t.chain.clock().await;
    assert_eq!((rate.version, rate.flags, rate.pool), (RATE_VERSION, 0, t.keys().pool));
    assert_eq!((rate.total_lamports, rate.lst_supply), (pool.total_lamports, pool.lst_supply));
    assert_eq!((rate.epoch, rate.slot), (clock.epoch, clock.slot));
}

#[tokio::test]
async fn finalize_writes_the_settled_rate() {
    let mut t = settled_pool().await;
    let rewards = t.advance_epoch().await;
    assert!(rewards > 0);
    let keys = t.keys();
    run_crank(&mut t.chain, &keys).await.unwrap();
    let pool = t.pool_state().await;
    let rate = t.rate_account().await;
    let clock = t.chain.clock().await;
    assert_eq!((rate.total_lamports, rate.lst_supply), (pool.total_lamports, pool.lst_supply));
    assert_eq!((rate.epoch, rate.unix_timestamp), (clock.epoch, clock.unix_timestamp));
    assert_eq!(rate.flags, 0, "rewards: no loss");
}

#[tokio::test]
async fn finalize_rejects_another_pools_rate_account() {
    let mut t = settled_pool().await;
    t.chain.advance_epoch().await;
    let keys = t.keys();
    let entries = t.chain.validator_list(&keys).await.entries;
    t.chain.process(&[ix::observe_validators(&ix::ObserveValidatorsParams { keys, first_index: 0, entries: &entries })], &[]).await.unwrap();
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let mut finalize = ix::finalize_epoch(&keys);
    swap_account(&mut finalize, &keys.rate, other.keys.rate);
    let snap = t.snapshot(&[keys.rate, other.keys.rate]).await;
    assert_error(t.chain.process(&[finalize], &[]).await, E::WrongRateAccount);
    snap.assert_same(&t.snapshot(&[keys.rate, other.keys.rate]).await);
}

#[tokio::test]
async fn a_drop_trips_the_breaker_until_the_admin_resets_it() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    let before = t.rate_account().await;
    // Resetting an untripped breaker is refused.
    let admin = t.pool.admin.insecure_clone();
    let ack = |r: &liquid_staking::state::ExchangeRate| (r.epoch, r.total_lamports, r.lst_supply);
    let (e, tl, ls) = ack(&before);
    assert_error(t.chain.process(&[ix::reset_rate_breaker(&keys, admin.pubkey(), e, tl, ls)], &[&admin]).await, E::RateBreakerNotTripped);

    // A stake account loses 1 SOL of ~60 (more than the 10 bps tolerance).
    t.slash(0, LAMPORTS_PER_SOL).await;
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let rate = t.rate_account().await;
    assert!(liquid_staking::math::rate_is_below(rate.total_lamports, rate.lst_supply, before.total_lamports, before.lst_supply), "the rate fell");
    assert_eq!(rate.flags, RATE_FLAG_BREAKER | RATE_FLAG_LOSS);

    // Only the admin resets it.
    let stranger = Keypair::new();
    let snap = t.snapshot(&[keys.rate]).await;
    let (e, tl, ls) = ack(&rate);
    assert_error(t.chain.process(&[ix::reset_rate_breaker(&keys, stranger.pubkey(), e, tl, ls)], &[&stranger]).await, E::NotAdmin);
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let mut wrong_rate = ix::reset_rate_breaker(&keys, admin.pubkey(), e, tl, ls);
    swap_account(&mut wrong_rate, &keys.rate, other.keys.rate);
    assert_error(t.chain.process(&[wrong_rate], &[&admin]).await, E::WrongRateAccount);
    snap.assert_same(&t.snapshot(&[keys.rate]).await);

    t.chain.process(&[ix::reset_rate_breaker(&keys, admin.pubkey(), e, tl, ls)], &[&admin]).await.unwrap();
    let reset = t.rate_account().await;
    assert_eq!(reset.flags, RATE_FLAG_LOSS, "the breaker is cleared, the loss still recorded");
    assert_eq!((reset.total_lamports, reset.lst_supply, reset.epoch), (rate.total_lamports, rate.lst_supply, rate.epoch));

    // The next settlement with rewards clears the loss flag.
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert_eq!(t.rate_account().await.flags, 0);
}

#[tokio::test]
async fn a_drop_within_tolerance_is_flagged_without_tripping() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    // The epoch's rewards and 0.001 SOL more of ~60 taken: a net loss under a basis point.
    let rewards = t.advance_epoch().await;
    t.slash(0, rewards + 1_000_000).await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert_eq!(t.rate_account().await.flags, RATE_FLAG_LOSS);
}

/// Runs this epoch's crank; returns finalize's log (where its events are).
async fn crank_logged(t: &mut TestContext) -> Vec<String> {
    let keys = t.keys();
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Observe).await {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    let logs = t.chain.process_logged(&[ix::finalize_epoch(&keys)], &[]).await.unwrap();
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    logs
}

/// Finding 4: observe adds up what stake accounts lost against their records, and the breaker
/// weighs that gross loss: a loss on one validator smaller than the epoch's rewards trips it
/// though the rate rose. Before the fix only the net move between settlements counted: nothing
/// tripped.
#[tokio::test]
async fn a_loss_masked_by_rewards_trips_the_breaker() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    let before = t.rate_account().await;
    t.advance_epoch().await;
    // 0.5% of the pool lost on one validator; SOL sent to the other one's stake account (as
    // rewards would be) more than makes up for it.
    let loss = before.total_lamports / 200;
    t.slash(0, loss).await;
    // What observe will see lost: the validator's record less what its account holds now (the
    // epoch's rewards on it make up for a little of the slash).
    let recorded = t.chain.validator_list(&keys).await.entries[0].total_lamports();
    let seen_lost = recorded - t.chain.lamports(&keys.validator_stake(&t.chain.vote_accounts[0])).await;
    let other = t.chain.vote_accounts[1];
    t.chain.fund(&keys.validator_stake(&other), 2 * loss).await;
    let logs = crank_logged(&mut t).await;
    let rate = t.rate_account().await;
    assert!(rate_is_below(before.total_lamports, before.lst_supply, rate.total_lamports, rate.lst_supply), "the rate rose");
    assert_eq!(rate.flags, RATE_FLAG_BREAKER | RATE_FLAG_LOSS);
    if let Some(trips) = events_in::<RateBreakerTrippedV2>(&logs) {
        assert_eq!(trips.len(), 1);
        assert!(trips[0].newly_tripped && trips[0].drop_bps == 0);
        assert_eq!(trips[0].loss_lamports, seen_lost);
        assert!(trips[0].loss_bps > 10);
    }
    assert_eq!((rate.pre_trip_epoch, rate.pre_trip_total_lamports, rate.pre_trip_lst_supply), (before.epoch, before.total_lamports, before.lst_supply));
}

/// Finding 4: a slow drawdown trips the breaker: two losses of 6 basis points, each within
/// tolerance of the settlement before, end 12 below the high-water mark. Before the fix each
/// settlement was compared with the one before only, and it never tripped.
#[tokio::test]
async fn a_slow_drawdown_trips_the_breaker() {
    let mut t = settled_pool().await;
    for vote in t.chain.vote_accounts.clone() {
        t.chain.stop_voting(&vote);
    }
    let high = t.rate_account().await;
    for round in 0..2 {
        assert_eq!(t.advance_epoch().await, 0, "no rewards: the validators stopped voting");
        let six_bps = t.rate_account().await.total_lamports * 6 / 10_000;
        t.slash(0, six_bps).await;
        let logs = crank_logged(&mut t).await;
        let rate = t.rate_account().await;
        let trips = events_in::<RateBreakerTrippedV2>(&logs);
        if round == 0 {
            assert_eq!(rate.flags, RATE_FLAG_LOSS, "6 bps: within tolerance");
            assert!(trips.is_none_or(|t| t.is_empty()));
        } else {
            assert_eq!(rate.flags, RATE_FLAG_BREAKER | RATE_FLAG_LOSS, "12 bps below the high-water mark");
            if let Some(trips) = trips {
                assert!(trips[0].drop_bps <= 10 && trips[0].drawdown_bps > 10, "{:?}", (trips[0].drop_bps, trips[0].drawdown_bps));
            }
            assert_eq!((rate.high_water_total_lamports, rate.high_water_lst_supply), (high.total_lamports, high.lst_supply));
        }
    }
}

/// Finding 5: while the breaker is tripped every further drop is reported (an event a
/// settlement), the snapshot from before the trip is kept, and a reset names the settlement it
/// acknowledges: the one the admin read is refused once a later drop has landed. Before the fix
/// later drops overwrote the rate without an event, and reset cleared whatever was there unseen.
#[tokio::test]
async fn every_drop_is_reported_and_a_reset_acknowledges_only_the_current_settlement() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    let admin = t.pool.admin.insecure_clone();
    let before = t.rate_account().await;
    t.advance_epoch().await;
    t.slash(0, LAMPORTS_PER_SOL).await;
    crank_logged(&mut t).await;
    let seen = t.rate_account().await;
    assert_eq!(seen.flags & RATE_FLAG_BREAKER, RATE_FLAG_BREAKER);

    // A second drop lands before the admin acts: reported, the pre-trip snapshot kept.
    t.advance_epoch().await;
    t.slash(1, LAMPORTS_PER_SOL).await;
    let logs = crank_logged(&mut t).await;
    let now = t.rate_account().await;
    assert!(now.total_lamports < seen.total_lamports && now.epoch > seen.epoch);
    assert_eq!((now.pre_trip_epoch, now.pre_trip_total_lamports), (before.epoch, before.total_lamports));
    if let Some(trips) = events_in::<RateBreakerTrippedV2>(&logs) {
        assert_eq!(trips.len(), 1, "the second drop is reported too");
        assert!(!trips[0].newly_tripped);
        assert_eq!((trips[0].previous_total_lamports, trips[0].total_lamports), (seen.total_lamports, now.total_lamports));
    }

    // Acknowledging what the admin read first is refused, and changes nothing.
    let snap = t.snapshot(&[keys.rate]).await;
    let stale = ix::reset_rate_breaker(&keys, admin.pubkey(), seen.epoch, seen.total_lamports, seen.lst_supply);
    assert_error(t.chain.process(&[stale], &[&admin]).await, E::RateAcknowledgementMismatch);
    snap.assert_same(&t.snapshot(&[keys.rate]).await);
    let current = ix::reset_rate_breaker(&keys, admin.pubkey(), now.epoch, now.total_lamports, now.lst_supply);
    let logs = t.chain.process_logged(&[current], &[&admin]).await.unwrap();
    if let Some(reset) = events_in::<RateBreakerReset>(&logs) {
        assert_eq!((reset[0].epoch, reset[0].total_lamports, reset[0].lst_supply), (now.epoch, now.total_lamports, now.lst_supply));
    }
    let after = t.rate_account().await;
    assert_eq!(after.flags & RATE_FLAG_BREAKER, 0);
    assert_eq!((after.high_water_total_lamports, after.high_water_lst_supply, after.pre_trip_epoch), (now.total_lamports, now.lst_supply, 0));
}
