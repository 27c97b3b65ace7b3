//! Every check on a stake account the pool relies on, in one place.
use crate::error::LiquidStakingError;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::system_program;
use solana_stake_interface::{
    stake_history::StakeHistoryGetEntry,
    state::{Delegation, Meta, StakeStateV2},
};

/// The epoch from which the 9% warmup/cooldown rate applies: the Stake program treats it as
/// always in force, and so must we to classify stake exactly as it does.
const NEW_WARMUP_COOLDOWN_RATE_EPOCH: Option<u64> = Some(0);

/// Where a delegation stands, as the Stake program's merge rules classify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StakeStatus {
    /// No effective stake and nothing warming up or cooling down: withdrawable.
    Inactive,
    /// Warming up (possibly partly effective).
    Activating,
    /// All of it effective.
    Active,
    /// Cooling down.
    Deactivating,
}

pub fn stake_status(delegation: &Delegation, epoch: u64, history: &impl StakeHistoryGetEntry) -> StakeStatus {
    let s = delegation.stake_activating_and_deactivating(epoch, history, NEW_WARMUP_COOLDOWN_RATE_EPOCH);
    match (s.effective, s.activating, s.deactivating) {
        (0, 0, 0) => StakeStatus::Inactive,
        (_, a, _) if a > 0 => StakeStatus::Activating,
        (_, 0, 0) => StakeStatus::Active,
        _ => StakeStatus::Deactivating,
    }
}

/// Whether `delegation` is fully active in `epoch`, read against the StakeHistory sysvar account.
pub fn is_fully_active(delegation: &Delegation, epoch: u64, stake_history: &AccountInfo) -> Result<bool> {
    let data = stake_history.try_borrow_data()?;
    let history = super::StakeHistoryView::new(&data)?;
    Ok(stake_status(delegation, epoch, &history) == StakeStatus::Active)
}

/// A pool stake account as read from the chain.
pub struct PoolStake {
    pub lamports: u64,
    pub meta: Meta,
    pub delegation: Delegation,
}

/// Reads a stake account the pool owns for `vote_account`, or `None` if there is no stake account
/// at that address (never created, closed, or only holding lamports someone sent there).
///
/// Checks: owned by the Stake program; delegated; staker and withdrawer are the pool; no lockup in
/// force; delegated to `vote_account`. The caller checks the address.
pub fn read_pool_stake(
    info: &AccountInfo,
    pool: &Pubkey,
    vote_account: &Pubkey,
    clock: &Clock,
) -> Result<Option<PoolStake>> {
    if info.owner == &system_program::ID && info.data_is_empty() {
        return Ok(None);
    }
    require_keys_eq!(
        *info.owner,
        solana_stake_interface::program::ID,
        LiquidStakingError::StakeAccountNotOwnedByStakeProgram
    );
    let data = info.try_borrow_data()?;
    let state = StakeStateV2::deserialize(&mut &data[..])
        .map_err(|_| error!(LiquidStakingError::InvalidStakeAccountData))?;
    let (meta, stake) = match state {
        StakeStateV2::Stake(meta, stake, _) => (meta, stake),
        StakeStateV2::Initialized(_) => return err!(LiquidStakingError::StakeNotDelegated),
        _ => return err!(LiquidStakingError::InvalidStakeAccountData),
    };
    require!(
        meta.authorized.staker == *pool && meta.authorized.withdrawer == *pool,
        LiquidStakingError::WrongStakeAuthority
    );
    require!(!meta.lockup.is_in_force(clock, None), LiquidStakingError::StakeLockedUp);
    require_keys_eq!(
        stake.delegation.voter_pubkey,
        *vote_account,
        LiquidStakingError::StakeDelegatedToWrongValidator
    );
    Ok(Some(PoolStake { lamports: info.lamports(), meta, delegation: stake.delegation }))
}

use anchor_lang::prelude::borsh::BorshDeserialize;
