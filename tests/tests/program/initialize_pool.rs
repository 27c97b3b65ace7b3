use liquid_staking::{constants::*, error::LiquidStakingError as E, state::Fees};
use liquid_staking_localnet::{
    setup::{default_fees, initialize_pool_instructions, NewPoolKeypairs, PoolConfig},
    LocalChain,
};
use liquid_staking_tests::*;
use solana_signer::Signer;

#[tokio::test]
async fn creates_pool_mint_reserve_and_locks_the_initial_deposit() {
    let mut t = TestContext::new(0).await;
    let keys = t.keys();
    let pool = t.pool_state().await;
    let epoch = t.chain.epoch().await;
    assert_eq!(pool.lst_mint, keys.lst_mint);
    assert_eq!(pool.admin, t.pool.admin.pubkey());
    assert_eq!(pool.operator, t.pool.operator.pubkey());
    assert_eq!((pool.total_lamports, pool.lst_supply), (LAMPORTS_PER_SOL, LAMPORTS_PER_SOL));
    assert_eq!(pool.last_update_epoch, epoch);
    assert_eq!(pool.version, POOL_VERSION);
    // Mint: classic SPL Token, 9 decimals, the pool as mint authority, no freeze authority.
    let mint = t.chain.account(&keys.lst_mint).await.unwrap();
    assert_eq!(mint.owner, spl_token_interface::ID);
    let mint = <spl_token_interface::state::Mint as solana_program_pack::Pack>::unpack(&mint.data).unwrap();
    assert_eq!(mint.decimals, 9);
    assert_eq!(mint.mint_authority, Some(keys.pool).into());
    assert_eq!(mint.freeze_authority, None.into());
    assert_eq!(mint.supply, LAMPORTS_PER_SOL);
    // The initial deposit's LST sits in the pool's own account; the treasury starts empty.
    assert_eq!(t.chain.token_balance(&keys.locked_lst()).await, LAMPORTS_PER_SOL);
    assert_eq!(t.chain.token_balance(&keys.treasury).await, 0);
    assert!(t.chain.account(&keys.treasury).await.is_some());
    assert_eq!(t.chain.lamports(&keys.reserve).await, pool.reserve_rent_lamports + LAMPORTS_PER_SOL);
    let list = t.chain.validator_list(&keys).await;
    assert_eq!((list.pool, list.entries.len()), (keys.pool, 0));
    t.assert_books(0).await;
}

async fn init_fails_with(config: PoolConfig, expected: E) {
    let mut chain = LocalChain::start(0).await;
    let kp = NewPoolKeypairs::generate();
    let ixs = initialize_pool_instructions(&mut chain, &kp, &config).await;
    assert_error(chain.process(&ixs, &[&kp.lst_mint, &kp.validator_list]).await, expected);
    // Nothing was created.
    assert!(chain.account(&kp.keys().pool).await.is_none());
    assert!(chain.account(&kp.keys().lst_mint).await.is_none());
    assert!(chain.account(&kp.keys().validator_list).await.is_none());
}

#[tokio::test]
async fn fails_when_reward_fee_is_above_the_cap() {
    let fees = Fees { reward_bps: MAX_REWARD_FEE_BPS + 1, ..default_fees() };
    init_fails_with(PoolConfig { fees, ..Default::default() }, E::RewardFeeTooHigh).await;
}

#[tokio::test]
async fn fails_when_reserve_buffer_is_above_the_cap() {
    init_fails_with(PoolConfig { reserve_buffer_bps: MAX_RESERVE_BUFFER_BPS + 1, ..Default::default() }, E::ReserveBufferTooHigh).await;
}

#[tokio::test]
async fn fails_when_initial_deposit_is_zero_or_too_small() {
    init_fails_with(PoolConfig { initial_deposit_lamports: 0, ..Default::default() }, E::InitialDepositTooSmall).await;
    init_fails_with(
        PoolConfig { initial_deposit_lamports: MIN_INITIAL_DEPOSIT_LAMPORTS - 1, ..Default::default() },
        E::InitialDepositTooSmall,
    )
    .await;
}

#[tokio::test]
async fn fails_when_validator_list_is_too_small() {
    let mut chain = LocalChain::start(0).await;
    let kp = NewPoolKeypairs::generate();
    let mut ixs = initialize_pool_instructions(&mut chain, &kp, &PoolConfig::default()).await;
    // Allocate a list with room for one validator only.
    let small = 8 + 40 + 64;
    let rent = chain.rent_exempt_minimum(small).await;
    ixs[0] = solana_system_interface::instruction::transfer(&chain.payer_pubkey(), &kp.validator_list.pubkey(), rent);
    ixs[1] = solana_system_interface::instruction::allocate(&kp.validator_list.pubkey(), small as u64);
    let result = chain.process(&ixs, &[&kp.lst_mint, &kp.validator_list]).await;
    assert_error(result, E::ValidatorListTooSmall);
    assert!(chain.account(&kp.keys().pool).await.is_none());
}
