//! Regression tests for failures seen in earlier protocols (shared/design.md).
use liquid_staking::error::LiquidStakingError as E;
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_signer::Signer;

/// Transient stake hijack: someone sends SOL to a transient stake address before the pool
/// creates it. Creation must not be blocked, and the SOL simply joins the pool at the next crank.
#[tokio::test]
async fn sol_sent_to_a_transient_address_neither_blocks_nor_leaks() {
    let (mut t, _) = TestContext::staked(1, 30).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await; // transient merged, address free again
    t.user_with_deposit(20 * LAMPORTS_PER_SOL).await;
    let transient = keys.transient_stake(&vote);
    assert!(t.chain.account(&transient).await.is_none());
    let donation = 3 * LAMPORTS_PER_SOL;
    t.chain.fund(&transient, donation).await;

    let rebalances = plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await;
    assert_eq!(rebalances.len(), 1);
    t.chain.process(&rebalances[0], &[]).await.unwrap();
    let account = t.chain.account(&transient).await.unwrap();
    assert_eq!(account.owner, solana_stake_interface::program::ID, "the pool's transient was created");
    t.assert_books(donation).await;

    // Next epoch the donation is part of what the pool manages, like rewards.
    let rewards = t.advance_epoch().await;
    let before = t.pool_state().await.total_lamports;
    t.crank_checking_books(rewards + donation).await;
    assert_eq!(t.pool_state().await.total_lamports, before + rewards + donation);
}

/// Partial epoch rewards: while the runtime is still paying rewards, stake balances are in flux;
/// observing or finalizing then would count part of them. Both are refused.
#[tokio::test]
async fn crank_is_refused_while_epoch_rewards_are_paid() {
    let (mut t, _) = TestContext::staked(2, 30).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let epoch = t.chain.epoch().await;
    for vote in &votes {
        t.chain.ctx.increment_vote_account_credits(vote, 1_000);
    }
    let first_slot = t.chain.ctx.genesis_config().epoch_schedule.get_first_slot_in_epoch(epoch + 1);
    // At the epoch's first block the runtime has computed the rewards and is paying them (the
    // EpochRewards sysvar is active); with this few stake accounts payment ends one block later.
    t.chain.ctx.warp_to_slot(first_slot).unwrap();
    let snap = t.snapshot(&[]).await;
    let entries = t.chain.validator_list(&keys).await.entries;
    let observe = ix::observe_validators(&ix::ObserveValidatorsParams { keys, first_index: 0, entries: &entries });
    assert_error(t.chain.process(&[observe.clone()], &[]).await, E::EpochRewardsActive);
    assert_error(t.chain.process(&[ix::finalize_epoch(&keys)], &[]).await, E::EpochRewardsActive);
    snap.assert_same(&t.snapshot(&[]).await);
    // Once the rewards are paid, the same crank goes through.
    t.chain.ctx.warp_forward_force_reward_interval_end().unwrap();
    t.chain.process(&[observe], &[]).await.unwrap();
    t.chain.process(&[ix::finalize_epoch(&keys)], &[]).await.unwrap();
}

/// Donation and first-deposit inflation: SOL sent to the reserve does not move the rate between
/// cranks, so a depositor after the donation gets exactly what one before it got; at the next
/// crank the donation is shared by all holders.
#[tokio::test]
async fn a_donation_does_not_move_the_rate_between_cranks() {
    let mut t = TestContext::new(0).await;
    let keys = t.keys();
    let first = t.user_with_deposit(10 * LAMPORTS_PER_SOL).await;
    let first_lst = t.chain.token_balance(&t.lst_account_of(&first.pubkey())).await;
    let rate_before = t.pool_state().await;
    t.chain.fund(&keys.reserve, 100 * LAMPORTS_PER_SOL).await;
    let after_donation = t.pool_state().await;
    assert_eq!(
        (after_donation.total_lamports, after_donation.lst_supply),
        (rate_before.total_lamports, rate_before.lst_supply),
        "the donation did not touch the rate"
    );
    let second = t.user_with_deposit(10 * LAMPORTS_PER_SOL).await;
    assert_eq!(t.chain.token_balance(&t.lst_account_of(&second.pubkey())).await, first_lst);

    // Next epoch the donation is recognised (less the reward fee) and shared.
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let pool = t.pool_state().await;
    let fee = 100 * LAMPORTS_PER_SOL * pool.fees.reward_bps as u64 / 10_000;
    assert_eq!(pool.last_rewards_lamports, 100 * LAMPORTS_PER_SOL);
    assert_eq!(pool.last_fee_lamports, fee);
    let second_value = first_lst as u128 * pool.total_lamports as u128 / pool.lst_supply as u128;
    assert!(second_value > 10 * LAMPORTS_PER_SOL as u128, "the later depositor shares the donation too");
    t.assert_books(0).await;
}
