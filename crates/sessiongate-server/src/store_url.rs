//! `--store URL`: which [`Store`] the service decides against.

use crate::ServerError;
use sessiongate_store::{MemoryStore, SqliteStore, Store};
use std::sync::Arc;

/// The store used when `--store` is not given: a SQLite file in the working directory.
pub const DEFAULT_STORE: &str = "sqlite://sessiongate.db";

/// Opens the store `url` names: `sqlite://PATH` or a bare path (SQLite, embedded), `memory` or
/// `sqlite::memory:` (this process only, lost on exit). `redis://` and `postgres://` are fleet
/// stores that come from the store crate's optional backends.
pub fn open_store(url: &str) -> Result<Arc<dyn Store>, ServerError> {
    let fail = |reason: &str| ServerError::Store {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    match url.split_once("://") {
        Some(("sqlite", path)) => sqlite(url, path),
        // Fleet stores plug in here when the store crate has them.
        Some(("redis" | "rediss", _)) => Err(fail("built without redis support")),
        Some(("postgres" | "postgresql", _)) => Err(fail("built without postgres support")),
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
