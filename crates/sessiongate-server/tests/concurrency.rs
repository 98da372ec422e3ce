//! Three service replicas sharing one store, as a relayer fleet runs them: sixteen parallel HTTP
//! checks spread over the replicas against a budget of ten allow exactly ten, in an SQLite file
//! and, when CI started them (`SESSIONGATE_REDIS_URL`, `SESSIONGATE_POSTGRES_URL`), in Redis and
//! PostgreSQL.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::{NOW, Server, pay, pay_session, temp_db, used};
use sessiongate_server::Config;
use std::sync::Arc;

/// 16 checks over 3 replicas on `store`; returns how many were allowed.
async fn fleet_of_three(store: &str) -> usize {
    let mut replicas = Vec::new();
    for _ in 0..3 {
        replicas.push(Arc::new(Server::start(store, Config::default()).await));
    }
    // A session of its own per run, so reruns against a long-lived server start from zero.
    let mut session = pay_session(10);
    session["name"] = format!("fleet {}", temp_db("name").display()).into();
    let mut fp = String::new();
    for replica in &replicas {
        fp = replica.register(&session).await;
    }
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let (replica, fp) = (replicas[i % 3].clone(), fp.clone());
            tokio::spawn(async move { replica.check(&fp, &pay(1)).await })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
        if body["decision"] == "allow" {
            assert_eq!(body["written"], true);
            allowed += 1;
        } else {
            assert_eq!(body["violations"][0]["reason"]["kind"], "limit_exceeded");
        }
    }
    // Every replica sees the fleet's usage.
    for replica in &replicas {
        let (_, budgets) = replica
            .get(&format!("/sessions/{fp}/budgets?now={NOW}"))
            .await;
        assert_eq!(used(&budgets, "actions/pay/policies[0]"), "10");
    }
    eprintln!("{store}: {allowed} allowed of 16 checks on a cap of 10, over 3 replicas");
    allowed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_on_one_sqlite_file_allow_exactly_the_cap() {
    let db = temp_db("concurrency");
    assert_eq!(
        fleet_of_three(&format!("sqlite://{}", db.display())).await,
        10
    );
    let _ = std::fs::remove_file(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_on_one_redis_allow_exactly_the_cap() {
    match std::env::var("SESSIONGATE_REDIS_URL") {
        Ok(url) => assert_eq!(fleet_of_three(&url).await, 10),
        Err(_) => eprintln!("SESSIONGATE_REDIS_URL unset: redis skipped"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_on_one_postgres_allow_exactly_the_cap() {
    match std::env::var("SESSIONGATE_POSTGRES_URL") {
        Ok(url) => assert_eq!(fleet_of_three(&url).await, 10),
        Err(_) => eprintln!("SESSIONGATE_POSTGRES_URL unset: postgres skipped"),
    }
}
