//! `--store URL`: which [`Store`] the service decides against.

use crate::ServerError;
use sessiongate_store::{MemoryStore, PostgresStore, RedisStore, SqliteStore, Store};
use std::sync::Arc;

/// The store used when `--store` is not given: a SQLite file in the working directory.
pub const DEFAULT_STORE: &str = "sqlite://sessiongate.db";

/// Opens the store `url` names: `sqlite://PATH` or a bare path (SQLite, embedded), `memory` or
/// `sqlite::memory:` (this process only, lost on exit), `redis://…` or `postgres://…` (a fleet's
/// shared store; the server must answer now, or the service does not start).
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>, ServerError> {
    let fail = |reason: &str| ServerError::Store {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    match url.split_once("://") {
        Some(("sqlite", path)) => sqlite(url, path),
        Some(("redis" | "rediss", _)) => match RedisStore::connect(url).await {
            Ok(store) => Ok(Arc::new(store)),
            Err(e) => Err(fail(&e.to_string())),
        },
        Some(("postgres" | "postgresql", _)) => match PostgresStore::connect(url).await {
            Ok(store) => Ok(Arc::new(store)),
            Err(e) => Err(fail(&e.to_string())),
        },
        Some((scheme, _)) => Err(fail(&format!(
            "unknown scheme `{scheme}`: give sqlite://PATH, a path, or memory"
        ))),
        None if url == "memory" || url == "sqlite::memory:" => Ok(Arc::new(MemoryStore::new())),
        None => sqlite(url, url),
    }
}

fn sqlite(url: &str, path: &str) -> Result<Arc<dyn Store>, ServerError> {
    if path.is_empty() {
        return Err(ServerError::Store {
            url: url.to_owned(),
            reason: "no file path".to_owned(),
        });
    }
    SqliteStore::open(path)
        .map(|s| Arc::new(s) as Arc<dyn Store>)
        .map_err(|e| ServerError::Store {
            url: url.to_owned(),
            reason: e.to_string(),
        })
}
