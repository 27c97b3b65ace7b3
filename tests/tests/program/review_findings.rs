//! Regression tests for the outside review (issue 7). Each test names the guard it checks; its
//! comment says how the code before the fix failed it.
use liquid_staking::{
    error::LiquidStakingError as E,
    state::{Fees, PAUSED_REBALANCING},
};
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_sdk::{decode, instructions as ix};
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

const SOL: u64 = LAMPORTS_PER_SOL;

/// Every fee at zero: only the dilution fee (which is not configurable) stands between a
/// depositor and the holders.
fn zero_fees(reserve_buffer_bps: u16) -> PoolConfig {
    // (reserve_buffer_bps at least MIN_RESERVE_BUFFER_BPS)
    PoolConfig { fees: Fees::default(), reserve_buffer_bps, initial_deposit_lamports: SOL }
}

/// Pays `ticket` once the crank has funded it, advancing (and cranking) at most `epochs` epochs;
/// returns how many epochs it took.
async fn claim_within(t: &mut TestContext, owner: &Keypair, ticket: &Pubkey, epochs: u64) -> u64 {
    let keys = t.keys();
    for waited in 0..=epochs {
        if t.claim_ticket(owner, ticket).await.is_ok() {
            return waited;
        }
        if waited < epochs {
            t.chain.advance_epoch().await;
            run_crank(&mut t.chain, &keys).await.expect("the crank runs on its own");
        }
    }
    panic!("ticket {ticket} was not paid within {epochs} epochs");
}

#[derive(Debug, Clone, Copy)]
enum DepositRoute {
    Sol,
    Stake,
    PaddedStake,
}

/// Deposits by `route` in the last slot of an epoch and leaves by a delayed exit right after the
/// boundary, every fee at zero. Returns what the exit owes less what was put in less what the
/// same SOL earned by staying out (a twin stake account kept outside the pool): above zero, the
/// depositor took yield from the holders.
async fn deposit_round_trip(route: DepositRoute) -> i128 {
    let mut t = TestContext::with_config(2, &zero_fees(1_000)).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    t.user_with_deposit(200 * SOL).await;
    for vote in &votes {
        t.add_validator(*vote, 100).await.unwrap();
    }
    run_crank(&mut t.chain, &keys).await.unwrap();
    let attacker = setup::funded_wallet(&mut t.chain, 300 * SOL).await;
    let create = ix::create_lst_account(&attacker.pubkey(), &attacker.pubkey(), &keys.lst_mint);
    t.chain.process(&[create], &[&attacker]).await.unwrap();
    let stake = t.user_stake_account(&attacker, &votes[0], 20 * SOL).await;
    let twin = t.user_stake_account(&attacker, &votes[0], 20 * SOL).await;
    for _ in 0..3 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    assert!(t.pool_state().await.last_rewards_lamports > 0, "rewards are flowing");

    let epoch = t.chain.epoch().await;
    let last_slot = t.chain.ctx.genesis_config().epoch_schedule.get_last_slot_in_epoch(epoch);
    t.chain.ctx.warp_to_slot(last_slot).unwrap();
    let (put_in, twin_before) = match route {
        DepositRoute::Sol => {
            setup::deposit_sol(&mut t.chain, &keys, &attacker, 100 * SOL, 0).await.unwrap();
            (100 * SOL, 0)
        }
        DepositRoute::Stake | DepositRoute::PaddedStake => {
            if matches!(route, DepositRoute::PaddedStake) {
                t.chain.fund(&stake.pubkey(), 100 * SOL).await;
                t.chain.fund(&twin.pubkey(), 100 * SOL).await;
            }
            let put_in = t.chain.lamports(&stake.pubkey()).await;
            let twin_before = t.chain.lamports(&twin.pubkey()).await;
            setup::deposit_stake(&mut t.chain, &keys, &attacker, 0, votes[0], &stake.pubkey()).await.unwrap();
            (put_in, twin_before)
        }
    };

    t.chain.advance_epoch().await;
    for step in [CrankStep::Observe, CrankStep::Finalize] {
        for tx in plan_step(&mut t.chain, &keys, step).await {
            t.chain.process(&tx, &[]).await.unwrap();
        }
    }
    let stayed_out_gain = match route {
        DepositRoute::Sol => 0,
        _ => t.chain.lamports(&twin.pubkey()).await - twin_before,
    };
    let lst = t.lst_balance(&attacker.pubkey()).await;
    let ticket = t.order_unstake(&attacker, lst).await.unwrap();
    let owed = decode::ticket(&t.chain.account(&ticket).await.unwrap().data).unwrap().lamports;
    claim_within(&mut t, &attacker, &ticket, 3).await;
    t.assert_books(0).await;
    owed as i128 - put_in as i128 - stayed_out_gain as i128
}

/// Item 1, guard: the dilution fee, scaled to the epoch's length, on SOL deposits and on the
/// undelegated part of stake deposits. Before the fix the padded route gained (padding paid no
/// dilution fee), and so did the SOL route on this chain, whose warm-up epochs double in length
/// (the fee read the last epoch's yield unscaled).
#[tokio::test]
async fn no_deposit_route_gains_at_the_holders_expense_with_zero_fees() {
    for route in [DepositRoute::Sol, DepositRoute::Stake, DepositRoute::PaddedStake] {
        let gain = deposit_round_trip(route).await;
        assert!(gain <= 0, "{route:?}: the depositor gained {gain} lamports over staying out");
    }
}

/// Item 2, guard: rebalance_validator's pause check covers only staking. Before the fix a paused
/// rebalance refused the unstaking too (RebalancingPaused), and the ticket waited for the admin.
#[tokio::test]
async fn tickets_are_funded_while_rebalancing_is_paused() {
    let (mut t, user) = TestContext::staked(2, 100).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let guardian = t.pool.pause_guardian.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), PAUSED_REBALANCING)], &[&guardian]).await.unwrap();
    let lst = t.lst_balance(&user.pubkey()).await;
    let ticket = t.order_unstake(&user, lst / 2).await.unwrap();
    claim_within(&mut t, &user, &ticket, 2).await;
    t.assert_books(0).await;
}

/// Item 3, guards: observe withdraws undelegated lamports from the main stake account to the
/// reserve, and splits are sized from the delegation. Before the fix a donation to a stake
/// account made the split larger than its delegation: the Stake program refused it
/// (InsufficientDelegation), the crank failed every epoch and the ticket stayed unpaid.
#[tokio::test]
async fn a_donation_to_a_stake_account_does_not_block_ticket_funding() {
    let (mut t, user) = TestContext::staked(2, 100).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    for vote in t.chain.vote_accounts.clone() {
        t.chain.fund(&keys.validator_stake(&vote), 5 * SOL).await;
    }
    let lst = t.lst_balance(&user.pubkey()).await;
    let ticket = t.order_unstake(&user, lst / 10 * 9).await.unwrap();
    claim_within(&mut t, &user, &ticket, 2).await;
    t.assert_books(0).await;
}

/// A small pool (8 SOL staked over `validators` validators, active) whose one staker orders a
/// delayed exit of everything; the crank has run after the order.
async fn small_pool_exiting_in_full(validators: usize) -> (TestContext, Keypair, Pubkey) {
    let mut t = TestContext::new(validators).await;
    let keys = t.keys();
    let user = t.user_with_deposit(8 * SOL).await;
    for vote in t.chain.vote_accounts.clone() {
        t.add_validator(vote, 100).await.unwrap();
    }
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let lst = t.lst_balance(&user.pubkey()).await;
    let ticket = t.order_unstake(&user, lst).await.unwrap();
    run_crank(&mut t.chain, &keys).await.unwrap();
    (t, user, ticket)
}

/// Item 5, guard: when splitting cannot free what tickets are owed, rebalance deactivates a
/// validator's whole stake. Before the fix every validator was split down to the minimum
/// delegation and the rest of the ticket waited for the operator, for ever.
#[tokio::test]
async fn tickets_beyond_what_splits_can_free_are_paid_by_the_crank_alone() {
    let (mut t, user, ticket) = small_pool_exiting_in_full(3).await;
    claim_within(&mut t, &user, &ticket, 2).await;
    t.assert_books(0).await;
}

/// Item 6 (unstaking needs no SOL in the reserve) now lives in rebalance_validator.rs: a
/// reserve drained to nothing, since the buffer has a floor (MIN_RESERVE_BUFFER_BPS), by instant
/// exits; the caller pays the transient's rent.

/// Item 7, guard: add_validator funds the stake account only from reserve SOL not owed to
/// tickets. Before the fix it took the ticket's SOL, and the ticket's claim then failed with
/// ReserveAwaitingUnstake.
#[tokio::test]
async fn add_validator_cannot_spend_sol_owed_to_tickets() {
    let mut t = TestContext::new(1).await;
    let user = t.user_with_deposit(2 * SOL).await;
    let lst = t.lst_balance(&user.pubkey()).await;
    let ticket = t.order_unstake(&user, lst).await.unwrap();
    let pool = t.pool_state().await;
    let liquid = pool.reserve_liquid_lamports(t.chain.lamports(&t.keys().reserve).await);
    assert!(liquid < SOL + t.chain.rent_exempt_minimum(200).await, "the reserve's SOL not owed to the ticket cannot fund a stake account");
    let snap = t.snapshot(&[ticket]).await;
    assert_error(t.add_validator(t.chain.vote_accounts[0], 100).await, E::ReserveTooLow);
    snap.assert_same(&t.snapshot(&[ticket]).await);
    claim_within(&mut t, &user, &ticket, 1).await;
}

/// Sends DeactivateDelinquent for the pool's stake account on `delinquent`, with `reference` (a
/// validator that voted in each of the last five epochs) as the reference: anyone may.
async fn deactivate_delinquent(t: &mut TestContext, delinquent: &Pubkey, reference: &Pubkey) {
    t.chain.ctx.increment_vote_account_credits(reference, 1);
    let stake = t.keys().validator_stake(delinquent);
    let deactivate = solana_stake_interface::instruction::deactivate_delinquent_stake(&stake, delinquent, reference);
    t.chain.process(&[deactivate], &[]).await.expect("the delinquent validator's stake is deactivated");
}

/// A pool with two validators where the second never votes, five epochs on: delinquent.
async fn pool_with_a_delinquent_validator() -> (TestContext, Keypair) {
    let mut t = TestContext::new(2).await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    t.chain.stop_voting(&votes[1]);
    let user = t.user_with_deposit(50 * SOL).await;
    for vote in &votes {
        t.add_validator(*vote, 100).await.unwrap();
    }
    run_crank(&mut t.chain, &keys).await.unwrap();
    for _ in 0..5 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    (t, user)
}

/// Item 7, guard: a validator's main stake account lives until its entry leaves the list, so the
/// "already added" check sees a validator that is still winding down. Before the fix observe
/// closed the main account while the transient was still cooling down: the vote account could be
/// added again, and its stake counted twice.
#[tokio::test]
async fn a_validator_cannot_be_re_added_while_its_stake_winds_down() {
    let (mut t, _user) = pool_with_a_delinquent_validator().await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    // New SOL is staked into both validators: the delinquent one gets an activating transient.
    t.user_with_deposit(40 * SOL).await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert!(t.chain.account(&keys.transient_stake(&votes[1])).await.is_some());
    deactivate_delinquent(&mut t, &votes[1], &votes[0]).await;
    t.chain.advance_epoch().await;
    // The operator removes it before the crank runs: its main stake is inactive, its transient
    // starts cooling down.
    let index = t.chain.validator_list(&keys).await.entries.iter().position(|e| e.vote_account == votes[1]).unwrap() as u32;
    let operator = t.pool.operator.insecure_clone();
    let remove = ix::remove_validator(&ix::RemoveValidatorParams { keys, operator: operator.pubkey(), index, vote_account: votes[1] });
    t.chain.process(&[remove], &[&operator]).await.unwrap();
    run_crank(&mut t.chain, &keys).await.unwrap();
    let snap = t.snapshot(&[]).await;
    assert_error(t.add_validator(votes[1], 100).await, E::ValidatorAlreadyAdded);
    snap.assert_same(&t.snapshot(&[]).await);
    t.assert_books(0).await;
}

/// Item 10, guard: observe notices a main stake account deactivated by someone else
/// (DeactivateDelinquent), stops staking into the validator and returns its stake to the
/// reserve. Before the fix the stake sat inactive in the account for ever.
#[tokio::test]
async fn stake_deactivated_as_delinquent_returns_to_the_reserve() {
    let (mut t, _user) = pool_with_a_delinquent_validator().await;
    let keys = t.keys();
    let votes = t.chain.vote_accounts.clone();
    let stake = t.chain.lamports(&keys.validator_stake(&votes[1])).await;
    assert!(stake > 10 * SOL);
    deactivate_delinquent(&mut t, &votes[1], &votes[0]).await;
    let total = t.pool_state().await.total_lamports;
    for _ in 0..2 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
        t.assert_books(0).await;
    }
    let list = t.chain.validator_list(&keys).await;
    assert!(list.entries.iter().all(|e| e.vote_account != votes[1]), "the delinquent validator left the list");
    assert!(t.chain.account(&keys.validator_stake(&votes[1])).await.is_none(), "its stake account is closed");
    // The books balance without it: its SOL is back in the reserve (or staked anew from there).
    let pool = t.pool_state().await;
    assert!(pool.total_lamports >= total, "no SOL was lost");
    assert_eq!((pool.validator_count, pool.total_weight), (1, 100));
}

/// Item 8, guard: the instant-exit fee is priced over the whole stretch of the curve an exit
/// covers. Before the fix it was read at the point the exit ended, so nine small exits paid less
/// fee in total than one exit of the same size.
#[tokio::test]
async fn splitting_an_instant_exit_does_not_lower_its_fee() {
    /// Fees paid by exiting `chunks` equal parts of 45 SOL of LST, each at the rate before it.
    async fn fees_paid(chunks: u64) -> (u64, (u64, u64, u64)) {
        let (mut t, _holder) = TestContext::staked(1, 1000).await;
        let keys = t.keys();
        let user = t.user_with_deposit(50 * SOL).await;
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
        let pool = t.pool_state().await;
        let state = (pool.total_lamports, pool.lst_supply, t.chain.lamports(&keys.reserve).await);
        let lst = t.lst_balance(&user.pubkey()).await / 50 * 45;
        let mut fees = 0;
        for _ in 0..chunks {
            let pool = t.pool_state().await;
            let value = (lst / chunks) as u128 * pool.total_lamports as u128 / pool.lst_supply as u128;
            let wallet = t.chain.lamports(&user.pubkey()).await;
            setup::instant_unstake(&mut t.chain, &keys, &user, lst / chunks).await.unwrap();
            fees += value as u64 - (t.chain.lamports(&user.pubkey()).await - wallet);
        }
        (fees, state)
    }
    let (one, state_one) = fees_paid(1).await;
    let (nine, state_nine) = fees_paid(9).await;
    assert_eq!(state_one, state_nine, "both exits start from the same pool");
    assert!(nine >= one, "nine exits paid {nine} lamports of fee, one exit {one}");
}

/// Done-when scenario: donations land on every validator's stake account and the tickets owed
/// exceed the reserve; the crank alone pays every ticket within two epochs.
#[tokio::test]
async fn donated_stake_accounts_and_mass_exits_are_paid_by_the_crank_alone() {
    let mut t = TestContext::new(3).await;
    let keys = t.keys();
    let mut users = Vec::new();
    for _ in 0..4 {
        users.push(t.user_with_deposit(25 * SOL).await);
    }
    for vote in t.chain.vote_accounts.clone() {
        t.add_validator(vote, 100).await.unwrap();
    }
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    for (i, vote) in t.chain.vote_accounts.clone().iter().enumerate() {
        t.chain.fund(&keys.validator_stake(vote), (i as u64 + 1) * SOL).await;
    }
    let mut tickets = Vec::new();
    for user in &users {
        let lst = t.lst_balance(&user.pubkey()).await;
        tickets.push(t.order_unstake(user, lst / 10 * 9).await.unwrap());
    }
    let pool = t.pool_state().await;
    assert!(pool.owed_lamports > pool.reserve_free_lamports(t.chain.lamports(&keys.reserve).await), "tickets exceed the reserve");
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.expect("the crank runs on its own");
    for (user, ticket) in users.iter().zip(&tickets) {
        claim_within(&mut t, user, ticket, 1).await;
    }
    t.assert_books(0).await;
}

/// Item 4, guard: a ticket's address comes from its owner and a nonce the owner picks. Before the
/// fix it came from the pool's ticket counter: two exits built from the same pool state collided
/// (the later one failed on the ticket address), and anyone could front-run a pending exit with a
/// tiny one to make it fail.
#[tokio::test]
async fn exits_never_race_for_a_ticket_address() {
    let (mut t, alice) = TestContext::staked(1, 40).await;
    let keys = t.keys();
    let bob = t.user_with_deposit(10 * SOL).await;
    let mallory = t.user_with_deposit(SOL).await;
    let order = |owner: &Keypair, nonce: u64, lst_amount: u64| {
        ix::order_unstake(&ix::OrderUnstakeParams {
            keys,
            owner: owner.pubkey(),
            owner_lst: liquid_staking_sdk::addresses::lst_account(&owner.pubkey(), &keys.lst_mint),
            ticket_nonce: nonce,
            lst_amount,
            min_lamports_out: 0,
        })
    };
    // Every exit is built before any lands, from the same pool state, with the same nonce where
    // the owners differ.
    let front_run = order(&mallory, 1, 1_000_000);
    let alice_first = order(&alice, 1, SOL);
    let alice_second = order(&alice, 2, SOL);
    let bob_exit = order(&bob, 1, SOL);
    t.chain.process(&[front_run], &[&mallory]).await.unwrap();
    // Two of Alice's exits and Bob's in one transaction: the same slot.
    t.chain.process(&[alice_first, alice_second, bob_exit], &[&alice, &bob]).await.unwrap();
    for (owner, nonce) in [(&mallory, 1), (&alice, 1), (&alice, 2), (&bob, 1)] {
        let ticket = decode::ticket(&t.chain.account(&keys.ticket(&owner.pubkey(), nonce)).await.unwrap().data).unwrap();
        assert_eq!((ticket.owner, ticket.nonce), (owner.pubkey(), nonce));
    }
    assert_eq!(t.pool_state().await.tickets_opened, 4);
    // The same owner and nonce again is refused by name, and changes nothing.
    let snap = t.snapshot(&[alice.pubkey(), t.lst_account_of(&alice.pubkey())]).await;
    assert_error(t.chain.process(&[order(&alice, 1, SOL)], &[&alice]).await, E::TicketAlreadyExists);
    snap.assert_same(&t.snapshot(&[alice.pubkey(), t.lst_account_of(&alice.pubkey())]).await);
}

/// Items 9 and 12, guards: the treasury is the pool's own token account at a PDA, so nobody can
/// close it and stop the crank, and it is never the same account as a user's. Before the fix the
/// treasury was the treasury owner's associated account: the owner could empty and close it, and
/// finalize then failed every epoch (the pool stayed stale); and the owner's own instant exits
/// failed with ConstraintDuplicateMutableAccount (2040), their LST account being the treasury.
#[tokio::test]
async fn the_treasury_cannot_stop_the_crank_and_its_authority_exits_like_anyone() {
    let (mut t, _holder) = TestContext::staked(2, 60).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    let authority = t.pool.treasury_authority.insecure_clone();
    t.chain.fund(&authority.pubkey(), 30 * SOL).await;
    setup::deposit_sol(&mut t.chain, &keys, &authority, 20 * SOL, 0).await.unwrap();
    for _ in 0..2 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    assert!(t.chain.token_balance(&keys.treasury).await > 0, "the reward fee reached the treasury");

    // The treasury authority leaves by every route, like any holder.
    setup::instant_unstake(&mut t.chain, &keys, &authority, SOL / 10).await.unwrap();
    t.order_unstake(&authority, SOL).await.unwrap();
    setup::unstake(&mut t.chain, &keys, &authority, SOL, 300).await.unwrap();
    setup::withdraw_stake(&mut t.chain, &keys, &authority, 0, vote, 2 * SOL).await.unwrap();

    // It takes every fee out, then tries to close the treasury: the pool owns it.
    let all = t.chain.token_balance(&keys.treasury).await;
    let own = t.lst_account_of(&authority.pubkey());
    t.chain.process(&[ix::withdraw_treasury(&keys, &authority.pubkey(), &own, all)], &[&authority]).await.unwrap();
    assert_eq!(t.chain.token_balance(&keys.treasury).await, 0);
    let close = spl_token_interface::instruction::close_account(&spl_token_interface::ID, &keys.treasury, &authority.pubkey(), &authority.pubkey(), &[]).unwrap();
    let refused = t.chain.process(&[close], &[&authority]).await.unwrap_err();
    assert_eq!(error_code(&refused), Some(4), "SPL Token: the signer does not own the treasury");
    // The crank goes on, and the next reward fee lands in the treasury.
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert_eq!(t.pool_state().await.last_update_epoch, t.chain.epoch().await);
    assert!(t.chain.token_balance(&keys.treasury).await > 0);
    t.assert_books(0).await;
}

/// After a whole-stake unstake the validator's main account rests with its rent; when new SOL
/// arrives, rebalancing delegates that same account again (no new account, no rent).
#[tokio::test]
async fn a_validator_unstaked_whole_is_staked_again() {
    let (mut t, user, ticket) = small_pool_exiting_in_full(1).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    let entry = t.chain.validator_list(&keys).await.entries[0];
    assert!(entry.main_deactivated_by_pool(), "its whole stake was deactivated");
    claim_within(&mut t, &user, &ticket, 2).await;
    let rent = t.chain.rent_exempt_minimum(200).await;
    assert_eq!(t.chain.lamports(&keys.validator_stake(&vote)).await, rent, "the account rests with its rent");

    t.user_with_deposit(30 * SOL).await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let entry = t.chain.validator_list(&keys).await.entries[0];
    assert!(!entry.main_deactivated_by_pool() && entry.transient_stake_lamports == 0, "delegated again, directly");
    let account = t.chain.account(&keys.validator_stake(&vote)).await.unwrap();
    let solana_stake_interface::state::StakeStateV2::Stake(_, stake, _) = bincode::deserialize(&account.data).unwrap() else { panic!() };
    assert_eq!(stake.delegation.deactivation_epoch, u64::MAX);
    assert!(stake.delegation.stake > 20 * SOL);
    t.chain.advance_epoch().await;
    t.crank_checking_books(0).await;
}
