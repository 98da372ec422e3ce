//! The head layout of a signature's parameters: the static elementary words Solidity's decoder
//! validates, and the size and depth limits that keep checking them cheap.

use super::{MAX_HEAD_WORDS, MAX_TYPE_DEPTH, NamedType, SignatureError};
use crate::calldata::WordType;
use alloc::vec::Vec;
use alloy_dyn_abi::DynSolType;

/// One static elementary word of the head, validated on every call the action matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeadWord {
    /// Byte offset after the selector.
    pub offset: usize,
    /// The type whose validity rule applies.
    pub ty: WordType,
}

/// How many head words a type occupies: 1 for dynamic types, its full size for static ones.
pub(super) fn head_words(ty: &DynSolType) -> Option<usize> {
    if ty.is_dynamic() {
        return Some(1);
    }
    let words = match ty {
        DynSolType::FixedArray(inner, len) => head_words(inner)?.checked_mul(*len)?,
        DynSolType::Tuple(fields) => fields
            .iter()
            .try_fold(0usize, |acc, f| acc.checked_add(head_words(f)?))?,
        _ => 1,
    };
    (words <= MAX_HEAD_WORDS).then_some(words)
}

/// Appends every elementary word of a static type laid out from `offset`.
pub(super) fn static_leaves(
    ty: &DynSolType,
    offset: usize,
    out: &mut Vec<HeadWord>,
) -> Result<usize, SignatureError> {
    match ty {
        DynSolType::FixedArray(inner, len) => {
            let mut at = offset;
            for _ in 0..*len {
                at = static_leaves(inner, at, out)?;
            }
            Ok(at)
        }
        DynSolType::Tuple(fields) => fields
            .iter()
            .try_fold(offset, |at, f| static_leaves(f, at, out)),
        // `function` types are 24 bytes left-aligned, like bytes24.
        DynSolType::Function => push_word(out, offset, WordType::FixedBytes(24)),
        other => {
            let word = WordType::from_dyn(other).ok_or(SignatureError::HeadTooLarge)?;
            push_word(out, offset, word)
        }
    }
}

pub(super) fn push_word(
    out: &mut Vec<HeadWord>,
    offset: usize,
    ty: WordType,
) -> Result<usize, SignatureError> {
    if out.len() >= MAX_HEAD_WORDS {
        return Err(SignatureError::HeadTooLarge);
    }
    out.push(HeadWord { offset, ty });
    offset.checked_add(32).ok_or(SignatureError::HeadTooLarge)
}

/// Refuses types too deep, too large or with ambiguous component names.
pub(super) fn check_type(ty: &NamedType, index: usize) -> Result<(), SignatureError> {
    if ty.depth() > MAX_TYPE_DEPTH {
        return Err(SignatureError::TooDeep { index });
    }
    check_sizes(ty, index)
}

fn check_sizes(ty: &NamedType, index: usize) -> Result<(), SignatureError> {
    const LIMIT: usize = MAX_HEAD_WORDS * 32;
    let size = ty.head_size().ok_or(SignatureError::HeadTooLarge)?;
    let own = ty.own_head_size().unwrap_or(0);
    if size > LIMIT || own > LIMIT {
        return Err(SignatureError::HeadTooLarge);
    }
    match ty {
        NamedType::Elementary(_) => Ok(()),
        NamedType::Array(inner) | NamedType::FixedArray(inner, _) => check_sizes(inner, index),
        NamedType::Tuple(components) => {
            for (i, c) in components.iter().enumerate() {
                if let Some(name) = &c.name {
                    let earlier = components.get(..i).unwrap_or_default();
                    if earlier.iter().any(|e| e.name.as_ref() == Some(name)) {
                        return Err(SignatureError::DuplicateName {
                            index,
                            name: name.clone(),
                        });
                    }
                }
                check_sizes(&c.ty, index)?;
            }
            Ok(())
        }
    }
}
