use liquid_staking::{constants::*, error::LiquidStakingError as E, state::Fees};
use liquid_staking_localnet::setup::{self, default_fees};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn set_fees_ix(t: &TestContext, signer: &Keypair, fees: Fees) -> solana_instruction::Instruction {
    ix::set_fees(&t.keys(), &signer.pubkey(), fees)
}

#[tokio::test]
async fn decreases_apply_at_once_and_increases_after_two_epoch_boundaries() {
    let mut t = TestContext::new(0).await;
    let keys = t.keys();
    let admin = t.pool.admin.insecure_clone();
    let epoch = t.chain.epoch().await;
    let lower = Fees { reward_bps: 100, ..default_fees() };
    t.chain.process(&[set_fees_ix(&t, &admin, lower)], &[&admin]).await.unwrap();
    assert_eq!(t.pool_state().await.fees_at(epoch), lower);

    let higher = Fees { reward_bps: 900, deposit_bps: 50, ..lower };
    t.chain.process(&[set_fees_ix(&t, &admin, higher)], &[&admin]).await.unwrap();
    let pool = t.pool_state().await;
    assert_eq!(pool.fees_at(epoch), lower, "an increase does not apply in the epoch it is set");
    assert_eq!(pool.pending_fees_epoch, epoch + FEE_INCREASE_DELAY_EPOCHS);
    // A deposit in this epoch pays the old (zero) deposit fee: a fee change cannot front-run it.
    let u = t.user_with_deposit(10 * LAMPORTS_PER_SOL).await;
    assert_eq!(t.chain.token_balance(&t.lst_account_of(&u.pubkey())).await, 10 * LAMPORTS_PER_SOL);

    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert_eq!(t.pool_state().await.fees_at(epoch + 1), lower, "one boundary is not enough");
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let pool = t.pool_state().await;
    assert_eq!(pool.fees_at(epoch + 2), higher);
    // Now deposits pay 0.5%, rounded up, and the fee stays with the holders.
    let before = t.pool_state().await;
    let u2 = t.user_with_deposit(10 * LAMPORTS_PER_SOL).await;
    let fee = (10 * LAMPORTS_PER_SOL * 50).div_ceil(10_000);
    let expected = ((10 * LAMPORTS_PER_SOL - fee) as u128 * before.lst_supply as u128 / before.total_lamports as u128) as u64;
    assert_eq!(t.chain.token_balance(&t.lst_account_of(&u2.pubkey())).await, expected);
    assert_eq!(t.pool_state().await.total_lamports, before.total_lamports + 10 * LAMPORTS_PER_SOL);
}

#[tokio::test]
async fn an_increase_set_at_the_end_of_an_epoch_still_waits_two_boundaries() {
    let mut t = TestContext::new(0).await;
    let admin = t.pool.admin.insecure_clone();
    let epoch = t.chain.epoch().await;
    let schedule = t.chain.ctx.genesis_config().epoch_schedule.clone();
    t.chain.ctx.warp_to_slot(schedule.get_last_slot_in_epoch(epoch)).unwrap();
    assert_eq!(t.chain.epoch().await, epoch);
    let higher = Fees { reward_bps: 1_000, ..default_fees() };
    t.chain.process(&[set_fees_ix(&t, &admin, higher)], &[&admin]).await.unwrap();
    let pool = t.pool_state().await;
    assert_eq!(pool.fees_at(epoch + 1), default_fees(), "the next epoch still has the old fee");
    assert_eq!(pool.fees_at(epoch + 2), higher);
}

#[tokio::test]
async fn fails_above_each_cap_and_for_anyone_but_the_admin() {
    let mut t = TestContext::new(0).await;
    let admin = t.pool.admin.insecure_clone();
    let operator = t.pool.operator.insecure_clone();
    let snap = t.snapshot(&[]).await;
    let f = default_fees();
    for (fees, error) in [
        (Fees { reward_bps: MAX_REWARD_FEE_BPS + 1, ..f }, E::RewardFeeTooHigh),
        (Fees { deposit_bps: MAX_DEPOSIT_FEE_BPS + 1, ..f }, E::DepositFeeTooHigh),
        (Fees { delayed_unstake_bps: MAX_EXIT_FEE_BPS + 1, ..f }, E::ExitFeeTooHigh),
        (Fees { stake_withdrawal_bps: MAX_EXIT_FEE_BPS + 1, ..f }, E::ExitFeeTooHigh),
        (Fees { instant_unstake_max_bps: MAX_INSTANT_UNSTAKE_FEE_BPS + 1, ..f }, E::InstantUnstakeFeeTooHigh),
        (Fees { instant_unstake_min_bps: 301, instant_unstake_max_bps: 300, ..f }, E::InstantUnstakeFeeRangeInvalid),
        (Fees { treasury_share_bps: 10_001, ..f }, E::TreasuryShareTooHigh),
    ] {
        assert_error(t.chain.process(&[set_fees_ix(&t, &admin, fees)], &[&admin]).await, error);
    }
    assert_error(t.chain.process(&[set_fees_ix(&t, &operator, f)], &[&operator]).await, E::NotAdmin);
    snap.assert_same(&t.snapshot(&[]).await);
    // Creating a pool checks the same caps.
    let config = setup::PoolConfig { fees: Fees { deposit_bps: 51, ..f }, ..Default::default() };
    assert_error(setup::create_pool(&mut t.chain, &config).await.map(|_| ()), E::DepositFeeTooHigh);
}
