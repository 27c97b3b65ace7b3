use crate::{
    checks::*, constants::*, cpi, error::LiquidStakingError, events::StakeWithdrawn, math, stake_cpi, state::*,
};
use anchor_lang::prelude::*;
use anchor_lang::system_program;
use anchor_spl::token::Token;
use anchor_spl::token_interface::{Mint, TokenAccount};

#[derive(Accounts)]
pub struct WithdrawStake<'info> {
    /// Burns the LST, pays the new stake account's rent, becomes its staker and withdrawer.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(mut, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    #[account(mut)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    #[account(mut, address = pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub lst_mint: InterfaceAccount<'info, Mint>,
    #[account(mut, constraint = owner_lst.mint == pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub owner_lst: InterfaceAccount<'info, TokenAccount>,
    /// CHECK: compared with the entry at `index`.
    pub vote_account: UncheckedAccount<'info>,
    /// CHECK: re-derived from the entry and checked by `read_pool_stake`.
    #[account(mut)]
    pub validator_stake: UncheckedAccount<'info>,
    /// A fresh keypair: becomes the user's stake account.
    #[account(mut)]
    pub new_stake: Signer<'info>,
    pub clock: Sysvar<'info, Clock>,
    /// CHECK: the StakeHistory sysvar.
    #[account(address = solana_stake_interface::sysvar::stake_history::ID)]
    pub stake_history: UncheckedAccount<'info>,
    /// CHECK: the Stake program.
    #[account(address = solana_stake_interface::program::ID)]
    pub stake_program: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

/// Instant exit as stake: burns LST and splits its value, less the stake-withdrawal fee (which
/// stays with the holders), off the validator's active stake into a new stake account whose staker
/// and withdrawer are the user. The split is at least the minimum delegation and leaves the
/// validator's account at least rent + the minimum delegation.
pub fn withdraw_stake(ctx: Context<WithdrawStake>, index: u32, lst_amount: u64, min_lamports_out: u64) -> Result<()> {
    let clock = &ctx.accounts.clock;
    let epoch = clock.epoch;
    let pool = &ctx.accounts.pool;
    pool.require_open(epoch, PAUSED_INSTANT_EXITS)?;
    super::super::require_epoch_rewards_inactive()?;
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let quote = math::quote_exit(lst_amount, pool.total_lamports, pool.lst_supply, pool.fees_at(epoch).stake_withdrawal_bps)
        .map_err(LiquidStakingError::from)?;
    require!(quote.lamports_out >= min_lamports_out, LiquidStakingError::ExitSlippageExceeded);
    require!(quote.lamports_out >= MIN_STAKE_DELEGATION_LAMPORTS, LiquidStakingError::StakeWithdrawalTooSmall);

    let a = &ctx.accounts;
    let pool_key = a.pool.key();
    let vote_key = a.vote_account.key();
    let mut list = a.validator_list.load_mut()?;
    let entry = list.entry_for_mut(index, &vote_key)?;
    require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
    entry.check_validator_stake(&pool_key, &a.validator_stake.key())?;
    let main = read_pool_stake(&a.validator_stake, &pool_key, &vote_key, clock)?
        .ok_or(LiquidStakingError::StakeNotActive)?;
    require!(is_fully_active(&main.delegation, epoch, &a.stake_history)?, LiquidStakingError::StakeNotActive);
    let rent = Rent::get()?;
    let stake_rent = rent.minimum_balance(STAKE_ACCOUNT_SPACE as usize);
    require!(
        main.lamports.saturating_sub(quote.lamports_out) >= stake_rent + MIN_STAKE_DELEGATION_LAMPORTS,
        LiquidStakingError::StakeWithdrawalTooLarge
    );

    // The user's new stake account: rent from the user, then the split, then the user's keys.
    system_program::create_account(
        CpiContext::new(
            a.system_program.key(),
            system_program::CreateAccount { from: a.owner.to_account_info(), to: a.new_stake.to_account_info() },
        ),
        stake_rent,
        STAKE_ACCOUNT_SPACE,
        &solana_stake_interface::program::ID,
    )?;
    let pool_seeds = a.pool.signer_seeds();
    let stake = stake_cpi::StakeCpi {
        pool: a.pool.to_account_info(),
        pool_seeds: &pool_seeds,
        clock: a.clock.to_account_info(),
        stake_history: a.stake_history.to_account_info(),
    };
    stake.split(&a.validator_stake.to_account_info(), &a.new_stake.to_account_info(), quote.lamports_out)?;
    stake.authorize_both(&a.new_stake.to_account_info(), &a.owner.key())?;
    cpi::burn_lst(
        a.lst_mint.to_account_info(),
        a.owner_lst.to_account_info(),
        a.owner.to_account_info(),
        &a.token_program.to_account_info(),
        lst_amount,
    )?;
    entry.active_stake_lamports -= quote.lamports_out;
    drop(list);

    let pool = &mut ctx.accounts.pool;
    pool.total_lamports = math::checked_sub(pool.total_lamports, quote.lamports_out, "withdraw_total").map_err(LiquidStakingError::from)?;
    pool.lst_supply = math::checked_sub(pool.lst_supply, lst_amount, "withdraw_supply").map_err(LiquidStakingError::from)?;
    pool.apply_stake_delta(-(quote.lamports_out as i128))?;
    emit!(StakeWithdrawn {
        pool: pool_key,
        owner: ctx.accounts.owner.key(),
        vote_account: vote_key,
        stake_account: ctx.accounts.new_stake.key(),
        lst_burned: lst_amount,
        fee_lamports: quote.fee_lamports,
        stake_lamports: quote.lamports_out,
        total_lamports: pool.total_lamports,
        lst_supply: pool.lst_supply,
    });
    Ok(())
}
