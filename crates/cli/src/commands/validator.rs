use super::pool::PoolArg;
use crate::amount;
use crate::context::{CliResult, Context};
use anchor_lang::prelude::Pubkey;
use clap::{Args, Subcommand};
use liquid_staking_sdk::{decode, instructions as ix, state::VALIDATOR_STATUS_ACTIVE, PoolKeys};
use serde_json::json;
use solana_signer::Signer;
use std::str::FromStr;

#[derive(Subcommand)]
pub enum ValidatorCommand {
    /// Add a validator (its stake account is funded from the reserve: rent + 1 SOL).
    Add(VoteArgs),
    /// Start removing a validator: its stake deactivates and returns to the reserve via the crank.
    Remove(VoteArgs),
    /// Set a validator's weight.
    SetWeight(VoteArgs),
    /// List the pool's validators.
    List(PoolArg),
}

#[derive(Args)]
pub struct VoteArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// The validator's vote account.
    vote_account: String,
    /// Relative weight (add, set-weight).
    #[arg(long, default_value_t = 100)]
    weight: u32,
}

fn find(ctx: &Context, keys: &PoolKeys, vote: &Pubkey) -> CliResult<u32> {
    let list = decode::validator_list(&ctx.rpc.get_account_data(&keys.validator_list)?)?;
    list.entries
        .iter()
        .position(|e| e.vote_account == *vote)
        .map(|i| i as u32)
        .ok_or_else(|| format!("{vote} is not a validator of pool {}", keys.pool).into())
}

pub fn run(ctx: &Context, command: ValidatorCommand) -> CliResult {
    let operator = || ctx.signer().map(|k| k.pubkey());
    match command {
        ValidatorCommand::Add(a) => {
            let (keys, _) = ctx.pool(&a.pool.pool)?;
            let vote = Pubkey::from_str(&a.vote_account)?;
            let signature = ctx.send(&[ix::add_validator(&ix::AddValidatorParams { keys, operator: operator()?, vote_account: vote, weight: a.weight })], &[])?;
            ctx.print(format!("Added {vote} (weight {}). Signature {signature}", a.weight), json!({ "voteAccount": vote.to_string(), "signature": signature.to_string() }));
        }
        ValidatorCommand::Remove(a) => {
            let (keys, _) = ctx.pool(&a.pool.pool)?;
            let vote = Pubkey::from_str(&a.vote_account)?;
            let index = find(ctx, &keys, &vote)?;
            let signature = ctx.send(&[ix::remove_validator(&ix::RemoveValidatorParams { keys, operator: operator()?, index, vote_account: vote })], &[])?;
            ctx.print(format!("Removing {vote}: its stake is deactivating. Signature {signature}"), json!({ "voteAccount": vote.to_string(), "signature": signature.to_string() }));
        }
        ValidatorCommand::SetWeight(a) => {
            let (keys, _) = ctx.pool(&a.pool.pool)?;
            let vote = Pubkey::from_str(&a.vote_account)?;
            let index = find(ctx, &keys, &vote)?;
            let signature = ctx.send(&[ix::set_validator_weight(&ix::SetValidatorWeightParams { keys, operator: operator()?, index, vote_account: vote, weight: a.weight })], &[])?;
            ctx.print(format!("Weight of {vote} set to {}. Signature {signature}", a.weight), json!({ "voteAccount": vote.to_string(), "weight": a.weight, "signature": signature.to_string() }));
        }
        ValidatorCommand::List(a) => {
            let (keys, _) = ctx.pool(&a.pool)?;
            let list = decode::validator_list(&ctx.rpc.get_account_data(&keys.validator_list)?)?;
            let rows: Vec<_> = list
                .entries
                .iter()
                .map(|e| json!({
                    "voteAccount": e.vote_account.to_string(),
                    "weight": e.weight,
                    "status": if e.status == VALIDATOR_STATUS_ACTIVE { "active" } else { "removing" },
                    "stakeLamports": e.active_stake_lamports,
                    "transientLamports": e.transient_stake_lamports,
                    "lastObservedEpoch": e.last_observed_epoch,
                }))
                .collect();
            let text = list
                .entries
                .iter()
                .map(|e| format!("{}  weight {:>6}  stake {:>20} SOL  transient {:>18} SOL  {}", e.vote_account, e.weight, amount::format(e.active_stake_lamports), amount::format(e.transient_stake_lamports), if e.status == VALIDATOR_STATUS_ACTIVE { "active" } else { "removing" }))
                .collect::<Vec<_>>()
                .join("\n");
            ctx.print(if text.is_empty() { "No validators".into() } else { text }, json!({ "validators": rows }));
        }
    }
    Ok(())
}
