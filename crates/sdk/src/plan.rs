//! The crank's plan for an epoch: which instructions, in which batches. Observe first (many
//! validators per instruction), then finalize, then rebalance. Each plan is computed from a fresh
//! read of the chain, so a crank that re-plans after every round never repeats work and is safe
//! to run beside other cranks.
use crate::{addresses::PoolKeys, instructions as ix, pack};
use anchor_lang::prelude::Pubkey;
use liquid_staking::{
    constants::MIN_STAKE_DELEGATION_LAMPORTS,
    math,
    state::{Pool, ValidatorEntry, PAUSED_REBALANCING, VALIDATOR_STATUS_ACTIVE},
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
pub const DEFAULT_MAX_STAKE_VALIDATORS: usize = 16;

/// Rebalance instructions that will move something, predicted with the program's own math.
/// When the reserve lacks SOL for tickets and its buffer: unstake (never paused), most over-weight
/// validators first, until the shortfall is covered. Otherwise, unless staking is paused: stake
/// into at most `max_stake_validators` validators, the most under-target first, each taking what
/// it lacks plus the overfill from what the reserve holds above tickets and buffer, as the
/// program will.
pub fn rebalance_instructions(
    keys: &PoolKeys,
    pool: &Pool,
    entries: &[ValidatorEntry],
    reserve_lamports: u64,
    stake_account_rent_lamports: u64,
    max_stake_validators: usize,
) -> Vec<Instruction> {
    let Ok(buffer) = math::buffer_target_lamports(pool.total_lamports, pool.reserve_buffer_bps) else {
        return Vec::new();
    };
    let shortfall = pool.reserve_shortfall_lamports(reserve_lamports).unwrap_or(0);
    if shortfall > 0 {
        let reserve_free = pool.reserve_free_lamports(reserve_lamports);
        return unstake_instructions(keys, pool, entries, shortfall, buffer, reserve_free, stake_account_rent_lamports);
    }
    if pool.paused & PAUSED_REBALANCING != 0 {
        return Vec::new();
    }
    let stakeable = pool.total_lamports.saturating_sub(buffer);
    let overfill = math::stake_overfill_lamports(pool.total_lamports).unwrap_or(0);
    let mut available = pool.reserve_stakeable_lamports(reserve_lamports).unwrap_or(0);
    // (deficit, index, target, minimum) of every validator that can take stake now.
    let mut candidates: Vec<(u64, usize, u64, u64)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status == VALIDATOR_STATUS_ACTIVE && e.transient_stake_lamports == 0)
        // A main account resting after a whole-stake unstake is delegated again directly (no new
        // account, so no rent); while its stake is still on the way back, it waits.
        .filter(|(_, e)| !(e.main_deactivated_by_pool() && e.unstaking_lamports > 0))
        .filter_map(|(i, e)| {
            let target = math::validator_target_lamports(stakeable, e.weight, pool.total_weight).ok()?;
            let minimum = if e.main_deactivated_by_pool() {
                MIN_STAKE_DELEGATION_LAMPORTS
            } else {
                stake_account_rent_lamports + MIN_STAKE_DELEGATION_LAMPORTS
            };
            (e.total_lamports() < target).then(|| (target - e.total_lamports(), i, target, minimum))
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out = Vec::new();
    for (_, index, target, minimum) in candidates {
        if out.len() >= max_stake_validators || available == 0 {
            break;
        }
        let entry = &entries[index];
        let amount = math::stake_increase_lamports(target, entry.total_lamports(), available, minimum, overfill);
        if amount > 0 {
            available -= amount;
            out.push(ix::rebalance_validator(&ix::RebalanceValidatorParams {
                keys: *keys,
                index: index as u32,
                vote_account: entry.vote_account,
            }));
        }
    }
    out
}

/// Unstake instructions covering `shortfall`, from the validators furthest above their target
/// (or, with no rent in the reserve for a transient, the smallest first: each is then deactivated
/// whole). A validator's delegation is estimated as its recorded balance less its rent, which is
/// exact once observe has moved any excess to the reserve.
fn unstake_instructions(
    keys: &PoolKeys,
    pool: &Pool,
    entries: &[ValidatorEntry],
    mut shortfall: u64,
    buffer: u64,
    mut reserve_free: u64,
    stake_account_rent_lamports: u64,
) -> Vec<Instruction> {
    let stakeable = pool.total_lamports.saturating_sub(buffer);
    let rent_available = reserve_free >= stake_account_rent_lamports;
    let mut candidates: Vec<(i128, usize)> = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status == VALIDATOR_STATUS_ACTIVE && e.transient_stake_lamports == 0 && !e.main_deactivated_by_pool())
        .map(|(i, e)| {
            let target = math::validator_target_lamports(stakeable, e.weight, pool.total_weight).unwrap_or(0);
            let key = if rent_available { e.total_lamports() as i128 - target as i128 } else { -(e.total_lamports() as i128) };
            (key, i)
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0));
    let mut out = Vec::new();
    for (_, index) in candidates {
        if shortfall == 0 {
            break;
        }
        let entry = &entries[index];
        let delegated = entry.active_stake_lamports.saturating_sub(stake_account_rent_lamports);
        let rent_available = reserve_free >= stake_account_rent_lamports;
        match math::stake_decrease(shortfall, delegated, MIN_STAKE_DELEGATION_LAMPORTS, rent_available) {
            math::StakeDecrease::None => continue,
            math::StakeDecrease::Split(amount) => {
                shortfall = shortfall.saturating_sub(amount + stake_account_rent_lamports);
                reserve_free -= stake_account_rent_lamports;
            }
            math::StakeDecrease::Whole => shortfall = shortfall.saturating_sub(delegated),
        }
        out.push(ix::rebalance_validator(&ix::RebalanceValidatorParams {
            keys: *keys,
            index: index as u32,
            vote_account: entry.vote_account,
        }));
    }
    out
}

/// Rebalance instructions per transaction: each creates, funds, initialises and delegates a stake
/// account (four CPIs), so the compute budget, not the size, is the first limit on a cluster.
pub const MAX_REBALANCES_PER_TX: usize = 4;
