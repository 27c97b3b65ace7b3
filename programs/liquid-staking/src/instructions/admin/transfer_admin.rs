use crate::instructions::AdminAccess;
use crate::{error::LiquidStakingError, events::{AdminChanged, RolesSet}, state::*};
use anchor_lang::prelude::*;

/// Admin, step 1 of 2: names the next admin (Pubkey::default() cancels).
pub fn propose_admin(ctx: Context<AdminAccess>, new_admin: Pubkey) -> Result<()> {
    ctx.accounts.pool.proposed_admin = new_admin;
    Ok(())
}

#[derive(Accounts)]
pub struct AcceptAdmin<'info> {
    pub new_admin: Signer<'info>,
    // `dup`: the only account serialized on exit; no other field can be it (their types differ),
    // so Anchor's duplicate-account check (a SipHash set: CU spent on every call) is skipped.
    #[account(mut, dup, constraint = pool.proposed_admin == new_admin.key() @ LiquidStakingError::NotProposedAdmin)]
    pub pool: Account<'info, Pool>,
}

/// Step 2 of 2: the proposed admin signs and becomes admin (a typo cannot lose the pool).
pub fn accept_admin(ctx: Context<AcceptAdmin>) -> Result<()> {
    let pool = &mut ctx.accounts.pool;
    let old_admin = pool.admin;
    pool.admin = ctx.accounts.new_admin.key();
    pool.proposed_admin = Pubkey::default();
    emit!(AdminChanged { pool: pool.key(), old_admin, new_admin: pool.admin });
    Ok(())
}

/// Admin: replaces the operator, the pause guardian and the treasury authority.
pub fn set_roles(ctx: Context<AdminAccess>, operator: Pubkey, pause_guardian: Pubkey, treasury_authority: Pubkey) -> Result<()> {
    let pool = &mut ctx.accounts.pool;
    emit!(RolesSet {
        pool: pool.key(),
        old_operator: pool.operator,
        new_operator: operator,
        old_pause_guardian: pool.pause_guardian,
        new_pause_guardian: pause_guardian,
        old_treasury_authority: pool.treasury_authority,
        new_treasury_authority: treasury_authority,
    });
    pool.operator = operator;
    pool.pause_guardian = pause_guardian;
    pool.treasury_authority = treasury_authority;
    Ok(())
}
