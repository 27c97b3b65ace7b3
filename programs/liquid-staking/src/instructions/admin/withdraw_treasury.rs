use crate::{error::LiquidStakingError, events::TreasuryWithdrawn, state::*};
use anchor_lang::prelude::*;
use anchor_spl::token::{self, Token};
use anchor_spl::token_interface::TokenAccount;

#[derive(Accounts)]
pub struct WithdrawTreasury<'info> {
    pub treasury_authority: Signer<'info>,
    #[account(has_one = treasury_authority @ LiquidStakingError::NotTreasuryAuthority)]
    pub pool: Account<'info, Pool>,
    #[account(mut, address = pool.treasury @ LiquidStakingError::WrongTreasury)]
    pub treasury: InterfaceAccount<'info, TokenAccount>,
    /// Receives the LST (any account of the pool's mint).
    #[account(mut, constraint = destination.mint == pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub destination: InterfaceAccount<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
}

/// Treasury authority: moves `lst_amount` of the fees collected in the pool's treasury to any LST
/// account. The treasury itself stays the pool's: nobody can close it or stop the crank with it.
pub fn withdraw_treasury(ctx: Context<WithdrawTreasury>, lst_amount: u64) -> Result<()> {
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let a = &ctx.accounts;
    require!(a.treasury.amount >= lst_amount, LiquidStakingError::TreasuryBalanceTooLow);
    let seeds = a.pool.signer_seeds();
    token::transfer(
        CpiContext::new_with_signer(
            a.token_program.key(),
            token::Transfer {
                from: a.treasury.to_account_info(),
                to: a.destination.to_account_info(),
                authority: a.pool.to_account_info(),
            },
            &[&seeds],
        ),
        lst_amount,
    )?;
    emit!(TreasuryWithdrawn {
        pool: a.pool.key(),
        treasury_authority: a.treasury_authority.key(),
        destination: a.destination.key(),
        lst_amount,
        treasury_lst_left: a.treasury.amount - lst_amount,
    });
    Ok(())
}
