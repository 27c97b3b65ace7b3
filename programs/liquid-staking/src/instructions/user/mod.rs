pub mod claim_ticket;
pub mod deposit_sol;
pub mod instant_unstake;
pub mod order_unstake;
pub mod unstake;

pub use claim_ticket::*;
pub use deposit_sol::*;
pub use instant_unstake::*;
pub use order_unstake::*;
pub use unstake::*;
