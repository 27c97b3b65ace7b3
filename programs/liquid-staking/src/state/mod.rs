pub mod pool;
pub mod ticket;
pub mod validator_list;

pub use pool::*;
pub use ticket::*;
pub use validator_list::*;
