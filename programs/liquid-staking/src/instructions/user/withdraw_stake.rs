use crate::instructions::{require_epoch_rewards_inactive, shared::*};
use crate::{constants::*, error::LiquidStakingError, events::StakeWithdrawn, math, state::*};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct WithdrawStake<'info> {
    /// The owner burns the LST, pays the new stake account's rent, and becomes its staker and
    /// withdrawer.
    pub exit: LstExit<'info>,
    #[account(mut, address = exit.pool.validator_list, constraint = validator_list.to_account_info().data_len() >= ValidatorList::SPACE @ LiquidStakingError::ValidatorListNeedsMigration)]
    pub validator_list: AccountLoader<'info, ValidatorList>,
    pub validator: PoolValidator<'info>,
    /// The user's new stake account: a fresh keypair the user allocated for the Stake program
    /// (200 bytes, rent-exempt) earlier in the transaction; it signs, so nobody else's can be used.
    #[account(mut, owner = solana_stake_interface::program::ID @ LiquidStakingError::StakeAccountNotOwnedByStakeProgram)]
    pub new_stake: Signer<'info>,
}

/// Instant exit as stake: burns LST and splits its value, less the stake-withdrawal fee (which
/// stays with the holders), off the validator's active stake into the user's new stake account and
/// makes the user its withdrawer. The split is at least the minimum delegation and leaves the
/// validator's delegation at least the minimum delegation.
///
/// The user allocates the account before this instruction and, as withdrawer, names the staker
/// after it, in the same transaction (the SDK's builder does both): top-level calls rather than
/// CPIs here.
pub fn withdraw_stake(ctx: Context<WithdrawStake>, index: u32, lst_amount: u64, min_lamports_out: u64) -> Result<()> {
    let a = &ctx.accounts;
    let pool = &a.exit.pool;
    let epoch = a.validator.stake.clock.epoch;
    pool.require_open(epoch, PAUSED_INSTANT_EXITS)?;
    require_epoch_rewards_inactive()?;
    require!(lst_amount > 0, LiquidStakingError::ZeroAmount);
    let quote = pool.quote_stake_withdrawal(lst_amount, epoch)?;
    require!(quote.lamports_out >= min_lamports_out, LiquidStakingError::ExitSlippageExceeded);
    require!(quote.lamports_out >= MIN_STAKE_DELEGATION_LAMPORTS, LiquidStakingError::StakeWithdrawalTooSmall);

    let pool_key = pool.key();
    let mut list = a.validator_list.load_mut()?;
    let entry = a.validator.entry(&mut list, index, &pool_key)?;
    require!(entry.status == VALIDATOR_STATUS_ACTIVE, LiquidStakingError::ValidatorRemoving);
    let main = a.validator.active_main_stake(&pool_key)?;
    // Splits move delegated stake: what stays must be a valid delegation.
    require!(
        main.delegation.stake.saturating_sub(quote.lamports_out) >= MIN_STAKE_DELEGATION_LAMPORTS,
        LiquidStakingError::StakeWithdrawalTooLarge
    );

    // The split (the Stake program checks the new account is uninitialized and rent-exempt), then
    // the user's withdrawer key.
    let pool_seeds = pool.signer_seeds();
    let stake = a.validator.stake.signed_by(pool, &pool_seeds);
    stake.split(&a.validator.validator_stake.to_account_info(), &a.new_stake.to_account_info(), quote.lamports_out)?;
    stake.authorize_withdrawer(&a.new_stake.to_account_info(), &a.exit.owner.key())?;
    a.exit.burn(lst_amount)?;
    entry.active_stake_lamports = math::checked_sub(entry.active_stake_lamports, quote.lamports_out, "withdraw_stake_entry")
        .map_err(LiquidStakingError::from)?;
    let vote_account = entry.vote_account;
    drop(list);

    let pool = &mut ctx.accounts.exit.pool;
    pool.book_stake_withdrawal(lst_amount, quote.lamports_out)?;
    emit!(StakeWithdrawn {
        pool: pool_key,
        owner: ctx.accounts.exit.owner.key(),
        vote_account,
        stake_account: ctx.accounts.new_stake.key(),
        lst_burned: lst_amount,
        fee_lamports: quote.fee_lamports,
        stake_lamports: quote.lamports_out,
        total_lamports: pool.total_lamports,
        lst_supply: pool.lst_supply,
    });
    Ok(())
}
