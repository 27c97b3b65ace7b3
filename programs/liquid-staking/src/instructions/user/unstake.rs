use super::instant_unstake::*;
use super::order_unstake::open_ticket;
use crate::{constants::*, cpi, error::LiquidStakingError, math, pda, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct Unstake<'info> {
    pub exit: LstExit<'info>,
    /// CHECK: the pool's next ticket (`[TICKET_SEED, pool, next_ticket_id]`), created here only if
    /// part of the exit has to wait.
    #[account(mut)]
    pub ticket: UncheckedAccount<'info>,
}

/// One-call exit: fills instantly from the buffer as far as the instant fee stays at or below
/// `max_fee_bps` (nothing instantly while instant exits are paused), and turns the rest into a
/// ticket at the delayed-exit fee. Refused if the total paid now plus owed would be below
/// `min_lamports_out`.
pub fn unstake(ctx: Context<Unstake>, lst_amount: u64, max_fee_bps: u16, min_lamports_out: u64) -> Result<()> {
    let epoch = Clock::get()?.epoch;
    let pool = &ctx.accounts.exit.pool;
    pool.require_fresh(epoch)?;
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let (ticket_address, ticket_bump) = pda::find_ticket_address(&pool.key(), pool.next_ticket_id);
    require_keys_eq!(ticket_address, ctx.accounts.ticket.key(), LiquidStakingError::TicketAccountMismatch);

    // The instant part: as much value as keeps the fee under the caller's maximum.
    let reserve_balance = ctx.accounts.exit.reserve.lamports();
    let fees = pool.fees_at(epoch);
    let instant_lst = if pool.paused & PAUSED_INSTANT_EXITS != 0 {
        0
    } else {
        let max_value = math::max_instant_value(
            pool.reserve_liquid_lamports(reserve_balance),
            pool.buffer_target_lamports()?,
            fees.instant_unstake_min_bps,
            fees.instant_unstake_max_bps,
            max_fee_bps,
        );
        math::lst_for_deposit(max_value, pool.total_lamports, pool.lst_supply)
            .map_err(LiquidStakingError::from)?
            .min(lst_amount)
    };
    let instant = if instant_lst > 0 {
        let quote = pool.quote_instant_exit(instant_lst, reserve_balance, epoch)?;
        (quote.lamports_out > 0).then_some(quote)
    } else {
        None
    };
    let instant_lst = if instant.is_some() { instant_lst } else { 0 };
    let instant_out = instant.map_or(0, |q| q.lamports_out);
    if let Some(quote) = &instant {
        pay_instant_exit(
            &mut ctx.accounts.exit,
            instant_lst,
            quote,
        )?;
    }

    // The rest waits: a ticket at the rate after the instant part.
    let ticket_lst = lst_amount - instant_lst;
    let mut owed = 0;
    if ticket_lst > 0 {
        let quote = ctx.accounts.exit.pool.quote_delayed_exit(ticket_lst, epoch)?;
        owed = quote.lamports_out;
        require!(owed > 0, LiquidStakingError::ExitTooSmall);
        let a = &ctx.accounts.exit;
        cpi::burn_lst(
            a.lst_mint.to_account_info(),
            a.owner_lst.to_account_info(),
            a.owner.to_account_info(),
            &a.token_program.to_account_info(),
            ticket_lst,
        )?;
        let pool_key = a.pool.key();
        let id_bytes = a.pool.next_ticket_id.to_le_bytes();
        let ticket_seeds: &[&[u8]] = &[TICKET_SEED, pool_key.as_ref(), &id_bytes, &[ticket_bump]];
        cpi::create_pda_account(
            a.owner.to_account_info(),
            None,
            ctx.accounts.ticket.to_account_info(),
            ticket_seeds,
            Rent::get()?.minimum_balance(Ticket::SPACE),
            Ticket::SPACE as u64,
            &crate::ID,
            &a.system_program.to_account_info(),
        )?;
        let owner = ctx.accounts.exit.owner.key();
        let ticket_address = ctx.accounts.ticket.key();
        let ticket = open_ticket(&mut ctx.accounts.exit.pool, owner, ticket_address, ticket_bump, ticket_lst, &quote, epoch)?;
        let mut data = ctx.accounts.ticket.try_borrow_mut_data()?;
        ticket.try_serialize(&mut &mut data[..])?;
    }
    require!(instant_out + owed >= min_lamports_out, LiquidStakingError::ExitSlippageExceeded);
    Ok(())
}
