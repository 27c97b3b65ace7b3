use crate::instructions::shared::*;
use crate::{constants::*, cpi, error::LiquidStakingError, events::UnstakeOrdered, math, pda, state::*};
use anchor_lang::prelude::*;

/// The accounts of an exit that may open a ticket (`order_unstake`, `unstake`).
#[derive(Accounts)]
pub struct TicketExit<'info> {
    pub exit: LstExit<'info>,
    /// CHECK: the ticket `[TICKET_SEED, pool, owner, ticket_nonce]`, checked and created by
    /// `create_ticket` (only if part of the exit waits, for `unstake`).
    #[account(mut)]
    pub ticket: UncheckedAccount<'info>,
}

/// Delayed exit: burns LST and records a ticket for its value at the current rate, less the
/// delayed-exit fee (which stays with the holders). The crank unstakes what tickets need; the owner
/// claims from `claimable_epoch` on. Never paused; refused at a stale rate. The ticket's address
/// comes from the owner and a nonce they choose, so no other exit can take it.
pub fn order_unstake(ctx: Context<TicketExit>, lst_amount: u64, min_lamports_out: u64, ticket_nonce: u64) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let pool = &ctx.accounts.exit.pool;
    pool.require_fresh(epoch)?;
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let quote = pool.quote_delayed_exit(lst_amount, epoch)?;
    require!(quote.lamports_out > 0, LiquidStakingError::ExitTooSmall);
    require!(quote.lamports_out >= min_lamports_out, LiquidStakingError::ExitSlippageExceeded);
    let bump = ctx.accounts.ticket_bump(ticket_nonce)?;
    ctx.accounts.exit.burn(lst_amount)?;
    open_ticket(ctx.accounts, ticket_nonce, bump, lst_amount, &quote, epoch)
}

impl TicketExit<'_> {
    /// Checks that the ticket account is the owner's ticket for `nonce` and still free; returns
    /// its bump.
    pub fn ticket_bump(&self, nonce: u64) -> Result<u8> {
        let (address, bump) = pda::find_ticket_address(&self.exit.pool.key(), self.exit.owner.key, nonce);
        require_keys_eq!(address, self.ticket.key(), LiquidStakingError::TicketAccountMismatch);
        require!(self.ticket.data_is_empty(), LiquidStakingError::TicketAlreadyExists);
        Ok(bump)
    }
}

/// Creates the ticket (checked by `TicketExit::ticket_bump`) for an exit whose `lst` is already
/// burned, rent paid by the owner, and books it: its value less the fee moves from SOL under
/// management to what tickets are owed. Shared by `order_unstake` and the ticket part of `unstake`.
pub fn open_ticket(a: &mut TicketExit, nonce: u64, bump: u8, lst: u64, quote: &math::ExitQuote, epoch: u64) -> Result<()> {
    let pool_key = a.exit.pool.key();
    let owner = a.exit.owner.key();
    let address = a.ticket.key();
    let nonce_bytes = nonce.to_le_bytes();
    let seeds: &[&[u8]] = &[TICKET_SEED, pool_key.as_ref(), owner.as_ref(), &nonce_bytes, &[bump]];
    cpi::create_owned_account(
        a.exit.owner.to_account_info(),
        None,
        a.ticket.to_account_info(),
        Some(seeds),
        Rent::get()?.minimum_balance(Ticket::SPACE),
        Ticket::SPACE as u64,
        &crate::ID,
        &a.exit.system_program.to_account_info(),
    )?;
    let pool = &mut a.exit.pool;
    pool.book_ticket(lst, quote.lamports_out)?;
    let ticket = Ticket {
        owner,
        pool: pool_key,
        lamports: quote.lamports_out,
        lst_burned: lst,
        created_epoch: epoch,
        claimable_epoch: epoch + TICKET_DELAY_EPOCHS,
        nonce,
        bump,
    };
    ticket.try_serialize(&mut &mut a.ticket.try_borrow_mut_data()?[..])?;
    emit!(UnstakeOrdered {
        pool: pool_key,
        owner,
        ticket: address,
        ticket_nonce: nonce,
        lst_burned: lst,
        fee_lamports: quote.fee_lamports,
        lamports_owed: quote.lamports_out,
        claimable_epoch: ticket.claimable_epoch,
        total_lamports: pool.total_lamports,
        lst_supply: pool.lst_supply,
        owed_lamports: pool.owed_lamports,
    });
    Ok(())
}
