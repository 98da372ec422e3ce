//! A ledger as JSON text: an object of counter to decimal amount, in key order. A counter named
//! twice is refused, whatever the deserializer: which amount would be meant is unknowable, and
//! keeping the smaller one would let a spent budget be spent again.

use crate::document::{LoadError, Quantity, duplicate_key, from_json_text};
use crate::ledger::MemoryLedger;
use alloc::{collections::BTreeMap, string::String};
use alloy_primitives::map::HashMap;
use core::fmt;
use serde::{Deserialize, Serialize, de};

impl MemoryLedger {
    /// Reads a ledger as [`Serialize`] writes it: a JSON object of counter to amount. A counter
    /// named twice is an error naming it.
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        Ok(from_json_text(text)?)
    }
}

impl Serialize for MemoryLedger {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let sorted: BTreeMap<&str, Quantity> = self
            .entries
            .iter()
            .map(|(k, v)| (k.as_str(), Quantity(*v)))
            .collect();
        sorted.serialize(serializer)
    }
}

/// A counter named twice is refused, whatever the deserializer: which amount would be meant is
/// unknowable, and keeping the smaller one would let a spent budget be spent again.
impl<'de> Deserialize<'de> for MemoryLedger {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> de::Visitor<'de> for Entries {
            type Value = MemoryLedger;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of counter to amount")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = HashMap::default();
                while let Some(key) = map.next_key::<String>()? {
                    if entries.contains_key(&key) {
                        return Err(duplicate_key(&key));
                    }
                    let amount: Quantity = map.next_value()?;
                    entries.insert(key, amount.0);
                }
                Ok(MemoryLedger { entries })
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Effect, LedgerKey};
    use alloy_primitives::U256;

    #[test]
    fn apply_is_all_or_nothing() {
        let mut ledger = MemoryLedger::new();
        ledger.set("a", U256::MAX);
        let effects = [
            Effect {
                key: LedgerKey::new("b"),
                add: U256::from(1),
            },
            Effect {
                key: LedgerKey::new("a"),
                add: U256::from(1),
            },
        ];
        assert!(ledger.apply(&effects).is_err());
        assert_eq!(ledger.get("b"), U256::ZERO);
        ledger.apply(&effects[..1]).unwrap();
        assert_eq!(ledger.get("b"), U256::from(1));
    }

    #[test]
    fn serde_round_trip() {
        let mut ledger = MemoryLedger::new();
        ledger.set("session/policies[0]", U256::MAX);
        ledger.set("actions/pay/rules[0]", U256::from(7));
        let text = serde_json::to_string(&ledger).unwrap();
        assert!(text.contains("\"actions/pay/rules[0]\":7"));
        assert_eq!(serde_json::from_str::<MemoryLedger>(&text).unwrap(), ledger);
        assert_eq!(MemoryLedger::from_json(&text).unwrap(), ledger);
    }

    #[test]
    fn a_counter_named_twice_is_refused() {
        let text = "{\"actions/pay/rules[1]\": \"25000000\", \"actions/pay/rules[1]\": 0}";
        let e = MemoryLedger::from_json(text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "duplicate key `actions/pay/rules[1]` (line 1, column 59)"
        );
        // Serde alone refuses it too, for callers that bypass `from_json`.
        let e = serde_json::from_str::<MemoryLedger>(text).unwrap_err();
        assert!(
            e.to_string()
                .contains("duplicate key `actions/pay/rules[1]`"),
            "{e}"
        );
        let e = MemoryLedger::from_json("{\"a\": 1, \"a\": 1}").unwrap_err();
        assert!(e.to_string().contains("duplicate key `a`"), "{e}");
    }
}
