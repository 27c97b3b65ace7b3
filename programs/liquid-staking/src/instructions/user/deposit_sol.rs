use crate::instructions::{shared::*, slots_in_epoch};
use crate::{cpi, error::LiquidStakingError, events::SolDeposited, state::*};
use anchor_lang::prelude::*;
use anchor_lang::system_program;

#[derive(Accounts)]
pub struct DepositSol<'info> {
    pub deposit: LstDeposit<'info>,
    #[account(mut, constraint = crate::pda::is_reserve_address(&deposit.pool.key(), deposit.pool.reserve_bump, reserve.key) @ LiquidStakingError::WrongReserve)]
    pub reserve: SystemAccount<'info>,
    pub system_program: Program<'info, System>,
}

/// SOL in, LST out at the current rate less the deposit fee (which stays with the holders),
/// rounded down. The fee is at least the dilution fee: the holders' last yield per slot over this
/// epoch's slots, on the deposit (SOL deposited now earns nothing this epoch but shares its
/// rewards). Refused unless the rate was computed this epoch and deposits are not paused, and if
/// fewer than `min_lst_out` LST would be minted.
pub fn deposit_sol(ctx: Context<DepositSol>, lamports: u64, min_lst_out: u64) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let pool = &ctx.accounts.deposit.pool;
    pool.require_open(epoch, PAUSED_DEPOSITS)?;
    require!(lamports > 0, LiquidStakingError::ZeroAmount);
    let quote = pool.quote_deposit_sol(lamports, epoch, slots_in_epoch(epoch)?)?;
    let lst_out = quote.lst_out;
    require!(lst_out > 0, LiquidStakingError::DepositTooSmall);
    require!(lst_out >= min_lst_out, LiquidStakingError::SlippageExceeded);
    // Booked first: an amount the pool's totals cannot hold is refused (MathOverflow) before any
    // SOL moves; the account is written back only if every CPI below succeeds.
    ctx.accounts.deposit.pool.book_deposit(lamports, lst_out)?;

    let (a, d) = (&ctx.accounts, &ctx.accounts.deposit);
    system_program::transfer(
        CpiContext::new(
            a.system_program.key(),
            system_program::Transfer { from: d.depositor.to_account_info(), to: a.reserve.to_account_info() },
        ),
        lamports,
    )?;
    cpi::mint_lst(&d.pool, d.lst_mint.to_account_info(), d.recipient_lst.to_account_info(), &d.token_program.to_account_info(), lst_out)?;

    let pool = &ctx.accounts.deposit.pool;
    emit!(SolDeposited {
        pool: pool.key(),
        depositor: ctx.accounts.deposit.depositor.key(),
        recipient_lst: ctx.accounts.deposit.recipient_lst.key(),
        lamports,
        fee_lamports: quote.fee_lamports,
        lst_out,
        total_lamports: pool.total_lamports,
        lst_supply: pool.lst_supply,
    });
    Ok(())
}
