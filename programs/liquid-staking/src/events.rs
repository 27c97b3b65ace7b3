//! Events: every state change carries its inputs, outputs, and the totals behind the rate so an
//! indexer can recompute it. A released event is never edited; add a V2 instead.
use anchor_lang::prelude::*;

#[event]
pub struct PoolInitialized {
    pub pool: Pubkey,
    pub lst_mint: Pubkey,
    pub admin: Pubkey,
    pub operator: Pubkey,
    pub treasury: Pubkey,
    pub treasury_authority: Pubkey,
    pub validator_list: Pubkey,
    pub pause_guardian: Pubkey,
    pub fees: crate::state::Fees,
    pub reserve_buffer_bps: u16,
    pub initial_deposit_lamports: u64,
    pub epoch: u64,
}

#[event]
pub struct ValidatorAdded {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub weight: u32,
    pub stake_lamports: u64,
    pub validator_count: u32,
}

#[event]
pub struct ValidatorRemovalStarted {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub stake_lamports: u64,
}

#[event]
pub struct ValidatorWeightSet {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub old_weight: u32,
    pub new_weight: u32,
    pub total_weight: u64,
}

#[event]
pub struct SolDeposited {
    pub pool: Pubkey,
    pub depositor: Pubkey,
    pub recipient_lst: Pubkey,
    pub lamports: u64,
    pub fee_lamports: u64,
    pub lst_out: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
}

#[event]
pub struct ValidatorsObserved {
    pub pool: Pubkey,
    pub epoch: u64,
    pub first_index: u32,
    pub count: u32,
    pub newly_observed: u32,
    pub removed: u32,
    pub observed_count: u32,
    pub validator_count: u32,
    pub stake_lamports: u64,
    /// Lamports this call moved from stake accounts to the reserve (inactive stake, and lamports
    /// above an active account's delegation).
    pub withdrawn_lamports: u64,
}

#[event]
pub struct EpochFinalized {
    pub pool: Pubkey,
    pub epoch: u64,
    pub rewards_lamports: u64,
    pub loss_lamports: u64,
    pub fee_lamports: u64,
    pub fee_lst: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
    pub stake_lamports: u64,
    pub previous_total_lamports: u64,
    pub previous_lst_supply: u64,
}

#[event]
pub struct ValidatorRebalanced {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub epoch: u64,
    pub staked_lamports: u64,
    pub target_lamports: u64,
    pub validator_lamports: u64,
    pub stake_lamports: u64,
}

#[event]
pub struct FeesScheduled {
    pub pool: Pubkey,
    pub epoch: u64,
    pub old_fees: crate::state::Fees,
    pub fees_now: crate::state::Fees,
    pub pending_fees: crate::state::Fees,
    pub pending_fees_epoch: u64,
}

#[event]
pub struct PauseSet {
    pub pool: Pubkey,
    pub signer: Pubkey,
    pub old_paused: u8,
    pub new_paused: u8,
}

#[event]
pub struct AdminChanged {
    pub pool: Pubkey,
    pub old_admin: Pubkey,
    pub new_admin: Pubkey,
}

#[event]
pub struct RolesSet {
    pub pool: Pubkey,
    pub old_operator: Pubkey,
    pub new_operator: Pubkey,
    pub old_pause_guardian: Pubkey,
    pub new_pause_guardian: Pubkey,
    pub old_treasury_authority: Pubkey,
    pub new_treasury_authority: Pubkey,
}

#[event]
pub struct UnstakeOrdered {
    pub pool: Pubkey,
    pub owner: Pubkey,
    pub ticket: Pubkey,
    pub ticket_nonce: u64,
    pub lst_burned: u64,
    pub fee_lamports: u64,
    pub lamports_owed: u64,
    pub claimable_epoch: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
    pub owed_lamports: u64,
}

#[event]
pub struct TicketClaimed {
    pub pool: Pubkey,
    pub owner: Pubkey,
    pub ticket: Pubkey,
    pub ticket_nonce: u64,
    pub lamports: u64,
    pub owed_lamports: u64,
}

#[event]
pub struct ValidatorUnstaked {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub epoch: u64,
    pub unstaked_lamports: u64,
    pub shortfall_lamports: u64,
    pub unstaking_lamports: u64,
    /// The whole main stake was deactivated (splitting could not cover the shortfall).
    pub whole_stake: bool,
}

/// Observe found a validator's main stake deactivated by someone other than the pool (the Stake
/// program's DeactivateDelinquent): it is being removed, and its stake returns to the reserve.
#[event]
pub struct ValidatorDeactivatedExternally {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub epoch: u64,
    pub stake_lamports: u64,
}

#[event]
pub struct TreasuryWithdrawn {
    pub pool: Pubkey,
    pub treasury_authority: Pubkey,
    pub destination: Pubkey,
    pub lst_amount: u64,
    pub treasury_lst_left: u64,
}

#[event]
pub struct InstantUnstaked {
    pub pool: Pubkey,
    pub owner: Pubkey,
    pub lst_burned: u64,
    pub value_lamports: u64,
    pub fee_bps: u16,
    pub fee_lamports: u64,
    pub lamports_out: u64,
    pub treasury_fee_lamports: u64,
    pub treasury_lst: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
}

#[event]
pub struct StakeWithdrawn {
    pub pool: Pubkey,
    pub owner: Pubkey,
    pub vote_account: Pubkey,
    pub stake_account: Pubkey,
    pub lst_burned: u64,
    pub fee_lamports: u64,
    pub stake_lamports: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
}

#[event]
pub struct StakeDeposited {
    pub pool: Pubkey,
    pub depositor: Pubkey,
    pub vote_account: Pubkey,
    pub stake_account: Pubkey,
    pub delegated_lamports: u64,
    pub undelegated_lamports: u64,
    pub fee_lamports: u64,
    pub lst_out: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
}

/// A settlement lowered the rate by more than RATE_BREAKER_DROP_BPS: the rate account's breaker
/// is set until the admin resets it. No longer emitted (see RateBreakerTrippedV2); kept so
/// indexers can decode the events of earlier versions.
#[event]
pub struct RateBreakerTripped {
    pub pool: Pubkey,
    pub epoch: u64,
    pub drop_bps: u64,
    pub previous_total_lamports: u64,
    pub previous_lst_supply: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
}

/// A settlement went past the rate breaker's tolerance (RATE_BREAKER_DROP_BPS) on one of its
/// measures: the drop against the settlement before, the drawdown against the high-water mark, or
/// the epoch's gross loss in stake accounts. Emitted for every such settlement, also while the
/// breaker is tripped already (`newly_tripped` false), so the admin sees every drop before
/// acknowledging one. Replaces `RateBreakerTripped`, no longer emitted.
#[event]
pub struct RateBreakerTrippedV2 {
    pub pool: Pubkey,
    pub epoch: u64,
    pub newly_tripped: bool,
    pub drop_bps: u64,
    pub drawdown_bps: u64,
    pub loss_bps: u64,
    pub loss_lamports: u64,
    pub previous_total_lamports: u64,
    pub previous_lst_supply: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
    pub high_water_total_lamports: u64,
    pub high_water_lst_supply: u64,
    pub pre_trip_epoch: u64,
    pub pre_trip_total_lamports: u64,
    pub pre_trip_lst_supply: u64,
}

/// The admin scheduled a new reserve buffer, in force from the first settlement at or after
/// `effective_epoch` (0: a pending change was cancelled).
#[event]
pub struct ReserveBufferScheduled {
    pub pool: Pubkey,
    pub epoch: u64,
    pub reserve_buffer_bps: u16,
    pub pending_reserve_buffer_bps: u16,
    pub effective_epoch: u64,
}

/// The admin reset the rate account's breaker.
#[event]
pub struct RateBreakerReset {
    pub pool: Pubkey,
    pub epoch: u64,
    pub total_lamports: u64,
    pub lst_supply: u64,
}

/// A reading of its vote account made a validator ineligible: its weight counts for nothing and
/// anyone may deactivate its stake (`deactivate_ineligible`). `reason`: INELIGIBLE_*.
#[event]
pub struct ValidatorIneligible {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub epoch: u64,
    pub reason: u8,
    pub commission_bps: u16,
    pub window_credits: u64,
    pub eligible_from_epoch: u64,
}

/// A validator passes every rule again after its cooling-off: its weight counts again.
#[event]
pub struct ValidatorEligibleAgain {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub epoch: u64,
    pub commission_bps: u16,
    pub window_credits: u64,
}

/// `record_validators` read a batch of vote accounts.
#[event]
pub struct ValidatorsRecorded {
    pub pool: Pubkey,
    pub epoch: u64,
    pub first_index: u32,
    pub count: u32,
    pub changed: u32,
    pub ineligible_count: u32,
    pub reference_best_credits: u64,
}

/// An ineligible validator's stake was deactivated; it returns to the reserve through observe.
/// `reason`: the INELIGIBLE_* rule it broke.
#[event]
pub struct IneligibleStakeDeactivated {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub epoch: u64,
    pub reason: u8,
    pub returning_lamports: u64,
}

/// The operator set the validator rules: `rules` in force now, `pending_rules` from
/// `pending_rules_epoch` (u64::MAX: nothing pending).
#[event]
pub struct ValidatorRulesSet {
    pub pool: Pubkey,
    pub epoch: u64,
    pub rules: crate::state::ValidatorRules,
    pub pending_rules: crate::state::ValidatorRules,
    pub pending_rules_epoch: u64,
}

/// The operator blocklisted a validator, or lifted it.
#[event]
pub struct ValidatorBlockSet {
    pub pool: Pubkey,
    pub vote_account: Pubkey,
    pub index: u32,
    pub blocked: bool,
}

/// A validator list grew to the current layout (`done`), or by one step toward it.
#[event]
pub struct ValidatorListMigrated {
    pub pool: Pubkey,
    pub data_len: u64,
    pub done: bool,
}

/// The operator chose where the targets come from (`state::selection`): the operator's weights
/// (TARGETS_BY_WEIGHT) or the top `top_n` by score.
#[event]
pub struct TargetModeSet {
    pub pool: Pubkey,
    pub old_mode: u8,
    pub old_top_n: u32,
    pub mode: u8,
    pub top_n: u32,
}

/// A selection set every validator's weight from its score: `selected` validators scored at
/// least `cutoff_score`; `changed` weights moved; `total_weight` is the pool's new total.
#[event]
pub struct ValidatorsSelected {
    pub pool: Pubkey,
    pub epoch: u64,
    pub mode: u8,
    pub top_n: u32,
    pub cutoff_score: u64,
    pub selected: u32,
    pub changed: u32,
    pub total_weight: u64,
}
