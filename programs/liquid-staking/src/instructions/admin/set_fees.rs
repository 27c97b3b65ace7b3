use crate::instructions::AdminAccess;
use crate::{events::FeesScheduled, state::*};
use anchor_lang::prelude::*;

/// Admin: sets every fee, each within its on-chain cap. A lower fee applies at once; a higher one
/// only from two epoch boundaries later (FEE_INCREASE_DELAY_EPOCHS), so nobody can raise a fee
/// in front of a pending transaction, and holders can leave at the old fee first.
pub fn set_fees(ctx: Context<AdminAccess>, fees: Fees) -> Result<()> {
    fees.validate()?;
    let epoch = Clock::get()?.epoch;
    let pool = &mut ctx.accounts.pool;
    let old_fees = pool.fees_at(epoch);
    pool.schedule_fees(fees, epoch);
    emit!(FeesScheduled {
        pool: pool.key(),
        epoch,
        old_fees,
        fees_now: pool.fees,
        pending_fees: pool.pending_fees,
        pending_fees_epoch: pool.pending_fees_epoch,
    });
    Ok(())
}
