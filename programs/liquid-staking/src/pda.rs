//! Every PDA the protocol uses, derived in one place. Nothing else calls `find_program_address`:
//! not the SDK, not the tests, not the crank.
use crate::constants::*;
use anchor_lang::prelude::*;

pub fn find_pool_address(lst_mint: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[POOL_SEED, lst_mint.as_ref()], &crate::ID)
}

pub fn find_reserve_address(pool: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[RESERVE_SEED, pool.as_ref()], &crate::ID)
}

pub fn find_validator_stake_address(pool: &Pubkey, vote_account: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[VALIDATOR_STAKE_SEED, pool.as_ref(), vote_account.as_ref()],
        &crate::ID,
    )
}

pub fn find_transient_stake_address(pool: &Pubkey, vote_account: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(
        &[TRANSIENT_STAKE_SEED, pool.as_ref(), vote_account.as_ref()],
        &crate::ID,
    )
}

/// Re-derives a validator's stake account from its stored bump (cheap on-chain: one hash).
pub fn validator_stake_address(pool: &Pubkey, vote_account: &Pubkey, bump: u8) -> Option<Pubkey> {
    Pubkey::create_program_address(
        &[VALIDATOR_STAKE_SEED, pool.as_ref(), vote_account.as_ref(), &[bump]],
        &crate::ID,
    )
    .ok()
}

/// Re-derives a validator's transient stake account from its stored bump.
pub fn transient_stake_address(pool: &Pubkey, vote_account: &Pubkey, bump: u8) -> Option<Pubkey> {
    Pubkey::create_program_address(
        &[TRANSIENT_STAKE_SEED, pool.as_ref(), vote_account.as_ref(), &[bump]],
        &crate::ID,
    )
    .ok()
}

pub fn find_ticket_address(pool: &Pubkey, owner: &Pubkey, nonce: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[TICKET_SEED, pool.as_ref(), owner.as_ref(), &nonce.to_le_bytes()], &crate::ID)
}

pub fn find_treasury_address(pool: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[TREASURY_SEED, pool.as_ref()], &crate::ID)
}
