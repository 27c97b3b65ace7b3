use liquid_staking::{error::LiquidStakingError as E, state::PAUSED_INSTANT_EXITS};
use liquid_staking_sdk::{decode, instructions as ix};
use liquid_staking_localnet::setup;
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn unstake_ix(t: &TestContext, owner: &Keypair, ticket_nonce: u64, lst_amount: u64, max_fee_bps: u16, min_lamports_out: u64) -> solana_instruction::Instruction {
    bounded_unstake_ix(t, owner, ticket_nonce, lst_amount, max_fee_bps, min_lamports_out, 0)
}

/// As `unstake_ix`, with a bound on the instant part too.
fn bounded_unstake_ix(
    t: &TestContext,
    owner: &Keypair,
    ticket_nonce: u64,
    lst_amount: u64,
    max_fee_bps: u16,
    min_lamports_out: u64,
    min_instant_lamports_out: u64,
) -> solana_instruction::Instruction {
    ix::unstake(&ix::UnstakeParams {
        keys: t.keys(),
        owner: owner.pubkey(),
        owner_lst: t.lst_account_of(&owner.pubkey()),
        ticket_nonce,
        lst_amount,
        max_fee_bps,
        min_lamports_out,
        min_instant_lamports_out,
    })
}

async fn ready() -> (TestContext, Keypair) {
    let (mut t, user) = TestContext::staked(2, 60).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    (t, user)
}

#[tokio::test]
async fn fills_instantly_under_the_maximum_fee_and_tickets_the_rest() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    let pool = t.pool_state().await;
    let id = 7;
    let max_fee = (pool.fees.instant_unstake_min_bps + pool.fees.instant_unstake_max_bps) / 2;
    // Far more than the buffer: part instant, part ticket.
    let lst = t.lst_balance(&user.pubkey()).await / 2;
    let value = (lst as u128 * pool.total_lamports as u128 / pool.lst_supply as u128) as u64;
    let wallet = t.chain.lamports(&user.pubkey()).await;
    t.chain.process(&[unstake_ix(&t, &user, id, lst, max_fee, 0)], &[&user]).await.unwrap();
    let paid = t.chain.lamports(&user.pubkey()).await + t.chain.lamports(&keys.ticket(&user.pubkey(), id)).await - wallet;
    let ticket = decode::ticket(&t.chain.account(&keys.ticket(&user.pubkey(), id)).await.unwrap().data).unwrap();
    assert!(paid > 0, "something was paid at once");
    assert!(ticket.lamports > 0 && ticket.lst_burned < lst, "the rest waits in a ticket");
    // Paid now at a fee of at most max_fee; the ticket at the delayed fee.
    let instant_value = value - (ticket.lst_burned as u128 * pool.total_lamports as u128 / pool.lst_supply as u128) as u64;
    assert!(paid as u128 * 10_000 >= instant_value as u128 * (10_000 - max_fee as u128) - 10_000);
    t.assert_books(0).await;
    // The ticket is paid in full once the crank has unstaked for it.
    for _ in 0..2 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    t.claim_ticket(&user, &keys.ticket(&user.pubkey(), id)).await.unwrap();
    t.assert_books(0).await;
}

#[tokio::test]
async fn at_the_highest_fee_everything_is_instant_when_the_buffer_can_pay() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    let pool = t.pool_state().await;
    let id = 7;
    t.chain.process(&[unstake_ix(&t, &user, id, LAMPORTS_PER_SOL, pool.fees.instant_unstake_max_bps, 0)], &[&user]).await.unwrap();
    assert!(t.chain.account(&keys.ticket(&user.pubkey(), id)).await.is_none(), "no ticket needed");
    assert_eq!(t.pool_state().await.tickets_opened, pool.tickets_opened, "no ticket opened");
    t.assert_books(0).await;
}

#[tokio::test]
async fn while_instant_exits_are_paused_everything_waits_in_a_ticket() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    let guardian = t.pool.pause_guardian.insecure_clone();
    t.chain.process(&[ix::set_pause(&keys, &guardian.pubkey(), PAUSED_INSTANT_EXITS)], &[&guardian]).await.unwrap();
    let id = 7;
    let wallet = t.chain.lamports(&user.pubkey()).await;
    t.chain.process(&[unstake_ix(&t, &user, id, LAMPORTS_PER_SOL, 1_000, 0)], &[&user]).await.unwrap();
    let ticket = decode::ticket(&t.chain.account(&keys.ticket(&user.pubkey(), id)).await.unwrap().data).unwrap();
    assert_eq!(ticket.lst_burned, LAMPORTS_PER_SOL);
    assert_eq!(t.chain.lamports(&user.pubkey()).await, wallet - t.chain.lamports(&keys.ticket(&user.pubkey(), id)).await, "only the ticket's rent left the wallet");
}

#[tokio::test]
async fn fails_on_slippage_zero_or_the_wrong_ticket_account() {
    let (mut t, user) = ready().await;
    let id = 7;
    let own = t.lst_account_of(&user.pubkey());
    let snap = t.snapshot(&[user.pubkey(), own, t.keys().ticket(&user.pubkey(), id), t.keys().ticket(&user.pubkey(), id + 1)]).await;
    assert_error(t.chain.process(&[unstake_ix(&t, &user, id, 0, 100, 0)], &[&user]).await, E::ZeroAmount);
    assert_error(t.chain.process(&[unstake_ix(&t, &user, id, LAMPORTS_PER_SOL, 100, 2 * LAMPORTS_PER_SOL)], &[&user]).await, E::ExitSlippageExceeded);
    // The ticket account must be the owner's ticket for the nonce, even when no ticket is needed.
    let mut wrong_ticket = unstake_ix(&t, &user, id, LAMPORTS_PER_SOL, 100, 0);
    wrong_ticket.accounts[8].pubkey = t.keys().ticket(&user.pubkey(), id + 1);
    assert_error(t.chain.process(&[wrong_ticket], &[&user]).await, E::TicketAccountMismatch);
    snap.assert_same(&t.snapshot(&[user.pubkey(), own, t.keys().ticket(&user.pubkey(), id), t.keys().ticket(&user.pubkey(), id + 1)]).await);
}

/// Finding 7: the instant part of a one-call exit has a bound of its own. A front-runner empties
/// the buffer after the exit was quoted: the exit asking for its quoted instant part is refused
/// and changes nothing, though its total bound (now plus owed) would still pass. Before the fix
/// only the total was bounded, and the exit went through with its instant part turned into a
/// ticket.
#[tokio::test]
async fn a_drained_buffer_cannot_turn_the_instant_part_into_a_ticket() {
    let (mut t, front_runner) = ready().await;
    let keys = t.keys();
    let user = t.user_with_deposit(3 * LAMPORTS_PER_SOL).await;
    let pool = t.pool_state().await;
    let epoch = t.chain.epoch().await;
    let max_fee = (pool.fees.instant_unstake_min_bps + pool.fees.instant_unstake_max_bps) / 2;
    let lst = 2 * LAMPORTS_PER_SOL;
    let (instant, owed) = liquid_staking_sdk::quote::unstake(&pool, lst, t.chain.lamports(&keys.reserve).await, epoch, max_fee).unwrap();
    assert!(instant > 0, "quoted: all of it instant");

    let liquid = pool.reserve_liquid_lamports(t.chain.lamports(&keys.reserve).await);
    let drain = (liquid as u128 * 95 / 100 * pool.lst_supply as u128 / pool.total_lamports as u128) as u64;
    let held = t.lst_balance(&front_runner.pubkey()).await;
    setup::instant_unstake(&mut t.chain, &keys, &front_runner, drain.min(held)).await.unwrap();

    let total_bound = liquid_staking_sdk::quote::with_slippage(instant + owed, 100);
    let snap = t.snapshot(&[user.pubkey(), t.lst_account_of(&user.pubkey()), keys.ticket(&user.pubkey(), 7)]).await;
    let bounded = bounded_unstake_ix(&t, &user, 7, lst, max_fee, total_bound, instant);
    assert_error(t.chain.process(&[bounded], &[&user]).await, E::InstantPartBelowMinimum);
    snap.assert_same(&t.snapshot(&[user.pubkey(), t.lst_account_of(&user.pubkey()), keys.ticket(&user.pubkey(), 7)]).await);
    // Bounded by its total alone, the same exit would have gone through as a ticket.
    t.chain.process(&[unstake_ix(&t, &user, 7, lst, max_fee, total_bound)], &[&user]).await.unwrap();
    assert!(t.chain.account(&keys.ticket(&user.pubkey(), 7)).await.is_some(), "most of it waits in a ticket");
}

/// The SDK's one-call quote (what the CLI bounds the exit with) is exactly what the program pays:
/// bounded by it to the lamport, the exit goes through and pays it.
#[tokio::test]
async fn the_sdk_quote_is_what_the_exit_pays() {
    let (mut t, user) = ready().await;
    let keys = t.keys();
    let pool = t.pool_state().await;
    let max_fee = (pool.fees.instant_unstake_min_bps + pool.fees.instant_unstake_max_bps) / 2;
    let lst = t.lst_balance(&user.pubkey()).await / 2;
    let (instant, owed) = liquid_staking_sdk::quote::unstake(&pool, lst, t.chain.lamports(&keys.reserve).await, t.chain.epoch().await, max_fee).unwrap();
    assert!(instant > 0 && owed > 0, "part now, part later");
    let wallet = t.chain.lamports(&user.pubkey()).await;
    t.chain.process(&[bounded_unstake_ix(&t, &user, 9, lst, max_fee, instant + owed, instant)], &[&user]).await.unwrap();
    let ticket = keys.ticket(&user.pubkey(), 9);
    let rent = t.chain.lamports(&ticket).await;
    assert_eq!(t.chain.lamports(&user.pubkey()).await + rent - wallet, instant, "paid now: the quote");
    assert_eq!(decode::ticket(&t.chain.account(&ticket).await.unwrap().data).unwrap().lamports, owed, "owed: the quote");
}
