//! Reusable validation, stake accounts first.
pub mod stake;
pub mod stake_history;
pub mod transaction;

pub use stake::*;
pub use stake_history::*;
pub use transaction::*;
