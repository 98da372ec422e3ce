//! The ABI type tree a signature writes, with the names it gives tuple components.

use alloc::{boxed::Box, string::String};
use alloy_dyn_abi::DynSolType;
use core::fmt;

/// An ABI type as the signature writes it: like [`DynSolType`], but tuples keep the names of
/// their components (`(address tokenIn, uint24 fee)`), so parameter paths can select them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamedType {
    /// An elementary type: `address`, `bool`, `uintN`, `intN`, `bytesN`, `function`, `bytes`
    /// or `string`.
    Elementary(DynSolType),
    /// A dynamic array `T[]`.
    Array(Box<NamedType>),
    /// A fixed array `T[N]`.
    FixedArray(Box<NamedType>, usize),
    /// A tuple `(T1 a, T2 b, ...)`; a component's name is optional.
    Tuple(Box<[Component]>),
}

/// One component of a tuple in a [`NamedType`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Its name, when the signature gives one.
    pub name: Option<String>,
    /// Its type.
    pub ty: NamedType,
}

impl NamedType {
    /// The same type without component names.
    pub fn to_dyn(&self) -> DynSolType {
        match self {
            Self::Elementary(ty) => ty.clone(),
            Self::Array(inner) => DynSolType::Array(Box::new(inner.to_dyn())),
            Self::FixedArray(inner, len) => DynSolType::FixedArray(Box::new(inner.to_dyn()), *len),
            Self::Tuple(components) => {
                DynSolType::Tuple(components.iter().map(|c| c.ty.to_dyn()).collect())
            }
        }
    }

    /// Whether the type is dynamic in the ABI sense: `bytes`, `string`, `T[]`, or anything that
    /// contains one. A dynamic value's head slot holds an offset to its encoding.
    pub fn is_dynamic(&self) -> bool {
        match self {
            Self::Elementary(ty) => matches!(ty, DynSolType::Bytes | DynSolType::String),
            Self::Array(_) => true,
            Self::FixedArray(inner, _) => inner.is_dynamic(),
            Self::Tuple(components) => components.iter().any(|c| c.ty.is_dynamic()),
        }
    }

    /// How many bytes the type takes in the head of the tuple or array that holds it: 32 for
    /// a dynamic type (its offset word), its whole encoding for a static one. Signatures refuse
    /// types whose size would exceed the head limit, so this never overflows for their types;
    /// `None` if it would.
    pub fn head_size(&self) -> Option<usize> {
        if self.is_dynamic() {
            return Some(32);
        }
        match self {
            Self::Elementary(_) | Self::Array(_) => Some(32),
            Self::FixedArray(inner, len) => inner.head_size()?.checked_mul(*len),
            Self::Tuple(components) => components
                .iter()
                .try_fold(0usize, |acc, c| acc.checked_add(c.ty.head_size()?)),
        }
    }

    /// The size in bytes of the head of this tuple or array's own encoding: the sum of its
    /// components' head sizes (a tuple), or `len` elements' (a fixed array). `None` for other
    /// types (a dynamic array's head depends on its length).
    pub fn own_head_size(&self) -> Option<usize> {
        match self {
            Self::FixedArray(inner, len) => inner.head_size()?.checked_mul(*len),
            Self::Tuple(components) => components
                .iter()
                .try_fold(0usize, |acc, c| acc.checked_add(c.ty.head_size()?)),
            _ => None,
        }
    }

    /// How deeply tuples and arrays nest in the type: 0 for an elementary type.
    pub fn depth(&self) -> usize {
        match self {
            Self::Elementary(_) => 0,
            Self::Array(inner) | Self::FixedArray(inner, _) => inner.depth().saturating_add(1),
            Self::Tuple(components) => components
                .iter()
                .map(|c| c.ty.depth())
                .max()
                .unwrap_or(0)
                .saturating_add(1),
        }
    }
}

/// Writes the canonical type as Solidity hashes it, e.g. `(address,uint256)[]` or `(bool)`.
impl fmt::Display for NamedType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Elementary(ty) => f.write_str(&ty.sol_type_name()),
            Self::Array(inner) => write!(f, "{inner}[]"),
            Self::FixedArray(inner, len) => write!(f, "{inner}[{len}]"),
            Self::Tuple(components) => {
                f.write_str("(")?;
                for (i, c) in components.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", c.ty)?;
                }
                f.write_str(")")
            }
        }
    }
}
