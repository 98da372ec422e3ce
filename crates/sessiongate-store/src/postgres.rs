//! PostgreSQL (15 or later), shared by a fleet of replicas. Amounts are 32-byte big-endian
//! `BYTEA`, added in Rust; each operation is one transaction on a pooled connection.
//!
//! Isolation: READ COMMITTED, with every write serialized per session by
//! `pg_advisory_xact_lock` on each session fingerprint a change touches, taken in sorted order
//! (so two writers never wait on each other in a cycle). Every statement after the locks sees
//! what the previous holder committed, so the check of the reads and the write act as one step
//! for that session, and, unlike SERIALIZABLE, nothing fails with a retryable error under load:
//! replicas racing on one session queue instead of aborting. Reads run in one REPEATABLE READ
//! READ ONLY snapshot and take no lock; the conditional apply catches a stale one.

use crate::codec::{decode, decode_op, encode_op};
use crate::memory::EXPIRY_GRACE;
use crate::view::{reads_hold, view};
use crate::{Applied, Change, Settle, Store, StoreError, StoredEffect};
use alloy_primitives::U256;
use deadpool_postgres::{
    Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime, Transaction,
};
use sessiongate::Op;
use std::collections::HashMap;
use std::time::Duration;
use tokio_postgres::{IsolationLevel, NoTls};

/// How long connecting, one statement, or waiting for a pooled connection may take.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Server-side limits: a statement (lock waits included), and a transaction left idle by a
/// replica that died in it, whose locks are then released.
const SESSION_OPTIONS: &str =
    "-c statement_timeout=2000 -c idle_in_transaction_session_timeout=10000";
/// Attempts to get a connection; a read is retried whole, being idempotent.
const ATTEMPTS: u32 = 3;
/// Connections per store.
const POOL_SIZE: usize = 16;
/// Dead rows one apply drops at most, so a backlog is cleared over several calls.
const GC_BATCH: i64 = 100;

/// The schema, created in one transaction; the advisory lock serializes creators, since
/// concurrent `CREATE TABLE IF NOT EXISTS` can fail.
const SCHEMA: &str = "
    BEGIN;
    SELECT pg_advisory_xact_lock(7305403212385419);
    CREATE TABLE IF NOT EXISTS sg_counters (
        key TEXT PRIMARY KEY, value BYTEA NOT NULL, expires_at BIGINT);
    CREATE INDEX IF NOT EXISTS sg_counters_expiry ON sg_counters (expires_at)
        WHERE expires_at IS NOT NULL;
    CREATE TABLE IF NOT EXISTS sg_reservations (
        id TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
    CREATE INDEX IF NOT EXISTS sg_reservations_expiry ON sg_reservations (expires_at);
    CREATE TABLE IF NOT EXISTS sg_reserved (
        id TEXT NOT NULL REFERENCES sg_reservations (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL, key TEXT NOT NULL, op SMALLINT NOT NULL, value BYTEA NOT NULL,
        expires_at BIGINT, PRIMARY KEY (id, seq));
    CREATE INDEX IF NOT EXISTS sg_reserved_key ON sg_reserved (key);
    COMMIT;
";

/// A PostgreSQL database holding counters and reservations.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and creates the tables if missing.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut config: tokio_postgres::Config = url.parse().map_err(unavailable)?;
        config.connect_timeout(TIMEOUT).options(SESSION_OPTIONS);
        // Fast recycling still drops a connection whose server went away.
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(TIMEOUT))
            .create_timeout(Some(TIMEOUT))
            .recycle_timeout(Some(TIMEOUT))
            .build()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let store = Self { pool };
        let client = store.client().await?;
        // Only when missing: `CREATE INDEX IF NOT EXISTS` locks its table even when the index
        // exists, and deadlocks with writers already running. Its last object stands for it all.
        let exists = client
            .query_one("SELECT to_regclass('sg_reserved_key') IS NOT NULL", &[])
            .await
            .map_err(unavailable)?;
        if !exists.try_get::<_, bool>(0).map_err(unavailable)? {
            client.batch_execute(SCHEMA).await.map_err(unavailable)?;
        }
        Ok(store)
    }

    /// A pooled connection; getting one sends nothing, so it is retried.
    async fn client(&self) -> Result<Object, StoreError> {
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            match self.pool.get().await {
                Ok(client) => return Ok(client),
                Err(e) => last = e.to_string(),
            }
        }
        Err(StoreError::Unavailable(last))
    }

    async fn read_once(&self, keys: &[String], now: u64) -> Result<Vec<U256>, StoreError> {
        let mut client = self.client().await?;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await
            .map_err(unavailable)?;
        let values = views(&tx, keys, now).await?;
        tx.commit().await.map_err(unavailable)?;
        Ok(values)
    }

    async fn apply_once(&self, change: &Change, now: u64) -> Result<Applied, StoreError> {
        let mut client = self.client().await?;
        let tx = begin(&mut client).await?;
        let keys = change.reads.iter().map(|(k, _)| k.as_str());
        lock_sessions(
            &tx,
            keys.chain(change.effects.iter().map(|e| e.key.as_str())),
        )
        .await?;
        collect_garbage(&tx, now).await?;
        let read: Vec<String> = change.reads.iter().map(|(k, _)| k.clone()).collect();
        let seen: HashMap<&str, U256> = read
            .iter()
            .map(String::as_str)
            .zip(views(&tx, &read, now).await?)
            .collect();
        let holds = reads_hold(change, |k| {
            seen.get(k)
                .copied()
                .ok_or_else(|| StoreError::Corrupt(k.into()))
        })?;
        if !holds {
            tx.commit().await.map_err(unavailable)?;
            return Ok(Applied::Conflict);
        }
        let applied = match &change.reserve {
            None => {
                commit_effects(&tx, &change.effects, now).await?;
                Applied::Done
            }
            Some((id, expires_at)) => reserve(&tx, id, *expires_at, &change.effects, now).await?,
        };
        tx.commit().await.map_err(unavailable)?;
        Ok(applied)
    }

    async fn settle_once(&self, id: &str, settle: Settle, now: u64) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = begin(&mut client).await?;
        // The row lock makes a reservation settle once; its effects are fixed while it lives.
        let row = tx
            .query_opt(
                "SELECT expires_at FROM sg_reservations WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .await
            .map_err(unavailable)?;
        let Some(row) = row else {
            return Ok(false);
        };
        let expires_at: i64 = row.try_get(0).map_err(unavailable)?;
        let live = expires_at > clamp(now);
        if live && settle == Settle::Commit {
            let effects = reserved_effects(&tx, id).await?;
            lock_sessions(&tx, effects.iter().map(|e| e.key.as_str())).await?;
            commit_effects(&tx, &effects, now).await?;
        }
        tx.execute("DELETE FROM sg_reservations WHERE id = $1", &[&id])
            .await
            .map_err(unavailable)?;
        tx.commit().await.map_err(unavailable)?;
        Ok(live)
    }
}

async fn begin(client: &mut Object) -> Result<Transaction<'_>, StoreError> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::ReadCommitted)
        .start()
        .await
        .map_err(unavailable)
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

/// A time as stored: past `i64::MAX` it saturates, as in the SQLite store.
fn clamp(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

/// The expiry before which a counter counts as dropped.
fn drop_before(now: u64) -> i64 {
    clamp(now.saturating_sub(EXPIRY_GRACE))
}

/// A lock id for the session a key belongs to (the text before its first `/`): FNV-1a, stable
/// across processes, unlike std's hasher.
fn session_lock(key: &str) -> i64 {
    let session = key.split('/').next().unwrap_or(key);
    let hash = session.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    i64::from_be_bytes(hash.to_be_bytes())
}

/// Takes each session's transaction lock once, in sorted order.
async fn lock_sessions<'k>(
    tx: &Transaction<'_>,
    keys: impl Iterator<Item = &'k str>,
) -> Result<(), StoreError> {
    let mut locks: Vec<i64> = keys.map(session_lock).collect();
    locks.sort_unstable();
    locks.dedup();
    for lock in locks {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&lock])
            .await
            .map_err(unavailable)?;
    }
    Ok(())
}

/// Drops some dead reservations and long-expired counters. Views skip dead rows anyway, so this
/// only bounds the tables; rows another transaction holds are left for later, never waited on.
async fn collect_garbage(tx: &Transaction<'_>, now: u64) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM sg_reservations WHERE id IN (SELECT id FROM sg_reservations
         WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
        &[&clamp(now), &GC_BATCH],
    )
    .await
    .map_err(unavailable)?;
    tx.execute(
        "DELETE FROM sg_counters WHERE key IN (SELECT key FROM sg_counters
         WHERE expires_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)",
        &[&drop_before(now), &GC_BATCH],
    )
    .await
    .map_err(unavailable)?;
    Ok(())
}

/// Each key's view at `now`: committed (zero once long expired) with live reservations applied.
async fn views(tx: &Transaction<'_>, keys: &[String], now: u64) -> Result<Vec<U256>, StoreError> {
    let rows = tx
        .query(
            "SELECT key, value FROM sg_counters WHERE key = ANY($1)
             AND (expires_at IS NULL OR expires_at >= $2)",
            &[&keys, &drop_before(now)],
        )
        .await
        .map_err(unavailable)?;
    let mut committed: HashMap<String, U256> = HashMap::with_capacity(rows.len());
    for row in rows {
        let key: String = row.try_get(0).map_err(unavailable)?;
        let value = decode(&key, row.try_get(1).map_err(unavailable)?)?;
        committed.insert(key, value);
    }
    let rows = tx
        .query(
            "SELECT r.key, r.op, r.value FROM sg_reserved r JOIN sg_reservations s ON s.id = r.id
             WHERE r.key = ANY($1) AND s.expires_at > $2 ORDER BY r.id, r.seq",
            &[&keys, &clamp(now)],
        )
        .await
        .map_err(unavailable)?;
    let mut reserved: HashMap<String, Vec<Op>> = HashMap::new();
    for row in rows {
        let key: String = row.try_get(0).map_err(unavailable)?;
        let op = decode_op(
            &key,
            row.try_get(1).map_err(unavailable)?,
            row.try_get(2).map_err(unavailable)?,
        )?;
        reserved.entry(key).or_default().push(op);
    }
    keys.iter()
        .map(|k| {
            let base = committed.get(k).copied().unwrap_or(U256::ZERO);
            view(k, base, reserved.get(k).into_iter().flatten().copied())
        })
        .collect()
}

/// Applies effects to committed counters; an overflow fails the transaction, so none is written.
async fn commit_effects(
    tx: &Transaction<'_>,
    effects: &[StoredEffect],
    now: u64,
) -> Result<(), StoreError> {
    for e in effects {
        let row = tx
            .query_opt(
                "SELECT value FROM sg_counters WHERE key = $1
                 AND (expires_at IS NULL OR expires_at >= $2)",
                &[&e.key, &drop_before(now)],
            )
            .await
            .map_err(unavailable)?;
        let before = match row {
            Some(row) => decode(&e.key, row.try_get(0).map_err(unavailable)?)?,
            None => U256::ZERO,
        };
        let value =
            e.op.apply_to(before)
                .ok_or_else(|| StoreError::Overflow(e.key.clone()))?;
        tx.execute(
            "INSERT INTO sg_counters (key, value, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value,
             expires_at = excluded.expires_at",
            &[
                &e.key,
                &value.to_be_bytes::<32>().as_slice(),
                &e.expires_at.map(clamp),
            ],
        )
        .await
        .map_err(unavailable)?;
    }
    Ok(())
}

/// Records a reservation; an id that is still live is a conflict, a dead one is replaced.
async fn reserve(
    tx: &Transaction<'_>,
    id: &str,
    expires_at: u64,
    effects: &[StoredEffect],
    now: u64,
) -> Result<Applied, StoreError> {
    tx.execute(
        "DELETE FROM sg_reservations WHERE id = $1 AND expires_at <= $2",
        &[&id, &clamp(now)],
    )
    .await
    .map_err(unavailable)?;
    let inserted = tx
        .execute(
            "INSERT INTO sg_reservations (id, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&id, &clamp(expires_at)],
        )
        .await
        .map_err(unavailable)?;
    if inserted == 0 {
        return Ok(Applied::Conflict);
    }
    for (seq, e) in (0_i32..).zip(effects) {
        let (code, bytes) = encode_op(e.op);
        tx.execute(
            "INSERT INTO sg_reserved (id, seq, key, op, value, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id,
                &seq,
                &e.key,
                &code,
                &bytes.as_slice(),
                &e.expires_at.map(clamp),
            ],
        )
        .await
        .map_err(unavailable)?;
    }
    Ok(Applied::Done)
}

/// A reservation's effects, in order.
async fn reserved_effects(tx: &Transaction<'_>, id: &str) -> Result<Vec<StoredEffect>, StoreError> {
    let rows = tx
        .query(
            "SELECT key, op, value, expires_at FROM sg_reserved WHERE id = $1 ORDER BY seq",
            &[&id],
        )
        .await
        .map_err(unavailable)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let key: String = row.try_get(0).map_err(unavailable)?;
        let op = decode_op(
            &key,
            row.try_get(1).map_err(unavailable)?,
            row.try_get(2).map_err(unavailable)?,
        )?;
        let expires: Option<i64> = row.try_get(3).map_err(unavailable)?;
        out.push(StoredEffect {
            key,
            op,
            expires_at: expires.and_then(|t| u64::try_from(t).ok()),
        });
    }
    Ok(out)
}

/// Bounds a whole operation: a server that stops answering mid-transaction is unavailable.
async fn bounded<T>(
    work: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<T, StoreError> {
    tokio::time::timeout(TIMEOUT * 3, work)
        .await
        .map_err(|_| StoreError::Unavailable("timed out".into()))?
}

#[async_trait::async_trait]
impl Store for PostgresStore {
    async fn read(&self, keys: &[String], now: u64) -> Result<Vec<U256>, StoreError> {
        let mut last = StoreError::Unavailable("no attempt".into());
        for _ in 0..ATTEMPTS {
            match bounded(self.read_once(keys, now)).await {
                Err(StoreError::Unavailable(e)) => last = StoreError::Unavailable(e),
                other => return other,
            }
        }
        Err(last)
    }

    async fn apply(&self, change: &Change, now: u64) -> Result<Applied, StoreError> {
        bounded(self.apply_once(change, now)).await
    }

    async fn settle(&self, id: &str, settle: Settle, now: u64) -> Result<bool, StoreError> {
        bounded(self.settle_once(id, settle, now)).await
    }
}
