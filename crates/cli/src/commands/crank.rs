use super::pool::PoolArg;
use crate::context::{CliResult, Context};
use clap::Args;
use liquid_staking_sdk::{constants::STAKE_ACCOUNT_SPACE, decode, instructions as ix, pack, plan};
use serde_json::json;
use solana_signer::Signer;

#[derive(Args)]
pub struct CrankArgs {
    #[command(flatten)]
    pool: PoolArg,
}

/// Observe (re-planning until every validator is observed), finalize, rebalance: each step
/// planned by the SDK from a fresh read, so running it twice or beside another crank is safe.
pub fn run(ctx: &Context, a: CrankArgs) -> CliResult {
    let (keys, _) = ctx.pool(&a.pool.pool)?;
    let payer = ctx.signer()?.pubkey();
    let epoch = ctx.epoch()?;
    let batch = plan::max_observe_batch(&keys, &payer);
    let (mut observe, mut finalize, mut rebalance, mut refused) = (0, 0, 0, 0);
    loop {
        let list = decode::validator_list(&ctx.rpc.get_account_data(&keys.validator_list)?)?;
        let round = plan::observe_transactions(&keys, &list.entries, epoch, batch);
        if round.is_empty() {
            break;
        }
        for tx in round {
            if !ctx.json() {
                eprintln!("observing validators ({} sent)", observe);
            }
            ctx.send(&tx, &[])?;
            observe += 1;
        }
    }
    let (_, pool) = ctx.pool(&a.pool.pool)?;
    if plan::needs_finalize(&pool, epoch) {
        ctx.send(&[ix::finalize_epoch(&keys)], &[])?;
        finalize += 1;
    }
    let (_, pool) = ctx.pool(&a.pool.pool)?;
    let list = decode::validator_list(&ctx.rpc.get_account_data(&keys.validator_list)?)?;
    let reserve = ctx.rpc.get_balance(&keys.reserve)?;
    let stake_rent = ctx.rpc.get_minimum_balance_for_rent_exemption(STAKE_ACCOUNT_SPACE as usize)?;
    for tx in pack::pack(&payer, plan::rebalance_instructions(&keys, &pool, &list.entries, reserve, stake_rent), plan::MAX_REBALANCES_PER_TX) {
        rebalance += 1;
        if ctx.send(&tx, &[]).is_ok() {
            continue;
        }
        // One refused instruction fails its batch: send them one by one, skipping refusals, so
        // one validator never holds up the others.
        for instruction in tx {
            rebalance += 1;
            if let Err(e) = ctx.send(&[instruction], &[]) {
                eprintln!("a rebalance instruction was refused and skipped: {e}");
                refused += 1;
            }
        }
    }
    ctx.print(
        format!("Epoch {epoch}: {observe} observe, {finalize} finalize, {rebalance} rebalance transaction(s) ({refused} instruction(s) refused)."),
        json!({ "epoch": epoch, "observeTransactions": observe, "finalizeTransactions": finalize, "rebalanceTransactions": rebalance, "rebalancesRefused": refused }),
    );
    Ok(())
}
