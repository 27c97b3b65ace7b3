use crate::instructions::require_epoch_rewards_inactive;
use crate::{
    cpi,
    error::LiquidStakingError,
    events::{EpochFinalized, RateBreakerTrippedV2},
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
/// drop beyond RATE_BREAKER_DROP_BPS against the last settlement or the high-water mark, or a
/// gross loss beyond it in this epoch's observations, trips its breaker). A second call in the
/// same epoch is refused (PoolAlreadyUpdated) and changes nothing.
pub fn finalize_epoch(ctx: Context<FinalizeEpoch>) -> Result<()> {
    let clock = Clock::get()?;
    let epoch = clock.epoch;
    let pool = &ctx.accounts.pool;
    require!(pool.last_update_epoch != epoch, LiquidStakingError::PoolAlreadyUpdated);
    require_epoch_rewards_inactive()?;
    require!(pool.all_validators_observed(epoch), LiquidStakingError::ValidatorsNotObserved);

    // What this epoch's observations saw stake accounts lose, gross (the rate breaker weighs it).
    let observed_loss = pool.observed_loss_at(epoch);
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
    if let Some(trip) = rate.record(pool.total_lamports, pool.lst_supply, observed_loss, &clock) {
        emit!(RateBreakerTrippedV2 {
            pool: pool.key(),
            epoch,
            newly_tripped: trip.newly_tripped,
            drop_bps: trip.drop_bps,
            drawdown_bps: trip.drawdown_bps,
            loss_bps: trip.loss_bps,
            loss_lamports: observed_loss,
            previous_total_lamports: previous_total,
            previous_lst_supply: previous_supply,
            total_lamports: pool.total_lamports,
            lst_supply: pool.lst_supply,
            high_water_total_lamports: rate.high_water_total_lamports,
            high_water_lst_supply: rate.high_water_lst_supply,
            pre_trip_epoch: rate.pre_trip_epoch,
            pre_trip_total_lamports: rate.pre_trip_total_lamports,
            pre_trip_lst_supply: rate.pre_trip_lst_supply,
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
