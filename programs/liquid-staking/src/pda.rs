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

/// Whether `address` is this program's address for `seeds` and `bump`: the SHA-256 of the seeds,
/// the bump, the program id and "ProgramDerivedAddress", as `create_program_address` computes it,
/// without its check that the result lies off the ed25519 curve (one sol_sha256, about 150 CU,
/// instead of 1,500). Sound for every bump this program checks: each was found by
/// `find_program_address` and stored at creation, so its address is known to be off the curve.
pub fn is_program_address(seeds: &[&[u8]], bump: u8, address: &Pubkey) -> bool {
    const MARKER: &[u8] = b"ProgramDerivedAddress";
    let bump = [bump];
    let mut parts: [&[u8]; 8] = [&[]; 8];
    let n = seeds.len();
    if n > parts.len() - 3 {
        return false;
    }
    parts[..n].copy_from_slice(seeds);
    parts[n] = &bump;
    parts[n + 1] = crate::ID.as_ref();
    parts[n + 2] = MARKER;
    solana_sha256_hasher::hashv(&parts[..n + 3]).to_bytes() == address.to_bytes()
}

/// Whether `address` is the reserve of `pool` (its bump stored in the pool).
pub fn is_reserve_address(pool: &Pubkey, bump: u8, address: &Pubkey) -> bool {
    is_program_address(&[RESERVE_SEED, pool.as_ref()], bump, address)
}

/// Whether `address` is the main stake account of `vote_account` in `pool` (its stored bump).
pub fn is_validator_stake_address(pool: &Pubkey, vote_account: &Pubkey, bump: u8, address: &Pubkey) -> bool {
    is_program_address(&[VALIDATOR_STAKE_SEED, pool.as_ref(), vote_account.as_ref()], bump, address)
}

/// Whether `address` is the transient stake account of `vote_account` in `pool` (its stored bump).
pub fn is_transient_stake_address(pool: &Pubkey, vote_account: &Pubkey, bump: u8, address: &Pubkey) -> bool {
    is_program_address(&[TRANSIENT_STAKE_SEED, pool.as_ref(), vote_account.as_ref()], bump, address)
}

pub fn find_ticket_address(pool: &Pubkey, owner: &Pubkey, nonce: u64) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[TICKET_SEED, pool.as_ref(), owner.as_ref(), &nonce.to_le_bytes()], &crate::ID)
}

pub fn find_treasury_address(pool: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[TREASURY_SEED, pool.as_ref()], &crate::ID)
}

pub fn find_rate_address(pool: &Pubkey) -> (Pubkey, u8) {
    Pubkey::find_program_address(&[RATE_SEED, pool.as_ref()], &crate::ID)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_check_agrees_with_create_program_address() {
        let (pool, vote) = (Pubkey::new_unique(), Pubkey::new_unique());
        let (reserve, reserve_bump) = find_reserve_address(&pool);
        assert!(is_reserve_address(&pool, reserve_bump, &reserve));
        assert!(!is_reserve_address(&vote, reserve_bump, &reserve), "another pool's reserve");
        let (stake, bump) = find_validator_stake_address(&pool, &vote);
        assert!(is_validator_stake_address(&pool, &vote, bump, &stake));
        assert!(!is_transient_stake_address(&pool, &vote, bump, &stake), "the seeds name the account");
        let (transient, transient_bump) = find_transient_stake_address(&pool, &vote);
        assert!(is_transient_stake_address(&pool, &vote, transient_bump, &transient));
        assert!(!is_validator_stake_address(&pool, &vote, bump.wrapping_sub(1), &stake), "another bump");
    }
}
