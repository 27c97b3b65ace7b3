//! observe_validators, finalize_epoch, rebalance_validator: bad inputs and idempotence.
use liquid_staking::error::LiquidStakingError as E;
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_account::AccountSharedData;
use solana_stake_interface::state::StakeStateV2;

/// Observe of the `count` validators from `first_index`, built from the list as it stands.
async fn observe_ix(t: &mut TestContext, first_index: u32, count: usize) -> solana_instruction::Instruction {
    let keys = t.keys();
    let entries = t.chain.validator_list(&keys).await.entries;
    let first = first_index as usize;
    ix::observe_validators(&ix::ObserveValidatorsParams { keys, first_index, entries: &entries[first..first + count] })
}

/// A staked pool, moved into the next epoch (stale, nothing observed yet).
async fn new_epoch(validators: usize) -> TestContext {
    let (mut t, _) = TestContext::staked(validators, 30).await;
    t.chain.advance_epoch().await;
    t
}

#[tokio::test]
async fn observe_rejects_a_stake_account_not_derived_for_the_pool() {
    let mut t = new_epoch(2).await;
    let votes = t.chain.vote_accounts.clone();
    // Another pool's stake account for the same validator: a real, delegated stake account.
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let mut observe = observe_ix(&mut t, 0, 1).await;
    observe.accounts[6].pubkey = other.keys.validator_stake(&votes[0]);
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[observe], &[]).await, E::StakeAccountMismatch);
    // A transient slot holding some other account (read as the next validator's: this one's
    // recorded transient is missing).
    let mut observe = observe_ix(&mut t, 0, 1).await;
    observe.accounts[7].pubkey = t.keys().validator_stake(&votes[1]);
    assert_error(t.chain.process(&[observe], &[]).await, E::ObserveAccountsMismatch);
    // The transient left out of a validator that records one.
    let mut observe = observe_ix(&mut t, 0, 1).await;
    observe.accounts.pop();
    assert_error(t.chain.process(&[observe], &[]).await, E::ObserveAccountsMismatch);
    // No stake account at all.
    let mut observe = observe_ix(&mut t, 0, 1).await;
    observe.accounts.truncate(6);
    assert_error(t.chain.process(&[observe], &[]).await, E::ObserveAccountsMismatch);
    snap.assert_same(&t.snapshot(&[]).await);
}

#[tokio::test]
async fn observe_rejects_a_stake_account_delegated_to_another_validator() {
    let mut t = new_epoch(2).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    // Rewrite validator 0's stake account so it is delegated to validator 1's vote account.
    let address = keys.validator_stake(&votes[0]);
    let account = t.chain.account(&address).await.unwrap();
    let StakeStateV2::Stake(meta, mut stake, flags) = bincode::deserialize(&account.data).unwrap() else { panic!() };
    stake.delegation.voter_pubkey = votes[1];
    let mut forged = account.clone();
    forged.data = bincode::serialize(&StakeStateV2::Stake(meta, stake, flags)).unwrap();
    forged.data.resize(account.data.len(), 0);
    t.chain.ctx.set_account(&address, &AccountSharedData::from(forged));
    let snap = t.snapshot(&[]).await;
    let observe = observe_ix(&mut t, 0, 1).await;
    assert_error(t.chain.process(&[observe], &[]).await, E::StakeDelegatedToWrongValidator);
    snap.assert_same(&t.snapshot(&[]).await);
}

#[tokio::test]
async fn finalize_is_refused_until_every_validator_is_observed() {
    let mut t = new_epoch(3).await;
    let keys = t.keys();
    let observe = observe_ix(&mut t, 0, 2).await;
    t.chain.process(&[observe], &[]).await.unwrap();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::finalize_epoch(&keys)], &[]).await, E::ValidatorsNotObserved);
    snap.assert_same(&t.snapshot(&[]).await);
    let observe = observe_ix(&mut t, 2, 1).await;
    t.chain.process(&[observe], &[]).await.unwrap();
    t.chain.process(&[ix::finalize_epoch(&keys)], &[]).await.unwrap();
    assert_eq!(t.pool_state().await.last_update_epoch, t.chain.epoch().await);
}

#[tokio::test]
async fn finalize_rejects_the_wrong_treasury_or_mint() {
    let mut t = new_epoch(1).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let observe = observe_ix(&mut t, 0, votes.len()).await;
    t.chain.process(&[observe], &[]).await.unwrap();
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let snap = t.snapshot(&[other.keys.treasury, other.keys.lst_mint]).await;
    let mut wrong_treasury = ix::finalize_epoch(&keys);
    wrong_treasury.accounts[3].pubkey = other.keys.treasury;
    assert_error(t.chain.process(&[wrong_treasury], &[]).await, E::WrongTreasury);
    let mut wrong_mint = ix::finalize_epoch(&keys);
    wrong_mint.accounts[1].pubkey = other.keys.lst_mint;
    assert_error(t.chain.process(&[wrong_mint], &[]).await, E::WrongMint);
    snap.assert_same(&t.snapshot(&[other.keys.treasury, other.keys.lst_mint]).await);
}

#[tokio::test]
async fn rebalance_is_refused_while_the_pool_is_stale() {
    let mut t = new_epoch(1).await;
    let vote = t.chain.vote_accounts[0];
    let rebalance = ix::rebalance_validator(&ix::RebalanceValidatorParams { keys: t.keys(), index: 0, vote_account: vote, payer: t.chain.payer_pubkey() });
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[rebalance], &[]).await, E::PoolStale);
    snap.assert_same(&t.snapshot(&[]).await);
}

#[tokio::test]
async fn every_step_twice_in_an_epoch_moves_nothing() {
    let mut t = new_epoch(3).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    // New SOL so that rebalance has work to do this epoch.
    t.chain.advance_epoch().await; // (stale deposits are refused; finish a crank first)
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.user_with_deposit(30 * LAMPORTS_PER_SOL).await;
    t.chain.advance_epoch().await;

    // A second call of each step is refused by name (a crank sees it in simulation and pays
    // nothing) and changes nothing.
    let observe = observe_ix(&mut t, 0, votes.len()).await;
    t.chain.process(&[observe.clone()], &[]).await.unwrap();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[observe], &[]).await, E::NothingToObserve);
    snap.assert_same(&t.snapshot(&[]).await);

    t.chain.process(&[ix::finalize_epoch(&keys)], &[]).await.unwrap();
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[ix::finalize_epoch(&keys)], &[]).await, E::PoolAlreadyUpdated);
    snap.assert_same(&t.snapshot(&[]).await);

    let rebalances = plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await;
    assert!(!rebalances.is_empty(), "new deposits leave something to stake");
    for tx in &rebalances {
        t.chain.process(tx, &[]).await.unwrap();
    }
    let snap = t.snapshot(&[]).await;
    for tx in &rebalances {
        assert_error(t.chain.process(&tx[..1], &[]).await, E::TransientStakeInFlight);
    }
    snap.assert_same(&t.snapshot(&[]).await);
    assert!(plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await.is_empty(), "the plan sends nothing more");
    t.assert_books(0).await;
}

#[tokio::test]
async fn the_buffer_is_refilled_only_below_half_its_target() {
    let (mut t, user) = TestContext::staked(2, 80).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let exit = |t: &TestContext, lst: u64| {
        ix::instant_unstake(&ix::InstantUnstakeParams { keys: t.keys(), owner: solana_signer::Signer::pubkey(&user), owner_lst: t.lst_account_of(&solana_signer::Signer::pubkey(&user)), lst_amount: lst, min_lamports_out: 0 })
    };
    // A small exit: the buffer stays above half its target; nothing to unstake.
    t.chain.process(&[exit(&t, LAMPORTS_PER_SOL)], &[&user]).await.unwrap();
    assert!(plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await.is_empty());
    assert_eq!(t.pool_state().await.reserve_shortfall_lamports(t.chain.lamports(&keys.reserve).await).unwrap(), 0);
    // Drain it below half: the crank unstakes enough to refill it to target.
    let pool = t.pool_state().await;
    let liquid = pool.reserve_liquid_lamports(t.chain.lamports(&keys.reserve).await);
    let lst = (liquid as u128 * 7 / 10 * pool.lst_supply as u128 / pool.total_lamports as u128) as u64;
    t.chain.process(&[exit(&t, lst)], &[&user]).await.unwrap();
    let pool = t.pool_state().await;
    let shortfall = pool.reserve_shortfall_lamports(t.chain.lamports(&keys.reserve).await).unwrap();
    assert!(shortfall > 0);
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    let pool = t.pool_state().await;
    assert!(pool.unstaking_lamports >= shortfall, "unstaking {} covers the shortfall {shortfall}", pool.unstaking_lamports);
    t.assert_books(0).await;
}

#[tokio::test]
async fn a_batch_planned_before_another_crank_merged_the_transients_is_skipped() {
    // Staked last epoch: every validator has a transient that observe now merges.
    let mut t = new_epoch(3).await;
    let keys = t.keys();
    let entries = t.chain.validator_list(&keys).await.entries;
    assert!(entries.iter().all(|e| e.transient_stake_lamports > 0));
    // One crank planned all three; another observed the first two first.
    let stale = observe_ix(&mut t, 0, entries.len()).await;
    let first_two = observe_ix(&mut t, 0, 2).await;
    t.chain.process(&[first_two], &[]).await.unwrap();
    let merged = t.chain.validator_list(&keys).await.entries;
    assert!(merged[..2].iter().all(|e| e.transient_stake_lamports == 0), "their transients merged");
    // The stale batch, with two transients that no longer exist: those validators are skipped and
    // the third is observed.
    t.chain.process(&[stale.clone()], &[]).await.unwrap();
    let after = t.chain.validator_list(&keys).await.entries;
    assert_eq!(&after[..2], &merged[..2], "the validators observed already are left as they were");
    assert_eq!(after[2].last_observed_epoch, t.chain.epoch().await);
    // The same batch again observes nothing: refused by name, nothing changed.
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[stale], &[]).await, E::NothingToObserve);
    // A batch without the transients, planned now, is refused the same way.
    let fresh = observe_ix(&mut t, 0, after.len()).await;
    assert_eq!(fresh.accounts.len(), 6 + after.len(), "one account a validator without a transient");
    assert_error(t.chain.process(&[fresh], &[]).await, E::NothingToObserve);
    snap.assert_same(&t.snapshot(&[]).await);
}
