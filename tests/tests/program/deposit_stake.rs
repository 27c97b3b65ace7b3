use liquid_staking::{error::LiquidStakingError as E, state::PAUSED_DEPOSITS};
use liquid_staking_localnet::setup;
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn deposit_ix(t: &TestContext, depositor: &Keypair, index: u32, vote: solana_pubkey::Pubkey, stake: &Keypair) -> solana_instruction::Instruction {
    ix::deposit_stake(&ix::DepositStakeParams {
        keys: t.keys(),
        depositor: depositor.pubkey(),
        recipient_lst: t.lst_account_of(&depositor.pubkey()),
        index,
        vote_account: vote,
        deposit_stake: stake.pubkey(),
        min_lst_out: 0,
    })
}

/// A pool with 2 of the chain's 3 validators (the third is not in the pool), after a full epoch,
/// and a depositor with an LST account and a stake account delegated to `vote_index`, activated.
async fn ready(vote_index: usize, stake_lamports: u64) -> (TestContext, Keypair, Keypair) {
    let mut t = TestContext::new(3).await;
    t.user_with_deposit(60 * LAMPORTS_PER_SOL).await;
    let votes = t.chain.vote_accounts.clone();
    for vote in &votes[..2] {
        t.add_validator(*vote, 100).await.unwrap();
    }
    let keys = t.keys();
    run_crank(&mut t.chain, &keys).await.unwrap();
    let depositor = setup::funded_wallet(&mut t.chain, stake_lamports + 10 * LAMPORTS_PER_SOL).await;
    let create = ix::create_lst_account(&depositor.pubkey(), &depositor.pubkey(), &keys.lst_mint);
    t.chain.process(&[create], &[&depositor]).await.unwrap();
    let stake = t.user_stake_account(&depositor, &votes[vote_index], stake_lamports).await;
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    (t, depositor, stake)
}

#[tokio::test]
async fn merges_active_stake_and_sends_padding_to_the_reserve() {
    let (mut t, depositor, stake) = ready(0, 5 * LAMPORTS_PER_SOL).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    // Pad the stake account with 2 SOL of undelegated lamports.
    t.chain.fund(&stake.pubkey(), 2 * LAMPORTS_PER_SOL).await;
    let account = t.chain.account(&stake.pubkey()).await.unwrap();
    let solana_stake_interface::state::StakeStateV2::Stake(_, s, _) = bincode::deserialize(&account.data).unwrap() else { panic!() };
    let delegated = s.delegation.stake;
    let lamports = account.lamports;
    let before = t.pool_state().await;
    let main_before = t.chain.lamports(&keys.validator_stake(&vote)).await;
    let reserve_before = t.chain.lamports(&keys.reserve).await;
    t.chain.process(&[deposit_ix(&t, &depositor, 0, vote, &stake)], &[&depositor]).await.unwrap();

    assert!(t.chain.account(&stake.pubkey()).await.is_none(), "merged into the pool's stake account");
    assert_eq!(t.chain.lamports(&keys.validator_stake(&vote)).await, main_before + delegated, "only delegated stake joins the stake");
    assert_eq!(t.chain.lamports(&keys.reserve).await, reserve_before + (lamports - delegated), "rent and padding go to the reserve");
    let expected = (lamports as u128 * before.lst_supply as u128 / before.total_lamports as u128) as u64;
    assert_eq!(t.lst_balance(&depositor.pubkey()).await, expected);
    let after = t.pool_state().await;
    assert_eq!((after.total_lamports, after.lst_supply), (before.total_lamports + lamports, before.lst_supply + expected));
    t.assert_books(0).await;
}

#[tokio::test]
async fn fails_for_a_validator_outside_the_pool() {
    let (mut t, depositor, stake) = ready(2, 3 * LAMPORTS_PER_SOL).await;
    let votes = t.chain.vote_accounts.clone();
    let snap = t.snapshot(&[stake.pubkey(), depositor.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &depositor, 0, votes[0], &stake)], &[&depositor]).await, E::StakeDelegatedToWrongValidator);
    assert_error(t.chain.process(&[deposit_ix(&t, &depositor, 0, votes[2], &stake)], &[&depositor]).await, E::ValidatorIndexMismatch);
    snap.assert_same(&t.snapshot(&[stake.pubkey(), depositor.pubkey()]).await);
}

#[tokio::test]
async fn fails_for_activating_stake_someone_elses_stake_or_while_paused() {
    let (mut t, depositor, _) = ready(0, 3 * LAMPORTS_PER_SOL).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    // Activating: delegated this epoch.
    let fresh = t.user_stake_account(&depositor, &vote, 3 * LAMPORTS_PER_SOL).await;
    let snap = t.snapshot(&[fresh.pubkey(), depositor.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &depositor, 0, vote, &fresh)], &[&depositor]).await, E::StakeNotActive);
    // Someone else's stake account.
    let thief = setup::funded_wallet(&mut t.chain, LAMPORTS_PER_SOL).await;
    let create = ix::create_lst_account(&thief.pubkey(), &thief.pubkey(), &keys.lst_mint);
    t.chain.process(&[create], &[&thief]).await.unwrap();
    let snap_thief = t.snapshot(&[fresh.pubkey(), thief.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &thief, 0, vote, &fresh)], &[&thief]).await, E::WrongStakeAuthority);
    snap_thief.assert_same(&t.snapshot(&[fresh.pubkey(), thief.pubkey()]).await);
    // Paused.
    snap.assert_same(&t.snapshot(&[fresh.pubkey(), depositor.pubkey()]).await);
    let guardian = t.pool.pause_guardian.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), PAUSED_DEPOSITS)], &[&guardian]).await.unwrap();
    let snap = t.snapshot(&[fresh.pubkey(), depositor.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &depositor, 0, vote, &fresh)], &[&depositor]).await, E::DepositsPaused);
    snap.assert_same(&t.snapshot(&[fresh.pubkey(), depositor.pubkey()]).await);
}
