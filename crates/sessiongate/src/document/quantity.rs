//! Numbers as JSON documents write them: JSON integers up to 2^64, or decimal / 0x-hex strings
//! for anything larger. Strings are parsed strictly: no signs, spaces or underscores.

use alloc::{format, string::String};
use alloy_primitives::U256;
use core::{fmt, str::FromStr};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// An unsigned 256-bit quantity: a JSON integer, or a decimal or `0x` hex string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(pub U256);

impl From<U256> for Quantity {
    fn from(value: U256) -> Self {
        Self(value)
    }
}

impl From<u64> for Quantity {
    fn from(value: u64) -> Self {
        Self(U256::from(value))
    }
}

/// Why a quantity string was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a quantity: {why}")]
pub struct QuantityError {
    text: String,
    why: &'static str,
}

/// Parses a decimal or `0x`-prefixed hex string into a U256, refusing anything else.
pub fn parse_u256(text: &str) -> Result<U256, QuantityError> {
    let fail = |why| QuantityError {
        text: text.into(),
        why,
    };
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    if digits.is_empty() {
        return Err(fail("no digits"));
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(fail(if radix == 16 {
            "not hex digits"
        } else {
            "not decimal digits"
        }));
    }
    U256::from_str_radix(digits, radix.into()).map_err(|_| fail("larger than 2^256-1"))
}

impl FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_u256(text).map(Self)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match u64::try_from(self.0) {
            Ok(small) if small < (1 << 53) => serializer.serialize_u64(small),
            _ => serializer.collect_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer, or a decimal or 0x-hex string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity::from(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                u64::try_from(v)
                    .map(Quantity::from)
                    .map_err(|_| E::custom(format!("{v} is negative; a quantity is unsigned")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
                Err(E::custom(format!(
                    "{v} is not an integer; write large numbers as decimal strings"
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
                v.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Quantity {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "Quantity".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "an unsigned 256-bit integer: a JSON integer, or a decimal or 0x-hex string",
            "oneOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^([0-9]+|0[xX][0-9a-fA-F]+)$" }
            ]
        })
    }
}

/// One reference value of a rule as written: its meaning depends on the parameter's type, so it
/// is parsed when the document is compiled, not here.
///
/// Integers beyond 64 bits are written as decimal strings (JSON readers take them as floats), so
/// `Int(i)` and `Text` holding the decimal of `i` are equal: they mean the same reference value.
#[derive(Clone, Debug, Eq)]
pub enum Scalar {
    /// `true` or `false`.
    Bool(bool),
    /// A JSON integer (may be negative, for `intN` parameters).
    Int(i128),
    /// A string: decimal (optionally negative), `0x` hex, an address, or `true`/`false`.
    Text(String),
}

impl PartialEq for Scalar {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::Int(a), Self::Int(b)) => a == b,
            (Self::Text(a), Self::Text(b)) => a == b,
            (Self::Int(i), Self::Text(t)) | (Self::Text(t), Self::Int(i)) => {
                t.parse::<i128>().is_ok_and(|parsed| parsed == *i) && !t.starts_with('+')
            }
            _ => false,
        }
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(i) => write!(f, "{i}"),
            Self::Text(t) => f.write_str(t),
        }
    }
}

impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bool(b) => serializer.serialize_bool(*b),
            // JSON readers take integers beyond 64 bits as floats; a decimal string reads back exactly.
            Self::Int(i) if i64::try_from(*i).is_ok() || u64::try_from(*i).is_ok() => {
                serializer.serialize_i128(*i)
            }
            Self::Int(i) => serializer.collect_str(i),
            Self::Text(t) => serializer.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean, an integer, or a string")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v.into()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Err(E::custom(format!(
                    "{v} is not an integer; write large numbers as decimal strings"
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.into()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Scalar {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "Scalar".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "a reference value, read per the parameter's type: integer or decimal/0x-hex string for uintN/intN, hex string for address and bytesN, boolean for bool",
            "type": ["boolean", "integer", "string"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_strings() {
        assert_eq!(parse_u256("1000").unwrap(), U256::from(1000));
        assert_eq!(parse_u256("0xff").unwrap(), U256::from(255));
        for bad in ["", "0x", "-1", "1_000", " 1", "1e3", "0xgg", "+5"] {
            assert!(parse_u256(bad).is_err(), "{bad} accepted");
        }
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
        assert_eq!(parse_u256(max).unwrap(), U256::MAX);
        assert!(
            parse_u256(
                "115792089237316195423570985008687907853269984665640564039457584007913129639936"
            )
            .is_err()
        );
    }

    #[test]
    fn json_forms() {
        let q: Quantity = serde_json::from_str("42").unwrap();
        assert_eq!(q.0, U256::from(42));
        let q: Quantity = serde_json::from_str("\"0x2a\"").unwrap();
        assert_eq!(q.0, U256::from(42));
        assert!(serde_json::from_str::<Quantity>("-1").is_err());
        assert!(serde_json::from_str::<Quantity>("1.5").is_err());
        assert!(serde_json::from_str::<Quantity>("true").is_err());
        let big = Quantity(U256::MAX);
        let text = serde_json::to_string(&big).unwrap();
        assert_eq!(serde_json::from_str::<Quantity>(&text).unwrap(), big);
    }
}
