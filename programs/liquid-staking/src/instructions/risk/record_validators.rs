use super::book_reading;
use crate::{checks::read_vote_account, error::LiquidStakingError, events::ValidatorsRecorded, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RecordValidators<'info> {
    // `dup`: the only account serialized on exit; no other field can be it.
    #[account(mut, dup, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    #[account(mut, constraint = validator_list.to_account_info().data_len() >= ValidatorList::SPACE @ LiquidStakingError::ValidatorListNeedsMigration)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    pub clock: Sysvar<'info, Clock>,
    // Remaining accounts: the vote accounts of the validators from `first_index` on, in list order.
}

/// Permissionless, at any slot: reads the vote accounts of validators `first_index..` (one
/// remaining account each) into their records (the epoch's highest commission, the credits of
/// the last completed epochs, the score) and judges each by the pool's rules
/// (`state::scoring`). A validator that breaks a rule becomes ineligible (its weight counts for
/// nothing; anyone may then `deactivate_ineligible` it); one that passes again after its
/// cooling-off becomes eligible. A batch that changes nothing (every validator read this epoch,
/// no new commission, no new verdict) is refused (NothingToRecord), so a crank pays for nothing.
pub fn record_validators<'info>(ctx: Context<'info, RecordValidators<'info>>, first_index: u32) -> Result<()> {
    let votes = ctx.remaining_accounts;
    require!(!votes.is_empty(), LiquidStakingError::ObserveAccountsMismatch);
    let epoch = ctx.accounts.clock.epoch;
    let mut list = ctx.accounts.validator_list.load_mut()?;
    let pool = &mut ctx.accounts.pool;
    let mut changed = 0u32;
    for (i, vote) in votes.iter().enumerate() {
        let index = first_index.checked_add(i as u32).ok_or(LiquidStakingError::ValidatorIndexOutOfRange)?;
        require_keys_eq!(list.entry(index)?.vote_account, *vote.key, LiquidStakingError::VoteAccountMismatch);
        let reading = read_vote_account(vote, epoch)?;
        let outcome = list.take_reading(index, vote.key, &reading, epoch)?;
        book_reading(pool, &list, index, epoch, &outcome)?;
        changed += outcome.changed as u32;
    }
    require!(changed > 0, LiquidStakingError::NothingToRecord);
    emit!(ValidatorsRecorded {
        pool: pool.key(),
        epoch,
        first_index,
        count: votes.len() as u32,
        changed,
        ineligible_count: list.scoring.ineligible_count,
        reference_best_credits: list.scoring.reference_best_credits,
    });
    Ok(())
}
