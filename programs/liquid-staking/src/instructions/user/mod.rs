pub mod deposit_sol;

pub use deposit_sol::*;
