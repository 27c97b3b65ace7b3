use crate::{
    checks::*, constants::*, cpi, error::LiquidStakingError, events::StakeDeposited, math, stake_cpi, state::*,
};
use anchor_lang::prelude::*;
use anchor_spl::token::Token;
use anchor_spl::token_interface::{Mint, TokenAccount};
use solana_stake_interface::state::StakeStateV2;

#[derive(Accounts)]
pub struct DepositStake<'info> {
    /// Staker and withdrawer of the deposited stake account.
    pub depositor: Signer<'info>,
    #[account(mut, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    #[account(mut)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    #[account(mut, address = pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub lst_mint: InterfaceAccount<'info, Mint>,
    #[account(mut, constraint = recipient_lst.mint == pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub recipient_lst: InterfaceAccount<'info, TokenAccount>,
    #[account(mut, seeds = [RESERVE_SEED, pool.key().as_ref()], bump = pool.reserve_bump)]
    pub reserve: SystemAccount<'info>,
    /// CHECK: compared with the entry at `index`.
    pub vote_account: UncheckedAccount<'info>,
    /// CHECK: re-derived from the entry and checked by `read_pool_stake`.
    #[account(mut)]
    pub validator_stake: UncheckedAccount<'info>,
    /// CHECK: the depositor's stake account, checked below (owner, state, authorities, lockup,
    /// delegation, activation).
    #[account(mut)]
    pub deposit_stake: UncheckedAccount<'info>,
    pub clock: Sysvar<'info, Clock>,
    /// CHECK: the StakeHistory sysvar.
    #[account(address = solana_stake_interface::sysvar::stake_history::ID)]
    pub stake_history: UncheckedAccount<'info>,
    /// CHECK: the Stake program.
    #[account(address = solana_stake_interface::program::ID)]
    pub stake_program: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
}

/// Stake in, LST out: takes a fully active stake account delegated to the pool validator at
/// `index`, merges it into the validator's stake account, and mints LST for all its lamports less
/// the deposit fee. Lamports above its delegated stake (rent and any padding) go on to the reserve
/// as a SOL deposit: padding a stake account buys no activated stake.
pub fn deposit_stake(ctx: Context<DepositStake>, index: u32, min_lst_out: u64) -> Result<()> {
    let clock = &ctx.accounts.clock;
    let epoch = clock.epoch;
    let pool = &ctx.accounts.pool;
    pool.require_open(epoch, PAUSED_DEPOSITS)?;
    super::super::require_epoch_rewards_inactive()?;
    let a = &ctx.accounts;
    let pool_key = a.pool.key();
    let vote_key = a.vote_account.key();
    let depositor = a.depositor.key();
    let mut list = a.validator_list.load_mut()?;
    let entry = list.entry_for_mut(index, &vote_key)?;
    require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
    entry.check_validator_stake(&pool_key, &a.validator_stake.key())?;

    // The deposited account: the Stake program's, delegated to this validator, the depositor's
    // keys, no lockup, fully active.
    require_keys_eq!(
        *a.deposit_stake.owner,
        solana_stake_interface::program::ID,
        LiquidStakingError::StakeAccountNotOwnedByStakeProgram
    );
    let deposited_lamports = a.deposit_stake.lamports();
    let (meta, stake) = {
        let data = a.deposit_stake.try_borrow_data()?;
        match StakeStateV2::deserialize(&mut &data[..]).map_err(|_| error!(LiquidStakingError::InvalidStakeAccountData))? {
            StakeStateV2::Stake(meta, stake, _) => (meta, stake),
            _ => return err!(LiquidStakingError::StakeNotDelegated),
        }
    };
    require!(
        meta.authorized.staker == depositor && meta.authorized.withdrawer == depositor,
        LiquidStakingError::WrongStakeAuthority
    );
    require!(!meta.lockup.is_in_force(clock, None), LiquidStakingError::StakeLockedUp);
    require_keys_eq!(stake.delegation.voter_pubkey, vote_key, LiquidStakingError::StakeDelegatedToWrongValidator);
    let main = read_pool_stake(&a.validator_stake, &pool_key, &vote_key, clock)?.ok_or(LiquidStakingError::StakeNotActive)?;
    require!(
        is_fully_active(&stake.delegation, epoch, &a.stake_history)? && is_fully_active(&main.delegation, epoch, &a.stake_history)?,
        LiquidStakingError::StakeNotActive
    );
    let delegated = stake.delegation.stake;
    let undelegated = deposited_lamports - delegated;

    // Active stake earned this epoch's rewards itself: no dilution fee, only the deposit fee.
    let quote = math::quote_deposit(
        deposited_lamports,
        a.pool.total_lamports,
        a.pool.lst_supply,
        a.pool.fees_at(epoch).deposit_bps,
        math::EpochYield::NONE,
    )
    .map_err(LiquidStakingError::from)?;
    require!(quote.lst_out > 0, LiquidStakingError::DepositTooSmall);
    require!(quote.lst_out >= min_lst_out, LiquidStakingError::SlippageExceeded);

    // Hand the account to the pool, merge it, move what is not delegated stake to the reserve.
    stake_cpi::authorize_both(&a.deposit_stake.to_account_info(), &a.depositor.to_account_info(), &pool_key, &a.clock.to_account_info(), None)?;
    let pool_seeds = a.pool.signer_seeds();
    let cpi_stake = stake_cpi::StakeCpi {
        pool: a.pool.to_account_info(),
        pool_seeds: &pool_seeds,
        clock: a.clock.to_account_info(),
        stake_history: a.stake_history.to_account_info(),
    };
    cpi_stake.merge(&a.validator_stake.to_account_info(), &a.deposit_stake.to_account_info())?;
    cpi_stake.withdraw(&a.validator_stake.to_account_info(), &a.reserve.to_account_info(), undelegated)?;
    cpi::mint_lst(&a.pool, a.lst_mint.to_account_info(), a.recipient_lst.to_account_info(), &a.token_program.to_account_info(), quote.lst_out)?;
    entry.active_stake_lamports += delegated;
    drop(list);

    let pool = &mut ctx.accounts.pool;
    pool.total_lamports = math::checked_add(pool.total_lamports, deposited_lamports, "deposit_stake_total").map_err(LiquidStakingError::from)?;
    pool.lst_supply = math::checked_add(pool.lst_supply, quote.lst_out, "deposit_stake_supply").map_err(LiquidStakingError::from)?;
    pool.apply_stake_delta(delegated as i128)?;
    emit!(StakeDeposited {
        pool: pool_key,
        depositor,
        vote_account: vote_key,
        stake_account: ctx.accounts.deposit_stake.key(),
        delegated_lamports: delegated,
        undelegated_lamports: undelegated,
        fee_lamports: quote.fee_lamports,
        lst_out: quote.lst_out,
        total_lamports: pool.total_lamports,
        lst_supply: pool.lst_supply,
    });
    Ok(())
}

use anchor_lang::prelude::borsh::BorshDeserialize;
