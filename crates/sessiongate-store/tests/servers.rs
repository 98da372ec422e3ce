//! Every store, the server ones against real servers (`SESSIONGATE_REDIS_URL`,
//! `SESSIONGATE_POSTGRES_URL`; a store whose variable is unset is skipped): replicas racing on
//! every kind of budget never pass a cap and every allow is counted, reservations expire, settle
//! once, and survive the replica that made them, and amounts add and compare as U256.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests: a failed expectation should panic"
)]

mod common;

use alloy_primitives::U256;
use common::{Kind, NOW, budgets, committed, race, session, stores, unique};
use sessiongate::Op;
use sessiongate_store::{Applied, Change, Settle, Store, StoreError, StoredEffect};
use std::sync::Arc;

const CLIENTS: usize = 8;

async fn races(kind: Kind) {
    let Some(stores) = stores(kind, CLIENTS).await else {
        return;
    };
    let session = Arc::new(session());
    for budget in budgets() {
        let allowed = race(&stores, &session, &budget).await;
        let counted = if budget.action == "spaced" {
            // A spacing stores when the next call may come; one allow sets it once.
            let key = session.key("actions/spaced/policies[0]/next").to_string();
            let next = stores[0].read(&[key], NOW).await.unwrap()[0];
            assert_eq!(next, U256::from(NOW + 60), "{}", budget.kind);
            U256::from(allowed)
        } else {
            committed(&*stores[0], &session, &budget, NOW).await
        };
        eprintln!(
            "{} {}: allowed {allowed} of cap {}, committed {counted}",
            kind.name(),
            budget.kind,
            budget.cap
        );
        assert_eq!(
            allowed, budget.cap,
            "{}: enough tries fill the cap",
            budget.kind
        );
        assert_eq!(
            counted,
            U256::from(allowed),
            "{}: every allow is counted",
            budget.kind
        );
    }
}

fn effect(key: &str, op: Op) -> StoredEffect {
    StoredEffect {
        key: key.into(),
        op,
        expires_at: None,
    }
}

fn reserve(key: &str, amount: u64, id: &str, expires_at: u64) -> Change {
    Change {
        reads: Vec::new(),
        effects: vec![effect(key, Op::Add(U256::from(amount)))],
        reserve: Some((id.into(), expires_at)),
    }
}

async fn view(store: &dyn Store, key: &str, now: u64) -> U256 {
    store.read(&[key.to_string()], now).await.unwrap()[0]
}

async fn reservations(kind: Kind) {
    let Some(mut stores) = stores(kind, 3).await else {
        return;
    };
    let dying = stores.pop().unwrap();
    let (a, b) = (&*stores[0], &*stores[1]);
    let key = format!("0x{}/actions/life/policies[0]", unique());
    let id = |n: &str| format!("{key}#{n}");
    let t = NOW;

    // Never settled: it counts until it expires, then its amount is gone and it cannot commit.
    assert_eq!(
        a.apply(&reserve(&key, 3, &id("lapsed"), t + 30), t)
            .await
            .unwrap(),
        Applied::Done
    );
    assert_eq!(view(b, &key, t).await, U256::from(3));
    assert_eq!(view(b, &key, t + 29).await, U256::from(3));
    assert_eq!(view(b, &key, t + 31).await, U256::ZERO);
    assert!(
        !b.settle(&id("lapsed"), Settle::Commit, t + 31)
            .await
            .unwrap()
    );

    // A live id is taken; once dead it may be used again.
    assert_eq!(
        a.apply(&reserve(&key, 1, &id("x"), t + 30), t)
            .await
            .unwrap(),
        Applied::Done
    );
    assert_eq!(
        b.apply(&reserve(&key, 1, &id("x"), t + 30), t)
            .await
            .unwrap(),
        Applied::Conflict
    );
    assert!(b.settle(&id("x"), Settle::Release, t).await.unwrap());
    assert_eq!(view(a, &key, t).await, U256::ZERO);

    // The replica that reserved dies before committing: another commits, once.
    assert_eq!(
        dying
            .apply(&reserve(&key, 2, &id("kept"), t + 30), t)
            .await
            .unwrap(),
        Applied::Done
    );
    drop(dying);
    assert!(b.settle(&id("kept"), Settle::Commit, t + 1).await.unwrap());
    assert!(!a.settle(&id("kept"), Settle::Commit, t + 1).await.unwrap());
    assert!(!a.settle(&id("kept"), Settle::Release, t + 1).await.unwrap());
    assert_eq!(view(a, &key, t + 100).await, U256::from(2));

    // A read that no longer holds writes nothing, reservation or commit.
    let stale = Change {
        reads: vec![(key.clone(), U256::ZERO)],
        ..reserve(&key, 5, &id("stale"), t + 30)
    };
    assert_eq!(a.apply(&stale, t).await.unwrap(), Applied::Conflict);
    let stale = Change {
        reserve: None,
        ..stale
    };
    assert_eq!(a.apply(&stale, t).await.unwrap(), Applied::Conflict);
    assert!(!a.settle(&id("stale"), Settle::Commit, t).await.unwrap());
    assert_eq!(view(b, &key, t).await, U256::from(2));
    eprintln!(
        "{}: reservations expire, settle once, outlive their replica",
        kind.name()
    );
}

/// Carries across every 16-bit digit, max-of for sets, an overflow that writes nothing, and
/// counters dropped a day after they expire.
async fn arithmetic(kind: Kind) {
    let Some(stores) = stores(kind, 1).await else {
        return;
    };
    let store = &*stores[0];
    let key = format!("0x{}/budgets/big", unique());
    let other = format!("{key}-other");
    let commit = |effects: Vec<StoredEffect>| Change {
        effects,
        ..Change::default()
    };
    let low = (U256::from(1u8) << 255) - U256::from(1u8);
    store
        .apply(&commit(vec![effect(&key, Op::Add(low))]), NOW)
        .await
        .unwrap();
    store
        .apply(&commit(vec![effect(&key, Op::Add(U256::from(1u8)))]), NOW)
        .await
        .unwrap();
    assert_eq!(view(store, &key, NOW).await, U256::from(1u8) << 255);
    store
        .apply(&commit(vec![effect(&key, Op::Set(U256::from(7u8)))]), NOW)
        .await
        .unwrap();
    assert_eq!(
        view(store, &key, NOW).await,
        U256::from(1u8) << 255,
        "a set keeps the max"
    );

    // Past 2^256-1: an error, and the other effect of the change is not written either.
    let over = commit(vec![
        effect(&other, Op::Add(U256::from(9u8))),
        effect(&key, Op::Add(U256::from(1u8) << 255)),
    ]);
    let e = store.apply(&over, NOW).await.unwrap_err();
    assert!(matches!(e, StoreError::Overflow(ref k) if *k == key), "{e}");
    assert_eq!(view(store, &other, NOW).await, U256::ZERO);
    let max = U256::MAX - (U256::from(1u8) << 255);
    store
        .apply(&commit(vec![effect(&key, Op::Add(max))]), NOW)
        .await
        .unwrap();
    assert_eq!(view(store, &key, NOW).await, U256::MAX);

    // A counter that expires is read for a day more, then dropped. Long before NOW, since a
    // store shared by tests running at once drops what is dead at any caller's time.
    let then = 1_000_000;
    let windowed = format!("{key}@3600");
    let expiring = StoredEffect {
        expires_at: Some(then),
        ..effect(&windowed, Op::Add(U256::from(4u8)))
    };
    store
        .apply(&commit(vec![expiring]), then - 10)
        .await
        .unwrap();
    assert_eq!(view(store, &windowed, then + 86_400).await, U256::from(4u8));
    assert_eq!(view(store, &windowed, then + 86_401).await, U256::ZERO);
}

macro_rules! per_store {
    ($($name:ident: $kind:expr;)*) => {
        mod race {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $name() { races($kind).await })*
        }
        mod reserve {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() { reservations($kind).await })*
        }
        mod amounts {
            use super::*;
            $(#[tokio::test]
            async fn $name() { arithmetic($kind).await })*
        }
    };
}

per_store! {
    memory: Kind::Memory;
    sqlite: Kind::Sqlite;
    redis: Kind::Redis;
    postgres: Kind::Postgres;
}
