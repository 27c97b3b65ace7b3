use crate::{error::LiquidStakingError, events::PauseSet, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SetPause<'info> {
    /// The pause guardian (may only pause more) or the admin (may also unpause).
    pub signer: Signer<'info>,
    // `dup`: the only account serialized on exit; no other field can be it (their types differ),
    // so Anchor's duplicate-account check (a SipHash set: CU spent on every call) is skipped.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
}

/// Sets which flows are paused (PAUSED_DEPOSITS, PAUSED_INSTANT_EXITS, PAUSED_REBALANCING).
/// Claims and delayed exits have no flag: nobody can stop holders from leaving.
pub fn set_pause(ctx: Context<SetPause>, paused: u8) -> Result<()> {
    let pool = &mut ctx.accounts.pool;
    let signer = ctx.accounts.signer.key();
    let is_admin = signer == pool.admin;
    require!(is_admin || signer == pool.pause_guardian, LiquidStakingError::NotPauseGuardian);
    let paused = paused & PAUSED_ALL;
    // The guardian can add flags, never clear one.
    require!(is_admin || paused & pool.paused == pool.paused, LiquidStakingError::OnlyAdminCanUnpause);
    let old_paused = pool.paused;
    pool.paused = paused;
    emit!(PauseSet { pool: pool.key(), signer, old_paused, new_paused: paused });
    Ok(())
}
