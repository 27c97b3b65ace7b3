//! rebalance_validator: who may give and take stake, how much, and the named refusals for nothing
//! to do (issue 23's review findings 2, 3 and 6; each test says how the code before failed it).
use liquid_staking::{
    constants::{MAX_STAKE_INCREASES_PER_EPOCH, MIN_RESERVE_BUFFER_BPS, MIN_STAKE_DELEGATION_LAMPORTS},
    error::LiquidStakingError as E,
    state::Fees,
};
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_stake_interface::state::StakeStateV2;

const SOL: u64 = LAMPORTS_PER_SOL;

/// The rebalance of the validator at `index`, `payer` paying a transient's rent if need be.
async fn rebalance_ix(t: &mut TestContext, index: usize, payer: &solana_pubkey::Pubkey) -> solana_instruction::Instruction {
    let keys = t.keys();
    let vote = t.chain.validator_list(&keys).await.entries[index].vote_account;
    ix::rebalance_validator(&ix::RebalanceValidatorParams { keys, index: index as u32, vote_account: vote, payer: *payer })
}

/// `validators` validators with equal weights and `deposit_sol` staked and active.
async fn active_pool(config: &PoolConfig, validators: usize, deposit_sol: u64) -> (TestContext, Keypair) {
    let mut t = TestContext::with_config(validators, config).await;
    let keys = t.keys();
    let user = t.user_with_deposit(deposit_sol * SOL).await;
    for vote in t.chain.vote_accounts.clone() {
        t.add_validator(vote, 100).await.unwrap();
    }
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    (t, user)
}

/// The stake account at `address`, decoded.
async fn stake_state(t: &mut TestContext, address: &solana_pubkey::Pubkey) -> StakeStateV2 {
    bincode::deserialize(&t.chain.account(address).await.expect("a stake account").data).unwrap()
}

/// Finding 2: with the reserve drained (here by an instant exit, all fees zero), a dust ticket
/// and a rebalance of the largest validator in one transaction split the minimum delegation off
/// it, the caller paying the transient's rent. Before the fix the reserve's missing rent made the
/// math pick a whole-stake unstake: the validator's entire stake deactivated for an epoch, and
/// anyone could repeat it every epoch.
#[tokio::test]
async fn a_dust_ticket_on_a_drained_reserve_never_deactivates_a_whole_validator() {
    let config = PoolConfig { fees: Fees::default(), reserve_buffer_bps: MIN_RESERVE_BUFFER_BPS, initial_deposit_lamports: SOL };
    let (mut t, user) = active_pool(&config, 2, 100).await;
    let keys = t.keys();
    // Drain what the reserve holds for instant exits.
    let pool = t.pool_state().await;
    let liquid = pool.reserve_liquid_lamports(t.chain.lamports(&keys.reserve).await);
    let lst = (liquid as u128 * pool.lst_supply as u128 / pool.total_lamports as u128) as u64;
    setup::instant_unstake(&mut t.chain, &keys, &user, lst).await.unwrap();
    let rent = t.chain.rent_exempt_minimum(200).await;
    let pool = t.pool_state().await;
    assert!(pool.reserve_free_lamports(t.chain.lamports(&keys.reserve).await) < rent, "no rent left in the reserve for a transient");

    let entries = t.chain.validator_list(&keys).await.entries;
    let largest = (0..entries.len()).max_by_key(|&i| entries[i].active_stake_lamports).unwrap();
    let vote = entries[largest].vote_account;
    let dust = ix::order_unstake(&ix::OrderUnstakeParams {
        keys,
        owner: user.pubkey(),
        owner_lst: t.lst_account_of(&user.pubkey()),
        ticket_nonce: 7,
        lst_amount: 1_000,
        min_lamports_out: 0,
    });
    let rebalance = rebalance_ix(&mut t, largest, &user.pubkey()).await;
    let wallet = t.chain.lamports(&user.pubkey()).await;
    t.chain.process(&[dust, rebalance], &[&user]).await.unwrap();

    let StakeStateV2::Stake(_, main, _) = stake_state(&mut t, &keys.validator_stake(&vote)).await else { panic!("delegated") };
    assert_eq!(main.delegation.deactivation_epoch, u64::MAX, "the validator's main stake stays active");
    let StakeStateV2::Stake(_, transient, _) = stake_state(&mut t, &keys.transient_stake(&vote)).await else { panic!("a transient") };
    assert_eq!(transient.delegation.stake, MIN_STAKE_DELEGATION_LAMPORTS, "the minimum delegation is split off");
    assert_ne!(transient.delegation.deactivation_epoch, u64::MAX, "and deactivated");
    let ticket_rent = t.chain.lamports(&keys.ticket(&user.pubkey(), 7)).await;
    assert_eq!(t.chain.lamports(&user.pubkey()).await, wallet - ticket_rent - rent, "the caller paid the ticket's and the transient's rent");
    // The caller's rent is with the pool, like a donation, until the next settlement counts it.
    t.assert_books(rent).await;
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards + rent).await;
    t.claim_ticket(&user, &keys.ticket(&user.pubkey(), 7)).await.unwrap();
    t.assert_books(0).await;
}

/// Finding 3: the program, not only the SDK's plan, chooses whom to unstake: a validator below its
/// target is refused by name. Before the fix anyone could push an unstake onto a validator under
/// its target (a competitor), and the instruction succeeded.
#[tokio::test]
async fn unstaking_is_refused_for_a_validator_below_its_target() {
    let (mut t, user) = active_pool(&PoolConfig::default(), 2, 100).await;
    let keys = t.keys();
    let operator = t.pool.operator.insecure_clone();
    let vote_1 = t.chain.validator_list(&keys).await.entries[1].vote_account;
    let weight = ix::set_validator_weight(&ix::SetValidatorWeightParams { keys, operator: operator.pubkey(), index: 1, vote_account: vote_1, weight: 300 });
    t.chain.process(&[weight], &[&operator]).await.unwrap();
    let lst = t.lst_balance(&user.pubkey()).await;
    t.order_unstake(&user, lst / 4).await.unwrap();
    let pool = t.pool_state().await;
    assert!(pool.reserve_shortfall_lamports(t.chain.lamports(&keys.reserve).await).unwrap() > 0, "the ticket needs stake back");
    let entries = t.chain.validator_list(&keys).await.entries;
    assert!(entries[1].total_lamports() < pool.validator_target_lamports(&entries[1]).unwrap(), "validator 1 is below its target");

    let rebalance = { let payer = t.chain.payer_pubkey(); rebalance_ix(&mut t, 1, &payer).await };
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[rebalance], &[]).await, E::ValidatorBelowTarget);
    snap.assert_same(&t.snapshot(&[]).await);
    // The plan unstakes from validator 0, above its target.
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    assert!(t.chain.account(&keys.transient_stake(&entries[0].vote_account)).await.is_some());
    assert!(t.chain.account(&keys.transient_stake(&entries[1].vote_account)).await.is_none());
    t.assert_books(0).await;
}

/// Finding 3: at most MAX_STAKE_INCREASES_PER_EPOCH staking rebalances an epoch, whoever sends
/// them (each new transient costs the next observe a Stake Merge). Before the fix a caller could
/// spread an epoch's deposits over as many transients as there are validators below target.
#[tokio::test]
async fn staking_is_limited_per_epoch() {
    let validators = MAX_STAKE_INCREASES_PER_EPOCH as usize + 1;
    let mut t = TestContext::new(validators).await;
    let keys = t.keys();
    let user = t.user_with_deposit(40 * SOL).await;
    t.chain.fund(&user.pubkey(), 40 * SOL * validators as u64).await;
    for vote in t.chain.vote_accounts.clone() {
        t.add_validator(vote, 100).await.unwrap();
    }
    let payer = t.chain.payer_pubkey();
    for index in 0..validators - 1 {
        setup::deposit_sol(&mut t.chain, &keys, &user, 40 * SOL, 0).await.unwrap();
        let rebalance = rebalance_ix(&mut t, index, &payer).await;
        t.chain.process(&[rebalance], &[]).await.unwrap_or_else(|e| panic!("staking {index}: {e:?}"));
    }
    setup::deposit_sol(&mut t.chain, &keys, &user, 40 * SOL, 0).await.unwrap();
    let last = rebalance_ix(&mut t, validators - 1, &payer).await;
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[last.clone()], &[]).await, E::StakingLimitReached);
    snap.assert_same(&t.snapshot(&[]).await);
    assert!(plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await.is_empty(), "the plan respects the limit");
    // The next epoch allows as many again.
    t.chain.advance_epoch().await;
    for step in [CrankStep::Observe, CrankStep::Finalize] {
        for tx in plan_step(&mut t.chain, &keys, step).await {
            t.chain.process(&tx, &[]).await.unwrap();
        }
    }
    t.chain.process(&[last], &[]).await.unwrap();
    t.assert_books(0).await;
}

/// Finding 6: nothing to do is a named refusal. Here the reserve is short but the only validator
/// was added this epoch (its stake still activating): rebalance refuses with StakeNotActive and
/// the plan sends nothing. Before the fix the program returned Ok having done nothing, and the bot,
/// seeing the shortfall stay, sent the same no-op every poll (17k transactions an epoch).
#[tokio::test]
async fn a_shortfall_with_only_activating_stake_is_refused_and_not_planned() {
    let mut t = TestContext::new(1).await;
    let keys = t.keys();
    let user = t.user_with_deposit(2 * SOL).await;
    t.add_validator(t.chain.vote_accounts[0], 100).await.unwrap();
    let lst = t.lst_balance(&user.pubkey()).await;
    t.order_unstake(&user, lst).await.unwrap();
    let pool = t.pool_state().await;
    assert!(pool.reserve_shortfall_lamports(t.chain.lamports(&keys.reserve).await).unwrap() > 0);
    assert!(plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await.is_empty(), "no validator can give stake back yet");
    let rebalance = { let payer = t.chain.payer_pubkey(); rebalance_ix(&mut t, 0, &payer).await };
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[rebalance], &[]).await, E::StakeNotActive);
    snap.assert_same(&t.snapshot(&[]).await);
}

/// Finding 6: staking into a validator at its target, or with nothing available, is refused by
/// name (before the fix: Ok, nothing done, the fee paid).
#[tokio::test]
async fn staking_with_nothing_to_stake_is_refused() {
    let (mut t, _user) = active_pool(&PoolConfig::default(), 2, 60).await;
    let keys = t.keys();
    assert!(plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await.is_empty());
    let rebalance = { let payer = t.chain.payer_pubkey(); rebalance_ix(&mut t, 0, &payer).await };
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[rebalance], &[]).await, E::NothingToStake);
    snap.assert_same(&t.snapshot(&[]).await);
}

/// The transient's address is checked against the entry's (another validator's is refused).
#[tokio::test]
async fn rebalance_refuses_another_validators_transient() {
    let (mut t, _user) = active_pool(&PoolConfig::default(), 2, 60).await;
    let keys = t.keys();
    t.user_with_deposit(30 * SOL).await;
    let votes: Vec<_> = t.chain.validator_list(&keys).await.entries.iter().map(|e| e.vote_account).collect();
    let mut rebalance = { let payer = t.chain.payer_pubkey(); rebalance_ix(&mut t, 0, &payer).await };
    swap_account(&mut rebalance, &keys.transient_stake(&votes[0]), keys.transient_stake(&votes[1]));
    let snap = t.snapshot(&[]).await;
    assert_error(t.chain.process(&[rebalance], &[]).await, E::TransientStakeAccountMismatch);
    snap.assert_same(&t.snapshot(&[]).await);
}
