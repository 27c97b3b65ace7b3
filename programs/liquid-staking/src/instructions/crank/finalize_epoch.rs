use crate::instructions::require_epoch_rewards_inactive;
use crate::{
    cpi,
    error::LiquidStakingError,
    events::{EpochFinalized, RateBreakerTripped},
    state::*,
};
use anchor_lang::prelude::*;
use anchor_spl::token::Token;
use anchor_spl::token_interface::Mint;

#[derive(Accounts)]
pub struct FinalizeEpoch<'info> {
    // `dup`: the only account serialized on exit; no other field can be it (their types differ),
    // so Anchor's duplicate-account check (a SipHash set: CU spent on every call) is skipped.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
    #[account(mut, address = pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub lst_mint: InterfaceAccount<'info, Mint>,
    #[account(constraint = crate::pda::is_reserve_address(&pool.key(), pool.reserve_bump, reserve.key) @ LiquidStakingError::WrongReserve)]
    pub reserve: SystemAccount<'info>,
    /// CHECK: the pool's treasury (its own PDA token account); the token program checks it on mint_to.
    #[account(mut, address = pool.treasury @ LiquidStakingError::WrongTreasury)]
    pub treasury: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
    /// The pool's rate account: the settlement is written there for lenders. (`dup`: zero-copy,
    /// written in place, and its discriminator differs from every other field's.)
    #[account(mut, dup, constraint = rate.load()?.pool == pool.key() @ LiquidStakingError::WrongRateAccount)]
    pub rate: AccountLoader<'info, ExchangeRate>,
}

/// Crank step 2, permissionless. Once every validator was observed this epoch: SOL under
/// management becomes reserve + observed stake; its increase is the epoch's rewards, of which
/// the reward fee is minted to the treasury as LST. The result goes to the rate account too (a
/// drop beyond RATE_BREAKER_DROP_BPS trips its breaker). A second call in the same epoch does
/// nothing.
pub fn finalize_epoch(ctx: Context<FinalizeEpoch>) -> Result<()> {
    let clock = Clock::get()?;
    let epoch = clock.epoch;
    let pool = &ctx.accounts.pool;
    if pool.last_update_epoch == epoch {
        msg!("pool already finalized in epoch {}", epoch);
        return Ok(());
    }
    require_epoch_rewards_inactive()?;
    require!(pool.all_validators_observed(epoch), LiquidStakingError::ValidatorsNotObserved);

    // Everything the pool holds, less what it owes to tickets.
    let observed_total = pool.observed_total_lamports(ctx.accounts.reserve.lamports())?;
    // LST burned outside the program lowers the real supply; count the real one from here on.
    let supply = ctx.accounts.lst_mint.supply.min(pool.lst_supply);
    // The rewards recognised now were earned over the epochs since the last settlement.
    let schedule = anchor_lang::compat::solana_sysvar::epoch_schedule::EpochSchedule::get()?;
    let rewards_slots = schedule.get_first_slot_in_epoch(epoch).saturating_sub(schedule.get_first_slot_in_epoch(pool.last_update_epoch));

    let pool = &mut ctx.accounts.pool;
    let settlement = pool.settle(observed_total, supply, epoch, rewards_slots)?;
    let a = &ctx.accounts;
    cpi::mint_lst(&a.pool, a.lst_mint.to_account_info(), a.treasury.to_account_info(), &a.token_program.to_account_info(), settlement.fee_lst)?;
    let pool = &ctx.accounts.pool;

    let mut rate = ctx.accounts.rate.load_mut()?;
    let (previous_total, previous_supply) = (rate.total_lamports, rate.lst_supply);
    if let Some(drop_bps) = rate.record(pool.total_lamports, pool.lst_supply, &clock) {
        emit!(RateBreakerTripped {
            pool: pool.key(),
            epoch,
            drop_bps,
            previous_total_lamports: previous_total,
            previous_lst_supply: previous_supply,
            total_lamports: pool.total_lamports,
            lst_supply: pool.lst_supply,
        });
    }
    drop(rate);
    emit!(EpochFinalized {
        pool: pool.key(),
        epoch,
        rewards_lamports: settlement.rewards_lamports,
        loss_lamports: settlement.loss_lamports,
        fee_lamports: settlement.fee_lamports,
        fee_lst: settlement.fee_lst,
        total_lamports: pool.total_lamports,
        lst_supply: pool.lst_supply,
        stake_lamports: pool.stake_lamports,
        previous_total_lamports: pool.previous_total_lamports,
        previous_lst_supply: pool.previous_lst_supply,
    });
    Ok(())
}
