use crate::instructions::shared::*;
use crate::{error::LiquidStakingError, events::ValidatorBlockSet, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SetValidatorBlocked<'info> {
    pub access: OperatorAccess<'info>,
    /// CHECK: compared with the entry at `index`.
    pub vote_account: UncheckedAccount<'info>,
}

/// Operator: blocklists the validator at `index` (ineligible at once: its weight counts for
/// nothing and anyone may deactivate its stake) or lifts it (eligible again at the next reading
/// that passes every rule, with no cooling-off for the block itself).
pub fn set_validator_blocked(ctx: Context<SetValidatorBlocked>, index: u32, blocked: bool) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let mut list = ctx.accounts.access.pool.validator_list.load_mut()?;
    let (entry, record) = list.validator_mut(index, ctx.accounts.vote_account.key)?;
    require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
    let weight_removed = entry.effective_weight();
    let newly_ineligible = blocked && entry.is_eligible();
    if blocked {
        entry.flags |= VALIDATOR_FLAG_BLOCKED | VALIDATOR_FLAG_INELIGIBLE;
        record.reason = INELIGIBLE_BLOCKLISTED;
        record.eligible_from_epoch = record.eligible_from_epoch.max(epoch);
    } else {
        entry.flags &= !VALIDATOR_FLAG_BLOCKED;
    }
    if newly_ineligible {
        list.scoring.ineligible_count += 1;
    }
    drop(list);
    let pool = &mut ctx.accounts.access.pool.pool;
    if newly_ineligible {
        pool.total_weight -= weight_removed;
    }
    emit!(ValidatorBlockSet { pool: pool.key(), vote_account: ctx.accounts.vote_account.key(), index, blocked });
    Ok(())
}
