//! Usage stores that relayer replicas share, and the loop that decides and commits through them.
//!
//! A [`Store`] keeps committed counters and live reservations. The view a decision reads is the
//! committed value with every live reservation's effects applied on top, so a reserved amount
//! counts against every budget for other checks until it is committed, released or expires.
//! [`Store::apply`] commits (or reserves) a verdict only if every counter it read still shows
//! the value seen; otherwise the caller decides again. [`check`] runs that loop with a bound on
//! retries. A store that cannot be reached makes the decision deny with `ledger_unavailable`.
//!
//! Stores: [`MemoryStore`] (one process), [`SqliteStore`] (embedded, the default of
//! `sessiongate serve`), and for a fleet of replicas `RedisStore` (feature `redis`) and
//! `PostgresStore` (feature `postgres`).

mod change;
mod check;
mod codec;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
mod sqlite;
mod view;

pub use change::{Applied, Change, Settle, StoredEffect};
pub use check::{Checked, MAX_RETRIES, check};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "redis")]
pub use redis::RedisStore;
pub use sqlite::SqliteStore;

use alloy_primitives::U256;

/// Why a store could not answer. The decision that needed it denies.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store is down, unreachable or too slow.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A counter holds something that is not a 256-bit amount: written by something else.
    #[error("counter `{0}` holds a malformed value")]
    Corrupt(String),
    /// Applying an effect would pass 2^256-1 (only when effects come from another ledger).
    #[error("counter `{0}` would overflow")]
    Overflow(String),
    /// Every retry met a conflict: the budget is too contended for now.
    #[error("still conflicting after {0} retries")]
    Contended(u32),
}

/// Where usage lives. Keys are [`sessiongate::LedgerKey`]s as printed.
#[async_trait::async_trait]
pub trait Store: Send + Sync {
    /// The view of each counter at `now`: committed, with live reservations applied.
    async fn read(&self, keys: &[String], now: u64) -> Result<Vec<U256>, StoreError>;
    /// Commits or reserves `change` if every read counter's view still holds what was seen.
    async fn apply(&self, change: &Change, now: u64) -> Result<Applied, StoreError>;
    /// Commits a live reservation's effects (the operation was included) or releases it
    /// (dropped, replaced, reverted). Returns false when no live reservation has that id: a
    /// reservation commits at most once, and one that expired is gone.
    async fn settle(&self, id: &str, settle: Settle, now: u64) -> Result<bool, StoreError>;
}
