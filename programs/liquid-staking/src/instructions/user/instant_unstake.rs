use crate::{constants::*, cpi, error::LiquidStakingError, events::InstantUnstaked, state::*};
use anchor_lang::prelude::*;
use anchor_spl::token::Token;
use anchor_spl::token_interface::{Mint, TokenAccount};

/// The accounts every exit that pays from the reserve needs (shared with `unstake`).
#[derive(Accounts)]
pub struct LstExit<'info> {
    /// Burns the LST and receives the SOL.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut)]
    pub pool: Account<'info, Pool>,
    #[account(mut, address = pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub lst_mint: InterfaceAccount<'info, Mint>,
    #[account(mut, constraint = owner_lst.mint == pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub owner_lst: InterfaceAccount<'info, TokenAccount>,
    #[account(mut, seeds = [RESERVE_SEED, pool.key().as_ref()], bump = pool.reserve_bump)]
    pub reserve: SystemAccount<'info>,
    #[account(mut, address = pool.treasury @ LiquidStakingError::WrongTreasury)]
    pub treasury: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

#[derive(Accounts)]
pub struct InstantUnstake<'info> {
    pub exit: LstExit<'info>,
}

/// Instant exit from the reserve's buffer (never from SOL owed to tickets): the LST's value at the
/// current rate less a fee that rises linearly from its minimum, when the buffer left is at or
/// above its target, to its maximum, when the buffer would be empty. The fee stays with the
/// holders but for the treasury's share, minted as LST.
pub fn instant_unstake(ctx: Context<InstantUnstake>, lst_amount: u64, min_lamports_out: u64) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let exit = &mut ctx.accounts.exit;
    exit.pool.require_open(epoch, PAUSED_INSTANT_EXITS)?;
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let quote = exit.pool.quote_instant_exit(lst_amount, exit.reserve.lamports(), epoch)?;
    require!(quote.lamports_out > 0, LiquidStakingError::ExitTooSmall);
    require!(quote.lamports_out >= min_lamports_out, LiquidStakingError::ExitSlippageExceeded);
    pay_instant_exit(exit, lst_amount, &quote)
}

/// Burns `lst`, pays the quote from the reserve, mints the treasury's share of the fee, books it.
pub fn pay_instant_exit(a: &mut LstExit, lst: u64, quote: &crate::math::InstantQuote) -> Result<()> {
    let token_program = a.token_program.to_account_info();
    cpi::burn_lst(a.lst_mint.to_account_info(), a.owner_lst.to_account_info(), a.owner.to_account_info(), &token_program, lst)?;
    cpi::pay_from_reserve(&a.pool, a.reserve.to_account_info(), a.owner.to_account_info(), &a.system_program.to_account_info(), quote.lamports_out)?;
    let treasury_lst = a.pool.book_instant_exit(lst, quote)?;
    cpi::mint_lst(&a.pool, a.lst_mint.to_account_info(), a.treasury.to_account_info(), &token_program, treasury_lst)?;
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
