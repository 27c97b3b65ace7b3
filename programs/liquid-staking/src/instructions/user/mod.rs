pub mod claim_ticket;
pub mod deposit_sol;
pub mod order_unstake;

pub use claim_ticket::*;
pub use deposit_sol::*;
pub use order_unstake::*;
