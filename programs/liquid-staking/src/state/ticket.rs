use anchor_lang::prelude::*;

/// A delayed exit: SOL owed to `owner`, claimable from `claimable_epoch` once the reserve holds it.
/// `owner` sits right after the discriminator (offset TICKET_OWNER_OFFSET) so a wallet finds its
/// tickets with one getProgramAccounts memcmp filter.
#[account]
#[derive(InitSpace, Debug)]
pub struct Ticket {
    pub owner: Pubkey,
    pub pool: Pubkey,
    /// Lamports owed: the LST's value at the rate when ordered, less the delayed-exit fee.
    pub lamports: u64,
    pub lst_burned: u64,
    pub created_epoch: u64,
    pub claimable_epoch: u64,
    /// Chosen by the owner; with the owner, part of the ticket's address.
    pub nonce: u64,
    pub bump: u8,
}

impl Ticket {
    pub const SPACE: usize = 8 + Ticket::INIT_SPACE;
}

/// Byte offset of `Ticket::owner` in the account data.
pub const TICKET_OWNER_OFFSET: usize = 8;
