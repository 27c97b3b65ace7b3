use super::pool::PoolArg;
use crate::amount;
use crate::context::{CliResult, Context};
use anchor_lang::prelude::Pubkey;
use clap::{Args, Subcommand};
use liquid_staking_sdk::{
    instructions as ix, risk,
    state::{ValidatorRules, NEVER_READ, VALIDATOR_STATUS_ACTIVE},
    PoolKeys,
};
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
    /// List the pool's validators: stake, weight, and what the pool read of each vote account
    /// (commission, credits over the window, score, standing and why).
    List(PoolArg),
    /// Show the validator rules, or set them (operator; loosening waits two epoch boundaries).
    Rules(RulesArgs),
    /// Blocklist a validator (operator): ineligible at once, its stake may be deactivated by anyone.
    Block(VoteArgs),
    /// Lift a validator's blocklisting (operator): eligible again at its next reading that passes.
    Unblock(VoteArgs),
    /// Read every validator's vote account and deactivate the stake of those that break a rule
    /// (anyone; what the crank bot does with --protect-validators).
    Protect(PoolArg),
    /// Show where the targets come from, or set it (operator): the operator's weights, or the top N
    /// eligible validators by score, with equal weights or weighted by score.
    Mode(ModeArgs),
    /// Set every weight from this epoch's scores (anyone, in score mode; the crank bot does it
    /// after reading the vote accounts). Reads the vote accounts not read this epoch first, and
    /// deactivates the stake of validators that break a rule, as `protect` does.
    Select(PoolArg),
    /// Grow a validator list from before validator records to the current layout (anyone pays
    /// the rent of the added bytes: about 8.9 SOL for a full list).
    Migrate(PoolArg),
}

#[derive(Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// Highest inflation commission an eligible validator may take, in basis points (<= 1000).
    #[arg(long)]
    max_commission_bps: Option<u16>,
    /// Largest commission rise between two readings, in basis points (<= 1000).
    #[arg(long)]
    max_commission_increase_bps: Option<u16>,
    /// Credits over the window as a share of the best pool validator's, in basis points (2500..=9500).
    #[arg(long)]
    min_credits_bps: Option<u16>,
    /// Completed epochs without a credit that make a validator delinquent (1..=5).
    #[arg(long)]
    delinquent_epochs: Option<u8>,
    /// Epochs a validator stays ineligible after its last failed reading (1..=30).
    #[arg(long)]
    cooling_off_epochs: Option<u8>,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetMode {
    /// The operator's weights (`validator set-weight`).
    Weights,
    /// The top N eligible validators by score, equal weights.
    TopEqual,
    /// The top N eligible validators by score, each weighted by its score.
    TopScore,
}

#[derive(Args)]
pub struct ModeArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// The mode to set (shows the current one when absent).
    mode: Option<TargetMode>,
    /// How many validators a selection takes (top-equal, top-score).
    #[arg(long)]
    top: Option<u32>,
}

#[derive(Args)]
pub struct VoteArgs {
    #[command(flatten)]
    pool: PoolArg,
    /// The validator's vote account.
    vote_account: String,
    /// Relative weight (add, set-weight; default 100, and 0 for add in score mode, where the
    /// selection sets the weights).
    #[arg(long)]
    weight: Option<u32>,
}

fn find(ctx: &Context, keys: &PoolKeys, vote: &Pubkey) -> CliResult<u32> {
    let list = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?;
    list.entries
        .iter()
        .position(|e| e.vote_account == *vote)
        .map(|i| i as u32)
        .ok_or_else(|| format!("{vote} is not a validator of pool {}", keys.pool).into())
}

/// The list's rules and target mode; a list from before the records has none.
fn scoring_of(list: &liquid_staking_sdk::decode::DecodedValidatorList) -> CliResult<liquid_staking_sdk::state::ValidatorScoring> {
    Ok(list.scoring.ok_or("the validator list is from before validator records: run `validator migrate`")?)
}

/// "1 validator", "3 validators".
fn validators(n: u32) -> String {
    if n == 1 { "1 validator".into() } else { format!("{n} validators") }
}

fn block(ctx: &Context, a: VoteArgs, blocked: bool) -> CliResult {
    let (keys, _) = ctx.pool(&a.pool.pool)?;
    let vote = Pubkey::from_str(&a.vote_account)?;
    let index = find(ctx, &keys, &vote)?;
    let signature = ctx.send(&[ix::set_validator_blocked(&keys, ctx.signer()?.pubkey(), index, vote, blocked)], &[])?;
    let what = if blocked { "blocklisted" } else { "no longer blocklisted" };
    ctx.print(format!("{vote} {what}. Signature {signature}"), json!({ "voteAccount": vote.to_string(), "blocked": blocked, "signature": signature.to_string() }));
    Ok(())
}

pub fn run(ctx: &Context, command: ValidatorCommand) -> CliResult {
    let operator = || ctx.signer().map(|k| k.pubkey());
    match command {
        ValidatorCommand::Add(a) => {
            let (keys, _) = ctx.pool(&a.pool.pool)?;
            let vote = Pubkey::from_str(&a.vote_account)?;
            let scores = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?.scoring.is_some_and(|s| s.targets_from_scores());
            let weight = a.weight.unwrap_or(if scores { 0 } else { 100 });
            let signature = ctx.send(&[ix::add_validator(&ix::AddValidatorParams { keys, operator: operator()?, vote_account: vote, weight })], &[])?;
            ctx.print(format!("Added {vote} (weight {weight}). Signature {signature}"), json!({ "voteAccount": vote.to_string(), "signature": signature.to_string() }));
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
            let weight = a.weight.unwrap_or(100);
            let signature = ctx.send(&[ix::set_validator_weight(&ix::SetValidatorWeightParams { keys, operator: operator()?, index, vote_account: vote, weight })], &[])?;
            ctx.print(format!("Weight of {vote} set to {weight}. Signature {signature}"), json!({ "voteAccount": vote.to_string(), "weight": weight, "signature": signature.to_string() }));
        }
        ValidatorCommand::List(a) => {
            let (keys, _) = ctx.pool(&a.pool)?;
            let list = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?;
            let epoch = ctx.rpc.get_epoch_info()?.epoch;
            let mut rows = Vec::new();
            let mut lines = Vec::new();
            for (i, e) in list.entries.iter().enumerate() {
                let status = if e.status == VALIDATOR_STATUS_ACTIVE { "active" } else { "removing" };
                let mut row = json!({
                    "voteAccount": e.vote_account.to_string(),
                    "weight": e.weight,
                    "status": status,
                    "stakeLamports": e.active_stake_lamports,
                    "transientLamports": e.transient_stake_lamports,
                    "lastObservedEpoch": e.last_observed_epoch,
                    "eligible": e.is_eligible(),
                    "blocked": e.is_blocked(),
                });
                let mut line = format!("{}  weight {:>6}  stake {:>20} SOL  transient {:>18} SOL  {status}", e.vote_account, e.weight, amount::format(e.active_stake_lamports), amount::format(e.transient_stake_lamports));
                if let Some(r) = list.records.get(i) {
                    let commission = r.last_commission_bps();
                    let standing = risk::standing(e, r, epoch);
                    row["commissionBps"] = json!(commission);
                    row["credits"] = json!(r.credits);
                    row["windowCredits"] = json!(r.window_credits());
                    row["score"] = json!(r.score);
                    row["reason"] = json!(risk::reason_text(r.reason));
                    row["eligibleFromEpoch"] = json!(r.eligible_from_epoch);
                    row["recordedEpoch"] = json!((r.watched_since_epoch != NEVER_READ).then_some(r.recorded_epoch));
                    row["standing"] = json!(standing);
                    let commission = commission.map_or("-".to_string(), |c| format!("{:.2}%", c as f64 / 100.0));
                    line.push_str(&format!("  commission {commission:>7}  credits {:>10}  score {:>10}  {standing}", r.window_credits(), r.score));
                } else {
                    line.push_str("  (list from before validator records: run `validator migrate`)");
                }
                rows.push(row);
                lines.push(line);
            }
            let text = lines.join("\n");
            ctx.print(if text.is_empty() { "No validators".into() } else { text }, json!({ "validators": rows, "version": list.version }));
        }
        ValidatorCommand::Rules(a) => {
            let (keys, _) = ctx.pool(&a.pool.pool)?;
            let list = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?;
            let scoring = scoring_of(&list)?;
            let epoch = ctx.rpc.get_epoch_info()?.epoch;
            let current = scoring.rules_at(epoch);
            let given = [a.max_commission_bps.is_some(), a.max_commission_increase_bps.is_some(), a.min_credits_bps.is_some(), a.delinquent_epochs.is_some(), a.cooling_off_epochs.is_some()];
            if given.iter().any(|g| *g) {
                let rules = ValidatorRules {
                    max_commission_bps: a.max_commission_bps.unwrap_or(current.max_commission_bps),
                    max_commission_increase_bps: a.max_commission_increase_bps.unwrap_or(current.max_commission_increase_bps),
                    min_credits_bps: a.min_credits_bps.unwrap_or(current.min_credits_bps),
                    delinquent_epochs: a.delinquent_epochs.unwrap_or(current.delinquent_epochs),
                    cooling_off_epochs: a.cooling_off_epochs.unwrap_or(current.cooling_off_epochs),
                };
                let signature = ctx.send(&[ix::set_validator_rules(&keys, operator()?, rules)], &[])?;
                ctx.print(format!("Rules set (what loosens applies two epoch boundaries from now). Signature {signature}"), json!({ "signature": signature.to_string() }));
                return Ok(());
            }
            let show = |r: &ValidatorRules| json!({
                "maxCommissionBps": r.max_commission_bps,
                "maxCommissionIncreaseBps": r.max_commission_increase_bps,
                "minCreditsBps": r.min_credits_bps,
                "delinquentEpochs": r.delinquent_epochs,
                "coolingOffEpochs": r.cooling_off_epochs,
            });
            let pending = (scoring.pending_rules_epoch != u64::MAX && scoring.pending_rules_epoch > epoch).then(|| (scoring.pending_rules, scoring.pending_rules_epoch));
            let mut text = format!(
                "commission at most {:.2}%, rising at most {:.2} points between readings; credits at least {:.0}% of the best validator's; delinquent after {} epoch(s) without credits; {} epoch(s) of cooling-off; {} ineligible now",
                current.max_commission_bps as f64 / 100.0, current.max_commission_increase_bps as f64 / 100.0, current.min_credits_bps as f64 / 100.0,
                current.delinquent_epochs, current.cooling_off_epochs, scoring.ineligible_count
            );
            if let Some((p, at)) = pending {
                text.push_str(&format!("\npending from epoch {at}: commission at most {:.2}%, delinquent after {}, cooling-off {}", p.max_commission_bps as f64 / 100.0, p.delinquent_epochs, p.cooling_off_epochs));
            }
            ctx.print(text, json!({ "rules": show(&current), "pending": pending.map(|(p, at)| json!({ "rules": show(&p), "epoch": at })), "ineligibleCount": scoring.ineligible_count }));
        }
        ValidatorCommand::Block(a) => block(ctx, a, true)?,
        ValidatorCommand::Unblock(a) => block(ctx, a, false)?,
        ValidatorCommand::Protect(a) => {
            let (keys, _) = ctx.pool(&a.pool)?;
            let payer = ctx.signer()?;
            let json = ctx.json();
            let mut sender = liquid_staking_sdk::rpc::PlainSender { rpc: &ctx.rpc, payer: &payer, progress: |line: &str| if !json { eprintln!("{line}") } };
            let run = liquid_staking_sdk::rpc::protect(&ctx.rpc, &payer.pubkey(), &keys, &mut sender, true)?;
            let selected = if run.selected { "; weights set from this epoch's scores" } else { "" };
            ctx.print(
                format!("{} record transaction(s); stake deactivated on {} validator(s){selected}", run.record_transactions, run.deactivated.len()),
                json!({ "recordTransactions": run.record_transactions, "selected": run.selected, "deactivated": run.deactivated.iter().map(|v| v.to_string()).collect::<Vec<_>>() }),
            );
        }
        ValidatorCommand::Mode(a) => {
            let (keys, _) = ctx.pool(&a.pool.pool)?;
            let Some(mode) = a.mode else {
                let list = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?;
                let scoring = scoring_of(&list)?;
                let selected = (scoring.targets_from_scores() && scoring.selected_epoch != u64::MAX).then(|| {
                    json!({ "epoch": scoring.selected_epoch, "cutoffScore": scoring.selected_cutoff_score, "validators": scoring.selected_count })
                });
                let mut text = format!("Targets follow {}.", risk::target_mode_text(&scoring));
                if let Some(s) = &selected {
                    text.push_str(&format!(" Last selection: epoch {}, {} at a score of at least {}.", s["epoch"], validators(scoring.selected_count), s["cutoffScore"]));
                } else if scoring.targets_from_scores() {
                    text.push_str(" No selection yet: the weights are the operator's until `validator select`.");
                }
                ctx.print(text, json!({ "mode": scoring.target_mode, "topN": scoring.top_n, "description": risk::target_mode_text(&scoring), "lastSelection": selected }));
                return Ok(());
            };
            let (code, top) = match mode {
                TargetMode::Weights => {
                    if a.top.is_some() {
                        return Err("--top is for the score modes (top-equal, top-score)".into());
                    }
                    (liquid_staking_sdk::state::TARGETS_BY_WEIGHT, 0)
                }
                TargetMode::TopEqual | TargetMode::TopScore => {
                    let code = if mode == TargetMode::TopEqual { liquid_staking_sdk::state::TARGETS_TOP_EQUAL } else { liquid_staking_sdk::state::TARGETS_TOP_BY_SCORE };
                    (code, a.top.ok_or("--top N is needed: how many validators a selection takes")?)
                }
            };
            let signature = ctx.send(&[ix::set_target_mode(&keys, operator()?, code, top)], &[])?;
            ctx.print(format!("Target mode set. Signature {signature}"), json!({ "mode": code, "topN": top, "signature": signature.to_string() }));
        }
        ValidatorCommand::Select(a) => {
            let (keys, _) = ctx.pool(&a.pool)?;
            let payer = ctx.signer()?;
            let list = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?;
            let scoring = scoring_of(&list)?;
            if !scoring.targets_from_scores() {
                return Err("the pool's targets follow the operator's weights: set a score mode first (`validator mode top-equal --top N`)".into());
            }
            let json = ctx.json();
            let mut sender = liquid_staking_sdk::rpc::PlainSender { rpc: &ctx.rpc, payer: &payer, progress: |line: &str| if !json { eprintln!("{line}") } };
            let run = liquid_staking_sdk::rpc::protect(&ctx.rpc, &payer.pubkey(), &keys, &mut sender, true)?;
            let scoring = liquid_staking_sdk::rpc::load_validator_list(&ctx.rpc, &keys)?.scoring.unwrap_or(scoring);
            let text = if run.selected {
                format!("Weights set from this epoch's scores: {} at a score of at least {}.", validators(scoring.selected_count), scoring.selected_cutoff_score)
            } else {
                "No selection sent: this epoch's selection stands with no weight to change, or a score moved (or the epoch ended) while it was sent; run it again to be sure.".to_string()
            };
            ctx.print(text, json!({ "selected": run.selected, "validators": scoring.selected_count, "cutoffScore": scoring.selected_cutoff_score, "epoch": scoring.selected_epoch }));
        }
        ValidatorCommand::Migrate(a) => {
            let (keys, _) = ctx.pool(&a.pool)?;
            let payer = ctx.signer()?.pubkey();
            let len = ctx.rpc.get_account_data(&keys.validator_list)?.len();
            let steps = ix::migration_steps(len);
            if steps == 0 {
                ctx.print("The validator list has the current layout already.", json!({ "transactions": 0 }));
                return Ok(());
            }
            let mut sent = 0;
            for chunk in (0..steps).collect::<Vec<_>>().chunks(24) {
                let batch: Vec<_> = chunk.iter().map(|_| ix::migrate_validator_list(&keys, payer)).collect();
                ctx.send(&batch, &[])?;
                sent += 1;
                if !ctx.json() {
                    eprintln!("migrating: {} of {steps} steps", (sent * 24).min(steps));
                }
            }
            ctx.print(format!("Validator list migrated in {sent} transaction(s)."), json!({ "transactions": sent }));
        }
    }
    Ok(())
}
