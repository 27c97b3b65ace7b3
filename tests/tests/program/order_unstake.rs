use liquid_staking::{error::LiquidStakingError as E, state::TICKET_OWNER_OFFSET};
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_sdk::{decode, instructions as ix};
use liquid_staking_tests::*;
use solana_signer::Signer;

#[tokio::test]
async fn burns_lst_and_records_what_is_owed_less_the_fee() {
    let (mut t, user) = TestContext::staked(2, 40).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let before = t.pool_state().await;
    let lst = t.lst_balance(&user.pubkey()).await / 4;
    let epoch = t.chain.epoch().await;
    let ticket = t.order_unstake(&user, lst).await.unwrap();

    let value = (lst as u128 * before.total_lamports as u128 / before.lst_supply as u128) as u64;
    let fee = (value * before.fees.delayed_unstake_bps as u64).div_ceil(10_000);
    let data = t.chain.account(&ticket).await.unwrap().data;
    let ticket_state = decode::ticket(&data).unwrap();
    assert_eq!(ticket_state.owner, user.pubkey());
    assert_eq!(&data[TICKET_OWNER_OFFSET..TICKET_OWNER_OFFSET + 32], user.pubkey().as_ref());
    assert_eq!((ticket_state.lamports, ticket_state.lst_burned), (value - fee, lst));
    assert_eq!((ticket_state.created_epoch, ticket_state.claimable_epoch), (epoch, epoch + 1));
    let after = t.pool_state().await;
    assert_eq!(after.total_lamports, before.total_lamports - (value - fee));
    assert_eq!(after.lst_supply, before.lst_supply - lst);
    assert_eq!(after.owed_lamports, value - fee);
    assert_eq!(t.chain.mint_supply(&keys.lst_mint).await, after.lst_supply);
    assert!(
        after.total_lamports as u128 * before.lst_supply as u128 >= before.total_lamports as u128 * after.lst_supply as u128,
        "the fee and the rounding stay with the holders"
    );
    t.assert_books(0).await;
}

#[tokio::test]
async fn fails_at_a_stale_rate_on_zero_on_slippage_and_with_the_wrong_mint() {
    let (mut t, user) = TestContext::staked(1, 20).await;
    let keys = t.keys();
    let next_id = 1;
    let order = |lst_amount: u64, min_lamports_out: u64, owner_lst: solana_pubkey::Pubkey| {
        ix::order_unstake(&ix::OrderUnstakeParams {
            keys,
            owner: user.pubkey(),
            owner_lst,
            ticket_nonce: next_id,
            lst_amount,
            min_lamports_out,
        })
    };
    let own = t.lst_account_of(&user.pubkey());
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    let create_other = ix::create_lst_account(&user.pubkey(), &user.pubkey(), &other.keys.lst_mint);
    t.chain.process(&[create_other], &[&user]).await.unwrap();
    let other_lst = liquid_staking_sdk::addresses::lst_account(&user.pubkey(), &other.keys.lst_mint);
    let snap = t.snapshot(&[user.pubkey(), own, keys.ticket(&user.pubkey(), next_id)]).await;
    assert_error(t.chain.process(&[order(0, 0, own)], &[&user]).await, E::ZeroAmount);
    assert_error(t.chain.process(&[order(LAMPORTS_PER_SOL, 2 * LAMPORTS_PER_SOL, own)], &[&user]).await, E::ExitSlippageExceeded);
    assert_error(t.chain.process(&[order(LAMPORTS_PER_SOL, 0, other_lst)], &[&user]).await, E::WrongMint);
    // One LST unit is worth one lamport, and the delayed-exit fee (rounded up) takes it.
    assert_error(t.chain.process(&[order(1, 0, own)], &[&user]).await, E::ExitTooSmall);
    t.chain.advance_epoch().await;
    assert_error(t.chain.process(&[order(LAMPORTS_PER_SOL, 0, own)], &[&user]).await, E::PoolStale);
    snap.assert_same(&t.snapshot(&[user.pubkey(), own, keys.ticket(&user.pubkey(), next_id)]).await);
}

#[tokio::test]
async fn fails_to_burn_someone_elses_lst() {
    let (mut t, user) = TestContext::staked(1, 20).await;
    let keys = t.keys();
    let thief = setup::funded_wallet(&mut t.chain, LAMPORTS_PER_SOL).await;
    let next_id = 1;
    let victim_lst = t.lst_account_of(&user.pubkey());
    let snap = t.snapshot(&[victim_lst]).await;
    let steal = ix::order_unstake(&ix::OrderUnstakeParams {
        keys,
        owner: thief.pubkey(),
        owner_lst: victim_lst,
        ticket_nonce: next_id,
        lst_amount: LAMPORTS_PER_SOL,
        min_lamports_out: 0,
    });
    let result = t.chain.process(&[steal], &[&thief]).await;
    // SPL Token refuses: the signer is not the token account's owner (TokenError::OwnerMismatch = 4).
    assert_eq!(error_code(&result.unwrap_err()), Some(4));
    snap.assert_same(&t.snapshot(&[victim_lst]).await);
}

#[tokio::test]
async fn is_never_paused() {
    let (mut t, user) = TestContext::staked(1, 20).await;
    let keys = t.keys();
    let guardian = t.pool.pause_guardian.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), liquid_staking::state::PAUSED_ALL)], &[&guardian]).await.unwrap();
    t.order_unstake(&user, LAMPORTS_PER_SOL).await.unwrap();
}
