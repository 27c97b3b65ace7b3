pub mod admin;
pub mod crank;
pub mod oracle;
pub mod risk;
pub mod shared;
pub mod user;

pub use admin::*;
pub use crank::*;
pub use oracle::*;
pub use risk::*;
pub use shared::*;
pub use user::*;

use crate::error::LiquidStakingError;
use anchor_lang::prelude::*;
use anchor_lang::compat::solana_sysvar::epoch_rewards::EpochRewards;

/// Stake balances move while the runtime pays epoch rewards (partitioned over the first blocks
/// of an epoch): no step that reads or moves stake may run until it is done.
pub fn require_epoch_rewards_inactive() -> Result<()> {
    let rewards = EpochRewards::get()?;
    require!(!rewards.active, LiquidStakingError::EpochRewardsActive);
    Ok(())
}

/// Slots in `epoch` (warm-up epochs are shorter than later ones).
pub fn slots_in_epoch(epoch: u64) -> Result<u64> {
    use anchor_lang::compat::solana_sysvar::epoch_schedule::EpochSchedule;
    Ok(EpochSchedule::get()?.get_slots_in_epoch(epoch))
}

/// The vote program's id (not re-exported by anchor-lang).
pub const VOTE_PROGRAM_ID: Pubkey = pubkey!("Vote111111111111111111111111111111111111111");

/// The stake config account DelegateStake still lists (unused by the Stake program).
#[allow(deprecated)]
pub const STAKE_CONFIG_ID: Pubkey = solana_stake_interface::config::ID;
