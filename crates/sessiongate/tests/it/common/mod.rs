//! What the test modules share.

pub mod account_encoding;
