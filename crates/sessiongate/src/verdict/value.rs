//! The values a condition compares, as a verdict shows them.

use crate::calldata::WordType;
use crate::condition::Condition as Op;
use crate::wire::{Checksummed, Decimal};
use alloc::{
    string::{String, ToString},
    vec::Vec,
};
use alloy_primitives::{Address, B256, I256, U256, U512, hex};
use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de, ser::SerializeStruct};

/// A condition as a verdict shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

/// A parameter value read per its ABI type. A later version may add kinds of value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
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

impl Value {
    /// The kind its JSON names.
    fn kind(&self) -> &'static str {
        match self {
            Self::Uint(_) => "uint",
            Self::Int(_) => "int",
            Self::Address(_) => "address",
            Self::Bool(_) => "bool",
            Self::Bytes(..) => "bytes",
            Self::Ratio { .. } => "ratio",
        }
    }
}

/// Tagged by `kind`, as every enum of a verdict; `value` is the text a sentence shows (a bool
/// stays a bool), so a reader that shows values needs nothing else, and a ratio adds its exact
/// `num` and `den`, which its decimal may not hold.
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ratio = match self {
            Self::Ratio { num, den } => Some((num, den)),
            _ => None,
        };
        let fields = if ratio.is_some() { 4 } else { 2 };
        let mut out = serializer.serialize_struct("Value", fields)?;
        out.serialize_field("kind", self.kind())?;
        match self {
            Self::Bool(b) => out.serialize_field("value", b)?,
            other => out.serialize_field("value", &Shown(other))?,
        }
        if let Some((num, den)) = ratio {
            out.serialize_field("num", &Shown(num))?;
            out.serialize_field("den", &Shown(den))?;
        }
        out.end()
    }
}

/// Serializes through `Display`, without an intermediate string.
struct Shown<T>(T);

impl<T: fmt::Display> Serialize for Shown<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

// A value as JSON holds it: read, then checked into a `Value`. Its doc comments are the schema's.
/// A parameter value read per its ABI type, tagged by `kind`.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Value"))]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Wire {
    /// `uintN`, in decimal.
    Uint {
        /// The number.
        #[serde(with = "Decimal")]
        value: U256,
    },
    /// `intN`, in decimal, with `-` when negative.
    Int {
        /// The number.
        #[cfg_attr(feature = "schema", schemars(regex(pattern = "^-?[0-9]+$")))]
        value: String,
    },
    /// `address`.
    Address {
        /// The address.
        #[serde(with = "Checksummed")]
        value: Address,
    },
    /// `bool`.
    Bool {
        /// The flag.
        value: bool,
    },
    /// `bytesN`: its N bytes.
    Bytes {
        /// The bytes.
        #[cfg_attr(feature = "schema", schemars(with = "crate::wire::Hex"))]
        value: String,
    },
    /// A relation's exact bound, `num / den`.
    Ratio {
        /// The bound in decimal, or as `num/den` when it has no finite decimal.
        value: String,
        /// The numerator.
        #[cfg_attr(feature = "schema", schemars(with = "Decimal"))]
        num: String,
        /// The denominator, not 0.
        #[serde(with = "Decimal")]
        den: U256,
    },
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bad =
            |what: &str, text: &str| de::Error::invalid_value(de::Unexpected::Str(text), &what);
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Uint { value } => Self::Uint(value),
            Wire::Int { value } => {
                Self::Int(I256::from_dec_str(&value).map_err(|_| bad("a decimal intN", &value))?)
            }
            Wire::Address { value } => Self::Address(value),
            Wire::Bool { value } => Self::Bool(value),
            Wire::Bytes { value } => fixed_bytes(&value)
                .map(|(word, len)| Self::Bytes(word, len))
                .ok_or_else(|| bad("0x and 1 to 32 bytes of hex", &value))?,
            Wire::Ratio { value, num, den } => {
                let ratio = Self::Ratio {
                    num: crate::wire::decimal(&num)
                        .ok_or_else(|| bad("a decimal numerator", &num))?,
                    den: Some(den)
                        .filter(|d| !d.is_zero())
                        .ok_or_else(|| de::Error::custom("a ratio's denominator is 0"))?,
                };
                // The text is derived from num and den: one that disagrees was not written here.
                if ratio.to_string() != value {
                    return Err(bad("the ratio's num / den", &value));
                }
                ratio
            }
        })
    }
}

/// `0x` and 1 to 32 bytes, left-aligned in a word as `bytesN` is.
fn fixed_bytes(text: &str) -> Option<(B256, u8)> {
    let bytes = hex::decode(text.strip_prefix("0x")?).ok()?;
    let len = u8::try_from(bytes.len())
        .ok()
        .filter(|n| (1..=32).contains(n))?;
    let mut word = B256::ZERO;
    word.get_mut(..bytes.len())?.copy_from_slice(&bytes);
    Some((word, len))
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Value {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "Value".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Wire::json_schema(generator)
    }
}
