use crate::instructions::shared::*;
use crate::events::TargetModeSet;
use anchor_lang::prelude::*;

/// Operator: chooses where the targets come from: `mode` TARGETS_BY_WEIGHT (the operator's
/// weights, `top_n` 0) or the top `top_n` eligible validators by score, with equal weights
/// (TARGETS_TOP_EQUAL) or weighted by score (TARGETS_TOP_BY_SCORE); TargetModeInvalid otherwise.
/// Applies at once, as a weight does. Entering score mode keeps the weights until the first
/// `select_validators`; leaving it keeps the last selection's weights for the operator to change.
/// The eligibility rules apply in every mode.
pub fn set_target_mode(ctx: Context<OperatorAccess>, mode: u8, top_n: u32) -> Result<()> {
    let mut list = ctx.accounts.pool.validator_list.load_mut()?;
    let (old_mode, old_top_n) = (list.scoring.target_mode, list.scoring.top_n);
    list.scoring.set_target_mode(mode, top_n)?;
    emit!(TargetModeSet { pool: ctx.accounts.pool.pool.key(), old_mode, old_top_n, mode, top_n });
    Ok(())
}
