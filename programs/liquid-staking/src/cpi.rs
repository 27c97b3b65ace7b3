//! Token and system calls the pool signs, written once.
use crate::{constants::RESERVE_SEED, state::Pool};
use anchor_lang::prelude::*;
use anchor_lang::system_program;
use anchor_spl::token;

/// Mints LST, signed by the pool (the mint authority).
pub fn mint_lst<'info>(
    pool: &Account<'info, Pool>,
    mint: AccountInfo<'info>,
    to: AccountInfo<'info>,
    token_program: &AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    let seeds = pool.signer_seeds();
    token::mint_to(
        CpiContext::new_with_signer(
            token_program.key(),
            token::MintTo { mint, to, authority: pool.to_account_info() },
            &[&seeds],
        ),
        amount,
    )
}

/// Burns LST from `from`, signed by its owner.
pub fn burn_lst<'info>(
    mint: AccountInfo<'info>,
    from: AccountInfo<'info>,
    owner: AccountInfo<'info>,
    token_program: &AccountInfo<'info>,
    amount: u64,
) -> Result<()> {
    token::burn(CpiContext::new(token_program.key(), token::Burn { mint, from, authority: owner }), amount)
}

/// Pays SOL out of the reserve, signed by the reserve PDA.
pub fn pay_from_reserve<'info>(
    pool: &Account<'info, Pool>,
    reserve: AccountInfo<'info>,
    to: AccountInfo<'info>,
    system_program_info: &AccountInfo<'info>,
    lamports: u64,
) -> Result<()> {
    if lamports == 0 {
        return Ok(());
    }
    let pool_key = pool.key();
    let seeds: &[&[u8]] = &[RESERVE_SEED, pool_key.as_ref(), &[pool.reserve_bump]];
    system_program::transfer(
        CpiContext::new_with_signer(system_program_info.key(), system_program::Transfer { from: reserve, to }, &[seeds]),
        lamports,
    )
}

/// Creates an account owned by `owner` at a PDA (`account_seeds`) or at the address of a signer
/// of the transaction (`None`), funded by `payer` (whose signature the payer seeds, if any,
/// provide). Transfer, allocate and assign rather than create_account, so lamports sent to the
/// address beforehand cannot block the creation: they stay in the account, and only the
/// shortfall to `lamports` is paid.
#[allow(clippy::too_many_arguments)]
pub fn create_owned_account<'info>(
    payer: AccountInfo<'info>,
    payer_seeds: Option<&[&[u8]]>,
    account: AccountInfo<'info>,
    account_seeds: Option<&[&[u8]]>,
    lamports: u64,
    space: u64,
    owner: &Pubkey,
    system_program_info: &AccountInfo<'info>,
) -> Result<()> {
    let system = system_program_info.key();
    let shortfall = lamports.saturating_sub(account.lamports());
    if shortfall > 0 {
        let transfer = system_program::Transfer { from: payer, to: account.clone() };
        match payer_seeds {
            Some(seeds) => system_program::transfer(CpiContext::new_with_signer(system, transfer, &[seeds]), shortfall)?,
            None => system_program::transfer(CpiContext::new(system, transfer), shortfall)?,
        }
    }
    let signer: &[&[&[u8]]] = match &account_seeds {
        Some(seeds) => core::slice::from_ref(seeds),
        None => &[],
    };
    system_program::allocate(
        CpiContext::new_with_signer(system, system_program::Allocate { account_to_allocate: account.clone() }, signer),
        space,
    )?;
    system_program::assign(CpiContext::new_with_signer(system, system_program::Assign { account_to_assign: account }, signer), owner)
}
