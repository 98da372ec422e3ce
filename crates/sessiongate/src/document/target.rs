//! How a [`Target`] and addresses are written in documents.

use crate::compiled::Target;
use alloc::string::String;
use alloy_primitives::Address;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text == "*" {
            return Ok(Self::Any);
        }
        parse_address(&text)
            .map(Self::Address)
            .map_err(de::Error::custom)
    }
}

/// Deserializes an address with [`parse_address`]'s messages, for `#[serde(deserialize_with)]`.
pub(crate) fn deserialize_address<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Address, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_address(&text).map_err(de::Error::custom)
}

/// Parses a 0x-prefixed 20-byte hex address, with a message that says what is wrong.
pub(crate) fn parse_address(text: &str) -> Result<Address, String> {
    use alloc::format;
    let Some(hex) = text.strip_prefix("0x") else {
        return Err(format!("`{text}` is not an address: it must start with 0x"));
    };
    if hex.len() != 40 {
        return Err(format!(
            "`{text}` is not an address: it has {} hex digits, not 40",
            hex.len()
        ));
    }
    text.parse()
        .map_err(|_| format!("`{text}` is not an address: bad hex"))
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Target {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "Target".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "a contract address, or \"*\" for any",
            "type": "string",
            "pattern": "^(\\*|0x[0-9a-fA-F]{40})$"
        })
    }
}
