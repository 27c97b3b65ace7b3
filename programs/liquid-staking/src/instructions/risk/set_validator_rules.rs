use crate::instructions::shared::*;
use crate::{events::ValidatorRulesSet, state::*};
use anchor_lang::prelude::*;

/// Operator: sets the validator rules, within their on-chain bounds (ValidatorRulesOutOfBounds).
/// What tightens applies at once; what loosens waits FEE_INCREASE_DELAY_EPOCHS epochs, as a fee
/// increase does, so stakers see it coming. The next reading of each validator applies them.
pub fn set_validator_rules(ctx: Context<OperatorAccess>, rules: ValidatorRules) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let mut list = ctx.accounts.pool.validator_list.load_mut()?;
    list.scoring.schedule_rules(rules, epoch)?;
    emit!(ValidatorRulesSet {
        pool: ctx.accounts.pool.pool.key(),
        epoch,
        rules: list.scoring.rules,
        pending_rules: list.scoring.pending_rules,
        pending_rules_epoch: list.scoring.pending_rules_epoch,
    });
    Ok(())
}
