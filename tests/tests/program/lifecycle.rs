//! Five epochs or more, three validators, rewards paid by the runtime: the rate rises by exactly
//! the rewards less the fee, the treasury gets exactly the fee, and the books balance after every
//! transaction.
use liquid_staking_tests::*;

/// The reward fee in LST, computed here from its definition (not with the program's math):
/// the treasury receives the largest whole number of LST units worth at most the fee at the new
/// rate, i.e. floor(fee * supply / (new_total - fee)).
fn expected_fee_lst(fee_lamports: u64, supply: u64, new_total: u64) -> u64 {
    if fee_lamports == 0 {
        return 0;
    }
    ((fee_lamports as u128 * supply as u128) / (new_total as u128 - fee_lamports as u128)) as u64
}

#[tokio::test]
async fn rewards_flow_into_the_rate_over_six_epochs() {
    let mut t = TestContext::new(3).await;
    let keys = t.keys();
    // Three stakers, different sizes; validators with different weights.
    let mut users = Vec::new();
    for sol in [30u64, 12, 7] {
        users.push(t.user_with_deposit(sol * LAMPORTS_PER_SOL).await);
        t.assert_books(0).await;
    }
    for (vote, weight) in t.chain.vote_accounts.clone().into_iter().zip([50u32, 30, 20]) {
        t.add_validator(vote, weight).await.unwrap();
        t.assert_books(0).await;
    }
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.assert_books(0).await;

    let fee_bps = t.pool_state().await.fees.reward_bps as u64;
    let mut epochs_with_rewards = 0;
    for round in 0..6 {
        let rewards = t.advance_epoch().await;
        let epoch = t.chain.epoch().await;
        let before = t.pool_state().await;
        let treasury_before = t.chain.token_balance(&keys.treasury).await;
        t.assert_books(rewards).await;

        // The crank, one transaction at a time, books checked after each.
        t.crank_checking_books(rewards).await;
        let after = t.pool_state().await;

        // SOL under management rose by exactly the rewards the runtime paid.
        assert_eq!(after.total_lamports, before.total_lamports + rewards, "epoch {epoch}");
        assert_eq!(after.last_rewards_lamports, rewards);
        // The fee: floor(rewards * fee_bps / 10_000) lamports, paid as LST.
        let fee_lamports = rewards * fee_bps / 10_000;
        assert_eq!(after.last_fee_lamports, fee_lamports);
        let fee_lst = expected_fee_lst(fee_lamports, before.lst_supply, after.total_lamports);
        assert_eq!(t.chain.token_balance(&keys.treasury).await - treasury_before, fee_lst);
        assert_eq!(after.lst_supply, before.lst_supply + fee_lst);
        assert_eq!(t.chain.mint_supply(&keys.lst_mint).await, after.lst_supply);

        // Holders' value rose by the rewards less the fee: exactly, up to the rounding of the
        // fee LST, which stays with the holders (less than one LST unit's worth).
        let holders_value = before.lst_supply as u128 * after.total_lamports as u128 / after.lst_supply as u128;
        let floor = (before.total_lamports + rewards - fee_lamports) as u128;
        assert!(holders_value >= floor, "holders lost value in epoch {epoch}");
        let unit_value = after.total_lamports as u128 / after.lst_supply as u128 + 1;
        assert!(holders_value <= floor + unit_value, "holders gained more than the fee rounding");
        // The rate never falls.
        assert!(
            after.total_lamports as u128 * before.lst_supply as u128
                >= before.total_lamports as u128 * after.lst_supply as u128
        );
        if rewards > 0 {
            epochs_with_rewards += 1;
        }
        // A new staker joins mid-way at the fresh rate.
        if round == 2 {
            users.push(t.user_with_deposit(5 * LAMPORTS_PER_SOL).await);
            t.assert_books(0).await;
        }
    }
    assert!(epochs_with_rewards >= 5, "the runtime paid rewards in only {epochs_with_rewards} epochs");
    let final_pool = t.pool_state().await;
    assert!(final_pool.total_lamports > final_pool.lst_supply, "the rate rose above 1");
    // Most SOL is staked (buffer target 10%).
    assert!(final_pool.stake_lamports * 100 / final_pool.total_lamports >= 85);
}
