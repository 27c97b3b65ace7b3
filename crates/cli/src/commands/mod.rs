pub mod crank;
pub mod pool;
pub mod program;
pub mod user;
pub mod validator;
pub mod wallet;
