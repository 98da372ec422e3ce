//! A server stopped (killed) and restarted in the middle of a run, through the script named by
//! `SESSIONGATE_REDIS_CTL` / `SESSIONGATE_POSTGRES_CTL` (skipped when unset). While it is down
//! every check denies with `ledger_unavailable`; nothing passes the cap; committed usage is still
//! there after the restart. Its own test binary: the other tests must not see the server stop.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests: a failed expectation should panic"
)]

mod common;

use alloy_primitives::U256;
use common::{Kind, NOW, Outcome, budgets, committed, session, stores, try_once};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

const CLIENTS: usize = 4;

fn ctl(script: &str, what: &str) {
    let status = Command::new(script).arg(what).status().unwrap();
    assert!(status.success(), "{script} {what}: {status}");
}

async fn restart_mid_run(kind: Kind) {
    let Some(script) = kind.ctl() else {
        eprintln!(
            "{}: fault test skipped, no control script named",
            kind.name()
        );
        return;
    };
    let Some(stores) = stores(kind, CLIENTS).await else {
        return;
    };
    let session = Arc::new(session());
    let budget = budgets().remove(0); // the lifetime value limit: 10 units
    let allowed = Arc::new(AtomicU64::new(0));
    let unavailable = Arc::new(AtomicU64::new(0));
    let down = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = stores
        .iter()
        .map(|store| {
            let (store, session, budget) = (store.clone(), session.clone(), budget.clone());
            let (allowed, unavailable, down) = (allowed.clone(), unavailable.clone(), down.clone());
            tokio::spawn(async move {
                for _ in 0..400 {
                    // A check begun while the server was down may wait for it and be allowed
                    // once it is back, never while it is down.
                    match try_once(&*store, &session, &budget, NOW).await {
                        Outcome::Allowed => {
                            assert!(!down.load(Ordering::SeqCst), "allowed while down");
                            allowed.fetch_add(1, Ordering::SeqCst);
                        }
                        Outcome::Unavailable => {
                            unavailable.fetch_add(1, Ordering::SeqCst);
                        }
                        Outcome::Denied => return,
                        Outcome::Contended => {}
                    }
                    tokio::time::sleep(Duration::from_millis(150)).await;
                }
            })
        })
        .collect();

    // Stop once a few units are committed, leave it down a while, bring it back.
    while allowed.load(Ordering::SeqCst) < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    ctl(&script, "stop");
    down.store(true, Ordering::SeqCst);
    let before_stop = allowed.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let denied_down = unavailable.load(Ordering::SeqCst);
    down.store(false, Ordering::SeqCst);
    ctl(&script, "start");

    // A new client sees every allow made before the stop.
    let fresh = stores_after_restart(kind).await;
    let kept = committed(&*fresh, &session, &budget, NOW).await;
    assert!(
        kept >= U256::from(before_stop),
        "{}: {kept} committed after the restart, {before_stop} allowed before the stop",
        kind.name()
    );

    for task in tasks {
        task.await.unwrap();
    }
    let allowed = allowed.load(Ordering::SeqCst);
    let total = committed(&*fresh, &session, &budget, NOW).await;
    eprintln!(
        "{} restart: allowed {allowed} of cap {} ({before_stop} before the stop, {denied_down} \
         denied ledger_unavailable while down), committed {total}",
        kind.name(),
        budget.cap
    );
    assert!(denied_down > 0, "checks ran while the server was down");
    assert!(allowed <= budget.cap);
    // A commit whose reply was lost in the crash counts without an allow: over, never under.
    assert!(U256::from(allowed) <= total && total <= U256::from(budget.cap));
}

async fn stores_after_restart(kind: Kind) -> Arc<dyn sessiongate_store::Store> {
    stores(kind, 1).await.unwrap().remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_restart_mid_run() {
    restart_mid_run(Kind::Redis).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restart_mid_run() {
    restart_mid_run(Kind::Postgres).await;
}
