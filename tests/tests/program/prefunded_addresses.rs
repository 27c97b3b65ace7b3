//! Finding 9: every address the program creates an account at can be known before the
//! transaction that creates it lands (a new pool's follow from the mint key in the pending
//! transaction; a ticket's from its owner and nonce; a stake account's from the pool and the vote
//! account), so anyone can send lamports there first. No creation fails for it: the account is
//! funded up to its rent, allocated and assigned with what is there. Extra SOL at a stake account
//! or the reserve is pool SOL the next settlement counts, like any donation; at any other account
//! it stays with that account. One test per address. Before the fix four refused to be created at
//! an address holding lamports: the LST mint (system create_account), the validator list (the
//! SDK's create_account), and the pool and rate accounts (Anchor 1.2's `init` takes the
//! CreateAccountAllowPrefund path for a funded address, an instruction agave 3.1's System program
//! refuses as InvalidInstructionData); the treasury, locked LST account, reserve, tickets and
//! stake accounts already passed.
use liquid_staking::{constants::MIN_STAKE_DELEGATION_LAMPORTS, state::ValidatorList};
use liquid_staking_localnet::{
    setup::{self, initialize_pool_instructions, CreatedPool, NewPoolKeypairs, PoolConfig},
    LocalChain,
};
use liquid_staking_sdk::instructions as ix;
use liquid_staking_tests::*;
use solana_pubkey::Pubkey;
use solana_signer::Signer;

const SOL: u64 = LAMPORTS_PER_SOL;
/// What someone sends to the address first.
const GIFT: u64 = SOL / 2;

#[derive(Debug, Clone, Copy, PartialEq)]
enum PoolAddress {
    Pool,
    Reserve,
    Treasury,
    LockedLst,
    Rate,
    Mint,
    ValidatorList,
}

/// Creates a pool after GIFT was sent to one of its addresses; checks what was created and that
/// the pool then works through a deposit, a validator and two cranks, its books to the lamport.
async fn create_with_prefunded(which: PoolAddress) {
    let mut chain = LocalChain::start(1).await;
    let kp = NewPoolKeypairs::generate();
    let keys = kp.keys();
    let address = match which {
        PoolAddress::Pool => keys.pool,
        PoolAddress::Reserve => keys.reserve,
        PoolAddress::Treasury => keys.treasury,
        PoolAddress::LockedLst => keys.locked_lst(),
        PoolAddress::Rate => keys.rate,
        PoolAddress::Mint => keys.lst_mint,
        PoolAddress::ValidatorList => keys.validator_list,
    };
    chain.fund(&address, GIFT).await;
    let instructions = initialize_pool_instructions(&mut chain, &kp, &PoolConfig::default()).await;
    chain
        .process(&instructions, &[&kp.lst_mint, &kp.validator_list])
        .await
        .unwrap_or_else(|e| panic!("creating the pool with {which:?} pre-funded: {e:?}"));
    let pool = CreatedPool { keys, admin: kp.admin, operator: kp.operator, pause_guardian: kp.pause_guardian, treasury_authority: kp.treasury_authority };
    let mut t = TestContext { chain, pool };

    let owners = [
        (keys.pool, liquid_staking::ID),
        (keys.rate, liquid_staking::ID),
        (keys.validator_list, liquid_staking::ID),
        (keys.treasury, spl_token_interface::ID),
        (keys.locked_lst(), spl_token_interface::ID),
        (keys.lst_mint, spl_token_interface::ID),
    ];
    for (account, owner) in owners {
        assert_eq!(t.chain.account(&account).await.expect("created").owner, owner, "{account}");
    }
    assert_eq!(t.chain.account(&keys.validator_list).await.unwrap().data.len(), ValidatorList::SPACE);
    assert_eq!(t.chain.token_balance(&keys.locked_lst()).await, SOL, "the initial deposit's LST is locked");
    let account = t.chain.account(&address).await.unwrap();
    assert!(account.lamports >= GIFT, "the gift stays at {which:?}");
    // Only SOL in the reserve is pool SOL: a donation the next settlement counts.
    let donated = if which == PoolAddress::Reserve { GIFT } else { 0 };
    t.assert_books(donated).await;

    let user = t.user_with_deposit(20 * SOL).await;
    t.add_validator(t.chain.vote_accounts[0], 100).await.unwrap();
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards + donated).await;
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await;
    let lst = t.lst_balance(&user.pubkey()).await;
    setup::instant_unstake(&mut t.chain, &keys, &user, lst / 10).await.unwrap();
    t.assert_books(0).await;
}

#[tokio::test]
async fn a_prefunded_pool_address_does_not_block_the_pool() {
    create_with_prefunded(PoolAddress::Pool).await;
}

#[tokio::test]
async fn a_prefunded_reserve_does_not_block_the_pool() {
    create_with_prefunded(PoolAddress::Reserve).await;
}

#[tokio::test]
async fn a_prefunded_treasury_does_not_block_the_pool() {
    create_with_prefunded(PoolAddress::Treasury).await;
}

#[tokio::test]
async fn a_prefunded_locked_lst_account_does_not_block_the_pool() {
    create_with_prefunded(PoolAddress::LockedLst).await;
}

#[tokio::test]
async fn a_prefunded_rate_account_does_not_block_the_pool() {
    create_with_prefunded(PoolAddress::Rate).await;
}

#[tokio::test]
async fn a_prefunded_mint_address_does_not_block_the_pool() {
    create_with_prefunded(PoolAddress::Mint).await;
}

#[tokio::test]
async fn a_prefunded_validator_list_does_not_block_the_pool() {
    create_with_prefunded(PoolAddress::ValidatorList).await;
}

#[tokio::test]
async fn a_prefunded_ticket_address_does_not_block_the_exit() {
    let (mut t, user) = TestContext::staked(1, 20).await;
    let keys = t.keys();
    let ticket = keys.ticket(&user.pubkey(), 5);
    t.chain.fund(&ticket, GIFT).await;
    let order = ix::order_unstake(&ix::OrderUnstakeParams {
        keys,
        owner: user.pubkey(),
        owner_lst: t.lst_account_of(&user.pubkey()),
        ticket_nonce: 5,
        lst_amount: SOL,
        min_lamports_out: 0,
    });
    t.chain.process(&[order], &[&user]).await.unwrap();
    let account = t.chain.account(&ticket).await.unwrap();
    assert_eq!((account.owner, account.lamports), (liquid_staking::ID, GIFT), "the gift covers the rent: the owner paid none");
    t.assert_books(0).await;
    for _ in 0..2 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    let wallet = t.chain.lamports(&user.pubkey()).await;
    t.claim_ticket(&user, &ticket).await.unwrap();
    assert!(t.chain.lamports(&user.pubkey()).await > wallet + GIFT, "the owner gets the ticket's SOL and its account's lamports");
    t.assert_books(0).await;
}

/// The stake account at `address` is delegated with at least `stake` lamports.
async fn assert_delegated(t: &mut TestContext, address: &Pubkey, stake: u64) {
    let account = t.chain.account(address).await.expect("a stake account");
    let solana_stake_interface::state::StakeStateV2::Stake(_, s, _) = bincode::deserialize(&account.data).unwrap() else { panic!("delegated") };
    assert!(s.delegation.stake >= stake, "{} < {stake}", s.delegation.stake);
}

#[tokio::test]
async fn a_prefunded_validator_stake_address_does_not_block_adding_the_validator() {
    let mut t = TestContext::new(1).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    t.user_with_deposit(20 * SOL).await;
    t.chain.fund(&keys.validator_stake(&vote), GIFT).await;
    t.add_validator(vote, 100).await.unwrap();
    assert_delegated(&mut t, &keys.validator_stake(&vote), MIN_STAKE_DELEGATION_LAMPORTS + GIFT).await;
    t.assert_books(GIFT).await;
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards + GIFT).await;
}

#[tokio::test]
async fn a_prefunded_transient_address_does_not_block_staking() {
    let mut t = TestContext::new(1).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    t.user_with_deposit(20 * SOL).await;
    t.add_validator(vote, 100).await.unwrap();
    t.chain.fund(&keys.transient_stake(&vote), GIFT).await;
    let plan = plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await;
    assert!(!plan.is_empty(), "the deposit is to be staked");
    for tx in plan {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    assert_delegated(&mut t, &keys.transient_stake(&vote), 10 * SOL).await;
    t.assert_books(GIFT).await;
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards + GIFT).await;
}

#[tokio::test]
async fn a_prefunded_transient_address_does_not_block_unstaking() {
    let (mut t, user) = TestContext::staked(1, 40).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    let rewards = t.advance_epoch().await;
    t.crank_checking_books(rewards).await;
    let lst = t.lst_balance(&user.pubkey()).await;
    let ticket = t.order_unstake(&user, lst / 2).await.unwrap();
    t.chain.fund(&keys.transient_stake(&vote), GIFT).await;
    for tx in plan_step(&mut t.chain, &keys, CrankStep::Rebalance).await {
        t.chain.process(&tx, &[]).await.unwrap();
    }
    assert!(t.pool_state().await.unstaking_lamports > 0, "the ticket's stake is on its way back");
    t.assert_books(GIFT).await;
    for _ in 0..2 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    t.claim_ticket(&user, &ticket).await.unwrap();
    t.assert_books(0).await;
}

/// The user's own new stake account of an exit as stake: a fresh keypair, seen in the pending
/// transaction. The SDK funds, allocates and assigns it (before the fix: create_account, which
/// failed at a funded address: the exit was refused); what was there stays the user's.
#[tokio::test]
async fn a_prefunded_new_stake_account_does_not_block_an_exit_as_stake() {
    let (mut t, user) = TestContext::staked(1, 40).await;
    let keys = t.keys();
    let vote = t.chain.vote_accounts[0];
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    let new_stake = solana_keypair::Keypair::new();
    t.chain.fund(&new_stake.pubkey(), GIFT).await;
    let rent = t.chain.rent_exempt_minimum(200).await;
    let withdraw = ix::withdraw_stake(&ix::WithdrawStakeParams {
        keys,
        owner: user.pubkey(),
        owner_lst: t.lst_account_of(&user.pubkey()),
        index: 0,
        vote_account: vote,
        new_stake: new_stake.pubkey(),
        stake_account_rent_lamports: rent,
        lst_amount: 2 * SOL,
        min_lamports_out: 0,
    });
    t.chain.process(&withdraw, &[&user, &new_stake]).await.unwrap();
    assert_delegated(&mut t, &new_stake.pubkey(), SOL).await;
    assert!(t.chain.lamports(&new_stake.pubkey()).await >= SOL * 19 / 10 + GIFT, "the gift stays in the user's account");
    t.assert_books(0).await;
}
