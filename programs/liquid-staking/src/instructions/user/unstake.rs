use super::instant_unstake::pay_instant_exit;
use super::order_unstake::{open_ticket, TicketExit};
use crate::error::LiquidStakingError;
use anchor_lang::prelude::*;

/// One-call exit: fills instantly from the buffer as far as the instant fee curve's rate stays at
/// or below `max_fee_bps` (nothing instantly while instant exits are paused), and turns the rest
/// into a ticket at `ticket_nonce` at the delayed-exit fee. Refused if the total paid now plus owed
/// would be below `min_lamports_out`, or the SOL paid now below `min_instant_lamports_out` (so
/// nobody can drain the buffer in front of the exit and turn its instant part into a ticket).
pub fn unstake(
    ctx: Context<TicketExit>,
    lst_amount: u64,
    max_fee_bps: u16,
    min_lamports_out: u64,
    min_instant_lamports_out: u64,
    ticket_nonce: u64,
) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let pool = &ctx.accounts.exit.pool;
    pool.require_fresh(epoch)?;
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let ticket_bump = ctx.accounts.ticket_bump(ticket_nonce)?;

    // The instant part: as much value as keeps the curve's rate under the caller's maximum.
    let reserve_balance = ctx.accounts.exit.reserve.lamports();
    let instant = pool.quote_unstake_instant_part(lst_amount, reserve_balance, epoch, max_fee_bps)?;
    let (instant_lst, instant_out) = instant.as_ref().map_or((0, 0), |(lst, quote)| (*lst, quote.lamports_out));
    require!(instant_out >= min_instant_lamports_out, LiquidStakingError::InstantPartBelowMinimum);
    if let Some((lst, quote)) = &instant {
        pay_instant_exit(&mut ctx.accounts.exit, *lst, quote)?;
    }

    // The rest waits: a ticket at the rate after the instant part.
    let ticket_lst = lst_amount - instant_lst;
    let mut owed = 0;
    if ticket_lst > 0 {
        let quote = ctx.accounts.exit.pool.quote_delayed_exit(ticket_lst, epoch)?;
        owed = quote.lamports_out;
        require!(owed > 0, LiquidStakingError::ExitTooSmall);
        ctx.accounts.exit.burn(ticket_lst)?;
        open_ticket(ctx.accounts, ticket_nonce, ticket_bump, ticket_lst, &quote, epoch)?;
    }
    require!(instant_out + owed >= min_lamports_out, LiquidStakingError::ExitSlippageExceeded);
    Ok(())
}
