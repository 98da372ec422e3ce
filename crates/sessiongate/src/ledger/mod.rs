//! Usage so far, and the protocol by which a store keeps it under concurrency.
//!
//! Evaluation reads counters through the [`Ledger`] trait; a read can fail, and a failed read
//! denies (`ledger_unavailable`), never counts as zero. An allowed verdict carries what a store
//! needs to commit it atomically: the [`Read`]s it made (each counter with the value it saw) and
//! the [`Effect`]s to apply. A store commits only if no read counter changed since; otherwise the
//! caller checks again against the new values. One Redis script or one SQL transaction does it.
//!
//! Counters are named by [`LedgerKey`]: the session's [`Fingerprint`], the counter's stable id
//! within the session, and for a windowed budget the window. Keys are built from parts the
//! compiled session already holds, so evaluation formats and hashes no text; stores print a key
//! once, when they write it ([`LedgerKey`]'s `Display`).

mod fingerprint;
pub(crate) mod memory;

pub use fingerprint::Fingerprint;
pub use memory::{CommitError, MemoryLedger};

use alloc::borrow::Cow;
use alloy_primitives::U256;
use core::fmt;
use serde::{Deserialize, Serialize};

/// One counter: whose session, which counter of it, and which window.
///
/// It prints as `<fingerprint>/<counter>` and, for a window, `@<second it opens>`: stores use
/// that text as the counter's name. Counter ids never end in `@` and digits (a session whose
/// ids would is refused at load), so two keys never print alike.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LedgerKey<'s> {
    /// The session the counter belongs to: two sessions' counters never meet.
    pub session: Fingerprint,
    /// The counter's id within the session: a budget's name, or the place of the rule or policy
    /// that holds it (`actions/pay/rules[1]`).
    pub counter: Cow<'s, str>,
    /// For a windowed budget, the second its window opens; each window counts apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<u64>,
}

impl<'s> LedgerKey<'s> {
    /// A key borrowing its counter id from a compiled session.
    #[inline]
    pub(crate) fn borrowed(session: Fingerprint, counter: &'s str, window: Option<u64>) -> Self {
        Self {
            session,
            counter: Cow::Borrowed(counter),
            window,
        }
    }

    /// The same key, owning its text.
    pub fn into_owned(self) -> LedgerKey<'static> {
        LedgerKey {
            session: self.session,
            counter: Cow::Owned(self.counter.into_owned()),
            window: self.window,
        }
    }

    /// Whether two keys name one counter; keys of one session are compared by address first.
    #[inline]
    pub(crate) fn same(&self, other: &LedgerKey<'_>) -> bool {
        self.same_in_session(other) && self.session == other.session
    }

    /// [`same`](Self::same) for two keys known to be of one session, as all keys of one
    /// evaluation are: the fingerprint needs no comparing. The counter text of one compiled
    /// limit is one allocation, so its address usually decides.
    #[inline(always)]
    pub(crate) fn same_in_session(&self, other: &LedgerKey<'_>) -> bool {
        let (a, b) = (&*self.counter, &*other.counter);
        self.window == other.window
            && (core::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len() || a == b)
    }
}

impl fmt::Display for LedgerKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.session, self.counter)?;
        match self.window {
            Some(opens) => write!(f, "@{opens}"),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for LedgerKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// What an allowed verdict does to one counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Add this amount (spend, usage counts).
    Add(
        #[serde(with = "crate::wire::Decimal")]
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        U256,
    ),
    /// Make the counter this value: state that is absolute (the first second the next call may
    /// come, a refilling budget's running totals). A set value is never below the value read, so
    /// a store may apply it as the larger of the two.
    Set(
        #[serde(with = "crate::wire::Decimal")]
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        U256,
    ),
}

impl Op {
    /// The counter's value after this change, from `before`; `None` when an addition overflows.
    /// A set never lowers a counter.
    #[inline]
    pub fn apply_to(self, before: U256) -> Option<U256> {
        match self {
            Op::Add(amount) => before.checked_add(amount),
            Op::Set(value) => Some(value.max(before)),
        }
    }
}

/// One counter's change, one per counter in a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Effect<'s> {
    /// The counter.
    pub key: LedgerKey<'s>,
    /// What to do to it.
    pub op: Op,
    /// When the counter stops mattering (a window's end, the time a spacing elapses): a store
    /// may drop it after then. `None`: keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
}

impl Effect<'_> {
    /// The same effect, owning its key.
    pub fn into_owned(self) -> Effect<'static> {
        Effect {
            key: self.key.into_owned(),
            op: self.op,
            expires_at: self.expires_at,
        }
    }

    /// The counter's value after this effect, from `before`; `None` when an addition overflows.
    #[inline]
    pub fn apply_to(&self, before: U256) -> Option<U256> {
        self.op.apply_to(before)
    }
}

/// A counter a decision read, with the value it saw: a store commits the decision's effects only
/// if every read counter still holds what was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Read<'s> {
    /// The counter.
    pub key: LedgerKey<'s>,
    /// What it held (0 for a counter never written).
    #[serde(with = "crate::wire::Decimal")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub seen: U256,
}

impl Read<'_> {
    /// The same read, owning its key.
    pub fn into_owned(self) -> Read<'static> {
        Read {
            key: self.key.into_owned(),
            seen: self.seen,
        }
    }
}

/// A ledger that could not be read (its store is down or too slow). Evaluation denies with
/// `ledger_unavailable`: an unknown usage never reads as none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, thiserror::Error)]
#[error("the ledger could not be read")]
pub struct LedgerUnavailable;

/// Read access to usage so far. Counters never written read as zero; a ledger that cannot answer
/// says so, and the call is denied.
pub trait Ledger {
    /// The counter's value.
    fn read(&self, key: &LedgerKey<'_>) -> Result<U256, LedgerUnavailable>;

    /// The same read, given the number of the key's counter id, `counter_id(&key.counter)`,
    /// which evaluation has from compile time: a ledger indexed by it skips hashing the text.
    #[inline]
    fn read_numbered(&self, key: &LedgerKey<'_>, id: u128) -> Result<U256, LedgerUnavailable> {
        let _ = id;
        self.read(key)
    }
}

impl<L: Ledger + ?Sized> Ledger for &L {
    #[inline]
    fn read(&self, key: &LedgerKey<'_>) -> Result<U256, LedgerUnavailable> {
        (**self).read(key)
    }

    #[inline]
    fn read_numbered(&self, key: &LedgerKey<'_>, id: u128) -> Result<U256, LedgerUnavailable> {
        (**self).read_numbered(key, id)
    }
}

/// The number of a counter id: the first 16 bytes of its keccak-256, so two ids of one session
/// never share a number in practice, and a session's author cannot make them.
pub fn counter_id(counter: &str) -> u128 {
    let hash = alloy_primitives::keccak256(counter.as_bytes());
    let (head, _) = hash.0.split_first_chunk::<16>().unwrap_or((&[0; 16], &[]));
    u128::from_be_bytes(*head)
}
