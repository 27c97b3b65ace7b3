//! Drives the epoch crank over the in-process chain with the SDK's plans.
use crate::chain::LocalChain;
use liquid_staking_sdk::{constants::STAKE_ACCOUNT_SPACE, instructions as ix, pack, plan, PoolKeys};
use solana_instruction::Instruction;
use solana_program_test::BanksClientError;
use std::collections::HashMap;

/// The crank's three steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrankStep {
    Observe,
    Finalize,
    Rebalance,
}

/// What one crank run sent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CrankReport {
    pub observe_transactions: usize,
    pub finalize_transactions: usize,
    pub rebalance_transactions: usize,
    pub validators_observed: usize,
    pub validators_rebalanced: usize,
    /// Rebalance instructions the chain refused on their own (after their batch failed): skipped,
    /// so one validator's refusal never holds up the others.
    pub rebalances_refused: usize,
    pub bytes_sent: usize,
}

impl CrankReport {
    pub fn transactions(&self) -> usize {
        self.observe_transactions + self.finalize_transactions + self.rebalance_transactions
    }
}

/// The transactions (each a list of instructions) the crank would send for `step` now, planned
/// from a fresh read of the chain (staking at most the SDK's default number of validators).
pub async fn plan_step(chain: &mut LocalChain, keys: &PoolKeys, step: CrankStep) -> Vec<Vec<Instruction>> {
    plan_step_staking(chain, keys, step, plan::DEFAULT_MAX_STAKE_VALIDATORS).await
}

/// `plan_step` staking into at most `max_stake_validators` validators.
pub async fn plan_step_staking(chain: &mut LocalChain, keys: &PoolKeys, step: CrankStep, max_stake_validators: usize) -> Vec<Vec<Instruction>> {
    let payer = chain.payer_pubkey();
    let epoch = chain.epoch().await;
    match step {
        CrankStep::Observe => {
            let list = chain.validator_list(keys).await;
            let max_accounts = plan::max_observe_accounts(keys, &payer);
            // Highest indices first (see liquid_staking_sdk::rpc::update).
            let mut round = plan::observe_transactions(keys, &list.entries, epoch, max_accounts);
            round.reverse();
            round
        }
        CrankStep::Finalize => {
            let pool = chain.pool(&keys.pool).await;
            if plan::needs_finalize(&pool, epoch) {
                vec![vec![ix::finalize_epoch(keys)]]
            } else {
                Vec::new()
            }
        }
        CrankStep::Rebalance => {
            let pool = chain.pool(&keys.pool).await;
            let list = chain.validator_list(keys).await;
            let reserve = chain.lamports(&keys.reserve).await;
            let stake_rent = chain.rent_exempt_minimum(STAKE_ACCOUNT_SPACE as usize).await;
            let needed = plan::rebalance_main_stakes_needed(&pool, &list.entries, reserve);
            let main_stakes = read_main_stakes(chain, keys, &list.entries, &needed, epoch).await;
            let rebalances = plan::rebalance_instructions(&plan::RebalanceInputs {
                keys,
                payer,
                pool: &pool,
                entries: &list.entries,
                reserve_lamports: reserve,
                stake_account_rent_lamports: stake_rent,
                epoch,
                main_stakes: &main_stakes,
                max_stake_validators,
            });
            pack::pack(&payer, rebalances, plan::MAX_REBALANCES_PER_TX)
        }
    }
}

/// The main stake accounts of the validators at `indices`, as rebalancing sees them in `epoch`.
pub async fn read_main_stakes(
    chain: &mut LocalChain,
    keys: &PoolKeys,
    entries: &[liquid_staking_sdk::state::ValidatorEntry],
    indices: &[usize],
    epoch: u64,
) -> HashMap<usize, liquid_staking_sdk::state::MainStake> {
    let mut out = HashMap::new();
    if indices.is_empty() {
        return out;
    }
    let history = chain.account(&solana_stake_interface::sysvar::stake_history::ID).await.map(|a| a.data).unwrap_or_default();
    for &index in indices {
        if let Some(account) = chain.account(&keys.validator_stake(&entries[index].vote_account)).await {
            if let Some(main) = liquid_staking_sdk::decode::main_stake(&account.owner, &account.data, epoch, &history) {
                out.insert(index, main);
            }
        }
    }
    out
}

/// Runs observe (re-planning until every validator is observed), finalize, then one round of
/// rebalance for the current epoch.
pub async fn run_crank(chain: &mut LocalChain, keys: &PoolKeys) -> Result<CrankReport, BanksClientError> {
    let mut report = CrankReport::default();
    let payer = chain.payer_pubkey();
    loop {
        let round = plan_step(chain, keys, CrankStep::Observe).await;
        if round.is_empty() {
            break;
        }
        let epoch = chain.epoch().await;
        report.validators_observed += chain.validator_list(keys).await.entries.iter().filter(|e| e.last_observed_epoch != epoch).count();
        for tx in round {
            report.bytes_sent += pack::transaction_size(&payer, &tx);
            chain.process(&tx, &[]).await?;
            report.observe_transactions += 1;
        }
    }
    for tx in plan_step(chain, keys, CrankStep::Finalize).await {
        report.bytes_sent += pack::transaction_size(&payer, &tx);
        chain.process(&tx, &[]).await?;
        report.finalize_transactions += 1;
    }
    for tx in plan_step(chain, keys, CrankStep::Rebalance).await {
        report.bytes_sent += pack::transaction_size(&payer, &tx);
        report.rebalance_transactions += 1;
        if chain.process(&tx, &[]).await.is_ok() {
            report.validators_rebalanced += tx.len();
            continue;
        }
        // One instruction refused fails its whole batch: send them one by one, skipping refusals.
        for instruction in tx {
            report.bytes_sent += pack::transaction_size(&payer, std::slice::from_ref(&instruction));
            report.rebalance_transactions += 1;
            match chain.process(&[instruction], &[]).await {
                Ok(()) => report.validators_rebalanced += 1,
                Err(e) => {
                    eprintln!("crank: rebalance instruction refused, skipped: {e}");
                    report.rebalances_refused += 1;
                }
            }
        }
    }
    Ok(report)
}
