pub mod observe;
pub mod pool;
pub mod rate;
pub mod rebalance;
pub mod scoring;
pub mod selection;
pub mod ticket;
pub mod validator_list;

pub use observe::*;
pub use pool::*;
pub use rate::*;
pub use rebalance::*;
pub use scoring::*;
pub use selection::*;
pub use ticket::*;
pub use validator_list::*;
