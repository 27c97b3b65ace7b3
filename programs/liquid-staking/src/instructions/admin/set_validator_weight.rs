use crate::instructions::shared::*;
use crate::{error::LiquidStakingError, events::ValidatorWeightSet, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SetValidatorWeight<'info> {
    pub access: OperatorAccess<'info>,
    /// CHECK: compared with the entry at `index`.
    pub vote_account: UncheckedAccount<'info>,
}

/// Sets a validator's share of the staked SOL. Takes effect at the next rebalance; while the
/// validator is ineligible the weight is kept but counts for nothing. Refused in score mode
/// (WeightsFollowScores), where `select_validators` sets every weight.
pub fn set_validator_weight(ctx: Context<SetValidatorWeight>, index: u32, weight: u32) -> Result<()> {
    let mut list = ctx.accounts.access.pool.validator_list.load_mut()?;
    require!(!list.scoring.targets_from_scores(), LiquidStakingError::WeightsFollowScores);
    let entry = list.entry_for_mut(index, ctx.accounts.vote_account.key)?;
    require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
    let old_weight = entry.weight;
    let old_effective = entry.effective_weight();
    entry.weight = weight;
    let new_effective = entry.effective_weight();
    drop(list);
    let pool = &mut ctx.accounts.access.pool.pool;
    pool.total_weight = (pool.total_weight - old_effective)
        .checked_add(new_effective)
        .ok_or(LiquidStakingError::MathOverflow)?;
    emit!(ValidatorWeightSet {
        pool: pool.key(),
        vote_account: ctx.accounts.vote_account.key(),
        old_weight,
        new_weight: weight,
        total_weight: pool.total_weight,
    });
    Ok(())
}
