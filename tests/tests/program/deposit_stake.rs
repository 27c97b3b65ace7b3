use liquid_staking::{error::LiquidStakingError as E, state::PAUSED_DEPOSITS};
use liquid_staking_localnet::setup;
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// The SDK's three instructions: hand the account's staker and withdrawer to the pool, deposit.
fn deposit_ix(t: &TestContext, depositor: &Keypair, index: u32, vote: solana_pubkey::Pubkey, stake: &Keypair) -> Vec<solana_instruction::Instruction> {
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
async fn merges_active_stake_and_observe_moves_the_padding_to_the_reserve() {
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
    t.chain.process(&deposit_ix(&t, &depositor, 0, vote, &stake), &[&depositor]).await.unwrap();

    assert!(t.chain.account(&stake.pubkey()).await.is_none(), "merged into the pool's stake account");
    assert_eq!(t.chain.lamports(&keys.validator_stake(&vote)).await, main_before + lamports, "merged whole");
    assert_eq!(t.chain.lamports(&keys.reserve).await, reserve_before);
    let expected = (lamports as u128 * before.lst_supply as u128 / before.total_lamports as u128) as u64;
    assert_eq!(t.lst_balance(&depositor.pubkey()).await, expected);
    let after = t.pool_state().await;
    assert_eq!((after.total_lamports, after.lst_supply), (before.total_lamports + lamports, before.lst_supply + expected));
    t.assert_books(0).await;

    // At the next crank observe moves what is not stake (rent and padding) to the reserve.
    t.chain.advance_epoch().await;
    let reserve = t.chain.lamports(&keys.reserve).await;
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Observe).await {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    let main = t.chain.account(&keys.validator_stake(&vote)).await.unwrap();
    let solana_stake_interface::state::StakeStateV2::Stake(_, s, _) = bincode::deserialize(&main.data).unwrap() else { panic!() };
    let excess = main.lamports - t.chain.rent_exempt_minimum(200).await - s.delegation.stake;
    assert!(excess < LAMPORTS_PER_SOL, "only stake, rent and dust below the minimum delegation stay: {excess}");
    assert!(t.chain.lamports(&keys.reserve).await >= reserve + (lamports - delegated), "rent and padding reach the reserve");
}

#[tokio::test]
async fn fails_for_a_validator_outside_the_pool() {
    let (mut t, depositor, stake) = ready(2, 3 * LAMPORTS_PER_SOL).await;
    let votes = t.chain.vote_accounts.clone();
    let snap = t.snapshot(&[stake.pubkey(), depositor.pubkey()]).await;
    assert_error(t.chain.process(&deposit_ix(&t, &depositor, 0, votes[0], &stake), &[&depositor]).await, E::StakeDelegatedToWrongValidator);
    assert_error(t.chain.process(&deposit_ix(&t, &depositor, 0, votes[2], &stake), &[&depositor]).await, E::ValidatorIndexMismatch);
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
    assert_error(t.chain.process(&deposit_ix(&t, &depositor, 0, vote, &fresh), &[&depositor]).await, E::StakeNotActive);
    // Someone else's stake account.
    let thief = setup::funded_wallet(&mut t.chain, LAMPORTS_PER_SOL).await;
    let create = ix::create_lst_account(&thief.pubkey(), &thief.pubkey(), &keys.lst_mint);
    t.chain.process(&[create], &[&thief]).await.unwrap();
    let snap_thief = t.snapshot(&[fresh.pubkey(), thief.pubkey()]).await;
    // The thief cannot hand it over (the Stake program wants the owner's signature), and the
    // deposit alone finds it is not the pool's.
    let steal = deposit_ix(&t, &thief, 0, vote, &fresh);
    assert!(t.chain.process(&steal, &[&thief]).await.is_err(), "the Stake program refuses the hand-over");
    assert_error(t.chain.process(&steal[2..], &[&thief]).await, E::WrongStakeAuthority);
    snap_thief.assert_same(&t.snapshot(&[fresh.pubkey(), thief.pubkey()]).await);
    // Paused.
    snap.assert_same(&t.snapshot(&[fresh.pubkey(), depositor.pubkey()]).await);
    let guardian = t.pool.pause_guardian.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), PAUSED_DEPOSITS)], &[&guardian]).await.unwrap();
    let snap = t.snapshot(&[fresh.pubkey(), depositor.pubkey()]).await;
    assert_error(t.chain.process(&deposit_ix(&t, &depositor, 0, vote, &fresh), &[&depositor]).await, E::DepositsPaused);
    snap.assert_same(&t.snapshot(&[fresh.pubkey(), depositor.pubkey()]).await);
}

/// The owner must hand the account to the pool in the deposit's own transaction: a stake account
/// handed over earlier cannot be deposited by anyone, so nobody can take LST for someone else's
/// stake (a thief seeing it), and nothing moves.
#[tokio::test]
async fn fails_for_stake_handed_to_the_pool_outside_the_deposit_transaction() {
    let (mut t, depositor, stake) = ready(0, 3 * LAMPORTS_PER_SOL).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    let mut instructions = deposit_ix(&t, &depositor, 0, vote, &stake);
    let deposit_only = instructions.pop().unwrap();
    t.chain.process(&instructions, &[&depositor]).await.unwrap();
    let thief = setup::funded_wallet(&mut t.chain, LAMPORTS_PER_SOL).await;
    let create = ix::create_lst_account(&thief.pubkey(), &thief.pubkey(), &keys.lst_mint);
    t.chain.process(&[create], &[&thief]).await.unwrap();
    let steal = deposit_ix(&t, &thief, 0, vote, &stake).pop().unwrap();
    let snap = t.snapshot(&[stake.pubkey(), depositor.pubkey(), thief.pubkey()]).await;
    assert_error(t.chain.process(&[steal], &[&thief]).await, E::StakeNotHandedOver);
    assert_error(t.chain.process(&[deposit_only.clone()], &[&depositor]).await, E::StakeNotHandedOver);
    snap.assert_same(&t.snapshot(&[stake.pubkey(), depositor.pubkey(), thief.pubkey()]).await);
}

/// Without the hand-over the account still belongs to the depositor: refused by name.
#[tokio::test]
async fn fails_for_stake_still_owned_by_the_depositor() {
    let (mut t, depositor, stake) = ready(0, 3 * LAMPORTS_PER_SOL).await;
    let vote = t.chain.vote_accounts[0];
    let deposit_only = deposit_ix(&t, &depositor, 0, vote, &stake).pop().unwrap();
    let snap = t.snapshot(&[stake.pubkey(), depositor.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_only], &[&depositor]).await, E::WrongStakeAuthority);
    snap.assert_same(&t.snapshot(&[stake.pubkey(), depositor.pubkey()]).await);
}
