//! Validator risk: reading the pool validators' vote accounts into their records, deactivating the
//! stake of those that break a rule (both permissionless, at any slot), the operator's rules and
//! blocklist, targets from scores (the operator's mode, anyone's selection), and the migration of
//! lists from before the records.
pub mod deactivate_ineligible;
pub mod migrate_validator_list;
pub mod record_validators;
pub mod select_validators;
pub mod set_validator_blocked;
pub mod set_target_mode;
pub mod set_validator_rules;

pub use deactivate_ineligible::*;
pub use migrate_validator_list::*;
pub use record_validators::*;
pub use select_validators::*;
pub use set_validator_blocked::*;
pub use set_target_mode::*;
pub use set_validator_rules::*;

use crate::{events::*, state::*};
use anchor_lang::prelude::*;

/// Emits what a reading changed of the validator at `index` and moves the pool's total weight.
pub(crate) fn book_reading(pool: &mut Account<Pool>, list: &ValidatorList, index: u32, epoch: u64, outcome: &ReadingOutcome) -> Result<()> {
    pool.total_weight = pool
        .total_weight
        .checked_add_signed(outcome.weight_delta)
        .ok_or(crate::error::LiquidStakingError::MathOverflow)?;
    let (entry, record) = (list.entry(index)?, list.record(index)?);
    if outcome.became_ineligible {
        emit!(ValidatorIneligible {
            pool: pool.key(),
            vote_account: entry.vote_account,
            index,
            epoch,
            reason: outcome.reason,
            commission_bps: record.commission_bps[0],
            window_credits: record.window_credits(),
            eligible_from_epoch: record.eligible_from_epoch,
        });
    } else if outcome.became_eligible {
        emit!(ValidatorEligibleAgain {
            pool: pool.key(),
            vote_account: entry.vote_account,
            index,
            epoch,
            commission_bps: record.commission_bps[0],
            window_credits: record.window_credits(),
        });
    }
    Ok(())
}
