//! Redis (7 or later), shared by a fleet of replicas. Each operation is one run of one Lua script
//! (`redis.lua`), so a conditional apply reads, compares and writes atomically. Amounts travel and
//! rest as 64-digit hex, since Lua's numbers are doubles; every key is under `sg:`. The script
//! touches keys it finds at run time, so it needs one Redis, not a cluster.

use crate::memory::EXPIRY_GRACE;
use crate::{Applied, Change, Settle, Store, StoreError};
use alloy_primitives::U256;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, Script, Value};
use sessiongate::Op;
use std::fmt;
use std::time::Duration;

/// How long one command may take before the store counts as unavailable.
const TIMEOUT: Duration = Duration::from_secs(2);
/// Attempts of a command that never reached the server (or of a read, which is idempotent).
const ATTEMPTS: u32 = 3;

/// A Redis server holding counters and reservations.
#[derive(Clone)]
pub struct RedisStore {
    conn: ConnectionManager,
    script: Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore").finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`). The connection reconnects by itself; a
    /// server that stays away makes every operation [`StoreError::Unavailable`].
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(unavailable)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(TIMEOUT))
            .set_response_timeout(Some(TIMEOUT))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let conn = tokio::time::timeout(
            TIMEOUT * 2,
            ConnectionManager::new_with_config(client, config),
        )
        .await
        .map_err(|_| StoreError::Unavailable("connect timed out".into()))?
        .map_err(unavailable)?;
        Ok(Self {
            conn,
            script: Script::new(include_str!("redis.lua")),
        })
    }

    /// Runs the script with `args` after the operation, now and the drop threshold. An apply or
    /// settle is retried only when it cannot have reached the server: one that timed out may
    /// have run, and running it twice could count an allow twice.
    async fn run(
        &self,
        op: &str,
        now: u64,
        args: &[String],
        idempotent: bool,
    ) -> Result<Value, StoreError> {
        let mut last = StoreError::Unavailable("no attempt".into());
        for _ in 0..ATTEMPTS {
            let mut invocation = self.script.prepare_invoke();
            invocation
                .arg(op)
                .arg(time(now))
                .arg(time(now.saturating_sub(EXPIRY_GRACE)));
            for a in args {
                invocation.arg(a);
            }
            let mut conn = self.conn.clone();
            let result = tokio::time::timeout(TIMEOUT, invocation.invoke_async(&mut conn)).await;
            let e = match result {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(e)) => e,
                Err(_) if idempotent => {
                    last = StoreError::Unavailable("timed out".into());
                    continue;
                }
                Err(_) => return Err(StoreError::Unavailable("timed out".into())),
            };
            if let Some(e) = script_error(&e) {
                return Err(e);
            }
            let retry = e.is_connection_refusal()
                || (idempotent && (e.is_io_error() || e.is_timeout() || e.is_connection_dropped()));
            last = unavailable(e);
            if !retry {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(last)
    }
}

fn unavailable(e: RedisError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

/// The store's own errors, raised by the script as `SGOVERFLOW key` or `SGCORRUPT key`.
fn script_error(e: &RedisError) -> Option<StoreError> {
    let key = || e.detail().unwrap_or_default().to_owned();
    match e.code()? {
        "SGOVERFLOW" => Some(StoreError::Overflow(key())),
        "SGCORRUPT" => Some(StoreError::Corrupt(key())),
        _ => None,
    }
}

/// A time as 20 decimal digits, so the script compares times exactly as strings.
fn time(t: u64) -> String {
    format!("{t:020}")
}

fn hex(v: U256) -> String {
    format!("{v:064x}")
}

fn parse_hex(key: &str, value: &Value) -> Result<U256, StoreError> {
    let corrupt = || StoreError::Corrupt(key.into());
    let text = match value {
        Value::BulkString(bytes) => std::str::from_utf8(bytes).map_err(|_| corrupt())?,
        Value::SimpleString(s) => s.as_str(),
        _ => return Err(corrupt()),
    };
    if text.len() != 64 {
        return Err(corrupt());
    }
    U256::from_str_radix(text, 16).map_err(|_| corrupt())
}

fn text(value: &Value) -> Option<&[u8]> {
    match value {
        Value::BulkString(bytes) => Some(bytes),
        Value::SimpleString(s) => Some(s.as_bytes()),
        _ => None,
    }
}

#[async_trait::async_trait]
impl Store for RedisStore {
    async fn read(&self, keys: &[String], now: u64) -> Result<Vec<U256>, StoreError> {
        let Value::Array(values) = self.run("read", now, keys, true).await? else {
            return Err(StoreError::Corrupt("reply to a read".into()));
        };
        if values.len() != keys.len() {
            return Err(StoreError::Corrupt("reply to a read".into()));
        }
        keys.iter()
            .zip(&values)
            .map(|(k, v)| parse_hex(k, v))
            .collect()
    }

    async fn apply(&self, change: &Change, now: u64) -> Result<Applied, StoreError> {
        let mut args = Vec::with_capacity(4 + 2 * change.reads.len() + 4 * change.effects.len());
        args.push(change.reads.len().to_string());
        for (key, seen) in &change.reads {
            args.push(key.clone());
            args.push(hex(*seen));
        }
        args.push(change.effects.len().to_string());
        for e in &change.effects {
            let (op, value) = match e.op {
                Op::Add(v) => ("a", v),
                Op::Set(v) => ("s", v),
            };
            args.push(e.key.clone());
            args.push(op.into());
            args.push(hex(value));
            args.push(e.expires_at.map(time).unwrap_or_default());
        }
        match &change.reserve {
            Some((id, expires_at)) => {
                args.extend(["reserve".into(), id.clone(), time(*expires_at)])
            }
            None => args.push("commit".into()),
        }
        match text(&self.run("apply", now, &args, false).await?) {
            Some(b"done") => Ok(Applied::Done),
            Some(b"conflict") => Ok(Applied::Conflict),
            _ => Err(StoreError::Corrupt("reply to an apply".into())),
        }
    }

    async fn settle(&self, id: &str, settle: Settle, now: u64) -> Result<bool, StoreError> {
        let how = match settle {
            Settle::Commit => "commit",
            Settle::Release => "release",
        };
        let args = [id.to_owned(), how.to_owned()];
        match self.run("settle", now, &args, false).await? {
            Value::Int(1) => Ok(true),
            Value::Int(0) => Ok(false),
            _ => Err(StoreError::Corrupt("reply to a settle".into())),
        }
    }
}
