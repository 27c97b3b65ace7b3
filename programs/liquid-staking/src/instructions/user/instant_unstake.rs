use crate::instructions::LstExit;
use crate::{cpi, error::LiquidStakingError, events::InstantUnstaked, math::InstantQuote, state::*};
use anchor_lang::prelude::*;

/// Instant exit from the reserve's buffer (never from SOL owed to tickets): the LST's value at the
/// current rate less a fee priced over the stretch of the fee curve the exit walks, from its
/// minimum while the buffer is at or above its target to its maximum where it would be empty
/// (see `math::instant`). The fee stays with the holders but for the treasury's share, minted as
/// LST.
pub fn instant_unstake(mut ctx: Context<LstExit>, lst_amount: u64, min_lamports_out: u64) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let exit = &mut ctx.accounts;
    exit.pool.require_open(epoch, PAUSED_INSTANT_EXITS)?;
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let quote = exit.pool.quote_instant_exit(lst_amount, exit.reserve.lamports(), epoch)?;
    require!(quote.lamports_out > 0, LiquidStakingError::ExitTooSmall);
    require!(quote.lamports_out >= min_lamports_out, LiquidStakingError::ExitSlippageExceeded);
    pay_instant_exit(exit, lst_amount, &quote)
}

/// Burns `lst`, pays the quote from the reserve, mints the treasury's share of the fee, books it.
pub fn pay_instant_exit(a: &mut LstExit, lst: u64, quote: &InstantQuote) -> Result<()> {
    a.burn(lst)?;
    cpi::pay_from_reserve(&a.pool, a.reserve.to_account_info(), a.owner.to_account_info(), &a.system_program.to_account_info(), quote.lamports_out)?;
    let treasury_lst = a.pool.book_instant_exit(lst, quote)?;
    cpi::mint_lst(&a.pool, a.lst_mint.to_account_info(), a.treasury.to_account_info(), &a.token_program.to_account_info(), treasury_lst)?;
    emit!(InstantUnstaked {
        pool: a.pool.key(),
        owner: a.owner.key(),
        lst_burned: lst,
        value_lamports: quote.value_lamports,
        fee_bps: quote.fee_bps,
        fee_lamports: quote.fee_lamports,
        lamports_out: quote.lamports_out,
        treasury_fee_lamports: quote.treasury_fee_lamports,
        treasury_lst,
        total_lamports: a.pool.total_lamports,
        lst_supply: a.pool.lst_supply,
    });
    Ok(())
}
