use liquid_staking::error::LiquidStakingError as E;
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_tests::*;
use solana_signer::Signer;

/// A large delayed exit: the crank unstakes for it, the SOL lands in the reserve, the owner claims.
#[tokio::test]
async fn the_crank_unstakes_for_tickets_and_the_owner_claims_in_full() {
    let (mut t, user) = TestContext::staked(3, 90).await;
    let keys = t.keys();
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await;
    let lst = t.lst_balance(&user.pubkey()).await / 2;
    let ticket = t.order_unstake(&user, lst).await.unwrap();
    let owed = t.pool_state().await.owed_lamports;
    t.assert_books(0).await;
    let snap = t.snapshot(&[user.pubkey(), ticket]).await;
    assert_error(t.claim_ticket(&user, &ticket).await, E::TicketNotClaimableYet);
    snap.assert_same(&t.snapshot(&[user.pubkey(), ticket]).await);

    // Same epoch: the crank's rebalance already unstakes what the ticket needs.
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await {
        t.chain.process(&tx, &[]).await.unwrap();
        t.assert_books(0).await;
    }
    let pool = t.pool_state().await;
    assert!(pool.unstaking_lamports >= owed.saturating_sub(pool.reserve_free_lamports(t.chain.lamports(&keys.reserve).await)));

    // Next epoch the stake is inactive; observe brings it to the reserve; the claim pays in full.
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await;
    let wallet_before = t.chain.lamports(&user.pubkey()).await;
    let ticket_rent = t.chain.lamports(&ticket).await;
    t.claim_ticket(&user, &ticket).await.unwrap();
    assert_eq!(t.chain.lamports(&user.pubkey()).await, wallet_before + owed + ticket_rent);
    assert!(t.chain.account(&ticket).await.is_none(), "ticket closed");
    assert_eq!(t.pool_state().await.owed_lamports, 0);
    assert_eq!(t.pool_state().await.unstaking_lamports, 0);
    t.assert_books(0).await;
    // Claiming twice: the ticket no longer exists.
    assert_anchor_error(t.claim_ticket(&user, &ticket).await, anchor_lang::error::ErrorCode::AccountNotInitialized);
}

#[tokio::test]
async fn waits_for_the_reserve_when_the_stake_is_still_deactivating() {
    let (mut t, user) = TestContext::staked(2, 60).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let half = t.lst_balance(&user.pubkey()).await / 2;
    let ticket = t.order_unstake(&user, half).await.unwrap();
    // No crank this epoch: nothing was unstaked. Next epoch the ticket is due but unfunded.
    t.chain.advance_epoch().await;
    let snap = t.snapshot(&[user.pubkey(), ticket]).await;
    assert_error(t.claim_ticket(&user, &ticket).await, E::ReserveAwaitingUnstake);
    snap.assert_same(&t.snapshot(&[user.pubkey(), ticket]).await);
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.claim_ticket(&user, &ticket).await.unwrap();
    t.assert_books(0).await;
}

#[tokio::test]
async fn fails_for_another_owner_or_another_pools_ticket() {
    let (mut t, user) = TestContext::staked(1, 20).await;
    let keys = t.keys();
    let ticket = t.order_unstake(&user, LAMPORTS_PER_SOL).await.unwrap();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let thief = setup::funded_wallet(&mut t.chain, LAMPORTS_PER_SOL).await;
    let snap = t.snapshot(&[user.pubkey(), thief.pubkey(), ticket]).await;
    assert_error(t.claim_ticket(&thief, &ticket).await, E::NotTicketOwner);
    snap.assert_same(&t.snapshot(&[user.pubkey(), thief.pubkey(), ticket]).await);

    // A ticket of another pool (same owner) cannot be paid from this pool's reserve.
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let this_pool = std::mem::replace(&mut t.pool, other);
    setup::deposit_sol(&mut t.chain, &t.pool.keys, &user, 2 * LAMPORTS_PER_SOL, 0).await.unwrap();
    let foreign_ticket = t.order_unstake(&user, LAMPORTS_PER_SOL).await.unwrap();
    t.pool = this_pool;
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let snap = t.snapshot(&[user.pubkey(), foreign_ticket]).await;
    assert_error(t.claim_ticket(&user, &foreign_ticket).await, E::TicketPoolMismatch);
    snap.assert_same(&t.snapshot(&[user.pubkey(), foreign_ticket]).await);
    // The rightful claim still works.
    t.claim_ticket(&user, &ticket).await.unwrap();
}
