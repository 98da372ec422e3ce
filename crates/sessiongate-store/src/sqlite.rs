//! SQLite, embedded: the default store of `sessiongate serve`, no server needed. Each commit is one
//! `BEGIN IMMEDIATE` transaction, so writers take turns across connections and processes, and a
//! committed transaction survives a crash (`synchronous = FULL`).

use crate::codec::{decode, decode_op, encode_op};
use crate::memory::EXPIRY_GRACE;
use crate::view::{reads_hold, view};
use crate::{Applied, Change, Settle, Store, StoreError, StoredEffect};
use alloy_primitives::U256;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A SQLite database file holding counters and reservations.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS counters (
        key TEXT PRIMARY KEY, value BLOB NOT NULL, expires_at INTEGER);
    CREATE TABLE IF NOT EXISTS reservations (
        id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS reserved (
        id TEXT NOT NULL, key TEXT NOT NULL, op INTEGER NOT NULL, value BLOB NOT NULL,
        expires_at INTEGER);
    CREATE INDEX IF NOT EXISTS reserved_key ON reserved (key);
    CREATE INDEX IF NOT EXISTS reserved_id ON reserved (id);
";

/// How long a writer waits for another's transaction before the store counts as unavailable.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`. Each `SqliteStore` is one connection;
    /// open several on one file for several writers.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let conn = Connection::open(path).map_err(unavailable)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(unavailable)?;
        conn.execute_batch(SCHEMA).map_err(unavailable)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` in one immediate transaction on a blocking thread.
    async fn transaction<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .map_err(|_| StoreError::Unavailable("a writer panicked".into()))?;
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(unavailable)?;
            let out = work(&tx)?;
            tx.commit().map_err(unavailable)?;
            Ok(out)
        })
        .await
        .map_err(|e| StoreError::Unavailable(e.to_string()))?
    }
}

fn unavailable(e: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

/// Drops expired reservations and long-expired counters.
fn prune(tx: &Transaction<'_>, now: u64) -> Result<(), StoreError> {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    tx.execute(
        "DELETE FROM reserved WHERE id IN (SELECT id FROM reservations WHERE expires_at <= ?1)",
        params![now],
    )
    .map_err(unavailable)?;
    tx.execute(
        "DELETE FROM reservations WHERE expires_at <= ?1",
        params![now],
    )
    .map_err(unavailable)?;
    let grace = i64::try_from(EXPIRY_GRACE).unwrap_or(i64::MAX);
    tx.execute(
        "DELETE FROM counters WHERE expires_at IS NOT NULL AND expires_at < ?1 - ?2",
        params![now, grace],
    )
    .map_err(unavailable)?;
    Ok(())
}

fn committed(tx: &Transaction<'_>, key: &str) -> Result<U256, StoreError> {
    let bytes: Option<Vec<u8>> = tx
        .query_row("SELECT value FROM counters WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()
        .map_err(unavailable)?;
    bytes.map_or(Ok(U256::ZERO), |b| decode(key, &b))
}

/// The counter's view; expired reservations were pruned first.
fn view_of(tx: &Transaction<'_>, key: &str) -> Result<U256, StoreError> {
    let mut stmt = tx
        .prepare_cached("SELECT op, value FROM reserved WHERE key = ?1")
        .map_err(unavailable)?;
    let rows = stmt
        .query_map([key], |r| {
            Ok((r.get::<_, i16>(0)?, r.get::<_, Vec<u8>>(1)?))
        })
        .map_err(unavailable)?;
    let mut reserved = Vec::new();
    for row in rows {
        let (code, bytes) = row.map_err(unavailable)?;
        reserved.push(decode_op(key, code, &bytes)?);
    }
    view(key, committed(tx, key)?, reserved)
}

fn commit_effects(tx: &Transaction<'_>, effects: &[StoredEffect]) -> Result<(), StoreError> {
    for e in effects {
        let before = committed(tx, &e.key)?;
        let value =
            e.op.apply_to(before)
                .ok_or_else(|| StoreError::Overflow(e.key.clone()))?;
        let expires = e.expires_at.map(|t| i64::try_from(t).unwrap_or(i64::MAX));
        tx.execute(
            "INSERT INTO counters (key, value, expires_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
            params![e.key, value.to_be_bytes::<32>().as_slice(), expires],
        )
        .map_err(unavailable)?;
    }
    Ok(())
}

fn reserve(
    tx: &Transaction<'_>,
    id: &str,
    expires_at: u64,
    effects: &[StoredEffect],
) -> Result<Applied, StoreError> {
    let expires_at = i64::try_from(expires_at).unwrap_or(i64::MAX);
    let inserted = tx
        .execute(
            "INSERT INTO reservations (id, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![id, expires_at],
        )
        .map_err(unavailable)?;
    if inserted == 0 {
        return Ok(Applied::Conflict);
    }
    for e in effects {
        let (code, bytes) = encode_op(e.op);
        let expires = e.expires_at.map(|t| i64::try_from(t).unwrap_or(i64::MAX));
        tx.execute(
            "INSERT INTO reserved (id, key, op, value, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, e.key, code, bytes.as_slice(), expires],
        )
        .map_err(unavailable)?;
    }
    Ok(Applied::Done)
}

/// A reservation's effects, read back.
fn reserved_effects(tx: &Transaction<'_>, id: &str) -> Result<Vec<StoredEffect>, StoreError> {
    let mut stmt = tx
        .prepare_cached("SELECT key, op, value, expires_at FROM reserved WHERE id = ?1")
        .map_err(unavailable)?;
    let rows = stmt
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i16>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })
        .map_err(unavailable)?;
    let mut out = Vec::new();
    for row in rows {
        let (key, code, bytes, expires) = row.map_err(unavailable)?;
        let op = decode_op(&key, code, &bytes)?;
        let expires_at = expires.and_then(|t| u64::try_from(t).ok());
        out.push(StoredEffect {
            key,
            op,
            expires_at,
        });
    }
    Ok(out)
}

#[async_trait::async_trait]
impl Store for SqliteStore {
    async fn read(&self, keys: &[String], now: u64) -> Result<Vec<U256>, StoreError> {
        let keys = keys.to_vec();
        self.transaction(move |tx| {
            prune(tx, now)?;
            keys.iter().map(|k| view_of(tx, k)).collect()
        })
        .await
    }

    async fn apply(&self, change: &Change, now: u64) -> Result<Applied, StoreError> {
        let change = change.clone();
        self.transaction(move |tx| {
            prune(tx, now)?;
            if !reads_hold(&change, |k| view_of(tx, k))? {
                return Ok(Applied::Conflict);
            }
            match &change.reserve {
                None => commit_effects(tx, &change.effects).map(|()| Applied::Done),
                Some((id, expires_at)) => reserve(tx, id, *expires_at, &change.effects),
            }
        })
        .await
    }

    async fn settle(&self, id: &str, settle: Settle, now: u64) -> Result<bool, StoreError> {
        let id = id.to_owned();
        self.transaction(move |tx| {
            prune(tx, now)?;
            let live = tx
                .execute("DELETE FROM reservations WHERE id = ?1", [&id])
                .map_err(unavailable)?;
            if live == 0 {
                return Ok(false);
            }
            if settle == Settle::Commit {
                commit_effects(tx, &reserved_effects(tx, &id)?)?;
            }
            tx.execute("DELETE FROM reserved WHERE id = ?1", [&id])
                .map_err(unavailable)?;
            Ok(true)
        })
        .await
    }
}
