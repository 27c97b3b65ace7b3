use crate::{error::LiquidStakingError, events::RateBreakerReset, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct ResetRateBreaker<'info> {
    pub admin: Signer<'info>,
    #[account(has_one = admin @ LiquidStakingError::NotAdmin)]
    pub pool: Account<'info, Pool>,
    #[account(mut, constraint = rate.load()?.pool == pool.key() @ LiquidStakingError::WrongRateAccount)]
    pub rate: AccountLoader<'info, ExchangeRate>,
}

/// Admin: clears the rate account's breaker once the drop that tripped it is understood (a
/// recognised loss), naming the settlement it acknowledges (`epoch`, `total_lamports`,
/// `lst_supply`: the rate account's current one, else RateAcknowledgementMismatch). Readers
/// accept the rate again; the rate itself is unchanged and becomes the high-water mark.
pub fn reset_rate_breaker(ctx: Context<ResetRateBreaker>, epoch: u64, total_lamports: u64, lst_supply: u64) -> Result<()> {
    let mut rate = ctx.accounts.rate.load_mut()?;
    rate.reset(epoch, total_lamports, lst_supply)?;
    emit!(RateBreakerReset { pool: ctx.accounts.pool.key(), epoch, total_lamports, lst_supply });
    Ok(())
}
