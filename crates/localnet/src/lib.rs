//! An in-process chain for the protocol: solana-program-test's bank with our program registered
//! natively (compiled for the host; its SBF build with LIQUID_STAKING_SBF=1, see [`sbf`]) beside
//! the real Stake program (Core BPF) and SPL Token, and vote accounts that earn real inflation
//! rewards when epochs pass.

pub mod app;
pub mod chain;
pub mod crank;

pub use chain::{LocalChain, SOL};
pub use crank::{plan_step, plan_step_staking, run_crank, CrankReport, CrankStep};
pub mod ports;
pub mod setup;
pub mod sbf;
