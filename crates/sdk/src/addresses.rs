//! The addresses an instruction of a given pool needs.
use anchor_lang::prelude::Pubkey;
use liquid_staking::{pda, state::Pool};
use spl_associated_token_account_interface::address::get_associated_token_address;

/// The fixed addresses of one pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolKeys {
    pub pool: Pubkey,
    pub lst_mint: Pubkey,
    pub reserve: Pubkey,
    pub validator_list: Pubkey,
    pub treasury: Pubkey,
    /// The exchange-rate account lenders read (`[RATE_SEED, pool]`).
    pub rate: Pubkey,
}

impl PoolKeys {
    /// Keys of a pool whose mint and validator list are known (before creation).
    pub fn derive(lst_mint: Pubkey, validator_list: Pubkey) -> Self {
        let pool = pda::find_pool_address(&lst_mint).0;
        Self {
            pool,
            lst_mint,
            reserve: pda::find_reserve_address(&pool).0,
            validator_list,
            treasury: pda::find_treasury_address(&pool).0,
            rate: pda::find_rate_address(&pool).0,
        }
    }

    /// Keys of an existing pool, from its decoded account.
    pub fn from_pool(pool_address: Pubkey, pool: &Pool) -> Self {
        Self {
            pool: pool_address,
            lst_mint: pool.lst_mint,
            reserve: pda::find_reserve_address(&pool_address).0,
            validator_list: pool.validator_list,
            treasury: pool.treasury,
            rate: pda::find_rate_address(&pool_address).0,
        }
    }

    /// The pool's own LST account, holding the locked initial deposit.
    pub fn locked_lst(&self) -> Pubkey {
        get_associated_token_address(&self.pool, &self.lst_mint)
    }

    pub fn validator_stake(&self, vote_account: &Pubkey) -> Pubkey {
        pda::find_validator_stake_address(&self.pool, vote_account).0
    }

    pub fn transient_stake(&self, vote_account: &Pubkey) -> Pubkey {
        pda::find_transient_stake_address(&self.pool, vote_account).0
    }

    /// The ticket `owner` opens with `nonce`.
    pub fn ticket(&self, owner: &Pubkey, nonce: u64) -> Pubkey {
        pda::find_ticket_address(&self.pool, owner, nonce).0
    }
}

/// A fresh ticket nonce: the nanoseconds since the Unix epoch, so one wallet's exits never pick
/// the same one (a collision is refused with TicketAlreadyExists, never lost).
pub fn new_ticket_nonce() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// A wallet's associated LST account.
pub fn lst_account(owner: &Pubkey, lst_mint: &Pubkey) -> Pubkey {
    get_associated_token_address(owner, lst_mint)
}
