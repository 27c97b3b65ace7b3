use liquid_staking::{constants::*, error::LiquidStakingError as E, state::VALIDATOR_STATUS_ACTIVE};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_stake_interface::state::StakeStateV2;

#[tokio::test]
async fn creates_a_delegated_pool_stake_account_from_the_reserve() {
    let mut t = TestContext::new(1).await;
    let keys = t.keys();
    t.user_with_deposit(10 * LAMPORTS_PER_SOL).await;
    let vote = t.chain.vote_accounts[0];
    let before = t.pool_state().await;
    let reserve_before = t.chain.lamports(&keys.reserve).await;
    t.add_validator(vote, 7).await.unwrap();

    let stake_rent = t.chain.rent_exempt_minimum(STAKE_ACCOUNT_SPACE as usize).await;
    let funded = stake_rent + MIN_STAKE_DELEGATION_LAMPORTS;
    let stake = t.chain.account(&keys.validator_stake(&vote)).await.unwrap();
    assert_eq!(stake.owner, solana_stake_interface::program::ID);
    assert_eq!(stake.lamports, funded);
    let StakeStateV2::Stake(meta, s, _) = bincode::deserialize(&stake.data).unwrap() else { panic!("not delegated") };
    assert_eq!((meta.authorized.staker, meta.authorized.withdrawer), (keys.pool, keys.pool));
    assert_eq!(s.delegation.voter_pubkey, vote);
    assert_eq!(t.chain.lamports(&keys.reserve).await, reserve_before - funded);

    let after = t.pool_state().await;
    assert_eq!(after.total_lamports, before.total_lamports, "no value moves out of the pool");
    assert_eq!((after.validator_count, after.total_weight, after.stake_lamports), (1, 7, funded));
    let list = t.chain.validator_list(&keys).await;
    let e = list.entries[0];
    assert_eq!((e.vote_account, e.weight, e.status, e.active_stake_lamports), (vote, 7, VALIDATOR_STATUS_ACTIVE, funded));
    t.assert_books(0).await;
}

fn add_ix(t: &TestContext, operator: &Keypair, vote: solana_pubkey::Pubkey) -> solana_instruction::Instruction {
    ix::add_validator(&ix::AddValidatorParams { keys: t.keys(), operator: operator.pubkey(), vote_account: vote, weight: 1 })
}

#[tokio::test]
async fn fails_when_not_signed_by_the_operator() {
    let mut t = TestContext::new(1).await;
    t.user_with_deposit(10 * LAMPORTS_PER_SOL).await;
    let vote = t.chain.vote_accounts[0];
    let intruder = Keypair::new();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[add_ix(&t, &intruder, vote)], &[&intruder]).await, E::NotOperator);
    // The admin is not the operator either.
    let admin = t.pool.admin.insecure_clone();
    assert_error(t.chain.process(&[add_ix(&t, &admin, vote)], &[&admin]).await, E::NotOperator);
    snap.assert_same(&t.snapshot(&[]).await);
}

#[tokio::test]
async fn fails_when_the_validator_is_already_in_the_pool() {
    let mut t = TestContext::new(1).await;
    t.user_with_deposit(10 * LAMPORTS_PER_SOL).await;
    let vote = t.chain.vote_accounts[0];
    t.add_validator(vote, 1).await.unwrap();
    let snap = t.snapshot(&[]).await;
    let operator = t.pool.operator.insecure_clone();
    assert_error(t.chain.process(&[add_ix(&t, &operator, vote)], &[&operator]).await, E::ValidatorAlreadyAdded);
    snap.assert_same(&t.snapshot(&[]).await);
}

#[tokio::test]
async fn fails_when_the_account_is_not_a_vote_account() {
    let mut t = TestContext::new(0).await;
    t.user_with_deposit(10 * LAMPORTS_PER_SOL).await;
    let not_vote = Keypair::new().pubkey();
    t.chain.fund(&not_vote, LAMPORTS_PER_SOL).await;
    let snap = t.snapshot(&[not_vote]).await;
    let operator = t.pool.operator.insecure_clone();
    assert_error(t.chain.process(&[add_ix(&t, &operator, not_vote)], &[&operator]).await, E::InvalidVoteAccount);
    snap.assert_same(&t.snapshot(&[not_vote]).await);
}

#[tokio::test]
async fn fails_when_the_reserve_cannot_fund_the_stake_account() {
    // Only the 1 SOL initial deposit: less than rent + the minimum delegation.
    let mut t = TestContext::new(1).await;
    let vote = t.chain.vote_accounts[0];
    let snap = t.snapshot(&[]).await;
    let operator = t.pool.operator.insecure_clone();
    assert_error(t.chain.process(&[add_ix(&t, &operator, vote)], &[&operator]).await, E::ReserveTooLow);
    snap.assert_same(&t.snapshot(&[]).await);
}
