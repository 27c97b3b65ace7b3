use liquid_staking::{error::LiquidStakingError as E, state::*};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[tokio::test]
async fn the_guardian_pauses_and_only_the_admin_unpauses() {
    let (mut t, user) = TestContext::staked(1, 30).await;
    let keys = t.keys();
    let guardian = t.pool.pause_guardian.insecure_clone();
    let admin = t.pool.admin.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), PAUSED_DEPOSITS | PAUSED_REBALANCING)], &[&guardian]).await.unwrap();
    assert_eq!(t.pool_state().await.paused, PAUSED_DEPOSITS | PAUSED_REBALANCING);

    let snap = t.snapshot(&[user.pubkey()]).await;
    let deposit = ix::deposit_sol(&ix::DepositSolParams {
        keys,
        depositor: user.pubkey(),
        recipient_lst: t.lst_account_of(&user.pubkey()),
        lamports: LAMPORTS_PER_SOL,
        min_lst_out: 0,
    });
    assert_error(t.chain.process(&[deposit.clone()], &[&user]).await, E::DepositsPaused);
    let vote = t.chain.vote_accounts[0];
    let rebalance = ix::rebalance_validator(&ix::RebalanceValidatorParams { keys, index: 0, vote_account: vote, payer: t.chain.payer_pubkey() });
    assert_error(t.chain.process(&[rebalance], &[]).await, E::RebalancingPaused);
    // The guardian cannot unpause, a stranger cannot pause.
    assert_error(t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), 0)], &[&guardian]).await, E::OnlyAdminCanUnpause);
    let stranger = Keypair::new();
    assert_error(t.chain.process(&[ix::set_pause(&keys, &stranger.pubkey(), PAUSED_ALL)], &[&stranger]).await, E::NotPauseGuardian);
    snap.assert_same(&t.snapshot(&[user.pubkey()]).await);

    // The crank's observe and finalize keep running while paused: the rate stays fresh.
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert_eq!(t.pool_state().await.last_update_epoch, t.chain.epoch().await);

    t.chain.process(&[ix::set_pause(&keys, &admin.pubkey(), 0)], &[&admin]).await.unwrap();
    t.chain.process(&[deposit], &[&user]).await.unwrap();
}
