use crate::{error::LiquidStakingError, events::ValidatorListMigrated, state::*};
use anchor_lang::prelude::*;
use anchor_lang::system_program;

/// The runtime lets an instruction grow an account by at most this much.
const MAX_GROWTH_PER_INSTRUCTION: usize = 10_240;

#[derive(Accounts)]
pub struct MigrateValidatorList<'info> {
    #[account(has_one = validator_list)]
    pub pool: Account<'info, Pool>,
    /// CHECK: the pool's list (has_one), owned by this program; read by hand while it is shorter
    /// than the current layout.
    #[account(mut, owner = crate::ID)]
    pub validator_list: UncheckedAccount<'info>,
    /// Anyone: pays the rent of the bytes added.
    #[account(mut)]
    pub payer: Signer<'info>,
    pub system_program: Program<'info, System>,
}

/// Permissionless: grows a validator list of layout 0 (entries only) toward the current layout by
/// the 10 KiB the runtime allows an instruction, the payer topping up its rent. The entries stay
/// where they are (the records and the rules follow them), so nothing moves; the step that reaches
/// the full size gives every validator an unread record and the default rules and marks the list
/// VALIDATOR_LIST_VERSION. Until then the pool's other instructions refuse the list by name
/// (ValidatorListNeedsMigration). A full migration is 126 steps; a transaction holds 24 (each
/// step's rent transfer counts toward the runtime's 64-instruction trace), so 6 transactions.
pub fn migrate_validator_list(ctx: Context<MigrateValidatorList>) -> Result<()> {
    let list = ctx.accounts.validator_list.to_account_info();
    let len = list.data_len();
    require!(len < ValidatorList::SPACE, LiquidStakingError::ValidatorListAlreadyMigrated);
    require!(len >= ValidatorList::SPACE_V0, LiquidStakingError::ValidatorListTooSmall);
    require!(list.try_borrow_data()?[..8] == *ValidatorList::DISCRIMINATOR, LiquidStakingError::ValidatorListTooSmall);
    let new_len = (len + MAX_GROWTH_PER_INSTRUCTION).min(ValidatorList::SPACE);
    let rent = Rent::get()?.minimum_balance(new_len).saturating_sub(list.lamports());
    if rent > 0 {
        system_program::transfer(
            CpiContext::new(
                ctx.accounts.system_program.key(),
                system_program::Transfer { from: ctx.accounts.payer.to_account_info(), to: list.clone() },
            ),
            rent,
        )?;
    }
    list.resize(new_len)?;
    let mut data = list.try_borrow_mut_data()?;
    data[len..new_len].fill(0);
    let done = new_len == ValidatorList::SPACE;
    if done {
        let validators: &mut ValidatorList = bytemuck::from_bytes_mut(&mut data[8..ValidatorList::SPACE]);
        for record in &mut validators.records[..validators.count as usize] {
            *record = ValidatorRecord::unread();
        }
        validators.scoring = ValidatorScoring::new_default();
        validators.version = crate::constants::VALIDATOR_LIST_VERSION;
    }
    emit!(ValidatorListMigrated { pool: ctx.accounts.pool.key(), data_len: new_len as u64, done });
    Ok(())
}
