use crate::instructions::{require_epoch_rewards_inactive, shared::*, slots_in_epoch};
use crate::{checks::withdrawer_handed_over_earlier, cpi, error::LiquidStakingError, events::StakeDeposited, math, state::*};
use anchor_lang::prelude::*;
use solana_stake_interface::state::StakeStateV2;

#[derive(Accounts)]
pub struct DepositStake<'info> {
    /// The depositor is staker and withdrawer of `deposit_stake`.
    pub deposit: LstDeposit<'info>,
    #[account(mut, address = deposit.pool.validator_list, constraint = validator_list.to_account_info().data_len() >= ValidatorList::SPACE @ LiquidStakingError::ValidatorListNeedsMigration)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    pub validator: PoolValidator<'info>,
    /// CHECK: the depositor's stake account, checked below (owner, state, authorities, lockup,
    /// delegation, activation).
    #[account(mut)]
    pub deposit_stake: UncheckedAccount<'info>,
    /// CHECK: the Instructions sysvar: shows the depositor handed the account to the pool.
    #[account(address = anchor_lang::compat::solana_instructions_sysvar::ID)]
    pub instructions: UncheckedAccount<'info>,
}

/// Stake in, LST out: takes a fully active stake account delegated to the pool validator at
/// `index` and merges it into the validator's stake account. Its delegated stake earned this
/// epoch's rewards and pays the deposit fee; lamports above it (rent and any padding) are priced as
/// a SOL deposit, dilution fee included (observe moves them to the reserve: they are not stake).
///
/// The depositor hands the account to the pool (staker and withdrawer) with the Stake program's
/// Authorize in the same transaction, before this instruction (the SDK's builder does): two calls
/// at the top level instead of two CPIs here, and the Instructions sysvar shows this program that
/// the depositor, as the account's withdrawer, did it, so nobody can deposit someone else's stake.
pub fn deposit_stake(ctx: Context<DepositStake>, index: u32, min_lst_out: u64) -> Result<()> {
    let a = &ctx.accounts;
    let (pool, clock) = (&a.deposit.pool, &a.validator.stake.clock);
    let epoch = clock.epoch;
    pool.require_open(epoch, PAUSED_DEPOSITS)?;
    require_epoch_rewards_inactive()?;
    let pool_key = pool.key();
    let vote_key = a.validator.vote_account.key();
    let depositor = a.deposit.depositor.key();
    let mut list = a.validator_list.load_mut()?;
    let entry = a.validator.entry(&mut list, index, &pool_key)?;
    require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);

    // The deposited account: the Stake program's, delegated to this validator, the depositor's
    // keys, no lockup, fully active.
    require_keys_eq!(
        *a.deposit_stake.owner,
        solana_stake_interface::program::ID,
        LiquidStakingError::StakeAccountNotOwnedByStakeProgram
    );
    let deposited_lamports = a.deposit_stake.lamports();
    let (meta, stake) = {
        let data = a.deposit_stake.try_borrow_data()?;
        match StakeStateV2::deserialize(&mut &data[..]).map_err(|_| error!(LiquidStakingError::InvalidStakeAccountData))? {
            StakeStateV2::Stake(meta, stake, _) => (meta, stake),
            _ => return err!(LiquidStakingError::StakeNotDelegated),
        }
    };
    require!(
        meta.authorized.staker == pool_key && meta.authorized.withdrawer == pool_key,
        LiquidStakingError::WrongStakeAuthority
    );
    require!(
        withdrawer_handed_over_earlier(&a.instructions.try_borrow_data()?, a.deposit_stake.key, &depositor, &pool_key),
        LiquidStakingError::StakeNotHandedOver
    );
    require!(!meta.lockup.is_in_force(clock, None), LiquidStakingError::StakeLockedUp);
    require_keys_eq!(stake.delegation.voter_pubkey, vote_key, LiquidStakingError::StakeDelegatedToWrongValidator);
    require!(
        a.validator.stake.status(&stake.delegation)? == crate::checks::StakeStatus::Active,
        LiquidStakingError::StakeNotActive
    );
    a.validator.active_main_stake(&pool_key)?;
    let delegated = stake.delegation.stake;
    let undelegated = deposited_lamports.saturating_sub(delegated);
    let quote = pool.quote_deposit_stake(delegated, undelegated, epoch, slots_in_epoch(epoch)?)?;
    require!(quote.lst_out > 0, LiquidStakingError::DepositTooSmall);
    require!(quote.lst_out >= min_lst_out, LiquidStakingError::SlippageExceeded);

    // Merge it (its rent and padding join the main account above its delegation; observe moves
    // them to the reserve).
    let pool_seeds = pool.signer_seeds();
    a.validator.stake.signed_by(pool, &pool_seeds).merge(&a.validator.validator_stake.to_account_info(), &a.deposit_stake.to_account_info())?;
    let d = &a.deposit;
    cpi::mint_lst(pool, d.lst_mint.to_account_info(), d.recipient_lst.to_account_info(), &d.token_program.to_account_info(), quote.lst_out)?;
    entry.active_stake_lamports = math::checked_add(entry.active_stake_lamports, deposited_lamports, "deposit_stake_entry").map_err(LiquidStakingError::from)?;
    drop(list);

    let pool = &mut ctx.accounts.deposit.pool;
    pool.book_deposit(deposited_lamports, quote.lst_out)?;
    pool.apply_stake_delta(deposited_lamports as i128)?;
    emit!(StakeDeposited {
        pool: pool_key,
        depositor,
        vote_account: vote_key,
        stake_account: ctx.accounts.deposit_stake.key(),
        delegated_lamports: delegated,
        undelegated_lamports: undelegated,
        fee_lamports: quote.fee_lamports,
        lst_out: quote.lst_out,
        total_lamports: pool.total_lamports,
        lst_supply: pool.lst_supply,
    });
    Ok(())
}

use anchor_lang::prelude::borsh::BorshDeserialize;
