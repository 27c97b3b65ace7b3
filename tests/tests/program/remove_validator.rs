use liquid_staking::{error::LiquidStakingError as E, state::VALIDATOR_STATUS_REMOVING};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn remove_ix(t: &TestContext, operator: &Keypair, index: u32, vote: solana_pubkey::Pubkey) -> solana_instruction::Instruction {
    ix::remove_validator(&ix::RemoveValidatorParams { keys: t.keys(), operator: operator.pubkey(), index, vote_account: vote })
}

#[tokio::test]
async fn stake_winds_down_into_the_reserve_without_leaving_the_total() {
    let (mut t, _) = TestContext::staked(3, 60).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let votes = t.chain.vote_accounts.clone();
    let leaving = votes[1];
    let operator = t.pool.operator.insecure_clone();
    let total_before = t.pool_state().await.total_lamports;
    t.chain.process(&[remove_ix(&t, &operator, 1, leaving)], &[&operator]).await.unwrap();
    t.assert_books(0).await;
    let list = t.chain.validator_list(&keys).await;
    assert_eq!(list.entries[1].status, VALIDATOR_STATUS_REMOVING);
    assert_eq!(t.pool_state().await.total_lamports, total_before);
    assert_eq!(t.pool_state().await.total_weight, 200);

    // Next epoch the stake is inactive: the crank returns it to the reserve and drops the entry.
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await;
    let pool = t.pool_state().await;
    assert_eq!(pool.total_lamports, total_before + rewards, "every lamport of the removed stake is still counted");
    assert_eq!(pool.validator_count, 2);
    let list = t.chain.validator_list(&keys).await;
    assert!(list.entries.iter().all(|e| e.vote_account != leaving));
    assert!(t.chain.account(&keys.validator_stake(&leaving)).await.is_none(), "stake account closed");
    // The validator can come back later.
    t.add_validator(leaving, 100).await.unwrap();
}

#[tokio::test]
async fn fails_when_not_the_operator_wrong_validator_or_already_removing() {
    let (mut t, _) = TestContext::staked(2, 10).await;
    let votes = t.chain.vote_accounts.clone();
    let intruder = Keypair::new();
    let operator = t.pool.operator.insecure_clone();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[remove_ix(&t, &intruder, 0, votes[0])], &[&intruder]).await, E::NotOperator);
    assert_error(t.chain.process(&[remove_ix(&t, &operator, 0, votes[1])], &[&operator]).await, E::ValidatorIndexMismatch);
    snap.assert_same(&t.snapshot(&[]).await);
    t.chain.process(&[remove_ix(&t, &operator, 0, votes[0])], &[&operator]).await.unwrap();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[remove_ix(&t, &operator, 0, votes[0])], &[&operator]).await, E::ValidatorRemoving);
    snap.assert_same(&t.snapshot(&[]).await);
}
