//! A lender's program reading the rate by CPI (programs/rate-consumer): both programs run as SBF
//! builds (return data crosses the CPI only in the VM), so scripts/build-sbf.sh must have run.
use liquid_staking_localnet::{setup::PoolConfig, LocalChain};
use liquid_staking_sdk::PoolKeys;
use liquid_staking_tests::*;
use rate_consumer::ConsumerError;
use solana_instruction::{AccountMeta, Instruction};
use solana_program_test::BanksClientError;
use solana_pubkey::Pubkey;
use solana_signer::Signer;
use solana_transaction::Transaction;
use anchor_lang::{InstructionData, ToAccountMetas};

/// A staked pool with active stake that earned an epoch of rewards, settled this epoch, on a
/// chain running both SBF builds.
async fn settled_pool() -> TestContext {
    let chain = LocalChain::start_with(2, true, &[(rate_consumer::ID, "rate_consumer")]).await;
    let mut t = TestContext::on_chain(chain, &PoolConfig::default()).await;
    t.user_with_deposit(30 * LAMPORTS_PER_SOL).await;
    for vote in t.chain.vote_accounts.clone() {
        t.add_validator(vote, 1).await.unwrap();
    }
    let keys = t.keys();
    run_crank(&mut t.chain, &keys).await.unwrap();
    for _ in 0..2 {
        t.chain.advance_epoch().await;
        run_crank(&mut t.chain, &keys).await.unwrap();
    }
    t
}

fn value_collateral(keys: &PoolKeys, pool: Pubkey, lst_amount: u64) -> Instruction {
    Instruction {
        program_id: rate_consumer::ID,
        accounts: rate_consumer::accounts::ValueCollateral { rate: keys.rate, liquid_staking_program: liquid_staking::ID }.to_account_metas(None),
        data: rate_consumer::instruction::ValueCollateral { pool, lst_amount }.data(),
    }
}

/// Sends the consumer's instruction; the lamports value it returned, or the error.
async fn value(t: &mut TestContext, instruction: Instruction) -> Result<u64, BanksClientError> {
    let payer = t.chain.payer().insecure_clone();
    let blockhash = t.chain.ctx.get_new_latest_blockhash().await.unwrap();
    let tx = Transaction::new_signed_with_payer(std::slice::from_ref(&instruction), Some(&payer.pubkey()), &[&payer], blockhash);
    let outcome = t.chain.ctx.banks_client.process_transaction_with_metadata(tx).await?;
    outcome.result.map_err(BanksClientError::TransactionError)?;
    let data = outcome.metadata.and_then(|m| m.return_data).expect("the consumer returns the value").data;
    Ok(u64::from_le_bytes(data.try_into().expect("a u64")))
}

fn assert_refused(result: Result<u64, BanksClientError>, expected: ConsumerError) {
    let code = u32::from(expected);
    match result {
        Ok(v) => panic!("expected {expected:?}, the consumer accepted the rate (value {v})"),
        Err(e) => assert_eq!(error_code(&e), Some(code), "expected {expected:?} ({code}), got {e:?}"),
    }
}

#[tokio::test]
async fn a_fresh_rate_values_collateral_exactly() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    let rate = t.rate_account().await;
    assert!(rate.total_lamports > rate.lst_supply, "rewards raised the rate above 1");
    let lst = 7 * LAMPORTS_PER_SOL + 3;
    let expected = liquid_staking::math::lamports_for_lst(lst, rate.total_lamports, rate.lst_supply).unwrap();
    assert_eq!(value(&mut t, value_collateral(&keys, keys.pool, lst)).await.unwrap(), expected, "rounded down");
    // Another pool's address than the rate's.
    assert_refused(value(&mut t, value_collateral(&keys, Pubkey::new_unique(), lst)).await, ConsumerError::WrongPool);
}

#[tokio::test]
async fn a_stale_rate_is_refused() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    let lst = LAMPORTS_PER_SOL;
    // Next epoch, not cranked yet: last epoch's rate holds for an hour into the new one.
    t.chain.advance_epoch().await;
    let mut clock = t.chain.clock().await;
    clock.unix_timestamp = clock.epoch_start_timestamp + 3_600;
    t.chain.ctx.set_sysvar(&clock);
    value(&mut t, value_collateral(&keys, keys.pool, lst)).await.expect("an hour in: accepted");
    clock.unix_timestamp = clock.epoch_start_timestamp + 3_601;
    t.chain.ctx.set_sysvar(&clock);
    assert_refused(value(&mut t, value_collateral(&keys, keys.pool, lst)).await, ConsumerError::StaleRate);
    // Two epochs without a crank: refused whatever the time.
    t.chain.advance_epoch().await;
    assert_refused(value(&mut t, value_collateral(&keys, keys.pool, lst)).await, ConsumerError::StaleRate);
    // The crank settles: fresh again.
    run_crank(&mut t.chain, &keys).await.unwrap();
    value(&mut t, value_collateral(&keys, keys.pool, lst)).await.expect("fresh after the crank");
}

#[tokio::test]
async fn the_breaker_stops_readers_until_reset() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    t.slash(0, LAMPORTS_PER_SOL).await;
    t.chain.advance_epoch().await;
    run_crank(&mut t.chain, &keys).await.unwrap();
    assert_refused(value(&mut t, value_collateral(&keys, keys.pool, LAMPORTS_PER_SOL)).await, ConsumerError::RateBreakerTripped);
    let admin = t.pool.admin.insecure_clone();
    let rate = t.rate_account().await;
    let reset = liquid_staking_sdk::instructions::reset_rate_breaker(&keys, admin.pubkey(), rate.epoch, rate.total_lamports, rate.lst_supply);
    t.chain.process(&[reset], &[&admin]).await.unwrap();
    let expected = liquid_staking::math::lamports_for_lst(LAMPORTS_PER_SOL, rate.total_lamports, rate.lst_supply).unwrap();
    assert_eq!(value(&mut t, value_collateral(&keys, keys.pool, LAMPORTS_PER_SOL)).await.unwrap(), expected);
}

#[tokio::test]
async fn an_unknown_layout_version_is_refused() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    let mut account = t.chain.account(&keys.rate).await.unwrap();
    account.data[8] = 2; // version, right after the discriminator
    t.chain.ctx.set_account(&keys.rate, &account.into());
    assert_refused(value(&mut t, value_collateral(&keys, keys.pool, LAMPORTS_PER_SOL)).await, ConsumerError::UnsupportedRateVersion);
}

#[tokio::test]
async fn get_rate_refuses_an_account_that_is_not_a_rate_account() {
    let mut t = settled_pool().await;
    let keys = t.keys();
    let mut instruction = value_collateral(&keys, keys.pool, 1);
    instruction.accounts[0] = AccountMeta::new_readonly(keys.pool, false);
    let result = value(&mut t, instruction).await;
    assert_eq!(result.as_ref().err().and_then(error_code), Some(anchor_lang::error::ErrorCode::AccountDiscriminatorMismatch as u32), "{result:?}");
}
