//! Biconomy's session validation modules of the v2 SessionKeyManager era: the ABI SVM
//! (`"format": "biconomy-abi-svm"`) and the ERC20 SVM (`"format": "biconomy-erc20-svm"`).
//!
//! A session is a list of Merkle leaves `(validUntil, validAfter, sessionKeyData)`; the signer
//! picks one per call, so leaves compile to alternative native actions. Each leaf is decoded
//! exactly as its module reads `sessionKeyData`, and its time bounds follow EntryPoint v0.6
//! (inclusive at both ends, `validUntil` 0 meaning 2^48-1). Data the module reverts on for
//! every call still loads, as the SessionKeyManager would enable it, and allows nothing.

mod compile;
pub mod document;
#[cfg(feature = "test-util")]
pub mod packed;
// The leaves' packed encodings: public only to tests and fuzzing (`test-util`).
#[cfg(not(feature = "test-util"))]
#[allow(unreachable_pub)]
mod packed;
mod warnings;

#[cfg(feature = "test-util")]
pub use compile::{
    TimeBounds, UINT48_MAX, abi_leaf_data, abi_packed_form, abi_to_native, compile_abi,
    compile_erc20, erc20_leaf_data, erc20_packed_form, erc20_to_native,
};
#[cfg(not(feature = "test-util"))]
pub(crate) use compile::{compile_abi, compile_erc20};
#[cfg(not(feature = "test-util"))]
pub(crate) use warnings::{abi_warnings, erc20_warnings};
#[cfg(feature = "test-util")]
pub use warnings::{abi_warnings, erc20_warnings, warnings};

/// The ABI SVM's format name.
pub const ABI_SVM: &str = "biconomy-abi-svm";
/// The ERC20 SVM's format name.
pub const ERC20_SVM: &str = "biconomy-erc20-svm";
