//! A ledger held in memory, and the conditional commit every store implements.

use super::{Effect, Fingerprint, Ledger, LedgerKey, LedgerUnavailable, Read, counter_id};
use alloc::{borrow::Cow, boxed::Box, string::String, vec::Vec};
use alloy_primitives::{U256, map::HashMap};

/// A ledger held in memory, indexed by session, counter number ([`counter_id`]) and window: a read
/// from evaluation, which has the number from compile time, hashes 57 bytes and no text.
///
/// ```
/// use alloy_primitives::{U256, address};
/// use sessiongate::{Call, Context, MemoryLedger, Session};
///
/// let session = Session::from_json(r#"{"actions": [{
///     "name": "tip", "target": "0x1111111111111111111111111111111111111111", "selector": "native",
///     "policies": [{ "type": "value_limit", "limit": "10" }]
/// }]}"#)?;
/// let to = address!("1111111111111111111111111111111111111111");
/// let ctx = Context { now: 0, chain_id: 1, account: None };
/// let mut ledger = MemoryLedger::new();
/// let tip = [Call { to, value: U256::from(6u8), data: &[] }];
///
/// let verdict = session.check(&tip, &ledger, &ctx);
/// ledger.commit(&verdict.reads, &verdict.effects)?; // only if nothing it read has changed
/// let used = ledger.get(&session.key("actions/tip/policies[0]"));
/// assert_eq!(used, U256::from(6u8));
/// assert!(!session.check(&tip, &ledger, &ctx).is_allow()); // 6 + 6 > 10
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryLedger {
    /// Each counter, by number: its key (for listing and writing out) and its entry.
    pub(crate) entries: HashMap<Slot, (LedgerKey<'static>, Entry)>,
}

/// Effects [`MemoryLedger::apply`] works out on the stack; longer lists use the heap.
const APPLY_ON_STACK: usize = 16;

/// Where a counter is filed: session, counter number, window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    session: Fingerprint,
    id: u128,
    window: Option<u64>,
}

impl core::hash::Hash for Slot {
    /// One word into the map's seeded hasher: the session and the counter number are keccak
    /// outputs already, so a fold of them spreads as well as hashing all 57 bytes, at a fraction
    /// of the cost on every charge. Slots are still compared whole. A session's author can find
    /// two counter names whose folds are equal (2^32 keccaks), not the many it takes to make a
    /// long probe chain (k equal folds cost about 2^(64(k-1)/k)).
    #[inline]
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        let session = self
            .session
            .0
            .0
            .first_chunk::<8>()
            .copied()
            .unwrap_or_default();
        let window = self.window.map_or(0, |w| w.wrapping_add(1).rotate_left(17));
        let folded = u64::from_le_bytes(session)
            ^ (self.id as u64)
            ^ ((self.id >> 64) as u64).rotate_left(32)
            ^ window;
        state.write_u64(folded);
    }
}

#[inline(always)]
fn slot(key: &LedgerKey<'_>, id: u128) -> Slot {
    Slot {
        session: key.session,
        id,
        window: key.window,
    }
}

/// One counter's value, and when it stops mattering.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) value: U256,
    pub(crate) expires_at: Option<u64>,
}

/// Why effects were not committed. Nothing was written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommitError {
    /// A counter the decision read has changed since: check again against the ledger as it is.
    #[error("counter `{key}` changed since it was read ({seen} then, {now} now): check again")]
    Conflict {
        /// The counter.
        key: Box<LedgerKey<'static>>,
        /// What the decision saw.
        seen: U256,
        /// What it holds now.
        now: U256,
    },
    /// Adding would pass 2^256-1. Evaluation denies such calls, so this only happens when
    /// effects are applied to a ledger other than the one they were decided against.
    #[error("counter `{key}` would overflow 2^256-1")]
    Overflow {
        /// The counter.
        key: Box<LedgerKey<'static>>,
    },
}

impl MemoryLedger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// The counter's value, zero if never written.
    #[inline]
    pub fn get(&self, key: &LedgerKey<'_>) -> U256 {
        self.entry(key).value
    }

    fn entry(&self, key: &LedgerKey<'_>) -> Entry {
        self.numbered(key, counter_id(&key.counter))
    }

    #[inline]
    fn numbered(&self, key: &LedgerKey<'_>, id: u128) -> Entry {
        self.entries
            .get(&slot(key, id))
            .map(|(_, e)| *e)
            .unwrap_or_default()
    }

    /// Sets a counter, e.g. to restore usage recorded elsewhere.
    pub fn set(&mut self, key: &LedgerKey<'_>, value: U256) {
        self.insert(
            key,
            Entry {
                value,
                expires_at: None,
            },
        );
    }

    /// Writes one counter.
    pub(crate) fn insert(&mut self, key: &LedgerKey<'_>, entry: Entry) {
        let at = slot(key, counter_id(&key.counter));
        match self.entries.get_mut(&at) {
            Some((_, slot)) => *slot = entry,
            None => {
                self.entries.insert(at, (key.clone().into_owned(), entry));
            }
        }
    }

    /// Whether the counter was ever written (set to zero included).
    pub fn contains(&self, key: &LedgerKey<'_>) -> bool {
        self.entries
            .contains_key(&slot(key, counter_id(&key.counter)))
    }

    /// Commits a decision: if every counter in `reads` still holds what was seen, applies every
    /// effect; otherwise, or if an addition would overflow, changes nothing.
    pub fn commit(
        &mut self,
        reads: &[Read<'_>],
        effects: &[Effect<'_>],
    ) -> Result<(), CommitError> {
        for read in reads {
            let now = self.get(&read.key);
            if now != read.seen {
                return Err(CommitError::Conflict {
                    key: Box::new(read.key.clone().into_owned()),
                    seen: read.seen,
                    now,
                });
            }
        }
        self.apply(effects)
    }

    /// Applies every effect, or none if an addition would overflow; reads are not checked (use
    /// [`commit`](Self::commit) where another writer may have come between).
    pub fn apply(&mut self, effects: &[Effect<'_>]) -> Result<(), CommitError> {
        // Every result first (a list may name a counter twice), then the writes. A verdict's
        // list (one effect per counter) fits on the stack: applying it to counters that exist
        // allocates nothing.
        let mut stack = [Entry::default(); APPLY_ON_STACK];
        let mut heap = Vec::new();
        let after = match stack.get_mut(..effects.len()) {
            Some(after) => after,
            None => {
                heap.resize(effects.len(), Entry::default());
                heap.as_mut_slice()
            }
        };
        for (i, effect) in effects.iter().enumerate() {
            let done = effects.get(..i).unwrap_or_default();
            let earlier = done.iter().rposition(|e| e.key.same(&effect.key));
            let before = match earlier.and_then(|j| after.get(j)) {
                Some(entry) => *entry,
                None => self.entry(&effect.key),
            };
            let Some(value) = effect.apply_to(before.value) else {
                return Err(CommitError::Overflow {
                    key: Box::new(effect.key.clone().into_owned()),
                });
            };
            // Each effect on a counter carries its latest expiry (a window's end, the next
            // allowed second), so the last one written stands.
            if let Some(slot) = after.get_mut(i) {
                *slot = Entry {
                    value,
                    expires_at: effect.expires_at,
                };
            }
        }
        for (effect, entry) in effects.iter().zip(after.iter()) {
            self.insert(&effect.key, *entry);
        }
        Ok(())
    }

    /// Drops every counter that expired before `now` (see [`Effect::expires_at`]).
    pub fn prune(&mut self, now: u64) {
        self.entries
            .retain(|_, (_, e)| e.expires_at.is_none_or(|t| t >= now));
    }

    /// Every counter with its value, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (LedgerKey<'_>, U256)> {
        self.entries().into_iter().map(|(k, e)| (k, e.value))
    }

    /// Every counter with its value and expiry, in key order (what serialization writes).
    pub(crate) fn entries(&self) -> Vec<(LedgerKey<'_>, Entry)> {
        let mut all: Vec<(LedgerKey<'_>, Entry)> = self
            .entries
            .values()
            .map(|(k, e)| (LedgerKey::borrowed(k.session, &k.counter, k.window), *e))
            .collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// Copies every counter of session `from` to session `to`, by counter id: after an edit that
    /// kept its counter ids, usage carries over (see the README). Counters `to` already has keep
    /// the larger value.
    pub fn carry(&mut self, from: Fingerprint, to: Fingerprint) {
        let moved: Vec<(LedgerKey<'static>, Entry)> = self
            .entries
            .values()
            .filter(|(k, _)| k.session == from)
            .map(|(k, e)| {
                let key = LedgerKey {
                    session: to,
                    counter: Cow::Owned(String::from(&*k.counter)),
                    window: k.window,
                };
                (key, *e)
            })
            .collect();
        for (key, entry) in moved {
            let value = self.entry(&key).value.max(entry.value);
            self.insert(&key, Entry { value, ..entry });
        }
    }
}

impl Ledger for MemoryLedger {
    fn read(&self, key: &LedgerKey<'_>) -> Result<U256, LedgerUnavailable> {
        Ok(self.get(key))
    }

    #[inline(always)]
    fn read_numbered(&self, key: &LedgerKey<'_>, id: u128) -> Result<U256, LedgerUnavailable> {
        // Only the value is copied: copying the whole entry out and reading the value back
        // stalls on store forwarding, and this runs on every charge.
        let value = self.entries.get(&slot(key, id)).map(|(_, e)| &e.value);
        Ok(value.copied().unwrap_or_default())
    }
}
