//! Placeholder until the account decoders land.
use serde::Serialize;
/// Why account calldata cannot be unwrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum UnwrapError {
    /// Placeholder.
    #[error("placeholder")]
    Placeholder,
}
/// Kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    /// 7579.
    Erc7579,
}
/// Unwrapped.
#[derive(Debug)]
pub enum Unwrapped<'a> {
    /// Calls.
    Calls(alloc::vec::Vec<crate::Call<'a>>),
    /// Account call.
    AccountCall(crate::calldata::Selector),
}
/// Unwrap.
pub fn unwrap(_kind: AccountKind, _calldata: &[u8]) -> Result<Unwrapped<'_>, UnwrapError> {
    Err(UnwrapError::Placeholder)
}
/// Detect.
pub fn detect(_calldata: &[u8]) -> Result<AccountKind, UnwrapError> {
    Err(UnwrapError::Placeholder)
}
