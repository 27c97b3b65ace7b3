use crate::{constants::*, cpi, error::LiquidStakingError, events::UnstakeOrdered, math, state::*};
use anchor_lang::prelude::*;
use anchor_spl::token::Token;
use anchor_spl::token_interface::{Mint, TokenAccount};

#[derive(Accounts)]
pub struct OrderUnstake<'info> {
    /// Burns the LST, pays the ticket's rent, owns the ticket.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut)]
    pub pool: Account<'info, Pool>,
    #[account(mut, address = pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub lst_mint: InterfaceAccount<'info, Mint>,
    /// The LST to burn; the token program checks that `owner` may burn from it.
    #[account(mut, constraint = owner_lst.mint == pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub owner_lst: InterfaceAccount<'info, TokenAccount>,
    #[account(
        init,
        payer = owner,
        space = Ticket::SPACE,
        seeds = [TICKET_SEED, pool.key().as_ref(), &pool.next_ticket_id.to_le_bytes()],
        bump
    )]
    pub ticket: Account<'info, Ticket>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

/// Delayed exit: burns LST and records a ticket for its value at the current rate, less the
/// delayed-exit fee (which stays with the holders). The crank unstakes what tickets need; the owner
/// claims from `claimable_epoch` on. Never paused; refused at a stale rate.
pub fn order_unstake(ctx: Context<OrderUnstake>, lst_amount: u64, min_lamports_out: u64) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let pool = &ctx.accounts.pool;
    pool.require_fresh(epoch)?;
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let quote = pool.quote_delayed_exit(lst_amount, epoch)?;
    require!(quote.lamports_out > 0, LiquidStakingError::ExitTooSmall);
    require!(quote.lamports_out >= min_lamports_out, LiquidStakingError::ExitSlippageExceeded);

    let a = &ctx.accounts;
    cpi::burn_lst(
        a.lst_mint.to_account_info(),
        a.owner_lst.to_account_info(),
        a.owner.to_account_info(),
        &a.token_program.to_account_info(),
        lst_amount,
    )?;

    let owner = ctx.accounts.owner.key();
    let ticket_address = ctx.accounts.ticket.key();
    let ticket = open_ticket(&mut ctx.accounts.pool, owner, ticket_address, ctx.bumps.ticket, lst_amount, &quote, epoch)?;
    ctx.accounts.ticket.set_inner(ticket);
    Ok(())
}

/// Books a delayed exit whose `lst` is already burned (its value less the fee moves from SOL under
/// management to what tickets are owed), emits its event, and returns the ticket to store at
/// `ticket_address`. Shared by `order_unstake` and the ticket part of `unstake`.
pub fn open_ticket(
    pool: &mut Account<Pool>,
    owner: Pubkey,
    ticket_address: Pubkey,
    bump: u8,
    lst: u64,
    quote: &math::ExitQuote,
    epoch: u64,
) -> Result<Ticket> {
    let id = pool.book_ticket(lst, quote.lamports_out)?;
    let ticket = Ticket {
        owner,
        pool: pool.key(),
        lamports: quote.lamports_out,
        lst_burned: lst,
        created_epoch: epoch,
        claimable_epoch: epoch + TICKET_DELAY_EPOCHS,
        id,
        bump,
    };
    emit!(UnstakeOrdered {
        pool: ticket.pool,
        owner,
        ticket: ticket_address,
        ticket_id: id,
        lst_burned: lst,
        fee_lamports: quote.fee_lamports,
        lamports_owed: quote.lamports_out,
        claimable_epoch: ticket.claimable_epoch,
        total_lamports: pool.total_lamports,
        lst_supply: pool.lst_supply,
        owed_lamports: pool.owed_lamports,
    });
    Ok(ticket)
}
