//! The exchange-rate account lenders read: written at creation and by every finalize, its
//! breaker tripped by a drop and reset by the admin only.
use liquid_staking::{
    constants::RATE_VERSION,
    error::LiquidStakingError as E,
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
