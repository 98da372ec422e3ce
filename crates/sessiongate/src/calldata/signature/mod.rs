//! Human-readable function signatures, resolved once into a selector, parameters and the head
//! layout: the parser of the text is in `parser`, the ABI type model it builds in `types`, and the
//! head's static words and size checks in `layout`.

mod layout;
mod parser;
#[cfg(test)]
mod tests;
mod types;

pub use layout::HeadWord;
pub use types::{Component, NamedType};

use super::{Selector, WordType};
use alloc::{boxed::Box, string::String, vec::Vec};
use alloy_dyn_abi::DynSolType;
use alloy_primitives::keccak256;
use core::fmt::Write as _;
use layout::{check_type, head_words, push_word, static_leaves};
use parser::Parser;

/// Heads larger than this many words are refused: no real function has them, and a huge
/// fixed array in a signature would otherwise make every check walk thousands of words.
const MAX_HEAD_WORDS: usize = 256;

/// Types nested deeper than this (tuples and arrays, each a level) are refused.
pub const MAX_TYPE_DEPTH: usize = 16;

/// A human-readable function signature resolved once into its selector and head layout.
#[derive(Clone, Debug)]
pub struct Signature {
    selector: Selector,
    canonical: String,
    params: Box<[Param]>,
    head: Box<[HeadWord]>,
    head_len: usize,
}

/// One top-level parameter of a signature.
#[derive(Clone, Debug)]
pub struct Param {
    /// Its name, when the signature gives one.
    pub name: Option<String>,
    /// Its ABI type.
    pub ty: DynSolType,
    /// Its ABI type with the names the signature gives tuple components.
    pub named: NamedType,
    /// Byte offset of its head slot after the selector.
    pub offset: usize,
}

/// Why a signature could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The text is not a function signature.
    #[error("{0}")]
    Syntax(SyntaxError),
    /// A parameter type is not an ABI type.
    #[error(
        "parameter {index} has unknown type `{ty}`; write an ABI type such as `address`, \
         `uint256`, `bytes32`, `bytes`, `string`, `(address to, uint256 amount)` or `uint256[]`"
    )]
    UnknownType {
        /// Parameter position.
        index: usize,
        /// The type as written.
        ty: String,
    },
    /// The static head is too large to check.
    #[error("the signature's static head has more than {MAX_HEAD_WORDS} words")]
    HeadTooLarge,
    /// Tuples and arrays nest too deeply.
    #[error(
        "parameter {index} nests tuples and arrays more than {MAX_TYPE_DEPTH} levels deep; \
         no contract needs that many"
    )]
    TooDeep {
        /// Parameter position.
        index: usize,
    },
    /// Two components of one tuple have the same name, so a path could not tell them apart.
    #[error(
        "parameter {index} has a tuple with two components named `{name}`; give each its own name"
    )]
    DuplicateName {
        /// Parameter position.
        index: usize,
        /// The repeated name.
        name: String,
    },
}

/// Where a signature stops being one, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a function signature: expected {expected} at byte {at}; write it like \
     `transfer(address to, uint256 amount)` or `swap((address tokenIn, uint256 amountIn) params)`"
)]
pub struct SyntaxError {
    /// The signature as given.
    pub text: String,
    /// Byte position of the problem.
    pub at: usize,
    /// What the parser expected there.
    pub expected: &'static str,
}

impl Signature {
    /// Parses `transfer(address to, uint256 amount)`, with or without a leading `function` and
    /// a trailing `external returns (bool)`. Tuples may name their components at any depth:
    /// `exactInputSingle((address tokenIn, address tokenOut, uint24 fee) params)`. The selector
    /// and canonical form depend on the types alone.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        let parsed = Parser::new(text).signature()?;
        let mut params = Vec::with_capacity(parsed.inputs.len());
        let mut head = Vec::new();
        let mut offset = 0usize;
        let mut canonical = String::with_capacity(text.len());
        canonical.push_str(parsed.name);
        canonical.push('(');
        for (index, input) in parsed.inputs.into_iter().enumerate() {
            let Some(named) = input.ty else {
                // Only outputs skip resolution; inputs always resolve.
                return Err(SignatureError::UnknownType {
                    index,
                    ty: String::new(),
                });
            };
            check_type(&named, index)?;
            let ty = named.to_dyn();
            let words = head_words(&ty).ok_or(SignatureError::HeadTooLarge)?;
            if ty.is_dynamic() {
                // A dynamic parameter's head slot is an offset: checked as a uint256 word.
                push_word(&mut head, offset, WordType::Uint(256))?;
            } else {
                static_leaves(&ty, offset, &mut head)?;
            }
            if index > 0 {
                canonical.push(',');
            }
            // Solidity's canonical form: `(bool)` for a one-component tuple, unlike alloy's
            // `sol_type_name`, which writes `(bool,)`.
            let _ = write!(canonical, "{named}");
            params.push(Param {
                name: input.name.map(String::from),
                ty,
                named,
                offset,
            });
            offset = words
                .checked_mul(32)
                .and_then(|len| offset.checked_add(len))
                .ok_or(SignatureError::HeadTooLarge)?;
        }
        canonical.push(')');
        if offset > MAX_HEAD_WORDS * 32 {
            return Err(SignatureError::HeadTooLarge);
        }
        let hash = keccak256(canonical.as_bytes());
        let selector = hash
            .get(..4)
            .map(Selector::from_slice)
            .ok_or(SignatureError::HeadTooLarge)?;
        Ok(Self {
            selector,
            canonical,
            params: params.into(),
            head: head.into(),
            head_len: offset,
        })
    }

    /// The 4-byte selector: the first bytes of keccak256 of the canonical signature.
    pub fn selector(&self) -> Selector {
        self.selector
    }

    /// The canonical form, e.g. `transfer(address,uint256)`.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The top-level parameters in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The static elementary words of the head, in order.
    pub fn head(&self) -> &[HeadWord] {
        &self.head
    }

    /// The head's length in bytes after the selector: calldata shorter than `4 + head_len`
    /// makes Solidity revert before any code runs.
    pub fn head_len(&self) -> usize {
        self.head_len
    }

    /// Finds a parameter by name.
    pub fn param_by_name(&self, name: &str) -> Option<(usize, &Param)> {
        self.params
            .iter()
            .enumerate()
            .find(|(_, p)| p.name.as_deref() == Some(name))
    }
}
