use crate::document::{LoadError, Quantity, duplicate_key, from_json_text};
use alloc::{borrow::Cow, collections::BTreeMap, string::String};
use alloy_primitives::{U256, map::HashMap};
use core::fmt;
use serde::{Deserialize, Serialize, de};

/// The name of one cumulative counter: a stable, printable path such as
/// `session/policies[0]` or `actions/pay/rules[1]`, so a caller can store usage anywhere.
/// Verdicts borrow keys from their session; [`LedgerKey::into_owned`] detaches one.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct LedgerKey<'s>(Cow<'s, str>);

impl<'s> LedgerKey<'s> {
    /// A key borrowed from a compiled session.
    pub(crate) fn borrowed(text: &'s str) -> Self {
        Self(Cow::Borrowed(text))
    }

    /// An owned key.
    pub fn new(text: impl Into<String>) -> LedgerKey<'static> {
        LedgerKey(Cow::Owned(text.into()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same key, owning its text.
    pub fn into_owned(self) -> LedgerKey<'static> {
        LedgerKey(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Display for LedgerKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for LedgerKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// Whether two key texts are the same key; compiled keys are compared by address first.
#[inline]
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    core::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len() || a == b
}

/// What an allowed verdict adds to one counter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Effect<'s> {
    /// The counter.
    pub key: LedgerKey<'s>,
    /// The amount to add.
    #[serde(with = "crate::wire::Decimal")]
    pub add: U256,
}

impl Effect<'_> {
    /// The same effect, owning its key.
    pub fn into_owned(self) -> Effect<'static> {
        Effect {
            key: self.key.into_owned(),
            add: self.add,
        }
    }
}

/// Read access to usage so far. Keys the ledger has never seen read as zero.
pub trait Ledger {
    /// How much of the counter `key` is used.
    fn used(&self, key: &str) -> U256;
}

impl<L: Ledger + ?Sized> Ledger for &L {
    fn used(&self, key: &str) -> U256 {
        (**self).used(key)
    }
}

/// A ledger held in memory, hashed for fast reads; serializes as a JSON object of key to decimal
/// amount, in key order.
///
/// ```
/// use alloy_primitives::U256;
/// use sessiongate::{Effect, Ledger, LedgerKey, MemoryLedger};
///
/// let mut ledger = MemoryLedger::new();
/// let pay = Effect { key: LedgerKey::new("actions/pay/rules[1]"), add: U256::from(10_000_000u64) };
/// ledger.apply(&[pay.clone(), pay])?; // an allowed verdict's effects, all or none
/// assert_eq!(ledger.used("actions/pay/rules[1]"), U256::from(20_000_000u64));
/// assert_eq!(ledger.used("never/seen"), U256::ZERO);
///
/// let json = serde_json::to_string(&ledger)?;
/// assert_eq!(json, r#"{"actions/pay/rules[1]":20000000}"#); // a string past 2^53
/// assert_eq!(MemoryLedger::from_json(&json)?, ledger);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryLedger {
    entries: HashMap<String, U256>,
}

/// Applying effects would overflow a counter. Evaluation denies such calls, so this only
/// happens when effects are applied to a ledger other than the one they were computed against.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("counter `{key}` would overflow 2^256-1")]
pub struct LedgerError {
    key: String,
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a ledger as [`Serialize`] writes it: a JSON object of counter to amount. A counter
    /// named twice is an error naming it.
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        Ok(from_json_text(text)?)
    }

    /// The amount recorded under `key`, zero if none.
    #[inline]
    pub fn get(&self, key: &str) -> U256 {
        self.entries.get(key).copied().unwrap_or_default()
    }

    /// Sets a counter, e.g. to restore usage recorded elsewhere.
    pub fn set(&mut self, key: &str, amount: U256) {
        self.entries.insert(key.into(), amount);
    }

    /// Adds every effect, or none if any would overflow.
    pub fn apply(&mut self, effects: &[Effect<'_>]) -> Result<(), LedgerError> {
        // Check every total first (an effect list may name a key twice), then write.
        for (i, effect) in effects.iter().enumerate() {
            let key = effect.key.as_str();
            let mut earlier = effects.iter().take(i).filter(|e| e.key.as_str() == key);
            let total = earlier
                .try_fold(self.get(key), |sum, e| sum.checked_add(e.add))
                .and_then(|sum| sum.checked_add(effect.add));
            if total.is_none() {
                return Err(LedgerError { key: key.into() });
            }
        }
        for effect in effects {
            let slot = self.entries.entry(effect.key.as_str().into()).or_default();
            *slot = slot.saturating_add(effect.add);
        }
        Ok(())
    }

    /// Every counter with its amount, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, U256)> {
        let sorted: BTreeMap<&str, U256> =
            self.entries.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        sorted.into_iter()
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

impl Ledger for MemoryLedger {
    #[inline]
    fn used(&self, key: &str) -> U256 {
        self.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
