use liquid_staking::{error::LiquidStakingError as E, state::PAUSED_INSTANT_EXITS};
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn instant_ix(t: &TestContext, owner: &Keypair, lst_amount: u64, min_lamports_out: u64) -> solana_instruction::Instruction {
    ix::instant_unstake(&ix::InstantUnstakeParams {
        keys: t.keys(),
        owner: owner.pubkey(),
        owner_lst: t.lst_account_of(&owner.pubkey()),
        lst_amount,
        min_lamports_out,
    })
}

/// The instant-exit fee from its definition (not the program's math): the area under the rate
/// curve, `max - (max - min) * b / target` between an empty buffer and its target (`min` above
/// the target, `max` below zero), over the stretch `[position - value, position]` the exit walks;
/// each of the three parts rounded up.
fn expected_fee(value: u64, position: u64, target: u64, min: u16, max: u16) -> u64 {
    let (end, position, target) = (position as i128 - value as i128, position as i128, target as i128);
    let (min, max) = (min as i128, max as i128);
    let ceil = |n: i128, d: i128| (n + d - 1) / d;
    let mut fee = 0;
    if position > target {
        fee += ceil((position - end.max(target)) * min, 10_000);
    }
    let (low, high) = (end.clamp(0, target), position.min(target));
    if high > low {
        fee += ceil((high - low) * (2 * target * max - (max - min) * (low + high)), 2 * target * 10_000);
    }
    if end < 0 {
        fee += ceil(-end * max, 10_000);
    }
    fee as u64
}

/// A pool after its first full crank, plus 10 SOL more in the reserve (buffer above target).
async fn ready() -> (TestContext, Keypair) {
    let (mut t, user) = TestContext::staked(2, 60).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    (t, user)
}

#[tokio::test]
async fn pays_value_less_a_fee_that_rises_as_the_buffer_empties() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    let mut last_fee_bps = 0;
    for lst in [LAMPORTS_PER_SOL / 2, 2 * LAMPORTS_PER_SOL, 2 * LAMPORTS_PER_SOL] {
        let pool = t.pool_state().await;
        let fees = pool.fees;
        let reserve = t.chain.lamports(&keys.reserve).await;
        // The curve stands at the liquid reserve less the fees earlier exits left in it this epoch;
        // its target was fixed at the last settlement.
        let position = pool.reserve_free_lamports(reserve) - pool.owed_lamports - pool.instant_fees_retained_lamports;
        let target = pool.instant_curve_target_lamports;
        let value = (lst as u128 * pool.total_lamports as u128 / pool.lst_supply as u128) as u64;
        let fee = expected_fee(value, position, target, fees.instant_unstake_min_bps, fees.instant_unstake_max_bps);
        let fee_bps = (fee as u128 * 10_000 / value as u128) as u16;
        let out = value - fee;
        let treasury_fee = (fee as u128 * fees.treasury_share_bps as u128 / 10_000) as u64;
        let (t_after, s_after) = (pool.total_lamports - out, pool.lst_supply - lst);
        let treasury_lst = if treasury_fee == 0 { 0 } else { (treasury_fee as u128 * s_after as u128 / (t_after - treasury_fee) as u128) as u64 };

        let wallet = t.chain.lamports(&user.pubkey()).await;
        let treasury = t.chain.token_balance(&keys.treasury).await;
        t.chain.process(&[instant_ix(&t, &user, lst, out)], &[&user]).await.unwrap();
        assert_eq!(t.chain.lamports(&user.pubkey()).await, wallet + out);
        assert_eq!(t.chain.token_balance(&keys.treasury).await, treasury + treasury_lst);
        let after = t.pool_state().await;
        assert_eq!((after.total_lamports, after.lst_supply), (t_after, s_after + treasury_lst));
        assert!(
            after.total_lamports as u128 * pool.lst_supply as u128 >= pool.total_lamports as u128 * after.lst_supply as u128,
            "holders keep the fee: the rate does not fall"
        );
        assert!(fee_bps >= last_fee_bps, "the average fee rises as the buffer empties");
        last_fee_bps = fee_bps;
        t.assert_books(0).await;
    }
    assert!(last_fee_bps > t.pool_state().await.fees.instant_unstake_min_bps);
}

#[tokio::test]
async fn never_pays_from_sol_owed_to_tickets() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    // A ticket claims most of the reserve's SOL; only the rest is liquid.
    let pool = t.pool_state().await;
    let reserve = t.chain.lamports(&keys.reserve).await;
    let free = pool.reserve_free_lamports(reserve);
    let ticket_lst = (free as u128 * 8 / 10 * pool.lst_supply as u128 / pool.total_lamports as u128) as u64;
    t.order_unstake(&user, ticket_lst).await.unwrap();
    let pool = t.pool_state().await;
    let liquid = pool.reserve_free_lamports(reserve) - pool.owed_lamports;
    // Worth more than what is liquid but less than the reserve holds.
    let lst = (((liquid + free) / 2) as u128 * pool.lst_supply as u128 / pool.total_lamports as u128) as u64;
    let snap = t.snapshot(&[user.pubkey(), t.lst_account_of(&user.pubkey())]).await;
    assert_error(t.chain.process(&[instant_ix(&t, &user, lst, 0)], &[&user]).await, E::InsufficientLiquidity);
    snap.assert_same(&t.snapshot(&[user.pubkey(), t.lst_account_of(&user.pubkey())]).await);
}

#[tokio::test]
async fn fails_when_paused_stale_zero_on_slippage_or_with_the_wrong_treasury() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    let own = t.lst_account_of(&user.pubkey());
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let snap = t.snapshot(&[user.pubkey(), own]).await;
    assert_error(t.chain.process(&[instant_ix(&t, &user, 0, 0)], &[&user]).await, E::ZeroAmount);
    assert_error(t.chain.process(&[instant_ix(&t, &user, LAMPORTS_PER_SOL, LAMPORTS_PER_SOL)], &[&user]).await, E::ExitSlippageExceeded);
    let mut wrong_treasury = instant_ix(&t, &user, LAMPORTS_PER_SOL, 0);
    wrong_treasury.accounts[5].pubkey = other.keys.treasury;
    assert_error(t.chain.process(&[wrong_treasury], &[&user]).await, E::WrongTreasury);
    snap.assert_same(&t.snapshot(&[user.pubkey(), own]).await);
    let guardian = t.pool.pause_guardian.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), PAUSED_INSTANT_EXITS)], &[&guardian]).await.unwrap();
    let snap_paused = t.snapshot(&[user.pubkey(), own]).await;
    assert_error(t.chain.process(&[instant_ix(&t, &user, LAMPORTS_PER_SOL, 0)], &[&user]).await, E::InstantExitsPaused);
    snap_paused.assert_same(&t.snapshot(&[user.pubkey(), own]).await);
    let admin = t.pool.admin.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &admin.pubkey(), 0)], &[&admin]).await.unwrap();
    t.chain.advance_epoch().await;
    assert_error(t.chain.process(&[instant_ix(&t, &user, LAMPORTS_PER_SOL, 0)], &[&user]).await, E::PoolStale);
}

/// Finding 7: an exit from a wallet without an LST account names that. Before the fix Anchor's
/// mint check on the missing account said WrongMint ("Mint is not this pool's LST mint").
#[tokio::test]
async fn fails_by_name_without_an_lst_account() {
    let (mut t, _user) = ready().await;
    let stranger = setup::funded_wallet(&mut t.chain, LAMPORTS_PER_SOL).await;
    let snap = t.snapshot(&[stranger.pubkey()]).await;
    assert_error(t.chain.process(&[instant_ix(&t, &stranger, LAMPORTS_PER_SOL, 0)], &[&stranger]).await, E::LstAccountMissing);
    snap.assert_same(&t.snapshot(&[stranger.pubkey()]).await);
}
