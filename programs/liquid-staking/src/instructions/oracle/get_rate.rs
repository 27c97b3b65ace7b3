use crate::state::ExchangeRate;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::program::set_return_data;

#[derive(Accounts)]
pub struct GetRate<'info> {
    /// Any pool's rate account (owner and discriminator checked): the caller checks its `pool`.
    pub rate: AccountLoader<'info, ExchangeRate>,
}

/// Anyone, usually by CPI: returns the rate account's first `ExchangeRate::RETURN_LEN` bytes as
/// return data, in the account's own layout (version, flags, pool, totals, epoch, slot, time).
/// Changes nothing; freshness and the breaker are the reader's to check (see the README's
/// "For integrators").
pub fn get_rate(ctx: Context<GetRate>) -> Result<()> {
    let rate = ctx.accounts.rate.load()?;
    set_return_data(rate.return_bytes());
    Ok(())
}
