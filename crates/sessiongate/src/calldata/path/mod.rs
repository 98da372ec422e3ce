//! Parameter paths: `params.recipient`, `path[0]`, `calls[*].callData`, `data.length`, compiled
//! once against a [`Signature`](super::Signature) into steps over its ABI type tree, then read
//! from calldata strictly and lazily.
//!
//! Only the words on the path are read. Every offset is checked (a multiple of 32, past the
//! head of the tuple or array that holds it, inside the data), so are lengths (the content they
//! announce fits in the data; arrays iterated with `[*]` have at most [`MAX_ELEMENTS`]
//! elements), the order of the offsets of an iterated array's elements, the zero padding after
//! `bytes` and `string` content, and the validity of static leaf words for their type.
//!
//! Positions (`at`) in leaves and errors are byte offsets after the 4-byte selector.
//!
//! The path language (text to steps) is in `parse`, the strict decoder (steps over calldata) in
//! `decode`, and why either can fail in `error`.

mod decode;
mod error;
mod parse;
#[cfg(test)]
mod tests;

pub use error::{DecodeError, PathError};

use super::WordType;
use alloc::{boxed::Box, string::String};
use alloy_primitives::U256;

/// A `[*]` over an array with more elements than this is refused ([`DecodeError::TooManyElements`]).
pub const MAX_ELEMENTS: usize = 1024;

/// Paths longer than this many steps after their head are refused.
const MAX_STEPS: usize = 16;

/// Where the parameters' encoding starts in the calldata: after the selector.
const PARAMS_START: usize = 4;

/// A parameter path compiled against a signature.
#[derive(Clone, Debug)]
pub struct ParamPath {
    label: String,
    steps: Box<[Step]>,
    tail: Tail,
    kind: LeafKind,
    static_offset: Option<usize>,
    wildcards: usize,
}

/// What a path's leaf is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafKind {
    /// A static elementary word (address, bool, uintN, intN, bytesN; `function` reads as
    /// bytes24).
    Word(WordType),
    /// `bytes` content.
    Bytes,
    /// `string` content (its bytes, not checked as UTF-8).
    String,
    /// `.length` of a dynamic array, `bytes` or `string`.
    Length,
}

/// One value a path reaches in calldata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaf<'d> {
    /// A static word, already valid for its [`WordType`].
    Word {
        /// Byte offset of the word after the selector.
        at: usize,
        /// The word.
        word: U256,
    },
    /// The content of a `bytes` or `string` (its zero padding checked).
    Bytes {
        /// Byte offset of the length word after the selector.
        at: usize,
        /// The content, without padding.
        content: &'d [u8],
    },
    /// The length of a dynamic array, `bytes` or `string` (`.length`).
    Length {
        /// Byte offset of the length word after the selector.
        at: usize,
        /// The length.
        len: U256,
    },
}

impl Leaf<'_> {
    /// Byte offset after the selector of the leaf's word or length word.
    pub fn at(&self) -> usize {
        match *self {
            Self::Word { at, .. } | Self::Bytes { at, .. } | Self::Length { at, .. } => at,
        }
    }
}

/// Which element of an array a step takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    At(usize),
    Each,
}

/// One step from the start of a value's encoding to the start of a part of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// A tuple component: its head slot is `offset` bytes into the tuple, whose head is `head`
    /// bytes; `deref` when the component is dynamic (the slot holds an offset).
    Field {
        offset: usize,
        head: usize,
        deref: bool,
    },
    /// An element of a fixed array of `len` elements, each `stride` head bytes.
    Fixed {
        pick: Pick,
        len: usize,
        stride: usize,
        deref: bool,
    },
    /// An element of a dynamic array: a length word, then elements of `stride` head bytes.
    Dynamic {
        pick: Pick,
        stride: usize,
        deref: bool,
    },
}

impl Step {
    fn is_each(&self) -> bool {
        matches!(
            self,
            Self::Fixed {
                pick: Pick::Each,
                ..
            } | Self::Dynamic {
                pick: Pick::Each,
                ..
            }
        )
    }
}

/// How the leaf is read once the steps reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tail {
    Word(WordType),
    /// `bytes` / `string`: content, or its length with `length`.
    Bytes {
        length: bool,
    },
    /// `.length` of a dynamic array whose elements take `stride` head bytes.
    ArrayLength {
        stride: usize,
    },
}

impl ParamPath {
    /// The normalised text of the path, e.g. `params.recipient` or `recipients[*]`. A parameter
    /// given by index is named when the signature names it.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What the leaf is.
    pub fn leaf_kind(&self) -> LeafKind {
        self.kind
    }

    /// The leaf's offset after the selector, when it is a static word at a fixed head position
    /// (reached through static tuple fields and fixed indices into static fixed arrays only).
    pub fn static_offset(&self) -> Option<usize> {
        self.static_offset
    }

    /// How many `[*]` the path has.
    pub fn wildcards(&self) -> usize {
        self.wildcards
    }

    /// Whether this path and `other` have their `[*]` on the same array (same steps up to it):
    /// required for nested `target`/`value` paths next to `calldata`.
    ///
    /// Both paths must come from the same signature. Two paths without `[*]` agree; with
    /// several `[*]`, every one must match.
    pub fn same_wildcard(&self, other: &ParamPath) -> bool {
        fn through_last_each(path: &ParamPath) -> &[Step] {
            let end = path
                .steps
                .iter()
                .rposition(Step::is_each)
                .map_or(0, |i| i.saturating_add(1));
            path.steps.get(..end).unwrap_or_default()
        }
        self.wildcards == other.wildcards && through_last_each(self) == through_last_each(other)
    }
}
