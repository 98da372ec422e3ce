//! How the JSON the crate writes spells numbers and addresses, and how it reads them back: a
//! 256-bit amount as a decimal string (JSON readers lose integers past 2^53), an address EIP-55
//! checksummed, as documents, action names and ledger keys spell it. Each is a unit type, so one
//! `#[serde(with = "…")]` names both the serde functions and, with the `schema` feature, the
//! JSON Schema.

use alloy_primitives::{Address, U256, Uint};
use core::{fmt, marker::PhantomData};
use serde::{Deserializer, Serializer, de};

/// A `U256` as a decimal string.
pub(crate) struct Decimal;

impl Decimal {
    pub(crate) fn serialize<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<U256, D::Error> {
        deserializer.deserialize_str(Text::<U256>::new("a decimal string", decimal))
    }
}

/// An `Option<U256>` as a decimal string, `"overflow"` for `None` (a figure past 2^256-1).
pub(crate) struct DecimalOrOverflow;

impl DecimalOrOverflow {
    pub(crate) fn serialize<S: Serializer>(
        value: &Option<U256>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serializer.collect_str(v),
            None => serializer.serialize_str("overflow"),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<U256>, D::Error> {
        let parse = |text: &str| match text {
            "overflow" => Some(None),
            _ => decimal(text).map(Some),
        };
        deserializer.deserialize_str(Text::new("a decimal string or \"overflow\"", parse))
    }
}

/// An `Address` EIP-55 checksummed; read in any case.
pub(crate) struct Checksummed;

impl Checksummed {
    pub(crate) fn serialize<S: Serializer>(
        address: &Address,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        // Display is the checksummed form.
        serializer.collect_str(address)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Address, D::Error> {
        deserializer.deserialize_str(Text::new("a 0x-prefixed 20-byte hex address", address))
    }
}

/// Digits only: no sign, no `0x`, no separators, so one amount has one spelling.
pub(crate) fn decimal<const BITS: usize, const LIMBS: usize>(
    text: &str,
) -> Option<Uint<BITS, LIMBS>> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Uint::from_str_radix(text, 10).ok()
}

fn address(text: &str) -> Option<Address> {
    let hex = text.strip_prefix("0x")?;
    if hex.len() != 40 {
        return None;
    }
    hex.parse().ok()
}

/// A visitor that reads a string through `parse`.
pub(crate) struct Text<T> {
    expecting: &'static str,
    parse: fn(&str) -> Option<T>,
    ty: PhantomData<T>,
}

impl<T> Text<T> {
    pub(crate) fn new(expecting: &'static str, parse: fn(&str) -> Option<T>) -> Self {
        Self {
            expecting,
            parse,
            ty: PhantomData,
        }
    }
}

impl<T> de::Visitor<'_> for Text<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).ok_or_else(|| E::invalid_value(de::Unexpected::Str(text), &self))
    }
}

/// Lowercase 0x-hex bytes (a selector, a word), as alloy writes them: schema only.
#[cfg(feature = "schema")]
pub(crate) struct Hex;

#[cfg(feature = "schema")]
mod schema {
    use super::{Checksummed, Decimal, DecimalOrOverflow, Hex};
    use alloc::borrow::Cow;
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    impl JsonSchema for Decimal {
        fn inline_schema() -> bool {
            true
        }
        fn schema_name() -> Cow<'static, str> {
            "Decimal".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "an unsigned 256-bit integer as a decimal string",
                "type": "string",
                "pattern": "^[0-9]+$"
            })
        }
    }

    impl JsonSchema for DecimalOrOverflow {
        fn inline_schema() -> bool {
            true
        }
        fn schema_name() -> Cow<'static, str> {
            "DecimalOrOverflow".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "an unsigned 256-bit integer as a decimal string, or \"overflow\" past 2^256-1",
                "type": "string",
                "pattern": "^([0-9]+|overflow)$"
            })
        }
    }

    impl JsonSchema for Checksummed {
        fn inline_schema() -> bool {
            true
        }
        fn schema_name() -> Cow<'static, str> {
            "Address".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "an address, EIP-55 checksummed",
                "type": "string",
                "pattern": "^0x[0-9a-fA-F]{40}$"
            })
        }
    }

    impl JsonSchema for Hex {
        fn inline_schema() -> bool {
            true
        }
        fn schema_name() -> Cow<'static, str> {
            "Hex".into()
        }
        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "description": "bytes as lowercase 0x-hex",
                "type": "string",
                "pattern": "^0x([0-9a-f]{2})*$"
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spelling_per_amount() {
        assert_eq!(decimal("0"), Some(U256::ZERO));
        assert_eq!(
            decimal::<512, 8>("1"),
            Some(alloy_primitives::U512::from(1u8))
        );
        assert_eq!(
            decimal(
                "115792089237316195423570985008687907853269984665640564039457584007913129639935"
            ),
            Some(U256::MAX)
        );
        for bad in [
            "",
            "+1",
            "-1",
            "0x10",
            "1_000",
            " 1",
            "1e3",
            "115792089237316195423570985008687907853269984665640564039457584007913129639936",
        ] {
            assert_eq!(decimal::<256, 4>(bad), None, "{bad}");
        }
    }

    #[test]
    fn addresses_are_read_in_any_case() {
        let a = "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045";
        assert_eq!(address(a), address(&a.to_lowercase()));
        assert!(address(a).is_some());
        assert_eq!(address("d8dA6BF26964aF9D7eEd9e03E53415D37aA96045"), None);
        assert_eq!(address("0xd8dA6BF26964aF9D7eEd9e03E53415D37aA960"), None);
    }
}
