use super::pool::PoolArg;
use crate::context::{CliResult, Context};
use clap::Args;
use serde_json::json;

#[derive(Args)]
pub struct CrankArgs {
    #[command(flatten)]
    pool: PoolArg,
}

/// Runs the SDK's crank once for the current epoch (observe, finalize, rebalance), printing each step.
pub fn run(ctx: &Context, a: CrankArgs) -> CliResult {
    let (keys, _) = ctx.pool(&a.pool.pool)?;
    let payer = ctx.signer()?;
    let json = ctx.json();
    let run = liquid_staking_sdk::rpc::crank(&ctx.rpc, &payer, &keys, |step| {
        if !json {
            eprintln!("{step}");
        }
    })?;
    ctx.print(
        format!(
            "Epoch {}: {} observe, {} finalize, {} rebalance transaction(s) ({} instruction(s) refused).",
            run.epoch, run.observe_transactions, run.finalize_transactions, run.rebalance_transactions, run.rebalances_refused
        ),
        json!({
            "epoch": run.epoch,
            "observeTransactions": run.observe_transactions,
            "finalizeTransactions": run.finalize_transactions,
            "rebalanceTransactions": run.rebalance_transactions,
            "rebalancesRefused": run.rebalances_refused,
        }),
    );
    Ok(())
}
