//! Reading calldata: the selector, static ABI words with Solidity's validity rules, and the
//! head layout of a human-readable signature.

mod path;
mod signature;
mod word;
mod work;

pub use path::{DecodeError, Leaf, LeafKind, MAX_ELEMENTS, ParamPath, PathError};
pub use signature::{
    Component, HeadWord, MAX_TYPE_DEPTH, NamedType, Param, Signature, SignatureError, SyntaxError,
};
pub use word::{WordType, read_word};
pub(crate) use word::{limbs, word_at};
pub use work::{MAX_WORK, Work};

use alloy_primitives::FixedBytes;

/// A 4-byte function selector.
pub type Selector = FixedBytes<4>;

/// What the first bytes of a call's data say about the function it calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// Empty calldata: a plain native transfer.
    Native,
    /// Calldata of 1 to 3 bytes: too short to hold a selector.
    Truncated(usize),
    /// Calldata that starts with a selector.
    Function(Selector),
}

impl CallKind {
    /// Classifies calldata by its length and first four bytes.
    pub fn of(data: &[u8]) -> Self {
        match data.get(..4) {
            Some(head) => Self::Function(Selector::from_slice(head)),
            None if data.is_empty() => Self::Native,
            None => Self::Truncated(data.len()),
        }
    }
}
