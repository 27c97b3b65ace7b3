//! # Rate consumer (test-only)
//!
//! What a lending protocol does to value the LST as collateral, with nothing of the pool's crate:
//! CPI `get_rate` on the liquid-staking program, read the documented return-data layout, and
//! refuse a rate that is of another pool, of an unknown layout version, tripped by the breaker, or
//! stale: older than the previous epoch, or from the previous epoch more than an hour into the
//! new one (the crank normally settles within seconds of the boundary). The README's "For
//! integrators" section walks through the same steps.
#![allow(unexpected_cfgs)]

use anchor_lang::prelude::*;
use anchor_lang::solana_program::{
    instruction::{AccountMeta, Instruction},
    program::{get_return_data, invoke, set_return_data},
};
#[cfg(feature = "upstream-sbf")]
use sbf_support as _;

declare_id!("BMt7Ye2jbXfGdtYdoZdtEypQ25DJGQH24suGNHg5z6hv");

/// The liquid-staking program: the only source of the rate.
pub const LIQUID_STAKING_ID: Pubkey = pubkey!("48YRYB8m6ancFx3R3ZfDwPVxpSvFGM2rJP3zyk6AMBDL");
/// `get_rate`'s instruction data: Anchor's discriminator, sha256("global:get_rate")[..8].
pub const GET_RATE_DATA: [u8; 8] = [177, 72, 238, 202, 231, 17, 128, 243];
/// The layout version this reader understands.
pub const RATE_VERSION: u8 = 1;
/// Flags bit: the pool's breaker (a drop nobody has explained yet).
pub const RATE_FLAG_BREAKER: u8 = 1;
/// How long into a new epoch the previous epoch's rate is still accepted.
pub const MAX_SECONDS_INTO_NEW_EPOCH: i64 = 3600;

/// The rate as returned by `get_rate` (80 bytes, little-endian).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub version: u8,
    pub flags: u8,
    pub pool: Pubkey,
    pub total_lamports: u64,
    pub lst_supply: u64,
    pub epoch: u64,
    pub slot: u64,
    pub unix_timestamp: i64,
}

impl Rate {
    pub const LEN: usize = 80;

    /// Reads the documented layout; refuses an unknown version before reading anything else.
    pub fn parse(data: &[u8]) -> Result<Rate> {
        require!(data.len() >= Self::LEN, ConsumerError::RateUnavailable);
        require!(data[0] == RATE_VERSION, ConsumerError::UnsupportedRateVersion);
        let u64_at = |at: usize| u64::from_le_bytes(data[at..at + 8].try_into().expect("8 bytes"));
        Ok(Rate {
            version: data[0],
            flags: data[1],
            pool: Pubkey::try_from(&data[8..40]).expect("32 bytes"),
            total_lamports: u64_at(40),
            lst_supply: u64_at(48),
            epoch: u64_at(56),
            slot: u64_at(64),
            unix_timestamp: u64_at(72) as i64,
        })
    }

    /// Fresh: settled this epoch, or in the previous one at most an hour ago into this one.
    pub fn is_fresh(&self, clock: &Clock) -> bool {
        self.epoch == clock.epoch
            || (self.epoch + 1 == clock.epoch
                && clock.unix_timestamp.saturating_sub(clock.epoch_start_timestamp) <= MAX_SECONDS_INTO_NEW_EPOCH)
    }

    /// Lamports `lst` is worth, rounded down (collateral is never overvalued).
    pub fn value_of(&self, lst: u64) -> Option<u64> {
        if self.lst_supply == 0 {
            return None;
        }
        u64::try_from(lst as u128 * self.total_lamports as u128 / self.lst_supply as u128).ok()
    }
}

#[program]
pub mod rate_consumer {
    use super::*;

    /// Values `lst_amount` of the pool's LST in lamports (return data: u64 little-endian), or
    /// refuses the rate.
    pub fn value_collateral(ctx: Context<ValueCollateral>, pool: Pubkey, lst_amount: u64) -> Result<()> {
        let rate_account = ctx.accounts.rate.to_account_info();
        let get_rate = Instruction {
            program_id: LIQUID_STAKING_ID,
            accounts: vec![AccountMeta::new_readonly(rate_account.key(), false)],
            data: GET_RATE_DATA.to_vec(),
        };
        invoke(&get_rate, &[rate_account, ctx.accounts.liquid_staking_program.to_account_info()])?;
        let (from, data) = get_return_data().ok_or(ConsumerError::RateUnavailable)?;
        require_keys_eq!(from, LIQUID_STAKING_ID, ConsumerError::RateUnavailable);
        let rate = Rate::parse(&data)?;
        require_keys_eq!(rate.pool, pool, ConsumerError::WrongPool);
        require!(rate.flags & RATE_FLAG_BREAKER == 0, ConsumerError::RateBreakerTripped);
        require!(rate.is_fresh(&Clock::get()?), ConsumerError::StaleRate);
        let value = rate.value_of(lst_amount).ok_or(ConsumerError::RateUnavailable)?;
        msg!("{} LST units = {} lamports (rate of epoch {})", lst_amount, value, rate.epoch);
        set_return_data(&value.to_le_bytes());
        Ok(())
    }
}

#[derive(Accounts)]
pub struct ValueCollateral<'info> {
    /// CHECK: the pool's rate account; the liquid-staking program checks its owner and type.
    pub rate: UncheckedAccount<'info>,
    /// CHECK: the program called for the rate.
    #[account(address = LIQUID_STAKING_ID)]
    pub liquid_staking_program: UncheckedAccount<'info>,
}

#[error_code]
pub enum ConsumerError {
    #[msg("The liquid-staking program returned no rate")]
    RateUnavailable,
    #[msg("Rate layout version not supported by this reader")]
    UnsupportedRateVersion,
    #[msg("The rate is of another pool")]
    WrongPool,
    #[msg("The pool's rate breaker is tripped: a drop not yet explained")]
    RateBreakerTripped,
    #[msg("The rate is stale: older than the previous epoch, or more than an hour into a new one")]
    StaleRate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_rate_data_is_anchors_discriminator() {
        // Anchor's rule: the first 8 bytes of sha256("global:<instruction name>").
        let hash = solana_sha256_hasher::hash(b"global:get_rate");
        assert_eq!(&hash.to_bytes()[..8], &GET_RATE_DATA);
    }

    #[test]
    fn freshness_rules() {
        let rate = Rate { version: 1, flags: 0, pool: Pubkey::default(), total_lamports: 2, lst_supply: 1, epoch: 10, slot: 0, unix_timestamp: 0 };
        let clock = |epoch, into: i64| Clock { epoch, epoch_start_timestamp: 1_000, unix_timestamp: 1_000 + into, ..Clock::default() };
        assert!(rate.is_fresh(&clock(10, 90_000)), "same epoch");
        assert!(rate.is_fresh(&clock(11, 3_600)), "an hour into the next");
        assert!(!rate.is_fresh(&clock(11, 3_601)));
        assert!(!rate.is_fresh(&clock(12, 0)), "two epochs old");
        assert_eq!(rate.value_of(3), Some(6));
    }
}
