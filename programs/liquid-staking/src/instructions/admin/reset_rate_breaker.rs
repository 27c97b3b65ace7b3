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
/// recognised loss). Readers accept the rate again; the rate itself is unchanged.
pub fn reset_rate_breaker(ctx: Context<ResetRateBreaker>) -> Result<()> {
    let mut rate = ctx.accounts.rate.load_mut()?;
    require!(rate.flags & RATE_FLAG_BREAKER != 0, LiquidStakingError::RateBreakerNotTripped);
    rate.flags &= !RATE_FLAG_BREAKER;
    emit!(RateBreakerReset {
        pool: ctx.accounts.pool.key(),
        epoch: rate.epoch,
        total_lamports: rate.total_lamports,
        lst_supply: rate.lst_supply,
    });
    Ok(())
}
