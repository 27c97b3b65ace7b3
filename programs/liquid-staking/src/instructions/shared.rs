//! Account groups that several instructions share, so that each account check is written once.
use crate::{checks::*, error::LiquidStakingError, stake_cpi::StakeCpi, state::*};
use anchor_lang::prelude::*;
use anchor_spl::token::Token;

/// The pool with its validator list and reserve.
#[derive(Accounts)]
pub struct PoolWithValidators<'info> {
    // `dup`: the only account serialized on exit; no other field can be it (their types differ),
    // so Anchor's duplicate-account check (a SipHash set: CU spent on every call) is skipped.
    #[account(mut, dup, has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    /// The current layout only (a list from before validator records must migrate first).
    #[account(mut, constraint = validator_list.to_account_info().data_len() >= ValidatorList::SPACE @ LiquidStakingError::ValidatorListNeedsMigration)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    #[account(mut, constraint = crate::pda::is_reserve_address(&pool.key(), pool.reserve_bump, reserve.key) @ LiquidStakingError::WrongReserve)]
    pub reserve: SystemAccount<'info>,
}

/// The operator's signature over the pool and its validators.
#[derive(Accounts)]
pub struct OperatorAccess<'info> {
    #[account(address = pool.pool.operator @ LiquidStakingError::NotOperator)]
    pub operator: Signer<'info>,
    pub pool: PoolWithValidators<'info>,
}

/// The admin's signature over the pool.
#[derive(Accounts)]
pub struct AdminAccess<'info> {
    pub admin: Signer<'info>,
    // `dup`: the only account serialized on exit; no other field can be it (their types differ),
    // so Anchor's duplicate-account check (a SipHash set: CU spent on every call) is skipped.
    #[account(mut, dup, has_one = admin @ LiquidStakingError::NotAdmin)]
    pub pool: Account<'info, Pool>,
}

/// The Stake program and the sysvars its instructions read.
#[derive(Accounts)]
pub struct StakeProgram<'info> {
    pub clock: Sysvar<'info, Clock>,
    /// CHECK: the StakeHistory sysvar.
    #[account(address = solana_stake_interface::sysvar::stake_history::ID)]
    pub stake_history: UncheckedAccount<'info>,
    /// CHECK: the Stake program.
    #[account(address = solana_stake_interface::program::ID)]
    pub stake_program: UncheckedAccount<'info>,
}

impl<'info> StakeProgram<'info> {
    /// Stake program calls signed by `pool` (its signer seeds in `pool_seeds`).
    pub fn signed_by<'a>(&self, pool: &Account<'info, Pool>, pool_seeds: &'a [&'a [u8]]) -> StakeCpi<'a, 'info> {
        StakeCpi {
            pool: pool.to_account_info(),
            pool_seeds,
            clock: self.clock.to_account_info(),
            stake_history: self.stake_history.to_account_info(),
        }
    }

    /// Where `delegation` stands this epoch, as the Stake program sees it.
    pub fn status(&self, delegation: &solana_stake_interface::state::Delegation) -> Result<StakeStatus> {
        let data = self.stake_history.try_borrow_data()?;
        Ok(stake_status(delegation, self.clock.epoch, &StakeHistoryView::new(&data)?))
    }
}

/// What creating and delegating a stake account needs besides the Stake program.
#[derive(Accounts)]
pub struct StakeAccountCreation<'info> {
    pub rent: Sysvar<'info, Rent>,
    /// CHECK: the stake config account DelegateStake lists.
    #[account(address = super::STAKE_CONFIG_ID)]
    pub stake_config: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

impl<'info> StakeAccountCreation<'info> {
    /// Creates a pool stake account at the PDA `stake` (`stake_seeds`) holding `lamports` from the
    /// reserve, and delegates it to `vote_account` (the pool signing through `cpi`).
    #[allow(clippy::too_many_arguments)]
    pub fn create_delegated(
        &self,
        cpi: &StakeCpi<'_, 'info>,
        pool: &Account<'info, Pool>,
        reserve: &AccountInfo<'info>,
        stake: &AccountInfo<'info>,
        stake_seeds: &[&[u8]],
        vote_account: &AccountInfo<'info>,
        lamports: u64,
    ) -> Result<()> {
        let pool_key = pool.key();
        crate::stake_cpi::create_pool_stake_account(
            reserve,
            &pool.reserve_seeds(&pool_key),
            stake,
            stake_seeds,
            &pool_key,
            lamports,
            &self.rent.to_account_info(),
            &self.system_program.to_account_info(),
        )?;
        cpi.delegate(stake, vote_account, &self.stake_config.to_account_info())
    }
}

/// One of the pool's validators: its vote account and its main stake account.
#[derive(Accounts)]
pub struct PoolValidator<'info> {
    /// CHECK: compared with the validator's entry (`entry`).
    pub vote_account: UncheckedAccount<'info>,
    /// CHECK: re-derived from the validator's entry (`entry`) and read by `read_pool_stake`.
    #[account(mut)]
    pub validator_stake: UncheckedAccount<'info>,
    pub stake: StakeProgram<'info>,
}

impl<'info> PoolValidator<'info> {
    /// The entry at `index`, checked to be this vote account's with this main stake account.
    pub fn entry<'a>(&self, list: &'a mut ValidatorList, index: u32, pool: &Pubkey) -> Result<&'a mut ValidatorEntry> {
        let entry = list.entry_for_mut(index, self.vote_account.key)?;
        entry.check_validator_stake(pool, self.validator_stake.key)?;
        Ok(entry)
    }

    /// The main stake account, checked by `read_pool_stake` (None when it does not exist).
    pub fn main_stake(&self, pool: &Pubkey) -> Result<Option<PoolStake>> {
        read_pool_stake(&self.validator_stake, pool, self.vote_account.key, &self.stake.clock)
    }

    /// The main stake account, which must be fully active (to split from or merge into).
    pub fn active_main_stake(&self, pool: &Pubkey) -> Result<PoolStake> {
        let main = self.main_stake(pool)?.ok_or(LiquidStakingError::StakeNotActive)?;
        require!(self.stake.status(&main.delegation)? == StakeStatus::Active, LiquidStakingError::StakeNotActive);
        Ok(main)
    }
}

/// What every deposit needs: the depositor, the pool, its mint, and where the LST goes.
#[derive(Accounts)]
pub struct LstDeposit<'info> {
    #[account(mut)]
    pub depositor: Signer<'info>,
    // `dup`: the only account serialized on exit; no other field can be it (their types differ),
    // so Anchor's duplicate-account check (a SipHash set: CU spent on every call) is skipped.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
    /// CHECK: the pool's mint (address); the token program reads it on mint_to and burn.
    #[account(mut, address = pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub lst_mint: UncheckedAccount<'info>,
    /// CHECK: an LST account of the pool's mint (any owner: a deposit may be made for someone
    /// else); the token program checks the rest on mint_to.
    #[account(
        mut,
        constraint = !is_missing_account(&recipient_lst) @ LiquidStakingError::LstAccountMissing,
        constraint = token_account_mint(&recipient_lst) == Some(pool.lst_mint) @ LiquidStakingError::WrongMint,
    )]
    pub recipient_lst: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
}

/// What every exit needs: the holder and their LST, the pool, its mint, reserve and treasury.
#[derive(Accounts)]
pub struct LstExit<'info> {
    /// Burns the LST and receives the SOL (or the stake account, or the ticket).
    #[account(mut)]
    pub owner: Signer<'info>,
    // `dup`: the only account serialized on exit; no other field can be it (their types differ),
    // so Anchor's duplicate-account check (a SipHash set: CU spent on every call) is skipped.
    #[account(mut, dup)]
    pub pool: Account<'info, Pool>,
    /// CHECK: the pool's mint (address); the token program reads it on mint_to and burn.
    #[account(mut, address = pool.lst_mint @ LiquidStakingError::WrongMint)]
    pub lst_mint: UncheckedAccount<'info>,
    /// CHECK: the LST to burn, an account of the pool's mint; the token program checks that
    /// `owner` may burn from it.
    #[account(
        mut,
        constraint = !is_missing_account(&owner_lst) @ LiquidStakingError::LstAccountMissing,
        constraint = token_account_mint(&owner_lst) == Some(pool.lst_mint) @ LiquidStakingError::WrongMint,
    )]
    pub owner_lst: UncheckedAccount<'info>,
    #[account(mut, constraint = crate::pda::is_reserve_address(&pool.key(), pool.reserve_bump, reserve.key) @ LiquidStakingError::WrongReserve)]
    pub reserve: SystemAccount<'info>,
    /// CHECK: the pool's treasury (a PDA token account of the pool's mint, created with the pool);
    /// the token program checks it on mint_to.
    #[account(mut, address = pool.treasury @ LiquidStakingError::WrongTreasury)]
    pub treasury: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl LstExit<'_> {
    /// Burns `lst` of the owner's LST.
    pub fn burn(&self, lst: u64) -> Result<()> {
        crate::cpi::burn_lst(
            self.lst_mint.to_account_info(),
            self.owner_lst.to_account_info(),
            self.owner.to_account_info(),
            &self.token_program.to_account_info(),
            lst,
        )
    }
}
