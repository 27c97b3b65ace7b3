pub mod get_rate;

pub use get_rate::*;
