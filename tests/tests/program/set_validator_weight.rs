use liquid_staking::error::LiquidStakingError as E;
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn weight_ix(t: &TestContext, operator: &Keypair, index: u32, vote: solana_pubkey::Pubkey, weight: u32) -> solana_instruction::Instruction {
    ix::set_validator_weight(&ix::SetValidatorWeightParams { keys: t.keys(), operator: operator.pubkey(), index, vote_account: vote, weight })
}

#[tokio::test]
async fn new_weights_steer_the_next_rebalance() {
    let (mut t, _) = TestContext::staked(2, 40).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let operator = t.pool.operator.insecure_clone();
    t.chain.process(&[weight_ix(&t, &operator, 0, votes[0], 300)], &[&operator]).await.unwrap();
    assert_eq!(t.pool_state().await.total_weight, 400);
    // New SOL arrives; after the next crank validator 0 holds three times validator 1's stake.
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.user_with_deposit(40 * LAMPORTS_PER_SOL).await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let list = t.chain.validator_list(&keys).await;
    let (a, b) = (list.entries[0].total_lamports(), list.entries[1].total_lamports());
    assert!(a > 2 * b, "validator 0 ({a}) should hold much more than validator 1 ({b})");
    t.assert_books(0).await;
}

#[tokio::test]
async fn fails_when_not_signed_by_the_operator_or_for_the_wrong_validator() {
    let (mut t, _) = TestContext::staked(2, 10).await;
    let votes = t.chain.vote_accounts.clone();
    let intruder = Keypair::new();
    let operator = t.pool.operator.insecure_clone();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[weight_ix(&t, &intruder, 0, votes[0], 5)], &[&intruder]).await, E::NotOperator);
    assert_error(t.chain.process(&[weight_ix(&t, &operator, 0, votes[1], 5)], &[&operator]).await, E::ValidatorIndexMismatch);
    assert_error(t.chain.process(&[weight_ix(&t, &operator, 9, votes[0], 5)], &[&operator]).await, E::ValidatorIndexOutOfRange);
    snap.assert_same(&t.snapshot(&[]).await);
}
