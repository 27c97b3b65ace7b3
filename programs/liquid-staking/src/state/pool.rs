use crate::{constants::*, error::LiquidStakingError, math};
use anchor_lang::prelude::*;

/// The pool: authorities, the LST mint, fees, and the totals the exchange rate is computed on.
///
/// The rate is `total_lamports / lst_supply`. Both move only in this program's instructions:
/// deposits add to both at the current rate; `finalize_epoch` folds rewards into `total_lamports`
/// and mints the reward fee. SOL sent to the reserve or to a stake account from outside, and LST
/// burned outside the program, reach the rate only at the next `finalize_epoch`.
#[account]
#[derive(InitSpace, Debug)]
pub struct Pool {
    /// Layout version (POOL_VERSION).
    pub version: u8,
    pub bump: u8,
    pub reserve_bump: u8,
    /// Changes fees and authorities.
    pub admin: Pubkey,
    /// Adds and removes validators, sets their weights.
    pub operator: Pubkey,
    pub lst_mint: Pubkey,
    /// LST token account receiving the reward fee.
    pub treasury: Pubkey,
    pub validator_list: Pubkey,
    /// Share of rewards taken as fee, in basis points (<= MAX_REWARD_FEE_BPS).
    pub reward_fee_bps: u16,
    /// Share of SOL under management kept unstaked in the reserve, in basis points.
    pub reserve_buffer_bps: u16,
    /// SOL under management: what the rate is computed on.
    pub total_lamports: u64,
    /// LST in circulation as this program counts it.
    pub lst_supply: u64,
    /// Epoch of the last `finalize_epoch`; deposits are refused in any other epoch.
    pub last_update_epoch: u64,
    /// Lamports in all validator and transient stake accounts, as last observed or moved by us.
    pub stake_lamports: u64,
    /// Lamports the reserve held at creation to be rent-exempt; not pool money.
    pub reserve_rent_lamports: u64,
    pub validator_count: u32,
    /// Validators observed in `observe_epoch`; finalize needs all of them.
    pub observed_count: u32,
    pub observe_epoch: u64,
    /// Sum of all validators' weights.
    pub total_weight: u64,
    /// The settlement before the last one: with the current totals, the rate's latest move.
    pub previous_total_lamports: u64,
    pub previous_lst_supply: u64,
    pub previous_update_epoch: u64,
    /// What the last settlement recognised.
    pub last_rewards_lamports: u64,
    pub last_fee_lamports: u64,
    /// Epoch and totals at creation, for APY since inception.
    pub created_epoch: u64,
    pub initial_total_lamports: u64,
    pub initial_lst_supply: u64,
    /// Room for later fields without a migration.
    pub _reserved: [u8; 256],
}

impl Pool {
    pub const SPACE: usize = 8 + Pool::INIT_SPACE;

    /// Seeds the pool signs with (mint authority, stake staker and withdrawer).
    pub fn signer_seeds(&self) -> [&[u8]; 3] {
        [POOL_SEED, self.lst_mint.as_ref(), core::slice::from_ref(&self.bump)]
    }

    /// The one freshness guard: the rate was computed this epoch.
    pub fn require_fresh(&self, epoch: u64) -> Result<()> {
        require_eq!(self.last_update_epoch, epoch, LiquidStakingError::PoolStale);
        Ok(())
    }

    /// Counts one more validator as observed in `epoch` (resetting the count on a new epoch).
    pub fn record_observation(&mut self, epoch: u64) {
        if self.observe_epoch != epoch {
            self.observe_epoch = epoch;
            self.observed_count = 0;
        }
        self.observed_count += 1;
    }

    pub fn all_validators_observed(&self, epoch: u64) -> bool {
        self.validator_count == 0
            || (self.observe_epoch == epoch && self.observed_count == self.validator_count)
    }

    /// Pool SOL in the reserve: its balance less the rent-exempt minimum it was created with.
    pub fn reserve_free_lamports(&self, reserve_balance: u64) -> u64 {
        reserve_balance.saturating_sub(self.reserve_rent_lamports)
    }

    /// Reserve SOL above the liquidity buffer: what rebalancing may stake.
    pub fn reserve_stakeable_lamports(&self, reserve_balance: u64) -> Result<u64> {
        let buffer = math::buffer_target_lamports(self.total_lamports, self.reserve_buffer_bps)
            .map_err(LiquidStakingError::from)?;
        Ok(self.reserve_free_lamports(reserve_balance).saturating_sub(buffer))
    }

    /// Adds (or, with a negative delta, removes) observed stake lamports.
    pub fn apply_stake_delta(&mut self, delta: i128) -> Result<()> {
        let next = (self.stake_lamports as i128)
            .checked_add(delta)
            .filter(|v| *v >= 0 && *v <= u64::MAX as i128)
            .ok_or(LiquidStakingError::MathOverflow)?;
        self.stake_lamports = next as u64;
        Ok(())
    }
}
