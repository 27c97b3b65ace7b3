use crate::{error::LiquidStakingError, events::ValidatorsSelected, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SelectValidators<'info> {
    // `dup`: the only account serialized on exit; no other field can be it.
    #[account(mut, dup, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    #[account(mut, constraint = validator_list.to_account_info().data_len() >= ValidatorList::SPACE @ LiquidStakingError::ValidatorListNeedsMigration)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    pub clock: Sysvar<'info, Clock>,
}

/// Permissionless, in score mode: sets every validator's weight from its score, the top N
/// eligible validators (and any tied with the N-th) selected, the rest at 0 (`state::selection`).
/// The caller names `cutoff_score`, the N-th best score, and one pass proves it
/// (SelectionCutoffMismatch); it needs this epoch's full reading round (ValidatorsNotRecorded).
/// Refused in hand mode (TargetsFollowWeights), and when this epoch's selection stands unchanged
/// (NothingToSelect). The next rebalances move stake to the new targets.
pub fn select_validators(ctx: Context<SelectValidators>, cutoff_score: u64) -> Result<()> {
    let epoch = ctx.accounts.clock.epoch;
    let mut list = ctx.accounts.validator_list.load_mut()?;
    let (mode, top_n, count) = (list.scoring.target_mode, list.scoring.top_n, list.len());
    let ValidatorList { entries, records, .. } = &mut *list;
    let selection = select(&mut entries[..count], &records[..count], mode, top_n, cutoff_score, epoch)?;
    require!(selection.changed > 0 || list.scoring.selected_epoch != epoch, LiquidStakingError::NothingToSelect);
    list.scoring.selected_epoch = epoch;
    list.scoring.selected_cutoff_score = cutoff_score;
    list.scoring.selected_count = selection.selected;
    drop(list);
    let pool = &mut ctx.accounts.pool;
    pool.total_weight = selection.total_weight;
    emit!(ValidatorsSelected {
        pool: pool.key(),
        epoch,
        mode,
        top_n,
        cutoff_score,
        selected: selection.selected,
        changed: selection.changed,
        total_weight: selection.total_weight,
    });
    Ok(())
}
