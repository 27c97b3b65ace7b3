//! withdraw_treasury: the treasury authority moves fees out of the pool's treasury.
use liquid_staking::error::LiquidStakingError as E;
use liquid_staking_localnet::setup::{self, PoolConfig};
use liquid_staking_sdk::{addresses::lst_account, instructions as ix};
use liquid_staking_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A pool whose treasury holds a reward fee, and an LST account of the treasury authority.
async fn ready() -> (TestContext, Keypair, solana_pubkey::Pubkey) {
    let (mut t, _) = TestContext::staked(1, 50).await;
    let keys = t.keys();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert!(t.chain.token_balance(&keys.treasury).await > 0, "rewards paid a fee");
    let authority = t.pool.treasury_authority.insecure_clone();
    t.chain.fund(&authority.pubkey(), LAMPORTS_PER_SOL).await;
    t.chain.process(&[ix::create_lst_account(&authority.pubkey(), &authority.pubkey(), &keys.lst_mint)], &[&authority]).await.unwrap();
    let destination = lst_account(&authority.pubkey(), &keys.lst_mint);
    (t, authority, destination)
}

#[tokio::test]
async fn moves_fees_to_any_lst_account_and_leaves_the_rate_alone() {
    let (mut t, authority, destination) = ready().await;
    let keys = t.keys();
    let held = t.chain.token_balance(&keys.treasury).await;
    let before = t.pool_state().await;
    t.chain.process(&[ix::withdraw_treasury(&keys, &authority.pubkey(), &destination, held / 3)], &[&authority]).await.unwrap();
    assert_eq!(t.chain.token_balance(&keys.treasury).await, held - held / 3);
    assert_eq!(t.chain.token_balance(&destination).await, held / 3);
    let after = t.pool_state().await;
    assert_eq!((after.total_lamports, after.lst_supply), (before.total_lamports, before.lst_supply), "a transfer of LST, not a mint");
    t.assert_books(0).await;
}

#[tokio::test]
async fn fails_for_another_signer_zero_too_much_or_the_wrong_accounts() {
    let (mut t, authority, destination) = ready().await;
    let keys = t.keys();
    let held = t.chain.token_balance(&keys.treasury).await;
    let other = setup::create_pool(&mut t.chain, &PoolConfig::default()).await.unwrap();
    t.chain.process(&[ix::create_lst_account(&authority.pubkey(), &authority.pubkey(), &other.keys.lst_mint)], &[&authority]).await.unwrap();
    let other_mint_account = lst_account(&authority.pubkey(), &other.keys.lst_mint);
    let stranger = setup::funded_wallet(&mut t.chain, LAMPORTS_PER_SOL).await;
    let snap = t.snapshot(&[destination, other_mint_account, other.keys.treasury]).await;
    let withdraw = |signer: &Keypair, to: &solana_pubkey::Pubkey, amount: u64| ix::withdraw_treasury(&keys, &signer.pubkey(), to, amount);
    assert_error(t.chain.process(&[withdraw(&stranger, &destination, 1)], &[&stranger]).await, E::NotTreasuryAuthority);
    assert_error(t.chain.process(&[withdraw(&authority, &destination, 0)], &[&authority]).await, E::ZeroAmount);
    assert_error(t.chain.process(&[withdraw(&authority, &destination, held + 1)], &[&authority]).await, E::TreasuryBalanceTooLow);
    assert_error(t.chain.process(&[withdraw(&authority, &other_mint_account, 1)], &[&authority]).await, E::WrongMint);
    let mut wrong_treasury = withdraw(&authority, &destination, 1);
    wrong_treasury.accounts[2].pubkey = other.keys.treasury;
    assert_error(t.chain.process(&[wrong_treasury], &[&authority]).await, E::WrongTreasury);
    snap.assert_same(&t.snapshot(&[destination, other_mint_account, other.keys.treasury]).await);
}
