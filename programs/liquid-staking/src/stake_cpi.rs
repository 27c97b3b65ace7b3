//! Calls into the Stake program, signed by the pool. anchor-spl wraps only withdraw and
//! deactivate; initialize, delegate and merge are built with solana-stake-interface.
use crate::constants::STAKE_ACCOUNT_SPACE;
use anchor_lang::prelude::*;
use anchor_lang::solana_program::program::invoke_signed;
use anchor_lang::system_program;
use solana_stake_interface::{
    instruction as stake_ix,
    state::{Authorized, Lockup, StakeAuthorize},
};

/// The accounts every pool-signed stake operation needs.
pub struct StakeCpi<'a, 'info> {
    pub pool: AccountInfo<'info>,
    pub pool_seeds: &'a [&'a [u8]],
    pub clock: AccountInfo<'info>,
    pub stake_history: AccountInfo<'info>,
}

impl<'info> StakeCpi<'_, 'info> {
    pub fn delegate(
        &self,
        stake: &AccountInfo<'info>,
        vote_account: &AccountInfo<'info>,
        stake_config: &AccountInfo<'info>,
    ) -> Result<()> {
        invoke_signed(
            &stake_ix::delegate_stake(stake.key, self.pool.key, vote_account.key),
            &[
                stake.clone(),
                vote_account.clone(),
                self.clock.clone(),
                self.stake_history.clone(),
                stake_config.clone(),
                self.pool.clone(),
            ],
            &[self.pool_seeds],
        )
        .map_err(Into::into)
    }

    /// Merges `source` into `destination`; `source` is emptied and closed.
    pub fn merge(&self, destination: &AccountInfo<'info>, source: &AccountInfo<'info>) -> Result<()> {
        let ix = stake_ix::merge(destination.key, source.key, self.pool.key)
            .pop()
            .expect("merge builds one instruction");
        invoke_signed(
            &ix,
            &[
                destination.clone(),
                source.clone(),
                self.clock.clone(),
                self.stake_history.clone(),
                self.pool.clone(),
            ],
            &[self.pool_seeds],
        )
        .map_err(Into::into)
    }

    /// Splits `lamports` of `source` into `destination` (allocated, rent-exempt, uninitialised).
    pub fn split(&self, source: &AccountInfo<'info>, destination: &AccountInfo<'info>, lamports: u64) -> Result<()> {
        let ix = stake_ix::split(source.key, self.pool.key, lamports, destination.key)
            .pop()
            .expect("split ends with the split instruction");
        invoke_signed(&ix, &[source.clone(), destination.clone(), self.pool.clone()], &[self.pool_seeds])
            .map_err(Into::into)
    }

    /// Hands the stake account's withdrawer role from the pool to `new_withdrawer` (who, as
    /// withdrawer, can then name the staker).
    pub fn authorize_withdrawer(&self, stake: &AccountInfo<'info>, new_withdrawer: &Pubkey) -> Result<()> {
        invoke_signed(
            &stake_ix::authorize(stake.key, self.pool.key, new_withdrawer, StakeAuthorize::Withdrawer, None),
            &[stake.clone(), self.clock.clone(), self.pool.clone()],
            &[self.pool_seeds],
        )
        .map_err(Into::into)
    }

    pub fn deactivate(&self, stake: &AccountInfo<'info>) -> Result<()> {
        invoke_signed(
            &stake_ix::deactivate_stake(stake.key, self.pool.key),
            &[stake.clone(), self.clock.clone(), self.pool.clone()],
            &[self.pool_seeds],
        )
        .map_err(Into::into)
    }

    /// Withdraws `lamports` to `to`; withdrawing the whole balance closes the stake account.
    pub fn withdraw(&self, stake: &AccountInfo<'info>, to: &AccountInfo<'info>, lamports: u64) -> Result<()> {
        invoke_signed(
            &stake_ix::withdraw(stake.key, self.pool.key, to.key, lamports, None),
            &[
                stake.clone(),
                to.clone(),
                self.clock.clone(),
                self.stake_history.clone(),
                self.pool.clone(),
            ],
            &[self.pool_seeds],
        )
        .map_err(Into::into)
    }
}

/// Allocates an (uninitialised) stake account at a PDA, funded with `lamports` from `payer` (the
/// reserve, signing with `payer_seeds`, or a signer of the transaction). Lamports already at the
/// address count towards nothing and join the stake: the books record `lamports` as moved, and
/// what was there is a donation the next settlement counts.
pub fn allocate_pool_stake_account<'info>(
    payer: &AccountInfo<'info>,
    payer_seeds: Option<&[&[u8]]>,
    stake: &AccountInfo<'info>,
    stake_seeds: &[&[u8]],
    lamports: u64,
    system_program_info: &AccountInfo<'info>,
) -> Result<()> {
    let transfer = system_program::Transfer { from: payer.clone(), to: stake.clone() };
    let system = system_program_info.key();
    match payer_seeds {
        Some(seeds) => system_program::transfer(CpiContext::new_with_signer(system, transfer, &[seeds]), lamports)?,
        None => system_program::transfer(CpiContext::new(system, transfer), lamports)?,
    }
    crate::cpi::create_owned_account(
        payer.clone(),
        payer_seeds,
        stake.clone(),
        Some(stake_seeds),
        0,
        STAKE_ACCOUNT_SPACE,
        &solana_stake_interface::program::ID,
        system_program_info,
    )
}

/// Creates a stake account at a PDA, funded from the reserve, with the pool as staker and
/// withdrawer and no lockup (see `allocate_pool_stake_account`).
#[allow(clippy::too_many_arguments)]
pub fn create_pool_stake_account<'info>(
    reserve: &AccountInfo<'info>,
    reserve_seeds: &[&[u8]],
    stake: &AccountInfo<'info>,
    stake_seeds: &[&[u8]],
    pool: &Pubkey,
    lamports: u64,
    rent_sysvar: &AccountInfo<'info>,
    system_program_info: &AccountInfo<'info>,
) -> Result<()> {
    allocate_pool_stake_account(reserve, Some(reserve_seeds), stake, stake_seeds, lamports, system_program_info)?;
    invoke_signed(
        &stake_ix::initialize(stake.key, &Authorized { staker: *pool, withdrawer: *pool }, &Lockup::default()),
        &[stake.clone(), rent_sysvar.clone()],
        &[],
    )
    .map_err(Into::into)
}
