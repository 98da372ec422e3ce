//! Budgets as documents write them: a bare cap, a cap with a time shape, or a reference to a
//! budget the session defines once and several rules and policies share.

use super::Quantity;
use alloc::{format, string::String};
use core::fmt;
use serde::{Deserialize, Deserializer, Serialize, de};

/// A cap on a cumulative amount: `1000` (for the session's lifetime),
/// `{"limit": 1000, "period": 86400}` (per fixed window), `{"limit": 1000, "refill": 100,
/// "period": 3600}` (refilling) or `{"shared": "usdc"}` (a session-level budget by name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum BudgetDocument {
    /// A lifetime cap.
    Cap(Quantity),
    /// A cap with a time shape, or a shared budget's name.
    Spec(BudgetSpec),
}

/// A budget with a time shape, or a reference to a shared one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetSpec {
    /// The cap: per window with `period`, the bucket's size with `refill`, else for all time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Quantity>,
    /// Window or refill period, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u64>,
    /// When the first window opens, unix seconds; 0 (the epoch) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u64>,
    /// What each whole period adds back, never above `limit`; the budget starts full.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refill: Option<Quantity>,
    /// The name of a budget in the session's `budgets`, counted once for all who name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<String>,
}

impl From<Quantity> for BudgetDocument {
    fn from(cap: Quantity) -> Self {
        Self::Cap(cap)
    }
}

impl From<u64> for BudgetDocument {
    fn from(cap: u64) -> Self {
        Self::Cap(Quantity::from(cap))
    }
}

// By hand, so a wrong field inside the object is reported as such, not as "no variant matched".
impl<'de> Deserialize<'de> for BudgetDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = BudgetDocument;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a cap (integer or decimal / 0x-hex string) or an object such as \
                     {\"limit\": 1000, \"period\": 86400} or {\"shared\": \"name\"}",
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(BudgetDocument::Cap(Quantity::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                u64::try_from(v)
                    .map(|v| BudgetDocument::Cap(Quantity::from(v)))
                    .map_err(|_| E::custom(format!("{v} is negative; a cap is unsigned")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                v.parse().map(BudgetDocument::Cap).map_err(E::custom)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                BudgetSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(BudgetDocument::Spec)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
