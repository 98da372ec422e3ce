//! A store in one process's memory: for tests, and for a single relayer.

use crate::view::{reads_hold, view};
use crate::{Applied, Change, Settle, Store, StoreError, StoredEffect};
use alloy_primitives::U256;
use std::collections::HashMap;
use std::sync::Mutex;

/// Counters and reservations behind one lock.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    counters: HashMap<String, (U256, Option<u64>)>,
    reservations: HashMap<String, Reservation>,
}

#[derive(Debug)]
struct Reservation {
    expires_at: u64,
    effects: Vec<StoredEffect>,
}

/// Counters whose expiry passed longer ago than this are dropped: a day, so a caller whose clock
/// lags the store's a little still reads a closed window's usage.
pub(crate) const EXPIRY_GRACE: u64 = 86_400;

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> Result<std::sync::MutexGuard<'_, State>, StoreError> {
        self.state
            .lock()
            .map_err(|_| StoreError::Unavailable("a writer panicked".into()))
    }
}

impl State {
    /// Drops expired reservations and long-expired counters.
    fn prune(&mut self, now: u64) {
        self.reservations.retain(|_, r| r.expires_at > now);
        self.counters
            .retain(|_, (_, exp)| exp.is_none_or(|t| t.saturating_add(EXPIRY_GRACE) >= now));
    }

    fn committed(&self, key: &str) -> U256 {
        self.counters.get(key).map_or(U256::ZERO, |(v, _)| *v)
    }

    fn view(&self, key: &str) -> Result<U256, StoreError> {
        let reserved = self
            .reservations
            .values()
            .flat_map(|r| r.effects.iter())
            .filter(|e| e.key == key)
            .map(|e| e.op);
        view(key, self.committed(key), reserved)
    }

    /// Applies effects to committed counters, all or none.
    fn commit(&mut self, effects: &[StoredEffect]) -> Result<(), StoreError> {
        let mut after: Vec<(String, U256, Option<u64>)> = Vec::with_capacity(effects.len());
        for e in effects {
            let before = after
                .iter()
                .rev()
                .find(|(k, _, _)| *k == e.key)
                .map_or_else(|| self.committed(&e.key), |(_, v, _)| *v);
            let value =
                e.op.apply_to(before)
                    .ok_or_else(|| StoreError::Overflow(e.key.clone()))?;
            after.push((e.key.clone(), value, e.expires_at));
        }
        for (key, value, expires_at) in after {
            self.counters.insert(key, (value, expires_at));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Store for MemoryStore {
    async fn read(&self, keys: &[String], now: u64) -> Result<Vec<U256>, StoreError> {
        let mut state = self.state()?;
        state.prune(now);
        keys.iter().map(|k| state.view(k)).collect()
    }

    async fn apply(&self, change: &Change, now: u64) -> Result<Applied, StoreError> {
        let mut state = self.state()?;
        state.prune(now);
        if !reads_hold(change, |k| state.view(k))? {
            return Ok(Applied::Conflict);
        }
        match &change.reserve {
            None => state.commit(&change.effects)?,
            Some((id, _)) if state.reservations.contains_key(id) => return Ok(Applied::Conflict),
            Some((id, expires_at)) => {
                let reservation = Reservation {
                    expires_at: *expires_at,
                    effects: change.effects.clone(),
                };
                state.reservations.insert(id.clone(), reservation);
            }
        }
        Ok(Applied::Done)
    }

    async fn settle(&self, id: &str, settle: Settle, now: u64) -> Result<bool, StoreError> {
        let mut state = self.state()?;
        state.prune(now);
        let Some(reservation) = state.reservations.remove(id) else {
            return Ok(false);
        };
        if settle == Settle::Commit
            && let Err(e) = state.commit(&reservation.effects)
        {
            state.reservations.insert(id.into(), reservation);
            return Err(e);
        }
        Ok(true)
    }
}
