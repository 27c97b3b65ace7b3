use crate::{cpi, error::LiquidStakingError, events::TicketClaimed, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct ClaimTicket<'info> {
    /// Receives the SOL and the ticket's rent.
    #[account(mut)]
    pub owner: Signer<'info>,
    // `dup`: the only account serialized on exit; no other field can be it (their types differ),
    // so Anchor's duplicate-account check (a SipHash set: CU spent on every call) is skipped.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
    #[account(mut, constraint = crate::pda::is_reserve_address(&pool.key(), pool.reserve_bump, reserve.key) @ LiquidStakingError::WrongReserve)]
    pub reserve: SystemAccount<'info>,
    #[account(
        mut,
        dup,
        close = owner,
        has_one = owner @ LiquidStakingError::NotTicketOwner,
        constraint = ticket.pool == pool.key() @ LiquidStakingError::TicketPoolMismatch,
    )]
    pub ticket: Account<'info, Ticket>,
    pub system_program: Program<'info, System>,
}

/// Pays a ticket from the reserve and closes it (rent back to the owner). Never paused, and needs
/// no fresh rate: the amount was fixed when the ticket was ordered.
pub fn claim_ticket(ctx: Context<ClaimTicket>) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let a = &ctx.accounts;
    let ticket = &a.ticket;
    require!(epoch >= ticket.claimable_epoch, LiquidStakingError::TicketNotClaimableYet);
    require!(
        a.pool.reserve_free_lamports(a.reserve.lamports()) >= ticket.lamports,
        LiquidStakingError::ReserveAwaitingUnstake
    );
    let pool_key = a.pool.key();
    cpi::pay_from_reserve(&a.pool, a.reserve.to_account_info(), a.owner.to_account_info(), &a.system_program.to_account_info(), ticket.lamports)?;
    let lamports = ticket.lamports;
    let pool = &mut ctx.accounts.pool;
    pool.owed_lamports = pool.owed_lamports.checked_sub(lamports).ok_or(LiquidStakingError::MathOverflow)?;
    emit!(TicketClaimed {
        pool: pool_key,
        owner: ctx.accounts.owner.key(),
        ticket: ctx.accounts.ticket.key(),
        ticket_nonce: ctx.accounts.ticket.nonce,
        lamports,
        owed_lamports: pool.owed_lamports,
    });
    Ok(())
}
