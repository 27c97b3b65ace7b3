//! # Liquid staking
//!
//! Stakers deposit SOL into a pool and receive its liquid-staking token (LST) at the exchange
//! rate `total_lamports / lst_supply`. The pool spreads the SOL over many validators' stake
//! accounts through the Stake program.
//!
//! ## Lifecycle
//! - `initialize_pool` creates the pool, its reserve, the LST mint (classic SPL Token, 9
//!   decimals, the pool as mint authority, no freeze authority), the validator list and the
//!   treasury; an initial deposit's LST is locked forever so the rate cannot be inflated against
//!   the next depositor.
//! - The operator adds validators (`add_validator`), weights them (`set_validator_weight`) and
//!   removes them (`remove_validator`: the stake deactivates and returns to the reserve through
//!   the crank, never leaving the pool's total).
//! - Stakers `deposit_sol` while the rate is fresh (computed this epoch).
//!
//! ## The crank, once per epoch, permissionless, idempotent
//! 1. `observe_validators`: many validators per transaction; records balances, merges transient
//!    stake that finished activating, returns deactivated stake to the reserve.
//! 2. `finalize_epoch`: once all are observed and epoch rewards are paid, the increase of SOL
//!    under management becomes the new rate, less the reward fee minted to the treasury.
//! 3. `rebalance_validator`: unstakes what tickets and the buffer need from validators at or above
//!    their target, or stakes reserve SOL above the buffer into validators below it.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
#[cfg(feature = "upstream-sbf")]
use sbf_support as _;

pub mod checks;
pub mod constants;
pub mod cpi;
pub mod error;
pub mod events;
pub mod instructions;
pub mod math;
pub mod pda;
mod security;
pub mod stake_cpi;
pub mod state;

use instructions::*;

declare_id!("48YRYB8m6ancFx3R3ZfDwPVxpSvFGM2rJP3zyk6AMBDL");

#[program]
pub mod liquid_staking {
    use super::*;

    /// Creates a pool: LST mint, reserve, validator list, treasury, locked initial deposit.
    pub fn initialize_pool(ctx: Context<InitializePool>, args: InitializePoolArgs) -> Result<()> {
        instructions::initialize_pool(ctx, args)
    }

    /// Operator: adds a validator with a weight; its stake account is funded from the reserve.
    pub fn add_validator(ctx: Context<AddValidator>, weight: u32) -> Result<()> {
        instructions::add_validator(ctx, weight)
    }

    /// Operator: starts removing a validator (deactivates its stake).
    pub fn remove_validator(ctx: Context<RemoveValidator>, index: u32) -> Result<()> {
        instructions::remove_validator(ctx, index)
    }

    /// Operator: sets a validator's weight.
    pub fn set_validator_weight(ctx: Context<SetValidatorWeight>, index: u32, weight: u32) -> Result<()> {
        instructions::set_validator_weight(ctx, index, weight)
    }

    /// Admin: sets fees (decreases now, increases after two epoch boundaries).
    pub fn set_fees(ctx: Context<AdminAccess>, fees: state::Fees) -> Result<()> {
        instructions::set_fees(ctx, fees)
    }

    /// Pause guardian (pause only) or admin: sets the paused flows.
    pub fn set_pause(ctx: Context<SetPause>, paused: u8) -> Result<()> {
        instructions::set_pause(ctx, paused)
    }

    /// Admin: proposes the next admin.
    pub fn propose_admin(ctx: Context<AdminAccess>, new_admin: Pubkey) -> Result<()> {
        instructions::propose_admin(ctx, new_admin)
    }

    /// Proposed admin: accepts.
    pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
        instructions::accept_admin(ctx)
    }

    /// Admin: sets the operator, the pause guardian and the treasury authority.
    pub fn set_roles(ctx: Context<AdminAccess>, operator: Pubkey, pause_guardian: Pubkey, treasury_authority: Pubkey) -> Result<()> {
        instructions::set_roles(ctx, operator, pause_guardian, treasury_authority)
    }

    /// Treasury authority: moves LST out of the pool's treasury.
    pub fn withdraw_treasury(ctx: Context<WithdrawTreasury>, lst_amount: u64) -> Result<()> {
        instructions::withdraw_treasury(ctx, lst_amount)
    }

    /// Staker: SOL in, LST out at the current rate (at least `min_lst_out`).
    pub fn deposit_sol(ctx: Context<DepositSol>, lamports: u64, min_lst_out: u64) -> Result<()> {
        instructions::deposit_sol(ctx, lamports, min_lst_out)
    }

    /// Staker: burns LST for a ticket (value at the current rate less the delayed-exit fee) at the
    /// address `[TICKET_SEED, pool, owner, ticket_nonce]`.
    pub fn order_unstake(ctx: Context<TicketExit>, lst_amount: u64, min_lamports_out: u64, ticket_nonce: u64) -> Result<()> {
        instructions::order_unstake(ctx, lst_amount, min_lamports_out, ticket_nonce)
    }

    /// Ticket owner: claims the SOL once claimable and in the reserve; closes the ticket.
    pub fn claim_ticket(ctx: Context<ClaimTicket>) -> Result<()> {
        instructions::claim_ticket(ctx)
    }

    /// Staker: instant exit from the reserve's buffer, for a fee that rises as the buffer empties.
    pub fn instant_unstake(ctx: Context<LstExit>, lst_amount: u64, min_lamports_out: u64) -> Result<()> {
        instructions::instant_unstake(ctx, lst_amount, min_lamports_out)
    }

    /// Staker: one-call exit: instant up to `max_fee_bps`, the rest as a ticket at `ticket_nonce`;
    /// at least `min_lamports_out` in all and `min_instant_lamports_out` of it now.
    pub fn unstake(
        ctx: Context<TicketExit>,
        lst_amount: u64,
        max_fee_bps: u16,
        min_lamports_out: u64,
        min_instant_lamports_out: u64,
        ticket_nonce: u64,
    ) -> Result<()> {
        instructions::unstake(ctx, lst_amount, max_fee_bps, min_lamports_out, min_instant_lamports_out, ticket_nonce)
    }

    /// Staker: instant exit as a stake account split off the validator at `index`.
    pub fn withdraw_stake(ctx: Context<WithdrawStake>, index: u32, lst_amount: u64, min_lamports_out: u64) -> Result<()> {
        instructions::withdraw_stake(ctx, index, lst_amount, min_lamports_out)
    }

    /// Staker: deposits an active stake account delegated to the pool validator at `index`.
    pub fn deposit_stake(ctx: Context<DepositStake>, index: u32, min_lst_out: u64) -> Result<()> {
        instructions::deposit_stake(ctx, index, min_lst_out)
    }

    /// Crank 1: observe validators from `first_index` (stake accounts in remaining accounts).
    pub fn observe_validators<'info>(ctx: Context<'info, ObserveValidators<'info>>, first_index: u32) -> Result<()> {
        instructions::observe_validators(ctx, first_index)
    }

    /// Crank 2: fold the epoch's rewards into the rate, mint the reward fee.
    pub fn finalize_epoch(ctx: Context<FinalizeEpoch>) -> Result<()> {
        instructions::finalize_epoch(ctx)
    }

    /// Anyone (by CPI): the rate account's snapshot as return data (layout: `state::ExchangeRate`).
    pub fn get_rate(ctx: Context<GetRate>) -> Result<()> {
        instructions::get_rate(ctx)
    }

    /// Admin: clears the rate account's breaker after a drop is understood, naming the settlement
    /// it acknowledges (the rate account's current one).
    pub fn reset_rate_breaker(ctx: Context<ResetRateBreaker>, epoch: u64, total_lamports: u64, lst_supply: u64) -> Result<()> {
        instructions::reset_rate_breaker(ctx, epoch, total_lamports, lst_supply)
    }

    /// Admin: sets the reserve buffer (in force two epoch boundaries later).
    pub fn set_reserve_buffer(ctx: Context<AdminAccess>, reserve_buffer_bps: u16) -> Result<()> {
        instructions::set_reserve_buffer(ctx, reserve_buffer_bps)
    }

    /// Crank 3: stake reserve SOL into the validator at `index`, towards its target.
    pub fn rebalance_validator(ctx: Context<RebalanceValidator>, index: u32) -> Result<()> {
        instructions::rebalance_validator(ctx, index)
    }

    /// Anyone, any slot: reads the vote accounts of validators from `first_index` (remaining
    /// accounts) into their records and judges them by the pool's validator rules.
    pub fn record_validators<'info>(ctx: Context<'info, RecordValidators<'info>>, first_index: u32) -> Result<()> {
        instructions::record_validators(ctx, first_index)
    }

    /// Anyone, any slot: reads the vote account of the validator at `index` and, if it breaks a
    /// rule, deactivates its stake.
    pub fn deactivate_ineligible(ctx: Context<DeactivateIneligible>, index: u32) -> Result<()> {
        instructions::deactivate_ineligible(ctx, index)
    }

    /// Operator: sets the validator rules (tightening now, loosening two epoch boundaries later).
    pub fn set_validator_rules(ctx: Context<OperatorAccess>, rules: state::ValidatorRules) -> Result<()> {
        instructions::set_validator_rules(ctx, rules)
    }

    /// Operator: blocklists the validator at `index`, or lifts it.
    pub fn set_validator_blocked(ctx: Context<SetValidatorBlocked>, index: u32, blocked: bool) -> Result<()> {
        instructions::set_validator_blocked(ctx, index, blocked)
    }

    /// Operator: where the targets come from: the operator's weights, or the top N validators by
    /// score (equal or score-weighted).
    pub fn set_target_mode(ctx: Context<OperatorAccess>, mode: u8, top_n: u32) -> Result<()> {
        instructions::set_target_mode(ctx, mode, top_n)
    }

    /// Anyone, in score mode: sets every validator's weight from its score; `cutoff_score` is
    /// the N-th best score, proven by one pass over the list.
    pub fn select_validators(ctx: Context<SelectValidators>, cutoff_score: u64) -> Result<()> {
        instructions::select_validators(ctx, cutoff_score)
    }

    /// Anyone: grows a validator list from before validator records by one step toward the
    /// current layout.
    pub fn migrate_validator_list(ctx: Context<MigrateValidatorList>) -> Result<()> {
        instructions::migrate_validator_list(ctx)
    }
}
