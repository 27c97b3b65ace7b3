pub mod pool;
pub mod validator_list;

pub use pool::*;
pub use validator_list::*;
