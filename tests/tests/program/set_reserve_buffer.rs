//! set_reserve_buffer: within its floor and cap, in force from the first settlement two epoch
//! boundaries later (issue 23, finding 2: the buffer had no floor and no setter).
use liquid_staking::{constants::*, error::LiquidStakingError as E};
use liquid_staking_localnet::setup::PoolConfig;
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[tokio::test]
async fn a_new_buffer_applies_from_the_second_settlement_after_it_is_set() {
    let mut t = TestContext::new(0).await;
    let keys = t.keys();
    let admin = t.pool.admin.insecure_clone();
    let epoch = t.chain.epoch().await;
    assert_eq!(t.pool_state().await.reserve_buffer_bps, 1_000);
    t.chain.process(&[ix::set_reserve_buffer(&keys, &admin.pubkey(), 200)], &[&admin]).await.unwrap();
    let pool = t.pool_state().await;
    assert_eq!((pool.reserve_buffer_bps, pool.pending_reserve_buffer_bps, pool.pending_reserve_buffer_epoch), (1_000, 200, epoch + FEE_INCREASE_DELAY_EPOCHS));
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert_eq!(t.pool_state().await.reserve_buffer_bps, 1_000, "one boundary is not enough");
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let pool = t.pool_state().await;
    assert_eq!((pool.reserve_buffer_bps, pool.pending_reserve_buffer_epoch), (200, 0));
    assert_eq!(pool.instant_curve_target_lamports, pool.buffer_target_lamports().unwrap(), "the fee curve follows the new buffer");
}

#[tokio::test]
async fn setting_the_buffer_in_force_cancels_a_pending_change() {
    let mut t = TestContext::new(0).await;
    let keys = t.keys();
    let admin = t.pool.admin.insecure_clone();
    t.chain.process(&[ix::set_reserve_buffer(&keys, &admin.pubkey(), MAX_RESERVE_BUFFER_BPS)], &[&admin]).await.unwrap();
    t.chain.process(&[ix::set_reserve_buffer(&keys, &admin.pubkey(), 1_000)], &[&admin]).await.unwrap();
    let pool = t.pool_state().await;
    assert_eq!((pool.reserve_buffer_bps, pool.pending_reserve_buffer_bps, pool.pending_reserve_buffer_epoch), (1_000, 0, 0));
}

#[tokio::test]
async fn fails_for_a_stranger_or_outside_the_bounds() {
    let mut t = TestContext::new(0).await;
    let keys = t.keys();
    let admin = t.pool.admin.insecure_clone();
    let stranger = Keypair::new();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::set_reserve_buffer(&keys, &stranger.pubkey(), 500)], &[&stranger]).await, E::NotAdmin);
    assert_error(t.chain.process(&[ix::set_reserve_buffer(&keys, &admin.pubkey(), MIN_RESERVE_BUFFER_BPS - 1)], &[&admin]).await, E::ReserveBufferTooLow);
    assert_error(t.chain.process(&[ix::set_reserve_buffer(&keys, &admin.pubkey(), 0)], &[&admin]).await, E::ReserveBufferTooLow);
    assert_error(t.chain.process(&[ix::set_reserve_buffer(&keys, &admin.pubkey(), MAX_RESERVE_BUFFER_BPS + 1)], &[&admin]).await, E::ReserveBufferTooHigh);
    snap.assert_same(&t.snapshot(&[]).await);
}

#[tokio::test]
async fn a_pool_cannot_be_created_without_a_buffer() {
    let config = PoolConfig { reserve_buffer_bps: 0, ..PoolConfig::default() };
    let mut chain = liquid_staking_localnet::LocalChain::start(0).await;
    assert_error(liquid_staking_localnet::setup::create_pool(&mut chain, &config).await.map(|_| ()), E::ReserveBufferTooLow);
}
