//! What the test modules share.

pub mod abi;
pub mod account_encoding;
