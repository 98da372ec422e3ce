//! Usage so far: the [`Ledger`] trait evaluation reads, the [`Effect`]s an allowed verdict asks the
//! caller to apply, and [`MemoryLedger`], a ledger held in memory.

use alloc::{borrow::Cow, collections::BTreeMap, string::String};
use alloy_primitives::{U256, map::HashMap};
use core::fmt;
use serde::{Deserialize, Serialize};

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
    pub(crate) entries: HashMap<String, U256>,
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

impl Ledger for MemoryLedger {
    #[inline]
    fn used(&self, key: &str) -> U256 {
        self.get(key)
    }
}
