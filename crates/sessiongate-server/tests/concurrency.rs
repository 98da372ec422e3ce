//! Parallel HTTP checks against one budget in an SQLite file: the store's conditional commit
//! lets exactly the cap through.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::{NOW, Server, pay, pay_session, temp_db, used};
use sessiongate_server::Config;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_parallel_checks_on_a_cap_of_ten_allow_exactly_ten() {
    let db = temp_db("concurrency");
    let server = Server::start(&format!("sqlite://{}", db.display()), Config::default()).await;
    let fp = server.register(&pay_session(10)).await;
    let server = std::sync::Arc::new(server);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let server = server.clone();
            let fp = fp.clone();
            tokio::spawn(async move { server.check(&fp, &pay(1)).await })
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
    assert_eq!(allowed, 10);
    let (_, budgets) = server
        .get(&format!("/sessions/{fp}/budgets?now={NOW}"))
        .await;
    assert_eq!(used(&budgets, "actions/pay/policies[0]"), "10");
    let _ = std::fs::remove_file(&db);
}
