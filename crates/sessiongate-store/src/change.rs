//! What a store is asked to write: a verdict's reads and effects, keyed by printed key.

use alloy_primitives::U256;
use sessiongate::{Op, Verdict};

/// One effect, its key printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEffect {
    /// The counter's printed key.
    pub key: String,
    /// What to do to it.
    pub op: Op,
    /// When the store may drop it.
    pub expires_at: Option<u64>,
}

/// A verdict's conditional write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Each counter read, with the view seen.
    pub reads: Vec<(String, U256)>,
    /// The effects to apply.
    pub effects: Vec<StoredEffect>,
    /// When set, the effects are reserved under this id until this second instead of committed.
    pub reserve: Option<(String, u64)>,
}

impl Change {
    /// The write an allowed verdict asks for.
    pub fn of(verdict: &Verdict<'_>) -> Self {
        Self {
            reads: verdict
                .reads
                .iter()
                .map(|r| (r.key.to_string(), r.seen))
                .collect(),
            effects: verdict
                .effects
                .iter()
                .map(|e| StoredEffect {
                    key: e.key.to_string(),
                    op: e.op,
                    expires_at: e.expires_at,
                })
                .collect(),
            reserve: None,
        }
    }
}

/// Whether a change was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Written, all of it.
    Done,
    /// A read counter changed since: nothing was written; decide again.
    Conflict,
}

/// How a reservation ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settle {
    /// The operation was included: its effects become committed usage.
    Commit,
    /// The operation was dropped, replaced or reverted: its effects no longer count.
    Release,
}
