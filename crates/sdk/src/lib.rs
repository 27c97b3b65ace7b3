//! The one client library of the protocol: addresses, instruction builders, account decoding,
//! quotes and crank plans. The CLI, the crank, the tests and the local chain build every
//! instruction through it; none assembles one by hand.

pub mod addresses;
pub mod decode;
pub mod errors;
pub mod instructions;
pub mod pack;
pub mod plan;
pub mod quote;

pub use addresses::PoolKeys;
/// Program constants, errors, events, state and math, re-exported from the program crate.
pub use liquid_staking::{self as program, constants, error::LiquidStakingError, events, math, state};
/// Every PDA, derived in the program's one place.
pub use liquid_staking::pda;
pub use liquid_staking::ID as PROGRAM_ID;
