//! Depositing just before an epoch boundary and leaving right after, by every route, earns
//! nothing at the other holders' expense. SOL is conserved, so "the depositor ends with no more
//! SOL than they put in" is the same as "the other holders lost nothing to them". Two defences
//! work together: deposits pay at least the last epoch's yield (the dilution fee), and every exit
//! has a fee. (On this chain each warm-up epoch is twice as long as the last, so its rewards
//! double and the dilution fee alone undercharges; exit fees cover the difference.)
use liquid_staking_localnet::setup;
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_signer::Signer;

#[derive(Debug, Clone, Copy)]
enum Route {
    Instant,
    Ticket,
    Stake,
    OneCall,
}

/// Returns (SOL the attacker had before depositing, SOL they have after leaving).
async fn round_trip(route: Route) -> (u64, u64) {
    let (mut t, _holder) = TestContext::staked(2, 200).await;
    let keys = t.keys();
    for _ in 0..3 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    assert!(t.pool_state().await.last_rewards_lamports > 0, "rewards are flowing");
    // The attacker, with an LST account ready, deposits in the last slot of the epoch.
    let attacker = setup::funded_wallet(&mut t.chain, 60 * LAMPORTS_PER_SOL).await;
    let create = ix::create_lst_account(&attacker.pubkey(), &attacker.pubkey(), &keys.lst_mint);
    t.chain.process(&[create], &[&attacker]).await.unwrap();
    let before = t.chain.lamports(&attacker.pubkey()).await;
    let epoch = t.chain.epoch().await;
    let last_slot = t.chain.ctx.genesis_config().epoch_schedule.get_last_slot_in_epoch(epoch);
    t.chain.ctx.warp_to_slot(last_slot).unwrap();
    setup::deposit_sol(&mut t.chain, &keys, &attacker, 50 * LAMPORTS_PER_SOL, 0).await.unwrap();

    // The boundary: rewards; the crank observes and finalizes; the attacker leaves at once, before
    // rebalancing stakes their SOL (the most the buffer can ever offer them).
    t.chain.advance_epoch().await;
    for step in [CrankStep::Observe, CrankStep::Finalize] {
        for tx in plan_step(&mut t.chain, &keys, step).await {
            t.chain.process(&tx, &[]).await.unwrap();
        }
    }
    let lst = t.lst_balance(&attacker.pubkey()).await;
    let mut extra_value = 0;
    let ticket = match route {
        Route::Instant => {
            setup::instant_unstake(&mut t.chain, &keys, &attacker, lst).await.unwrap();
            None
        }
        Route::Ticket => Some(setup::order_unstake(&mut t.chain, &keys, &attacker, lst).await.unwrap()),
        Route::OneCall => setup::unstake(&mut t.chain, &keys, &attacker, lst, 300).await.unwrap(),
        Route::Stake => {
            let vote = t.chain.vote_accounts[0];
            let stake = setup::withdraw_stake(&mut t.chain, &keys, &attacker, 0, vote, lst).await.unwrap();
            // The stake account's lamports are the attacker's (they paid its rent from the wallet).
            extra_value = t.chain.lamports(&stake).await;
            None
        }
    };
    if let Some(ticket) = ticket {
        for _ in 0..3 {
            if t.claim_ticket(&attacker, &ticket).await.is_ok() {
                break;
            }
            t.chain.advance_epoch().await;
            run_crank(&mut t.chain, &keys).await.unwrap();
        }
        assert!(t.chain.account(&ticket).await.is_none(), "the ticket was paid");
    }
    assert_eq!(t.lst_balance(&attacker.pubkey()).await, 0);
    t.assert_books(0).await;
    (before, t.chain.lamports(&attacker.pubkey()).await + extra_value)
}

#[tokio::test]
async fn instant_exit_after_the_boundary_earns_nothing() {
    let (before, after) = round_trip(Route::Instant).await;
    assert!(after <= before, "attacker gained {} lamports", after - before);
}

#[tokio::test]
async fn delayed_exit_after_the_boundary_earns_nothing() {
    let (before, after) = round_trip(Route::Ticket).await;
    assert!(after <= before, "attacker gained {} lamports", after - before);
}

#[tokio::test]
async fn stake_withdrawal_after_the_boundary_earns_nothing() {
    let (before, after) = round_trip(Route::Stake).await;
    assert!(after <= before, "attacker gained {} lamports", after - before);
}

#[tokio::test]
async fn one_call_exit_after_the_boundary_earns_nothing() {
    let (before, after) = round_trip(Route::OneCall).await;
    assert!(after <= before, "attacker gained {} lamports", after - before);
}
