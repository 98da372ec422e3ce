//! The JSON shapes of both importers. A leaf is given either as the exact `sessionKeyData` bytes
//! of the SessionKeyManager's Merkle leaf, or as readable fields; the readable fields are encoded
//! into those bytes before anything else, so both shapes compile through the same decoder.

use crate::calldata::Selector;
use crate::document::Quantity;
use alloc::{string::String, vec::Vec};
use alloy_primitives::{Address, Bytes};
use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A session of Biconomy's ABI session validation module (`"format": "biconomy-abi-svm"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AbiSvmDocument {
    /// Always `"biconomy-abi-svm"`.
    pub format: AbiSvmTag,
    /// A name for people and logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the session is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When set, calls on any other chain are denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// The leaves enabled in the account's Merkle root: alternatives, the signer picks one.
    pub sessions: Vec<AbiLeaf>,
}

/// A session of Biconomy's ERC20 session validation module (`"format": "biconomy-erc20-svm"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Erc20SvmDocument {
    /// Always `"biconomy-erc20-svm"`.
    pub format: Erc20SvmTag,
    /// A name for people and logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the session is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When set, calls on any other chain are denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// The leaves enabled in the account's Merkle root: alternatives, the signer picks one.
    pub sessions: Vec<Erc20Leaf>,
}

/// The ABI SVM format's tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AbiSvmTag {
    /// `"biconomy-abi-svm"`.
    #[serde(rename = "biconomy-abi-svm")]
    AbiSvm,
}

/// The ERC20 SVM format's tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Erc20SvmTag {
    /// `"biconomy-erc20-svm"`.
    #[serde(rename = "biconomy-erc20-svm")]
    Erc20Svm,
}

/// One ABI SVM leaf: the time bounds of the Merkle leaf, and `sessionKeyData` either as bytes
/// or as the readable fields (`sessionKey`, `destination`, `selector`, `valueLimit`, `rules`,
/// optionally `rulesCount`), never both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AbiLeaf {
    /// uint48 unix seconds; 0 means no end.
    pub valid_until: u64,
    /// uint48 unix seconds.
    pub valid_after: u64,
    /// The packed bytes the module reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_key_data: Option<Bytes>,
    /// The signer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_key: Option<Address>,
    /// The only contract the key may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Address>,
    /// The only function the key may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<Selector>,
    /// Largest native value per call, a uint128.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_limit: Option<Quantity>,
    /// The rules header field; the number of `rules` when absent. The module reads exactly
    /// this many rules, so a larger count makes every call fail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules_count: Option<u16>,
    /// Conditions on 32-byte words of the calldata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<AbiRuleDocument>>,
}

/// One readable ABI SVM rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AbiRuleDocument {
    /// Byte offset after the selector (uint16, any alignment).
    pub offset: u16,
    /// The module's condition code (0 to 255), or its name.
    pub condition: ConditionCode,
    /// The 32-byte reference, compared as an unsigned number.
    pub reference_value: Quantity,
}

/// A condition code as the module stores it: a uint8. Codes 6 and above fail every call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConditionCode(pub u8);

/// The names of codes 0 to 5, as in the module's source.
pub const CONDITION_NAMES: [&str; 6] = [
    "EQUAL",
    "LESS_THAN_OR_EQUAL",
    "LESS_THAN",
    "GREATER_THAN_OR_EQUAL",
    "GREATER_THAN",
    "NOT_EQUAL",
];

impl ConditionCode {
    /// The name of a known code.
    pub fn name(self) -> Option<&'static str> {
        CONDITION_NAMES.get(usize::from(self.0)).copied()
    }
}

impl fmt::Display for ConditionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} ({name})", self.0),
            None => write!(f, "{} (unknown)", self.0),
        }
    }
}

impl Serialize for ConditionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for ConditionCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = ConditionCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a condition code 0 to 255, or one of ")?;
                f.write_str(&CONDITION_NAMES.join(", "))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ConditionCode, E> {
                u8::try_from(v).map(ConditionCode).map_err(|_| {
                    E::custom(alloc::format!(
                        "{v} is not a uint8 condition code (0 to 255)"
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ConditionCode, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom(alloc::format!("{v} is negative")))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ConditionCode, E> {
                CONDITION_NAMES
                    .iter()
                    .position(|name| name.eq_ignore_ascii_case(v))
                    .and_then(|i| u8::try_from(i).ok())
                    .map(ConditionCode)
                    .ok_or_else(|| {
                        E::custom(alloc::format!(
                            "`{v}` is not a condition; use a code 0 to 255 or one of {}",
                            CONDITION_NAMES.join(", ")
                        ))
                    })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// One ERC20 SVM leaf: the time bounds of the Merkle leaf, and `sessionKeyData` either as bytes
/// or as the readable fields (`sessionKey`, `token`, `recipient`, `maxAmount`), never both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Erc20Leaf {
    /// uint48 unix seconds; 0 means no end.
    pub valid_until: u64,
    /// uint48 unix seconds.
    pub valid_after: u64,
    /// `abi.encode(address sessionKey, address token, address recipient, uint256 maxAmount)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_key_data: Option<Bytes>,
    /// The signer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_key: Option<Address>,
    /// The only contract the key may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<Address>,
    /// The first argument every call must carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Address>,
    /// Largest second argument per call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_amount: Option<Quantity>,
}
