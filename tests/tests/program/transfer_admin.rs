use liquid_staking::error::LiquidStakingError as E;
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[tokio::test]
async fn admin_moves_in_two_steps_and_roles_change_with_the_admin() {
    let mut t = TestContext::new(0).await;
    let keys = t.keys();
    let admin = t.pool.admin.insecure_clone();
    let next = Keypair::new();
    let stranger = Keypair::new();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::propose_admin(&keys, &stranger.pubkey(), stranger.pubkey())], &[&stranger]).await, E::NotAdmin);
    assert_error(
        t.chain.process(&[ix::set_roles(&keys, &stranger.pubkey(), stranger.pubkey(), stranger.pubkey(), stranger.pubkey())], &[&stranger]).await,
        E::NotAdmin,
    );
    snap.assert_same(&t.snapshot(&[]).await);

    t.chain.process(&[ix::propose_admin(&keys, &admin.pubkey(), next.pubkey())], &[&admin]).await.unwrap();
    assert_eq!(t.pool_state().await.admin, admin.pubkey(), "proposing changes nothing yet");
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::accept_admin(&keys, &stranger.pubkey())], &[&stranger]).await, E::NotProposedAdmin);
    snap.assert_same(&t.snapshot(&[]).await);
    t.chain.process(&[ix::accept_admin(&keys, &next.pubkey())], &[&next]).await.unwrap();
    assert_eq!(t.pool_state().await.admin, next.pubkey());

    let operator = Keypair::new();
    let guardian = Keypair::new();
    let treasurer = Keypair::new();
    t.chain.process(&[ix::set_roles(&keys, &next.pubkey(), operator.pubkey(), guardian.pubkey(), treasurer.pubkey())], &[&next]).await.unwrap();
    let pool = t.pool_state().await;
    assert_eq!((pool.operator, pool.pause_guardian, pool.treasury_authority), (operator.pubkey(), guardian.pubkey(), treasurer.pubkey()));
}
