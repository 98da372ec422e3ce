//! The service while its fleet store is down (CI's control scripts stop and start the servers;
//! this binary runs alone, so no other test sees them down): checks that need usage deny with
//! `ledger_unavailable` over HTTP, `/ready` says 503, and after the restart the usage committed
//! before the stop is all there.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::{NOW, Server, pay, pay_session, temp_db, used};
use reqwest::StatusCode;
use sessiongate_server::Config;
use std::process::Command;

fn ctl(script: &str, what: &str) {
    let status = Command::new(script).arg(what).status().unwrap();
    assert!(status.success(), "{script} {what}: {status}");
}

async fn down_and_back(url_var: &str, ctl_var: &str) {
    let (Ok(url), Ok(script)) = (std::env::var(url_var), std::env::var(ctl_var)) else {
        eprintln!("{url_var} or {ctl_var} unset: skipped");
        return;
    };
    let server = Server::start(&url, Config::default()).await;
    let mut session = pay_session(10);
    session["name"] = format!("outage {}", temp_db("name").display()).into();
    let fp = server.register(&session).await;
    for _ in 0..4 {
        let (_, body) = server.check(&fp, &pay(1)).await;
        assert_eq!(body["decision"], "allow", "{body}");
    }
    ctl(&script, "stop");
    let (status, body) = server.check(&fp, &pay(1)).await;
    ctl_on_failure(&script, status == StatusCode::OK, &body);
    assert_eq!(body["decision"], "deny", "{body}");
    assert_eq!(
        body["violations"][0]["reason"]["kind"],
        "ledger_unavailable"
    );
    let (ready, _) = server.get("/ready").await;
    ctl(&script, "start");
    assert_eq!(ready, StatusCode::SERVICE_UNAVAILABLE);
    // Back: the four committed payments are there, and six more fit.
    let (_, budgets) = server
        .get(&format!("/sessions/{fp}/budgets?now={NOW}"))
        .await;
    assert_eq!(used(&budgets, "actions/pay/policies[0]"), "4", "{budgets}");
    let mut allowed = 0;
    for _ in 0..8 {
        let (_, body) = server.check(&fp, &pay(1)).await;
        allowed += usize::from(body["decision"] == "allow");
    }
    assert_eq!(allowed, 6);
    eprintln!("{url}: 4 allowed, denied ledger_unavailable while down, 6 more after restart");
}

/// Restarts the server before a failed assertion can leave it down for later tests.
fn ctl_on_failure(script: &str, ok: bool, body: &serde_json::Value) {
    if !ok {
        ctl(script, "start");
        panic!("check while down: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_outage_denies_over_http() {
    down_and_back("SESSIONGATE_REDIS_URL", "SESSIONGATE_REDIS_CTL").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_denies_over_http() {
    down_and_back("SESSIONGATE_POSTGRES_URL", "SESSIONGATE_POSTGRES_CTL").await;
}
