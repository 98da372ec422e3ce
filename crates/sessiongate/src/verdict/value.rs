//! The values a condition compares, as a verdict shows them.

use crate::calldata::WordType;
use crate::document::Condition as Op;
use alloc::vec::Vec;
use alloy_primitives::{Address, B256, I256, U256, U512};
use core::fmt;
use serde::{Serialize, Serializer};

/// A condition as a verdict shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// The operator.
    pub op: Op,
    /// Its operands: one, `[min, max]`, or the set.
    pub values: Vec<Value>,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.values.first();
        let one = |f: &mut fmt::Formatter<'_>, sym: &str| match first {
            Some(v) => write!(f, "{sym} {v}"),
            None => f.write_str(sym),
        };
        match self.op {
            Op::Eq => one(f, "="),
            Op::Ne => one(f, "≠"),
            Op::Gt => one(f, ">"),
            Op::Gte => one(f, "≥"),
            Op::Lt => one(f, "<"),
            Op::Lte => one(f, "≤"),
            Op::InRange => match (first, self.values.get(1)) {
                (Some(lo), Some(hi)) => write!(f, "within [{lo}, {hi}]"),
                _ => f.write_str("within a range"),
            },
            Op::BitsAll => one(f, "all bits of"),
            Op::BitsAny => one(f, "any bit of"),
            Op::Prefix => one(f, "starts with"),
            Op::OneOf => {
                f.write_str("one of [")?;
                for (i, v) in self.values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A parameter value read per its ABI type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// `uintN`.
    Uint(U256),
    /// `intN`.
    Int(I256),
    /// `address`.
    Address(Address),
    /// `bool`.
    Bool(bool),
    /// `bytesN`, left-aligned in the word.
    Bytes(B256, u8),
    /// An exact bound `num / den`: a relation's other parameter times its ratio. Shown as a
    /// decimal with every digit it has, or as a fraction when it has no finite decimal.
    Ratio {
        /// The numerator: the other parameter times the ratio's numerator.
        num: U512,
        /// The denominator (not 0).
        den: U256,
    },
}

impl Value {
    /// Reads a valid word as a value of type `ty`.
    pub fn of(ty: WordType, word: U256) -> Self {
        match ty {
            WordType::Uint(_) => Self::Uint(word),
            WordType::Int(_) => Self::Int(I256::from_raw(word)),
            WordType::Address => Self::Address(Address::from_word(word.to_be_bytes::<32>().into())),
            WordType::Bool => Self::Bool(!word.is_zero()),
            WordType::FixedBytes(len) => Self::Bytes(word.to_be_bytes::<32>().into(), len),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Uint(v) => write!(f, "{v}"),
            Self::Int(v) => write!(f, "{v}"),
            Self::Address(a) => write!(f, "{a}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Bytes(b, len) => {
                let len = usize::from(*len).min(32);
                f.write_str("0x")?;
                b.iter()
                    .take(len)
                    .try_for_each(|byte| write!(f, "{byte:02x}"))
            }
            Self::Ratio { num, den } => exact(f, *num, U512::from(*den)),
        }
    }
}

/// `num / den` written exactly: the whole part, then every decimal digit when the expansion
/// ends (the denominator has no prime factor but 2 and 5), else as `num/den`.
fn exact(f: &mut fmt::Formatter<'_>, num: U512, den: U512) -> fmt::Result {
    let (Some(whole), Some(mut rest)) = (num.checked_div(den), num.checked_rem(den)) else {
        return write!(f, "{num}/{den}");
    };
    if rest.is_zero() {
        return write!(f, "{whole}");
    }
    if !ends_in_decimal(rest, den) {
        return write!(f, "{num}/{den}");
    }
    write!(f, "{whole}.")?;
    let ten = U512::from(10u8);
    // At most 256 digits: the reduced denominator is 2^a·5^b below 2^256.
    while !rest.is_zero() {
        let Some(shifted) = rest.checked_mul(ten) else {
            break;
        };
        let digit = shifted.checked_div(den).unwrap_or_default();
        rest = shifted.checked_rem(den).unwrap_or_default();
        write!(f, "{digit}")?;
    }
    Ok(())
}

/// Whether `rest / den` (0 < rest < den) has a finite decimal expansion.
fn ends_in_decimal(rest: U512, den: U512) -> bool {
    let Some(mut reduced) = den.checked_div(rest.gcd(den)) else {
        return false;
    };
    for factor in [U512::from(2u8), U512::from(5u8)] {
        while !reduced.is_zero() && reduced.checked_rem(factor).is_some_and(|r| r.is_zero()) {
            reduced = reduced.checked_div(factor).unwrap_or_default();
        }
    }
    reduced == U512::from(1u8)
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bool(b) => serializer.serialize_bool(*b),
            other => serializer.collect_str(other),
        }
    }
}
