//! Reusable validation, stake accounts first.
pub mod stake;
pub mod stake_history;
pub mod token;
pub mod transaction;
pub mod vote;

pub use stake::*;
pub use stake_history::*;
pub use token::*;
pub use transaction::*;
pub use vote::*;
