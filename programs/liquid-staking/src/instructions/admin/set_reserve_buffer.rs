use crate::instructions::AdminAccess;
use crate::events::ReserveBufferScheduled;
use anchor_lang::prelude::*;

/// Admin: sets the share of SOL under management kept unstaked in the reserve, between
/// MIN_RESERVE_BUFFER_BPS and MAX_RESERVE_BUFFER_BPS. Either way the change moves SOL between
/// stake and reserve (a lower buffer means less instant liquidity, a higher one less yield), so it
/// applies from the first settlement two epoch boundaries later (FEE_INCREASE_DELAY_EPOCHS), as a
/// fee increase does; setting the buffer in force cancels a pending change.
pub fn set_reserve_buffer(ctx: Context<AdminAccess>, reserve_buffer_bps: u16) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let pool = &mut ctx.accounts.pool;
    pool.schedule_reserve_buffer(reserve_buffer_bps, epoch)?;
    emit!(ReserveBufferScheduled {
        pool: pool.key(),
        epoch,
        reserve_buffer_bps: pool.reserve_buffer_bps,
        pending_reserve_buffer_bps: pool.pending_reserve_buffer_bps,
        effective_epoch: pool.pending_reserve_buffer_epoch,
    });
    Ok(())
}
