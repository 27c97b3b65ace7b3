use crate::instructions::{slots_in_epoch, LstDeposit};
use crate::{cpi, error::LiquidStakingError, events::SolDeposited, math, state::*};
use anchor_lang::prelude::*;
use anchor_lang::system_program;

/// SOL in, LST out at the current rate less the deposit fee (which stays with the holders),
/// rounded down. The fee is at least the dilution fee: the holders' last yield per slot over this
/// epoch's slots, on the deposit (SOL deposited now earns nothing this epoch but shares its
/// rewards). Refused unless the rate was computed this epoch and deposits are not paused, and if
/// fewer than `min_lst_out` LST would be minted.
pub fn deposit_sol(ctx: Context<LstDeposit>, lamports: u64, min_lst_out: u64) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let pool = &ctx.accounts.pool;
    pool.require_open(epoch, PAUSED_DEPOSITS)?;
    require!(lamports > 0, LiquidStakingError::ZeroAmount);
    let quote = pool.quote_deposit_sol(lamports, epoch, slots_in_epoch(epoch)?)?;
    let lst_out = quote.lst_out;
    let new_total = math::checked_add(pool.total_lamports, lamports, "deposit_total").map_err(LiquidStakingError::from)?;
    let new_supply = math::checked_add(pool.lst_supply, lst_out, "deposit_supply").map_err(LiquidStakingError::from)?;
    require!(lst_out > 0, LiquidStakingError::DepositTooSmall);
    require!(lst_out >= min_lst_out, LiquidStakingError::SlippageExceeded);

    let a = &ctx.accounts;
    system_program::transfer(
        CpiContext::new(
            a.system_program.key(),
            system_program::Transfer { from: a.depositor.to_account_info(), to: a.reserve.to_account_info() },
        ),
        lamports,
    )?;
    cpi::mint_lst(&a.pool, a.lst_mint.to_account_info(), a.recipient_lst.to_account_info(), &a.token_program.to_account_info(), lst_out)?;

    let pool = &mut ctx.accounts.pool;
    pool.total_lamports = new_total;
    pool.lst_supply = new_supply;
    emit!(SolDeposited {
        pool: pool.key(),
        depositor: ctx.accounts.depositor.key(),
        recipient_lst: ctx.accounts.recipient_lst.key(),
        lamports,
        fee_lamports: quote.fee_lamports,
        lst_out,
        total_lamports: new_total,
        lst_supply: new_supply,
    });
    Ok(())
}
