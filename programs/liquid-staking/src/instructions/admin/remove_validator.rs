use super::super::require_epoch_rewards_inactive;
use crate::{
    checks::*, error::LiquidStakingError, events::ValidatorRemovalStarted, stake_cpi, state::*,
};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RemoveValidator<'info> {
    pub operator: Signer<'info>,
    #[account(mut, has_one = operator @ LiquidStakingError::NotOperator, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    #[account(mut)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    /// CHECK: compared with the entry at `index`.
    pub vote_account: UncheckedAccount<'info>,
    /// CHECK: re-derived from the entry and checked by `read_pool_stake`.
    #[account(mut)]
    pub validator_stake: UncheckedAccount<'info>,
    /// CHECK: re-derived from the entry and checked by `read_pool_stake`.
    #[account(mut)]
    pub transient_stake: UncheckedAccount<'info>,
    pub clock: Sysvar<'info, Clock>,
    /// CHECK: the StakeHistory sysvar.
    #[account(address = solana_stake_interface::sysvar::stake_history::ID)]
    pub stake_history: UncheckedAccount<'info>,
    /// CHECK: the Stake program.
    #[account(address = solana_stake_interface::program::ID)]
    pub stake_program: UncheckedAccount<'info>,
}

/// Starts removing a validator: its weight drops to zero and its stake (main and transient)
/// is deactivated now. The crank's observe step returns the SOL to the reserve once inactive and
/// drops the entry when both accounts are empty. Every lamport stays counted until it is back in
/// the reserve.
pub fn remove_validator(ctx: Context<RemoveValidator>, index: u32) -> Result<()> {
    require_epoch_rewards_inactive()?;
    let a = &ctx.accounts;
    let pool_key = a.pool.key();
    let vote_key = a.vote_account.key();
    let clock = &a.clock;
    let mut list = a.validator_list.load_mut()?;
    let entry = list.entry_for_mut(index, &vote_key)?;
    require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
    entry.check_validator_stake(&pool_key, &a.validator_stake.key())?;
    entry.check_transient_stake(&pool_key, &a.transient_stake.key())?;
    let history_data = a.stake_history.try_borrow_data()?;
    let history = StakeHistoryView::new(&history_data)?;
    let pool_seeds = a.pool.signer_seeds();
    let cpi = stake_cpi::StakeCpi {
        pool: a.pool.to_account_info(),
        pool_seeds: &pool_seeds,
        clock: a.clock.to_account_info(),
        stake_history: a.stake_history.to_account_info(),
    };
    for account in [&a.validator_stake, &a.transient_stake] {
        if let Some(stake) = read_pool_stake(account, &pool_key, &vote_key, clock)? {
            match stake_status(&stake.delegation, clock.epoch, &history) {
                StakeStatus::Active | StakeStatus::Activating => cpi.deactivate(&account.to_account_info())?,
                StakeStatus::Deactivating | StakeStatus::Inactive => {}
            }
        }
    }
    let old_weight = entry.weight;
    entry.weight = 0;
    entry.status = VALIDATOR_STATUS_REMOVING;
    let stake_lamports = entry.total_lamports();
    drop(list);
    drop(history_data);

    let pool = &mut ctx.accounts.pool;
    pool.total_weight -= old_weight as u64;
    emit!(ValidatorRemovalStarted { pool: pool_key, vote_account: vote_key, index, stake_lamports });
    Ok(())
}
