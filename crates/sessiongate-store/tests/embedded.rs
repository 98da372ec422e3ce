//! The embedded stores (memory, SQLite) under the protocol: replicas racing for the last units of
//! every kind of budget, reservations that count until settled or expired, and an outage.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests: a failed expectation should panic"
)]

use alloy_primitives::{Address, U256, address};
use sessiongate::{Call, Context, Input, LedgerKey, Mode, Reason, Session};
use sessiongate_store::{
    Applied, Change, MemoryStore, Settle, SqliteStore, Store, StoreError, check,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const LIFE: Address = address!("1000000000000000000000000000000000000001");
const WINDOW: Address = address!("1000000000000000000000000000000000000002");
const REFILL: Address = address!("1000000000000000000000000000000000000003");
const SPACED: Address = address!("1000000000000000000000000000000000000004");
const CALLS: Address = address!("1000000000000000000000000000000000000005");
const PER_HOUR: Address = address!("1000000000000000000000000000000000000006");
const SHARED: Address = address!("1000000000000000000000000000000000000007");
const TOKEN: Address = address!("1000000000000000000000000000000000000008");
const PAYEE: Address = address!("2000000000000000000000000000000000000002");
const NOW: u64 = 7_300;

/// One action per kind of budget, each capped at 10 units or calls.
fn session() -> Arc<Session> {
    let transfer = "transfer(address to, uint256 amount)";
    let json = serde_json::json!({
        "budgets": { "team": { "limit": "10" } },
        "actions": [
            { "name": "life", "target": LIFE, "selector": "native",
              "policies": [{ "type": "value_limit", "limit": "10" }] },
            { "name": "window", "target": WINDOW, "selector": transfer,
              "rules": [{ "param": "amount", "budget": { "limit": "10", "period": 3600 } }] },
            { "name": "refill", "target": REFILL, "selector": transfer,
              "rules": [{ "param": "amount",
                          "budget": { "limit": "10", "refill": "5", "period": 3600 } }] },
            { "name": "spaced", "target": SPACED, "selector": "native",
              "policies": [{ "type": "rate_limit", "min_spacing": 60 }] },
            { "name": "calls", "target": CALLS, "selector": "native",
              "policies": [{ "type": "usage_limit", "limit": 10 }] },
            { "name": "per-hour", "target": PER_HOUR, "selector": "native",
              "policies": [{ "type": "rate_limit", "max_calls": 10, "period": 3600 }] },
            { "name": "shared", "target": SHARED, "selector": transfer,
              "rules": [{ "param": "amount", "budget": { "shared": "team" } }] },
            { "name": "token", "target": TOKEN, "selector": transfer,
              "policies": [{ "type": "spend_limit", "token": TOKEN, "limit": "10" }] }
        ]
    });
    Arc::new(Session::from_value(json).unwrap())
}

/// `transfer(PAYEE, 1)`.
fn one_unit() -> Vec<u8> {
    let mut data = vec![0xa9, 0x05, 0x9c, 0xbb];
    data.extend_from_slice(&[0; 12]);
    data.extend_from_slice(PAYEE.as_slice());
    data.extend_from_slice(&U256::from(1u8).to_be_bytes::<32>());
    data
}

/// One unit of the budget at `to`: 1 wei, one token unit, or one call.
fn unit_call(to: Address, data: &[u8]) -> Call<'_> {
    let value = U256::from(u8::from(to == LIFE));
    let data = if [WINDOW, REFILL, SHARED, TOKEN].contains(&to) {
        data
    } else {
        &[]
    };
    Call { to, value, data }
}

fn ctx(now: u64) -> Context {
    Context {
        now,
        chain_id: 1,
        account: None,
    }
}

/// The sum of the session's "used" counters at `now`, as the store holds them.
async fn committed(store: &dyn Store, session: &Session, now: u64) -> U256 {
    let keys: Vec<LedgerKey<'_>> = session.counters(now);
    let names: Vec<String> = keys.iter().map(ToString::to_string).collect();
    let values = store.read(&names, now).await.unwrap();
    keys.iter()
        .zip(values)
        .filter(|(k, _)| !k.counter.ends_with("/next"))
        .filter(|(k, _)| !k.counter.ends_with("/refilled") && !k.counter.ends_with("/periods"))
        .fold(U256::ZERO, |sum, (_, v)| sum + v)
}

/// K replicas, each with its own store handle, try `tries` times each to spend one unit of the
/// budget at `to`. Returns how many were allowed.
async fn race(stores: &[Arc<dyn Store>], session: &Arc<Session>, to: Address, tries: usize) -> u64 {
    let tasks: Vec<_> = stores
        .iter()
        .map(|store| {
            let (store, session) = (store.clone(), session.clone());
            tokio::spawn(async move {
                let data = one_unit();
                let mut allowed = 0u64;
                for _ in 0..tries {
                    let calls = [unit_call(to, &data)];
                    let out = check(
                        &*store,
                        &session,
                        Input::Calls(&calls),
                        &ctx(NOW),
                        Mode::Fast,
                        None,
                    )
                    .await
                    .unwrap();
                    if out.verdict.is_allow() {
                        assert!(out.written, "an allow that changed usage was written");
                        allowed += 1;
                    }
                }
                allowed
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    total
}

async fn every_kind_holds(name: &str, stores: Vec<Arc<dyn Store>>) {
    let session = session();
    for (kind, to) in [
        ("lifetime value", LIFE),
        ("fixed window", WINDOW),
        ("refilling", REFILL),
        ("usage count", CALLS),
        ("max calls per window", PER_HOUR),
        ("shared budget", SHARED),
        ("erc-20 spend", TOKEN),
    ] {
        let before = committed(&*stores[0], &session, NOW).await;
        let allowed = race(&stores, &session, to, 3).await;
        let after = committed(&*stores[0], &session, NOW).await;
        eprintln!(
            "{name}, {kind}: {allowed} allowed of cap 10, {} committed",
            after - before
        );
        assert_eq!(
            allowed, 10,
            "{name}, {kind}: 24 tries fill a cap of 10 exactly"
        );
        assert_eq!(
            after - before,
            U256::from(allowed),
            "{name}, {kind}: all committed"
        );
    }
    let allowed = race(&stores, &session, SPACED, 2).await;
    eprintln!("{name}, min spacing: {allowed} allowed of 1");
    assert_eq!(allowed, 1, "{name}: one call per spacing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_replicas_never_pass_a_cap() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    every_kind_holds("memory", vec![store; 8]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_replicas_on_separate_connections_never_pass_a_cap() {
    let dir = std::env::temp_dir().join(format!("sg-store-race-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("usage.db");
    let stores: Vec<Arc<dyn Store>> = (0..8)
        .map(|_| Arc::new(SqliteStore::open(&path).unwrap()) as Arc<dyn Store>)
        .collect();
    every_kind_holds("sqlite", stores).await;
    // Reopened, the committed usage is all there.
    let reopened = SqliteStore::open(&path).unwrap();
    let total = committed(&reopened, &session(), NOW).await;
    assert_eq!(total, U256::from(70u8), "7 budgets of 10, committed");
    std::fs::remove_dir_all(&dir).ok();
}

async fn reservations_count_until_settled(store: &dyn Store) {
    let session = session();
    let data = one_unit();
    let calls = [unit_call(LIFE, &data)];
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
    let data = one_unit();
    let calls = [unit_call(LIFE, &data)];
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
