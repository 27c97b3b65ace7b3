pub mod finalize_epoch;
pub mod observe_validators;
pub mod rebalance_validator;

pub use finalize_epoch::*;
pub use observe_validators::*;
pub use rebalance_validator::*;
