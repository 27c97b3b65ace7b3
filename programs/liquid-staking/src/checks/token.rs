//! Token account checks that read the one field they need instead of unpacking the whole account
//! (the token program checks the rest when it moves tokens).
use anchor_lang::prelude::*;

/// Size of a classic SPL Token account.
const TOKEN_ACCOUNT_LEN: usize = 165;

/// The mint of a classic SPL Token account (its first 32 bytes), or None if `info` is not one.
pub fn token_account_mint(info: &AccountInfo) -> Option<Pubkey> {
    if info.owner != &anchor_spl::token::ID {
        return None;
    }
    let data = info.try_borrow_data().ok()?;
    if data.len() != TOKEN_ACCOUNT_LEN {
        return None;
    }
    Pubkey::try_from(&data[..32]).ok()
}

/// Whether nothing exists at `info`'s address (no data, owned by the System program): a token
/// account that was never created, or was closed.
pub fn is_missing_account(info: &AccountInfo) -> bool {
    info.owner == &anchor_lang::solana_program::system_program::ID && info.data_is_empty()
}
