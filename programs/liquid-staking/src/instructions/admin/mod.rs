pub mod add_validator;
pub mod initialize_pool;
pub mod remove_validator;
pub mod set_fees;
pub mod set_pause;
pub mod set_validator_weight;
pub mod transfer_admin;
pub mod withdraw_treasury;

pub use add_validator::*;
pub use initialize_pool::*;
pub use remove_validator::*;
pub use set_fees::*;
pub use set_pause::*;
pub use set_validator_weight::*;
pub use transfer_admin::*;
pub use withdraw_treasury::*;
