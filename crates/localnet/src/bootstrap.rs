//! A pool ready to use on a fresh local chain: created, validators added, first crank run.
use crate::rpc::Node;
use crate::setup::{default_fees, initialize_pool_instructions, NewPoolKeypairs, PoolConfig};
use crate::{run_crank, SOL};
use liquid_staking_sdk::{instructions as ix, PoolKeys};
use solana_keypair::Keypair;
use solana_program_test::BanksClientError;
use solana_signer::Signer;

/// Creates a pool whose admin, operator and pause guardian are `authority`, adds every vote
/// account of the chain with equal weight, funds the reserve enough for their stake accounts,
/// runs the crank, and indexes every address the pool uses.
pub async fn bootstrap_pool(node: &mut Node, authority: &Keypair) -> Result<PoolKeys, BanksClientError> {
    let mut kp = NewPoolKeypairs::generate();
    kp.admin = authority.insecure_clone();
    kp.operator = authority.insecure_clone();
    kp.pause_guardian = authority.insecure_clone();
    kp.treasury_authority = authority.insecure_clone();
    let config = PoolConfig { fees: default_fees(), reserve_buffer_bps: 1_000, initial_deposit_lamports: SOL };
    let chain = &mut node.chain;
    let instructions = initialize_pool_instructions(chain, &kp, &config).await;
    chain.process(&instructions, &[&kp.lst_mint, &kp.validator_list]).await?;
    let keys = kp.keys();
    // The authority deposits enough for every validator's first stake account.
    let votes = chain.vote_accounts.clone();
    chain.fund(&authority.pubkey(), (2 * votes.len() as u64 + 10) * SOL).await;
    crate::setup::deposit_sol(chain, &keys, authority, 2 * votes.len() as u64 * SOL, 0).await?;
    for vote in &votes {
        let add = ix::add_validator(&ix::AddValidatorParams { keys, operator: authority.pubkey(), vote_account: *vote, weight: 100 });
        chain.process(&[add], &[authority]).await?;
    }
    run_crank(chain, &keys).await?;
    let mut addresses = vec![keys.pool, keys.lst_mint, keys.reserve, keys.validator_list, keys.treasury, keys.locked_lst(), authority.pubkey()];
    addresses.push(liquid_staking_sdk::addresses::lst_account(&authority.pubkey(), &keys.lst_mint));
    for vote in &votes {
        addresses.push(keys.validator_stake(vote));
        addresses.push(keys.transient_stake(vote));
    }
    node.index_addresses(addresses);
    node.pool = Some(keys);
    Ok(keys)
}
