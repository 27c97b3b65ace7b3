pub mod claim_ticket;
pub mod deposit_sol;
pub mod deposit_stake;
pub mod instant_unstake;
pub mod order_unstake;
pub mod unstake;
pub mod withdraw_stake;

pub use claim_ticket::*;
pub use deposit_sol::*;
pub use deposit_stake::*;
pub use instant_unstake::*;
pub use order_unstake::*;
pub use unstake::*;
pub use withdraw_stake::*;
