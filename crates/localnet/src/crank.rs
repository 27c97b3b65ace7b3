//! Drives the epoch crank over the in-process chain with the SDK's plans.
use crate::chain::LocalChain;
use liquid_staking_sdk::{constants::STAKE_ACCOUNT_SPACE, instructions as ix, pack, plan, PoolKeys};
use solana_program_test::BanksClientError;

/// What one crank run sent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CrankReport {
    pub observe_transactions: usize,
    pub finalize_transactions: usize,
    pub rebalance_transactions: usize,
    pub validators_observed: usize,
    pub validators_rebalanced: usize,
    pub bytes_sent: usize,
}

impl CrankReport {
    pub fn transactions(&self) -> usize {
        self.observe_transactions + self.finalize_transactions + self.rebalance_transactions
    }
}

/// Runs observe, finalize and rebalance for the current epoch, re-planning from the chain after
/// every round until nothing is left to do.
pub async fn run_crank(chain: &mut LocalChain, keys: &PoolKeys) -> Result<CrankReport, BanksClientError> {
    let mut report = CrankReport::default();
    let payer = chain.payer_pubkey();
    let batch = plan::max_observe_batch(keys, &payer);
    let epoch = chain.epoch().await;
    loop {
        let list = chain.validator_list(keys).await;
        let observes = plan::observe_instructions(keys, &list.entries, epoch, batch);
        if observes.is_empty() {
            break;
        }
        for instruction in observes {
            report.validators_observed += (instruction.accounts.len() - 6) / 2;
            report.bytes_sent += pack::transaction_size(&payer, std::slice::from_ref(&instruction));
            chain.process(&[instruction], &[]).await?;
            report.observe_transactions += 1;
        }
    }
    let pool = chain.pool(&keys.pool).await;
    if plan::needs_finalize(&pool, epoch) {
        let instruction = ix::finalize_epoch(keys);
        report.bytes_sent += pack::transaction_size(&payer, std::slice::from_ref(&instruction));
        chain.process(&[instruction], &[]).await?;
        report.finalize_transactions += 1;
    }
    let pool = chain.pool(&keys.pool).await;
    let list = chain.validator_list(keys).await;
    let reserve = chain.lamports(&keys.reserve).await;
    let stake_rent = chain.rent_exempt_minimum(STAKE_ACCOUNT_SPACE as usize).await;
    let rebalances = plan::rebalance_instructions(keys, &pool, &list.entries, reserve, stake_rent);
    report.validators_rebalanced = rebalances.len();
    for batch in pack::pack(&payer, rebalances, plan::MAX_REBALANCES_PER_TX) {
        report.bytes_sent += pack::transaction_size(&payer, &batch);
        chain.process(&batch, &[]).await?;
        report.rebalance_transactions += 1;
    }
    Ok(report)
}
