//! The one client library of the protocol: addresses, instruction builders, account decoding,
//! quotes and crank plans. The CLI, the crank, the tests and the local chain build every
//! instruction through it; none assembles one by hand.

pub mod addresses;
pub mod decode;
pub mod errors;
pub mod instructions;
pub mod pack;
pub mod plan;
pub mod deployment;
pub mod quote;
pub mod risk;
#[cfg(feature = "rpc")]
pub mod rpc;

pub use addresses::PoolKeys;
/// Program constants, errors, events, state and math, re-exported from the program crate.
pub use liquid_staking::{self as program, constants, error::LiquidStakingError, events, math, state};
/// Every PDA, derived in the program's one place.
pub use liquid_staking::pda;
pub use liquid_staking::ID as PROGRAM_ID;

/// Fees for a new pool unless its creator chooses others: 5% of rewards; no deposit fee (the
/// dilution fee still applies); exits 0.1% delayed, 0.2% as stake, 0.1% to 3% instant; half of
/// instant-exit fees to the treasury.
pub const DEFAULT_FEES: state::Fees = state::Fees {
    reward_bps: 500,
    deposit_bps: 0,
    delayed_unstake_bps: 10,
    stake_withdrawal_bps: 20,
    instant_unstake_min_bps: 10,
    instant_unstake_max_bps: 300,
    treasury_share_bps: 5_000,
};
