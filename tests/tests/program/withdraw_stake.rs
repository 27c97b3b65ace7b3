use liquid_staking::{error::LiquidStakingError as E, state::PAUSED_INSTANT_EXITS};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_stake_interface::state::StakeStateV2;

/// Rent-exempt minimum of a stake account on this chain (program-test's default rent).
const STAKE_RENT: u64 = 2_282_880;

/// The SDK's three instructions: allocate the new stake account, withdraw_stake, name the staker.
fn withdraw_ix(t: &TestContext, owner: &Keypair, index: u32, vote: solana_pubkey::Pubkey, new_stake: &Keypair, lst_amount: u64) -> Vec<solana_instruction::Instruction> {
    ix::withdraw_stake(&ix::WithdrawStakeParams {
        keys: t.keys(),
        owner: owner.pubkey(),
        owner_lst: t.lst_account_of(&owner.pubkey()),
        index,
        vote_account: vote,
        new_stake: new_stake.pubkey(),
        stake_account_rent_lamports: STAKE_RENT,
        lst_amount,
        min_lamports_out: 0,
    })
}

async fn ready() -> (TestContext, Keypair) {
    let (mut t, user) = TestContext::staked(2, 60).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    (t, user)
}

#[tokio::test]
async fn splits_active_stake_into_an_account_the_user_owns() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    let before = t.pool_state().await;
    let lst = 5 * LAMPORTS_PER_SOL;
    let value = (lst as u128 * before.total_lamports as u128 / before.lst_supply as u128) as u64;
    let fee = (value * before.fees.stake_withdrawal_bps as u64).div_ceil(10_000);
    let new_stake = Keypair::new();
    let main_before = t.chain.lamports(&keys.validator_stake(&vote)).await;
    t.chain.process(&withdraw_ix(&t, &user, 0, vote, &new_stake, lst), &[&user, &new_stake]).await.unwrap();

    let account = t.chain.account(&new_stake.pubkey()).await.unwrap();
    let rent = t.chain.rent_exempt_minimum(200).await;
    assert_eq!(rent, STAKE_RENT);
    assert_eq!(account.lamports, value - fee + rent, "the stake plus the rent the user paid");
    let StakeStateV2::Stake(meta, stake, _) = bincode::deserialize(&account.data).unwrap() else { panic!() };
    assert_eq!((meta.authorized.staker, meta.authorized.withdrawer), (user.pubkey(), user.pubkey()));
    assert_eq!(stake.delegation.voter_pubkey, vote);
    assert_eq!(stake.delegation.stake, value - fee, "all of it is active stake");
    assert_eq!(t.chain.lamports(&keys.validator_stake(&vote)).await, main_before - (value - fee));
    let after = t.pool_state().await;
    assert_eq!((after.total_lamports, after.lst_supply), (before.total_lamports - (value - fee), before.lst_supply - lst));
    t.assert_books(0).await;
}

#[tokio::test]
async fn fails_below_the_minimum_above_what_the_validator_can_give_or_while_paused() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let new_stake = Keypair::new();
    let own = t.lst_account_of(&user.pubkey());
    let snap = t.snapshot(&[user.pubkey(), own, new_stake.pubkey()]).await;
    let signers = [&user, &new_stake];
    assert_error(t.chain.process(&withdraw_ix(&t, &user, 0, votes[0], &new_stake, LAMPORTS_PER_SOL / 2), &signers).await, E::StakeWithdrawalTooSmall);
    let main = t.chain.lamports(&keys.validator_stake(&votes[0])).await;
    assert_error(t.chain.process(&withdraw_ix(&t, &user, 0, votes[0], &new_stake, main), &signers).await, E::StakeWithdrawalTooLarge);
    assert_error(t.chain.process(&withdraw_ix(&t, &user, 0, votes[1], &new_stake, 2 * LAMPORTS_PER_SOL), &signers).await, E::ValidatorIndexMismatch);
    assert_error(t.chain.process(&withdraw_ix(&t, &user, 0, votes[0], &new_stake, 0), &signers).await, E::ZeroAmount);
    snap.assert_same(&t.snapshot(&[user.pubkey(), own, new_stake.pubkey()]).await);
    let guardian = t.pool.pause_guardian.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), PAUSED_INSTANT_EXITS)], &[&guardian]).await.unwrap();
    let snap = t.snapshot(&[user.pubkey(), own, new_stake.pubkey()]).await;
    assert_error(t.chain.process(&withdraw_ix(&t, &user, 0, votes[0], &new_stake, 2 * LAMPORTS_PER_SOL), &signers).await, E::InstantExitsPaused);
    snap.assert_same(&t.snapshot(&[user.pubkey(), own, new_stake.pubkey()]).await);
}

#[tokio::test]
async fn fails_while_the_validator_stake_is_still_activating() {
    // Right after the first crank the validator's stake account is still activating.
    let (mut t, user) = TestContext::staked(1, 30).await;
    let vote = t.chain.vote_accounts[0];
    let new_stake = Keypair::new();
    let own = t.lst_account_of(&user.pubkey());
    let snap = t.snapshot(&[user.pubkey(), own]).await;
    let result = t.chain.process(&withdraw_ix(&t, &user, 0, vote, &new_stake, 2 * LAMPORTS_PER_SOL), &[&user, &new_stake]).await;
    assert_error(result, E::StakeNotActive);
    snap.assert_same(&t.snapshot(&[user.pubkey(), own]).await);
}

#[tokio::test]
async fn fails_into_an_account_the_stake_program_does_not_own() {
    let (mut t, user) = ready().await;
    let vote = t.chain.vote_accounts[0];
    let new_stake = Keypair::new();
    let own = t.lst_account_of(&user.pubkey());
    let mut instructions = withdraw_ix(&t, &user, 0, vote, &new_stake, 2 * LAMPORTS_PER_SOL);
    // Allocated for the system program instead of the Stake program.
    instructions.remove(2);
    let snap = t.snapshot(&[user.pubkey(), own, new_stake.pubkey()]).await;
    assert_error(t.chain.process(&instructions, &[&user, &new_stake]).await, E::StakeAccountNotOwnedByStakeProgram);
    snap.assert_same(&t.snapshot(&[user.pubkey(), own, new_stake.pubkey()]).await);
}
