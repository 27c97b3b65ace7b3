use crate::instructions::{require_epoch_rewards_inactive, shared::*};
use crate::{checks::*, error::LiquidStakingError, events::ValidatorRemovalStarted, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RemoveValidator<'info> {
    pub access: OperatorAccess<'info>,
    pub validator: PoolValidator<'info>,
    /// CHECK: re-derived from the entry and read by `read_pool_stake`.
    #[account(mut)]
    pub transient_stake: UncheckedAccount<'info>,
}

/// Starts removing a validator: its weight drops to zero and its stake (main and transient)
/// is deactivated now. The crank's observe step returns the SOL to the reserve once inactive and
/// drops the entry when both accounts are empty. Every lamport stays counted until it is back in
/// the reserve.
pub fn remove_validator(ctx: Context<RemoveValidator>, index: u32) -> Result<()> {
    require_epoch_rewards_inactive()?;
    let a = &ctx.accounts;
    let pool = &a.access.pool.pool;
    let pool_key = pool.key();
    let mut list = a.access.pool.validator_list.load_mut()?;
    let entry = a.validator.entry(&mut list, index, &pool_key)?;
    require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
    entry.check_transient_stake(&pool_key, a.transient_stake.key)?;
    let pool_seeds = pool.signer_seeds();
    let cpi = a.validator.stake.signed_by(pool, &pool_seeds);
    for account in [&a.validator.validator_stake, &a.transient_stake] {
        if let Some(stake) = read_pool_stake(account, &pool_key, a.validator.vote_account.key, &a.validator.stake.clock)? {
            match a.validator.stake.status(&stake.delegation)? {
                StakeStatus::Active | StakeStatus::Activating => cpi.deactivate(&account.to_account_info())?,
                StakeStatus::Deactivating | StakeStatus::Inactive => {}
            }
        }
    }
    let old_weight = entry.effective_weight() as u32;
    entry.weight = 0;
    entry.status = VALIDATOR_STATUS_REMOVING;
    let stake_lamports = entry.total_lamports();
    let vote_account = entry.vote_account;
    drop(list);

    let pool = &mut ctx.accounts.access.pool.pool;
    pool.total_weight = pool.total_weight.saturating_sub(old_weight as u64);
    emit!(ValidatorRemovalStarted { pool: pool_key, vote_account, index, stake_lamports });
    Ok(())
}
