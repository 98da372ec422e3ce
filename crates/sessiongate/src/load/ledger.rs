//! A ledger as JSON text: a list of counters in key order, each with its session, its id, its
//! window and its value. A counter listed twice is refused, whatever the deserializer: which
//! value would be meant is unknowable, and keeping the smaller one would let a spent budget be
//! spent again.

use crate::document::{LoadError, from_json_text};
use crate::ledger::memory::Entry;
use crate::ledger::{Fingerprint, LedgerKey, MemoryLedger};
use alloc::{borrow::Cow, format, vec::Vec};
use alloy_primitives::U256;
use serde::{Deserialize, Serialize, de};

impl MemoryLedger {
    /// Reads a ledger as [`Serialize`] writes it. A counter listed twice is an error naming it.
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        Ok(from_json_text(text)?)
    }
}

/// One counter as JSON.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Counter<'a> {
    session: Fingerprint,
    #[serde(borrow)]
    counter: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    window: Option<u64>,
    #[serde(with = "crate::wire::Decimal")]
    value: U256,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

impl Serialize for MemoryLedger {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let list: Vec<Counter<'_>> = self
            .entries()
            .into_iter()
            .map(|(key, e)| Counter {
                session: key.session,
                counter: key.counter,
                window: key.window,
                value: e.value,
                expires_at: e.expires_at,
            })
            .collect();
        list.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for MemoryLedger {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list: Vec<Counter<'de>> = Vec::deserialize(deserializer)?;
        let mut ledger = MemoryLedger::new();
        for c in list {
            let key = LedgerKey {
                session: c.session,
                counter: c.counter,
                window: c.window,
            };
            if ledger.contains(&key) {
                return Err(de::Error::custom(format!(
                    "counter `{key}` is listed twice"
                )));
            }
            ledger.insert(
                &key,
                Entry {
                    value: c.value,
                    expires_at: c.expires_at,
                },
            );
        }
        Ok(ledger)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{CommitError, Effect, Op, Read};
    use alloy_primitives::B256;

    fn key(counter: &str, window: Option<u64>) -> LedgerKey<'static> {
        LedgerKey {
            session: Fingerprint(B256::repeat_byte(0xab)),
            counter: Cow::Owned(counter.into()),
            window,
        }
    }

    fn add(key: LedgerKey<'static>, amount: u64) -> Effect<'static> {
        Effect {
            key,
            op: Op::Add(U256::from(amount)),
            expires_at: None,
        }
    }

    #[test]
    fn apply_is_all_or_nothing() {
        let mut ledger = MemoryLedger::new();
        ledger.set(&key("a", None), U256::MAX);
        let effects = [add(key("b", None), 1), add(key("a", None), 1)];
        assert!(matches!(
            ledger.apply(&effects),
            Err(CommitError::Overflow { .. })
        ));
        assert_eq!(ledger.get(&key("b", None)), U256::ZERO);
        ledger.apply(&effects[..1]).unwrap();
        assert_eq!(ledger.get(&key("b", None)), U256::from(1));
    }

    #[test]
    fn a_set_never_lowers_and_a_counter_named_twice_adds_up() {
        let mut ledger = MemoryLedger::new();
        let next = key("actions/a/policies[0]/next", None);
        let set = |v: u64| Effect {
            key: next.clone(),
            op: Op::Set(U256::from(v)),
            expires_at: Some(v),
        };
        ledger.apply(&[set(50), set(40)]).unwrap();
        assert_eq!(ledger.get(&next), U256::from(50));
        let twice = [add(key("c", Some(7)), 2), add(key("c", Some(7)), 3)];
        ledger.apply(&twice).unwrap();
        assert_eq!(ledger.get(&key("c", Some(7))), U256::from(5));
        assert_eq!(
            ledger.get(&key("c", None)),
            U256::ZERO,
            "windows count apart"
        );
    }

    #[test]
    fn commit_refuses_a_changed_read() {
        let mut ledger = MemoryLedger::new();
        let k = key("budgets/daily", Some(86_400));
        let read = Read {
            key: k.clone(),
            seen: U256::ZERO,
        };
        ledger
            .commit(core::slice::from_ref(&read), &[add(k.clone(), 4)])
            .unwrap();
        let e = ledger.commit(&[read], &[add(k.clone(), 4)]).unwrap_err();
        assert!(matches!(e, CommitError::Conflict { now, .. } if now == U256::from(4)));
        assert_eq!(
            ledger.get(&k),
            U256::from(4),
            "a refused commit writes nothing"
        );
    }

    #[test]
    fn prune_drops_only_what_expired() {
        let mut ledger = MemoryLedger::new();
        let window = Effect {
            expires_at: Some(100),
            ..add(key("w", Some(0)), 1)
        };
        ledger.apply(&[window, add(key("life", None), 1)]).unwrap();
        ledger.prune(100);
        assert_eq!(ledger.get(&key("w", Some(0))), U256::from(1));
        ledger.prune(101);
        assert_eq!(ledger.get(&key("w", Some(0))), U256::ZERO);
        assert_eq!(ledger.get(&key("life", None)), U256::from(1));
    }

    #[test]
    fn serde_round_trip() {
        let mut ledger = MemoryLedger::new();
        ledger.set(&key("session/policies[0]", None), U256::MAX);
        ledger.set(&key("actions/pay/rules[0]", Some(3600)), U256::from(7));
        let text = serde_json::to_string(&ledger).unwrap();
        assert!(
            text.contains("\"counter\":\"actions/pay/rules[0]\",\"window\":3600,\"value\":\"7\""),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<MemoryLedger>(&text).unwrap(), ledger);
        assert_eq!(MemoryLedger::from_json(&text).unwrap(), ledger);
    }

    #[test]
    fn a_counter_listed_twice_or_an_old_ledger_is_refused() {
        let one = format!(
            "{{\"session\": \"{}\", \"counter\": \"actions/pay/rules[1]\", \"value\": \"5\"}}",
            Fingerprint(B256::repeat_byte(0xab))
        );
        let e = MemoryLedger::from_json(&format!("[{one}, {one}]")).unwrap_err();
        assert!(e.to_string().contains("is listed twice"), "{e}");
        // A ledger written before counters were namespaced by session reads as an error, not
        // as an empty ledger that would let every budget be spent again.
        let e = MemoryLedger::from_json("{\"actions/pay/rules[1]\": \"25000000\"}").unwrap_err();
        assert!(e.to_string().contains("expected a sequence"), "{e}");
    }
}
