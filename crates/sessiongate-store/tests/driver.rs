//! `check()`, the loop every face decides through: reservations made by it count against the
//! cap until settled or expired, and an outage of the store denies and loses nothing.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests: a failed expectation should panic"
)]

mod common;

use alloy_primitives::U256;
use common::{LIFE, NOW, ctx, session};
use sessiongate::{Call, Input, Mode, Reason, Session};
use sessiongate_store::{
    Applied, Change, MemoryStore, Settle, SqliteStore, Store, StoreError, check,
};
use std::sync::atomic::{AtomicBool, Ordering};

/// One wei to the lifetime value budget (cap 10).
const ONE_WEI: Call<'static> = Call {
    to: LIFE,
    value: U256::from_limbs([1, 0, 0, 0]),
    data: &[],
};

/// What the session's lifetime value budget holds, as the store's view.
async fn committed(store: &dyn Store, session: &Session, now: u64) -> U256 {
    let key = session.key("actions/life/policies[0]").to_string();
    store.read(&[key], now).await.unwrap()[0]
}

async fn reservations_count_until_settled(store: &dyn Store) {
    let session = session();
    let calls = [ONE_WEI];
    let input = Input::Calls(&calls);
    // Nine units reserved by nine pending operations, one more is free.
    for i in 0..9 {
        let reserve = Some((format!("op-{i}"), NOW + 30));
        let out = check(store, &session, input, &ctx(NOW), Mode::Fast, reserve)
            .await
            .unwrap();
        assert!(out.verdict.is_allow() && out.written);
    }
    let out = check(
        store,
        &session,
        input,
        &ctx(NOW),
        Mode::Fast,
        Some(("op-9".into(), NOW + 30)),
    )
    .await
    .unwrap();
    assert!(out.verdict.is_allow());
    // The eleventh is over the cap while the reservations live.
    let over = check(store, &session, input, &ctx(NOW), Mode::Fast, None)
        .await
        .unwrap();
    assert!(matches!(
        over.verdict.violations[0].reason,
        Reason::LimitExceeded { .. }
    ));
    // Included: committed once; a second commit of the same id does nothing.
    assert!(store.settle("op-0", Settle::Commit, NOW + 1).await.unwrap());
    assert!(!store.settle("op-0", Settle::Commit, NOW + 1).await.unwrap());
    // Dropped: released, its unit free again.
    assert!(
        store
            .settle("op-1", Settle::Release, NOW + 1)
            .await
            .unwrap()
    );
    let again = check(store, &session, input, &ctx(NOW + 1), Mode::Fast, None)
        .await
        .unwrap();
    assert!(again.verdict.is_allow() && again.written);
    // A replica killed between reserve and commit: its reservations expire and free their units;
    // committing one afterwards does nothing, so nothing counts twice.
    let later = NOW + 31;
    assert!(!store.settle("op-2", Settle::Commit, later).await.unwrap());
    assert_eq!(
        committed(store, &session, later).await,
        U256::from(2u8),
        "op-0 and the direct one"
    );
    // A reservation id already live is refused rather than overwritten.
    let change = Change {
        reserve: Some(("dup".into(), later + 10)),
        ..Change::default()
    };
    assert_eq!(store.apply(&change, later).await.unwrap(), Applied::Done);
    assert_eq!(
        store.apply(&change, later).await.unwrap(),
        Applied::Conflict
    );
}

#[tokio::test]
async fn memory_reservations() {
    reservations_count_until_settled(&MemoryStore::new()).await;
}

#[tokio::test]
async fn sqlite_reservations() {
    let path = std::env::temp_dir().join(format!("sg-store-res-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    reservations_count_until_settled(&SqliteStore::open(&path).unwrap()).await;
    let _ = std::fs::remove_file(&path);
}

/// A store that can be switched off.
struct Flaky {
    inner: MemoryStore,
    down: AtomicBool,
}

#[async_trait::async_trait]
impl Store for Flaky {
    async fn read(&self, keys: &[String], now: u64) -> Result<Vec<U256>, StoreError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("stopped".into()));
        }
        self.inner.read(keys, now).await
    }
    async fn apply(&self, change: &Change, now: u64) -> Result<Applied, StoreError> {
        if self.down.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("stopped".into()));
        }
        self.inner.apply(change, now).await
    }
    async fn settle(&self, id: &str, settle: Settle, now: u64) -> Result<bool, StoreError> {
        self.inner.settle(id, settle, now).await
    }
}

#[tokio::test]
async fn an_outage_denies_and_loses_nothing() {
    let session = session();
    let store = Flaky {
        inner: MemoryStore::new(),
        down: AtomicBool::new(false),
    };
    let calls = [ONE_WEI];
    let mut allowed = 0;
    for i in 0..20 {
        store.down.store((5..10).contains(&i), Ordering::SeqCst);
        let out = check(
            &store,
            &session,
            Input::Calls(&calls),
            &ctx(NOW),
            Mode::Fast,
            None,
        )
        .await
        .unwrap();
        if (5..10).contains(&i) {
            assert_eq!(
                out.verdict.violations[0].reason.kind(),
                "ledger_unavailable"
            );
        } else if out.verdict.is_allow() {
            allowed += 1;
        }
    }
    assert_eq!(allowed, 10);
    assert_eq!(committed(&store, &session, NOW).await, U256::from(10u8));
}
