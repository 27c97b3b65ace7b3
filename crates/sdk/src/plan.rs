//! The crank's plan for an epoch: which instructions, in which batches. Observe first (many
//! validators per instruction), then finalize, then rebalance. Each plan is computed from a fresh
//! read of the chain, so a crank that re-plans after every round never repeats work and is safe
//! to run beside other cranks.
use crate::{addresses::PoolKeys, instructions as ix, pack};
use anchor_lang::prelude::Pubkey;
use liquid_staking::{
    error::LiquidStakingError,
    state::{MainStake, Pool, ValidatorEntry, VALIDATOR_STATUS_ACTIVE},
};
use solana_instruction::Instruction;

/// Compute units an observe transaction asks for. Merging a transient costs the Stake program
/// 17,591 CU (measured), so a full batch needs more than the default 200,000 per instruction.
pub const OBSERVE_COMPUTE_UNIT_LIMIT: u32 = 1_400_000;

/// The compute-budget instruction an observe transaction starts with.
pub fn observe_compute_budget() -> Instruction {
    solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(OBSERVE_COMPUTE_UNIT_LIMIT)
}

/// How many stake accounts one observe instruction can carry in a legacy transaction of its own
/// (with its compute-budget instruction): the size limit. Senders with lookup tables do better.
pub fn max_observe_accounts(keys: &PoolKeys, payer: &Pubkey) -> usize {
    let mut observe = ix::observe_validators(&ix::ObserveValidatorsParams { keys: *keys, first_index: 0, entries: &[] });
    let mut n = 0;
    loop {
        observe.accounts.push(solana_instruction::AccountMeta::new(Pubkey::new_unique(), false));
        if n >= pack::MAX_TRANSACTION_ACCOUNTS || !pack::fits(payer, &[observe_compute_budget(), observe.clone()]) {
            return n;
        }
        n += 1;
    }
}

/// Observe transactions for every validator not yet observed in `epoch`: consecutive runs of
/// unobserved entries, cut so that each instruction carries at most `max_accounts` stake accounts
/// (one per validator, two with a transient), each a compute-budget instruction then one observe
/// instruction.
pub fn observe_transactions(keys: &PoolKeys, entries: &[ValidatorEntry], epoch: u64, max_accounts: usize) -> Vec<Vec<Instruction>> {
    observe_instructions(keys, entries, epoch, max_accounts)
        .into_iter()
        .map(|batch| vec![observe_compute_budget(), batch.instruction])
        .collect()
}

/// One observe instruction and how many validators it covers.
pub struct ObserveBatch {
    pub instruction: Instruction,
    pub first_index: usize,
    pub validators: usize,
}

/// The observe instructions of `observe_transactions`, without compute-budget instructions.
pub fn observe_instructions(keys: &PoolKeys, entries: &[ValidatorEntry], epoch: u64, max_accounts: usize) -> Vec<ObserveBatch> {
    let max_accounts = max_accounts.max(2);
    let mut out = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        if entries[i].last_observed_epoch == epoch {
            i += 1;
            continue;
        }
        let start = i;
        let mut accounts = 0;
        while i < entries.len() && entries[i].last_observed_epoch != epoch && accounts + ix::observe_account_count(&entries[i]) <= max_accounts {
            accounts += ix::observe_account_count(&entries[i]);
            i += 1;
        }
        out.push(ObserveBatch {
            instruction: ix::observe_validators(&ix::ObserveValidatorsParams { keys: *keys, first_index: start as u32, entries: &entries[start..i] }),
            first_index: start,
            validators: i - start,
        });
    }
    out
}

/// Whether finalize is due: the rate is from an earlier epoch.
pub fn needs_finalize(pool: &Pool, epoch: u64) -> bool {
    pool.last_update_epoch < epoch
}

/// Validators a crank stakes into per epoch by default: with the program's overfill
/// (STAKE_OVERFILL_BPS of the pool each), 16 take up to 4% of the pool, an epoch's deposits
/// in most pools; four transactions. What does not fit waits in the reserve for the next epoch.
/// (The program allows MAX_STAKE_INCREASES_PER_EPOCH an epoch: the bot's late pass as many again.)
pub const DEFAULT_MAX_STAKE_VALIDATORS: usize = 16;

/// How many unstake candidates' main stake accounts a plan reads (most over target first): far
/// more than a shortfall needs, as each split takes what is short in one go.
pub const UNSTAKE_CANDIDATES_READ: usize = 64;

/// Validators that can give stake back when the reserve is short: active, no transient, main not
/// already deactivated, at or above target (the program refuses the others); most over target first.
fn unstake_candidates(pool: &Pool, entries: &[ValidatorEntry]) -> Vec<usize> {
    let mut candidates: Vec<(u64, usize)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status == VALIDATOR_STATUS_ACTIVE && e.transient_stake_lamports == 0 && !e.main_deactivated_by_pool())
        .filter_map(|(i, e)| {
            let target = pool.validator_target_lamports(e).ok()?;
            (e.total_lamports() >= target).then(|| (e.total_lamports() - target, i))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    candidates.into_iter().map(|(_, i)| i).collect()
}

/// Validators that can take stake: active, no transient, below target, not waiting for stake on
/// its way back; most under target first.
fn stake_candidates(pool: &Pool, entries: &[ValidatorEntry]) -> Vec<usize> {
    let mut candidates: Vec<(u64, usize)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status == VALIDATOR_STATUS_ACTIVE && e.transient_stake_lamports == 0)
        .filter(|(_, e)| !(e.main_deactivated_by_pool() && e.unstaking_lamports > 0))
        .filter_map(|(i, e)| {
            let target = pool.validator_target_lamports(e).ok()?;
            (e.total_lamports() < target).then(|| (target - e.total_lamports(), i))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    candidates.into_iter().map(|(_, i)| i).collect()
}

/// The validators whose main stake accounts a rebalance plan must see (the reader fetches them
/// and passes them to [`rebalance_instructions`]): when the reserve is short, the first
/// [`UNSTAKE_CANDIDATES_READ`] unstake candidates (the program unstakes only from a fully active
/// main stake); otherwise the staking candidates resting after a whole-stake unstake (delegated
/// again only once inactive).
pub fn rebalance_main_stakes_needed(pool: &Pool, entries: &[ValidatorEntry], reserve_lamports: u64) -> Vec<usize> {
    if pool.reserve_shortfall_lamports(reserve_lamports).unwrap_or(0) > 0 {
        let mut candidates = unstake_candidates(pool, entries);
        candidates.truncate(UNSTAKE_CANDIDATES_READ);
        candidates
    } else {
        stake_candidates(pool, entries).into_iter().filter(|&i| entries[i].main_deactivated_by_pool()).collect()
    }
}

/// What a rebalance plan is computed from.
pub struct RebalanceInputs<'a> {
    pub keys: &'a PoolKeys,
    /// Signs the rebalance transactions (pays a transient's rent when the reserve cannot).
    pub payer: Pubkey,
    pub pool: &'a Pool,
    pub entries: &'a [ValidatorEntry],
    pub reserve_lamports: u64,
    pub stake_account_rent_lamports: u64,
    pub epoch: u64,
    /// Main stake accounts by validator index, for those [`rebalance_main_stakes_needed`] names
    /// (a validator missing here is not planned when its main stake matters).
    pub main_stakes: &'a std::collections::HashMap<usize, MainStake>,
    pub max_stake_validators: usize,
}

/// Rebalance instructions that will move something: each validator's action decided by the
/// program's own `Pool::plan_rebalance` and booked with `Pool::book_rebalance` on a copy of the
/// pool, so the plan is what the program will do, refusals included. When the reserve lacks SOL
/// for tickets and its buffer: unstake (never paused) from the validators furthest above target
/// whose main stake is fully active, until the shortfall is covered. Otherwise, unless staking is
/// paused: stake into at most `max_stake_validators` validators, the most under target first.
pub fn rebalance_instructions(inputs: &RebalanceInputs) -> Vec<Instruction> {
    let RebalanceInputs { keys, payer, pool, entries, stake_account_rent_lamports: rent, epoch, main_stakes, .. } = *inputs;
    let mut pool = pool.clone();
    let mut reserve = inputs.reserve_lamports;
    let unstaking = pool.reserve_shortfall_lamports(reserve).unwrap_or(0) > 0;
    let candidates = if unstaking { unstake_candidates(&pool, entries) } else { stake_candidates(&pool, entries) };
    let mut out = Vec::new();
    for index in candidates {
        if unstaking && pool.reserve_shortfall_lamports(reserve).unwrap_or(0) == 0 {
            break;
        }
        if !unstaking && out.len() >= inputs.max_stake_validators {
            break;
        }
        let mut entry = entries[index];
        let main = main_stakes.get(&index).copied();
        if (unstaking || entry.main_deactivated_by_pool()) && main.is_none() {
            continue;
        }
        let action = match pool.plan_rebalance(&entry, main, false, reserve, rent, epoch) {
            Ok(action) => action,
            // Nothing the next candidate could change: the rate is stale, staking is paused or at
            // its epoch's limit.
            Err(e) if [LiquidStakingError::PoolStale, LiquidStakingError::RebalancingPaused, LiquidStakingError::StakingLimitReached]
                .iter()
                .any(|stop| e == (*stop).into()) =>
            {
                break
            }
            Err(_) => continue,
        };
        let Ok(booked) = pool.book_rebalance(&mut entry, &action, rent, epoch) else { continue };
        reserve = reserve.saturating_sub(booked.reserve_out_lamports);
        out.push(ix::rebalance_validator(&ix::RebalanceValidatorParams { keys: *keys, index: index as u32, vote_account: entry.vote_account, payer }));
    }
    out
}

/// Rebalance instructions per transaction: each creates, funds, initialises and delegates a stake
/// account (four CPIs), so the compute budget, not the size, is the first limit on a cluster.
pub const MAX_REBALANCES_PER_TX: usize = 4;
