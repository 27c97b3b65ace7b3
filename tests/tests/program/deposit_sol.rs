use liquid_staking::error::LiquidStakingError as E;
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn deposit_ix(t: &TestContext, user: &Keypair, lamports: u64, min_lst_out: u64) -> solana_instruction::Instruction {
    ix::deposit_sol(&ix::DepositSolParams {
        keys: t.keys(),
        depositor: user.pubkey(),
        recipient_lst: t.lst_account_of(&user.pubkey()),
        lamports,
        min_lst_out,
    })
}

/// A user with an (empty) LST account and 100 SOL.
async fn user(t: &mut TestContext) -> Keypair {
    let user = setup::funded_wallet(&mut t.chain, 100 * LAMPORTS_PER_SOL).await;
    let create = ix::create_lst_account(&user.pubkey(), &user.pubkey(), &t.keys().lst_mint);
    t.chain.process(&[create], &[&user]).await.unwrap();
    user
}

#[tokio::test]
async fn mints_at_the_rate_rounded_down() {
    let (mut t, _) = TestContext::staked(1, 20).await;
    let keys = t.keys();
    // Let the rate rise above 1 with real rewards.
    for _ in 0..3 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    let before = t.pool_state().await;
    assert!(before.total_lamports > before.lst_supply);
    let u = user(&mut t).await;
    let lamports = 3 * LAMPORTS_PER_SOL + 7;
    // The fee: at least the last settlement's net yield, per slot, over this epoch's slots, on the
    // deposit (rounded up, capped at 0.5%).
    let epoch = t.chain.epoch().await;
    let slots = t.chain.ctx.genesis_config().epoch_schedule.get_slots_in_epoch(epoch);
    assert!(before.last_rewards_slots > 0);
    let net = (before.last_rewards_lamports - before.last_fee_lamports) as u128;
    let net_now = (net * slots as u128).div_ceil(before.last_rewards_slots as u128);
    let dilution = (lamports as u128 * net_now).div_ceil(before.previous_total_lamports as u128) as u64;
    let cap = (lamports as u128 * 50).div_ceil(10_000) as u64;
    let configured = (lamports as u128 * before.fees.deposit_bps as u128).div_ceil(10_000) as u64;
    let fee = dilution.min(cap).max(configured);
    assert!(fee > 0, "after an epoch with rewards a deposit pays for the dilution");
    let expected = ((lamports - fee) as u128 * before.lst_supply as u128 / before.total_lamports as u128) as u64;
    let reserve_before = t.chain.lamports(&keys.reserve).await;
    t.chain.process(&[deposit_ix(&t, &u, lamports, expected)], &[&u]).await.unwrap();
    let after = t.pool_state().await;
    assert_eq!(t.chain.token_balance(&t.lst_account_of(&u.pubkey())).await, expected);
    assert_eq!(after.total_lamports, before.total_lamports + lamports);
    assert_eq!(after.lst_supply, before.lst_supply + expected);
    assert_eq!(t.chain.lamports(&keys.reserve).await, reserve_before + lamports);
    // Rounding left the dust with the pool: the rate did not fall.
    assert!(
        after.total_lamports as u128 * before.lst_supply as u128
            >= before.total_lamports as u128 * after.lst_supply as u128
    );
    t.assert_books(0).await;
    // One lamport buys less than one LST unit now: refused rather than minting zero.
    let snap = t.snapshot(&[u.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &u, 1, 0)], &[&u]).await, E::DepositTooSmall);
    snap.assert_same(&t.snapshot(&[u.pubkey()]).await);
}

#[tokio::test]
async fn fails_when_the_pool_is_stale() {
    let mut t = TestContext::new(0).await;
    let u = user(&mut t).await;
    t.chain.advance_epoch().await;
    let snap = t.snapshot(&[u.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &u, LAMPORTS_PER_SOL, 0)], &[&u]).await, E::PoolStale);
    snap.assert_same(&t.snapshot(&[u.pubkey()]).await);
}

#[tokio::test]
async fn fails_on_zero_and_overflowing_amounts() {
    let mut t = TestContext::new(0).await;
    let u = user(&mut t).await;
    let snap = t.snapshot(&[u.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &u, 0, 0)], &[&u]).await, E::ZeroAmount);
    assert_error(t.chain.process(&[deposit_ix(&t, &u, u64::MAX, 0)], &[&u]).await, E::MathOverflow);
    snap.assert_same(&t.snapshot(&[u.pubkey()]).await);
}

#[tokio::test]
async fn fails_when_fewer_lst_than_the_minimum_would_be_minted() {
    let mut t = TestContext::new(0).await;
    let u = user(&mut t).await;
    let snap = t.snapshot(&[u.pubkey()]).await;
    let result = t.chain.process(&[deposit_ix(&t, &u, LAMPORTS_PER_SOL, LAMPORTS_PER_SOL + 1)], &[&u]).await;
    assert_error(result, E::SlippageExceeded);
    snap.assert_same(&t.snapshot(&[u.pubkey()]).await);
}

#[tokio::test]
async fn fails_with_the_wrong_mint() {
    let mut t = TestContext::new(0).await;
    // A second pool: its mint and its users' token accounts are the wrong ones here.
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let u = user(&mut t).await;
    let create_other = ix::create_lst_account(&u.pubkey(), &u.pubkey(), &other.keys.lst_mint);
    t.chain.process(&[create_other], &[&u]).await.unwrap();
    let other_lst = liquid_staking_sdk::addresses::lst_account(&u.pubkey(), &other.keys.lst_mint);
    let snap = t.snapshot(&[u.pubkey(), other_lst, other.keys.lst_mint]).await;

    let mut wrong_recipient = deposit_ix(&t, &u, LAMPORTS_PER_SOL, 0);
    swap_account(&mut wrong_recipient, &t.lst_account_of(&u.pubkey()), other_lst);
    assert_error(t.chain.process(&[wrong_recipient], &[&u]).await, E::WrongMint);

    let mut wrong_mint = deposit_ix(&t, &u, LAMPORTS_PER_SOL, 0);
    swap_account(&mut wrong_mint, &t.keys().lst_mint, other.keys.lst_mint);
    assert_error(t.chain.process(&[wrong_mint], &[&u]).await, E::WrongMint);
    snap.assert_same(&t.snapshot(&[u.pubkey(), other_lst, other.keys.lst_mint]).await);
}

#[tokio::test]
async fn fails_with_another_pools_reserve() {
    let mut t = TestContext::new(0).await;
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let u = user(&mut t).await;
    let snap = t.snapshot(&[u.pubkey(), other.keys.reserve]).await;
    let mut wrong_reserve = deposit_ix(&t, &u, LAMPORTS_PER_SOL, 0);
    swap_account(&mut wrong_reserve, &t.keys().reserve, other.keys.reserve);
    assert_error(t.chain.process(&[wrong_reserve], &[&u]).await, E::WrongReserve);
    snap.assert_same(&t.snapshot(&[u.pubkey(), other.keys.reserve]).await);
}

/// Finding 7: a deposit whose LST account was never created is refused by name (before the fix:
/// WrongMint).
#[tokio::test]
async fn fails_by_name_without_an_lst_account() {
    let mut t = TestContext::new(0).await;
    let depositor = setup::funded_wallet(&mut t.chain, 10 * LAMPORTS_PER_SOL).await;
    let snap = t.snapshot(&[depositor.pubkey()]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &depositor, LAMPORTS_PER_SOL, 0)], &[&depositor]).await, E::LstAccountMissing);
    snap.assert_same(&t.snapshot(&[depositor.pubkey()]).await);
}

/// Finding 7: a pool whose LST is worth nothing (its SOL lost; here the test empties the reserve
/// of a pool without validators, and the crank settles it at zero) refuses deposits by name.
/// Before the fix the math minted one LST unit per lamport into a pool with supply and no SOL:
/// the depositor's SOL went to the holders of the old, worthless LST.
#[tokio::test]
async fn deposits_into_a_pool_with_no_value_are_refused() {
    let mut t = TestContext::new(0).await;
    let keys = t.keys();
    let u = user(&mut t).await;
    let mut reserve = t.chain.account(&keys.reserve).await.unwrap();
    reserve.lamports = t.pool_state().await.reserve_rent_lamports;
    t.chain.ctx.set_account(&keys.reserve, &reserve.into());
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let pool = t.pool_state().await;
    assert_eq!((pool.total_lamports, pool.last_update_epoch), (0, t.chain.epoch().await), "settled at zero");
    assert!(pool.lst_supply > 0);
    let snap = t.snapshot(&[u.pubkey(), t.lst_account_of(&u.pubkey())]).await;
    assert_error(t.chain.process(&[deposit_ix(&t, &u, LAMPORTS_PER_SOL, 0)], &[&u]).await, E::PoolHasNoValue);
    snap.assert_same(&t.snapshot(&[u.pubkey(), t.lst_account_of(&u.pubkey())]).await);
}
