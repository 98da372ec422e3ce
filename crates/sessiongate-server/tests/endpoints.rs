//! Every endpoint over real HTTP, with good and bad input.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

mod common;

use common::{NOW, PAYEE, Server, fixture, pay, pay_session, used};
use reqwest::StatusCode;
use serde_json::json;
use sessiongate_server::Config;

const USES: &str = "actions/pay/policies[0]";

#[tokio::test]
async fn register_is_idempotent_and_rejects_bad_documents() {
    let server = Server::memory().await;
    let a = server.register(&pay_session(10)).await;
    assert!(a.starts_with("0x") && a.len() == 66, "{a}");
    assert_eq!(server.register(&pay_session(10)).await, a);
    assert_ne!(server.register(&pay_session(11)).await, a);

    let (status, body) = server.post("/sessions", "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["kind"], "bad_json");
    let (status, body) = server.post("/sessions", vec![0xff, 0xfe]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["kind"], "bad_json");
    let (status, body) = server
        .post_json("/sessions", &json!({"actions": [{"target": 5}]}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["kind"], "bad_session");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("actions[0]")
    );
}

#[tokio::test]
async fn the_registry_is_bounded() {
    let config = Config {
        max_sessions: 2,
        ..Config::default()
    };
    let server = Server::start("memory", config).await;
    server.register(&pay_session(1)).await;
    let second = server.register(&pay_session(2)).await;
    let (status, body) = server.post_json("/sessions", &pay_session(3)).await;
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(body["error"]["kind"], "too_many_sessions");
    // One already kept still registers.
    assert_eq!(server.register(&pay_session(2)).await, second);
}

#[tokio::test]
async fn an_allow_is_committed_and_shows_in_the_budgets() {
    let server = Server::memory().await;
    let fp = server.register(&pay_session(10)).await;
    let (status, body) = server.check(&fp, &pay(5)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["decision"], "allow");
    assert_eq!(body["written"], true);
    assert_eq!(body["retries"], 0);
    assert_eq!(body["allowed_by"][0], "pay");
    let (status, budgets) = server
        .get(&format!("/sessions/{fp}/budgets?now={NOW}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(used(&budgets, USES), "1");
    // Upper-case hex names the same session.
    let (status, _) = server
        .check(&fp.to_ascii_uppercase().replacen("0X", "0x", 1), &pay(5))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_deny_is_an_answer_with_its_reason_and_commits_nothing() {
    let server = Server::memory().await;
    let fp = server.register(&pay_session(10)).await;
    let (status, body) = server.check(&fp, &pay(5000)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["decision"], "deny");
    assert_eq!(body["written"], false);
    assert_eq!(body["violations"][0]["reason"]["kind"], "value_too_high");
    let (_, budgets) = server
        .get(&format!("/sessions/{fp}/budgets?now={NOW}"))
        .await;
    assert_eq!(used(&budgets, USES), "0");

    let mut explain = pay(5000);
    explain["mode"] = json!("explain");
    explain["calls"] = json!([{"to": PAYEE, "value": "5000"}, {"to": "0x2222222222222222222222222222222222222222"}]);
    let (_, body) = server.check(&fp, &explain).await;
    assert_eq!(body["violations"].as_array().unwrap().len(), 2, "{body}");

    let (_, metrics) = server.get("/metrics").await;
    assert!(
        metrics.contains("sessiongate_checks_total{decision=\"deny\",reason=\"value_too_high\"} 2")
    );
    assert!(
        metrics.contains(
            "sessiongate_checks_total{decision=\"deny\",reason=\"ledger_unavailable\"} 0"
        )
    );
}

#[tokio::test]
async fn usage_runs_out_with_limit_exceeded() {
    let server = Server::memory().await;
    let fp = server.register(&pay_session(2)).await;
    for _ in 0..2 {
        assert_eq!(server.check(&fp, &pay(1)).await.1["decision"], "allow");
    }
    let (_, body) = server.check(&fp, &pay(1)).await;
    assert_eq!(body["violations"][0]["reason"]["kind"], "limit_exceeded");
}

#[tokio::test]
async fn bad_check_bodies_get_typed_errors() {
    let server = Server::memory().await;
    let fp = server.register(&pay_session(10)).await;
    let path = format!("/sessions/{fp}/check");
    let cases = [
        ("{\"now\": ", "bad_json"),
        ("[1, 2]", "bad_request"),
        ("{} trailing", "bad_json"),
        (r#"{"chain_id": "one", "calls": []}"#, "bad_request"),
        (r#"{"chain_id": 1}"#, "bad_request"),
        (
            r#"{"chain_id": 1, "calls": [], "user_op": {}}"#,
            "bad_request",
        ),
        (
            r#"{"chain_id": 1, "calls": [{"to": "0x12"}]}"#,
            "bad_request",
        ),
        (r#"{"chain_id": 1, "calls": "x"}"#, "bad_request"),
        (
            r#"{"chain_id": 1, "calls": [], "surprise": 1}"#,
            "bad_request",
        ),
        (
            r#"{"calls": [{"to": "0x1111111111111111111111111111111111111111"}]}"#,
            "bad_request",
        ),
        (
            r#"{"chain_id": 1, "mode": "slow", "calls": []}"#,
            "bad_request",
        ),
        (
            r#"{"chain_id": 1, "account_calldata": "0xzz"}"#,
            "bad_request",
        ),
        (
            r#"{"chain_id": 1, "transaction": {"to": "0x1111111111111111111111111111111111111111", "chainId": "0x5"}}"#,
            "bad_request",
        ),
        (
            r#"{"chain_id": 1, "user_op": {"sender": 1}}"#,
            "bad_request",
        ),
        (
            r#"{"chain_id": 1, "calls": [], "reserve": {"id": "", "ttl": 60}}"#,
            "bad_request",
        ),
        (
            r#"{"chain_id": 1, "calls": [], "reserve": {"id": "a", "ttl": -1}}"#,
            "bad_request",
        ),
        (
            r#"{"now": 18446744073709551616, "chain_id": 1, "calls": []}"#,
            "bad_request",
        ),
    ];
    for (body, kind) in cases {
        let (status, answer) = server.post(&path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["error"]["kind"], kind, "{body}: {answer}");
        assert!(answer["error"]["message"].is_string());
    }
    // An empty batch is well formed and denied.
    let (status, answer) = server.post(&path, r#"{"chain_id": 1, "calls": []}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer["violations"][0]["reason"]["kind"], "empty_batch");
}

#[tokio::test]
async fn a_transaction_and_account_calldata_are_decided() {
    let server = Server::memory().await;
    let fp = server.register(&pay_session(10)).await;
    let tx = json!({"now": NOW, "transaction": {"to": PAYEE, "value": "0x5", "chainId": "0x1"}});
    let (status, body) = server.check(&fp, &tx).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["decision"], "allow");
    let (status, body) = server
        .check(
            &fp,
            &json!({"now": NOW, "chain_id": 1, "account_calldata": "0x", "kind": "erc7579"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["decision"], "deny");
}

#[tokio::test]
async fn unknown_sessions_and_routes_are_404() {
    let server = Server::memory().await;
    let zero = format!("0x{}", "0".repeat(64));
    let (status, body) = server.check(&zero, &pay(1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["kind"], "unknown_session");
    let (status, body) = server.check("not-hex", &pay(1)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["kind"], "unknown_session");
    let (status, _) = server.get(&format!("/sessions/{zero}/budgets")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = server.get("/nowhere").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("not_found"));
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let config = Config {
        max_body: 64 * 1024,
        ..Config::default()
    };
    let server = Server::start("memory", config).await;
    let huge = format!("{{\"description\": \"{}\"}}", "x".repeat(200 * 1024));
    let (status, body) = server.post("/sessions", huge.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["kind"], "too_large");
    let fp = server.register(&pay_session(1)).await;
    let (status, body) = server.post(&format!("/sessions/{fp}/check"), huge).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["kind"], "too_large");
}

#[tokio::test]
async fn reserve_then_commit_counts_once() {
    let server = Server::memory().await;
    let fp = server.register(&pay_session(10)).await;
    let mut body = pay(1);
    body["reserve"] = json!({"id": "op-1", "ttl": 600});
    let (_, answer) = server.check(&fp, &body).await;
    assert_eq!(answer["decision"], "allow");
    assert_eq!(answer["written"], true);
    let budgets = format!("/sessions/{fp}/budgets?now={NOW}");
    // A live reservation counts against the budget.
    assert_eq!(used(&server.get(&budgets).await.1, USES), "1");
    let commit = format!("/reservations/op-1/commit?now={NOW}");
    let (status, settled) = server.post(&commit, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(settled, json!({"settled": true}));
    assert_eq!(used(&server.get(&budgets).await.1, USES), "1");
    let (_, settled) = server.post(&commit, "").await;
    assert_eq!(settled, json!({"settled": false}));
    let (_, settled) = server
        .post(&format!("/reservations/op-1/release?now={NOW}"), "")
        .await;
    assert_eq!(settled, json!({"settled": false}));
    assert_eq!(used(&server.get(&budgets).await.1, USES), "1");
}

#[tokio::test]
async fn reserve_then_release_gives_the_budget_back() {
    let server = Server::memory().await;
    let fp = server.register(&pay_session(10)).await;
    let mut body = pay(1);
    body["reserve"] = json!({"id": "op-2", "ttl": 600});
    assert_eq!(server.check(&fp, &body).await.1["written"], true);
    // The same id cannot reserve twice while live.
    let (status, answer) = server.check(&fp, &body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert_eq!(answer["error"]["kind"], "contended");
    let (_, settled) = server
        .post(&format!("/reservations/op-2/release?now={NOW}"), "")
        .await;
    assert_eq!(settled, json!({"settled": true}));
    let budgets = format!("/sessions/{fp}/budgets?now={NOW}");
    assert_eq!(used(&server.get(&budgets).await.1, USES), "0");
    let (status, answer) = server.post("/reservations/op-2/commit?now=x", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["kind"], "bad_request");
}

#[tokio::test]
async fn a_user_operation_v07_is_decided_with_its_sender() {
    let server = Server::memory().await;
    let fp = server.register(&fixture("user-op-session.json")).await;
    let op = fixture("user-op-v07-allowed.json");
    let body = json!({"now": NOW, "chain_id": 1, "user_op": op, "kind": "simple-account"});
    let (status, answer) = server.check(&fp, &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["decision"], "allow", "{answer}");
    let mut other = fixture("user-op-v07-other-paymaster.json");
    let (_, answer) = server
        .check(
            &fp,
            &json!({"now": NOW, "chain_id": 1, "user_op": other.take(), "kind": "simple-account"}),
        )
        .await;
    assert_eq!(
        answer["violations"][0]["reason"]["kind"],
        "paymaster_not_allowed"
    );
    let body = json!({"now": NOW, "chain_id": 1, "account": PAYEE, "user_op": op});
    let (status, answer) = server.check(&fp, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sender")
    );
}

#[tokio::test]
async fn health_ready_and_metrics_answer() {
    let server = Server::memory().await;
    let (status, body) = server.get("/health").await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"{"status":"ok"}"#)
    );
    let (status, _) = server.get("/ready").await;
    assert_eq!(status, StatusCode::OK);
    let fp = server.register(&pay_session(10)).await;
    server.check(&fp, &pay(1)).await;
    let (status, metrics) = server.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(metrics.contains("sessiongate_checks_total{decision=\"allow\",reason=\"\"} 1"));
    assert!(metrics.contains("sessiongate_store_seconds_count 1"));
    assert!(metrics.contains("sessiongate_retries_total 0"));
    for kind in sessiongate::Reason::KINDS {
        assert!(metrics.contains(&format!("reason=\"{kind}\"")), "{kind}");
    }
}

#[tokio::test]
async fn shutdown_lets_the_server_end() {
    let server = Server::memory().await;
    let addr = server.running.addr();
    server.running.shutdown().await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn store_urls() {
    use sessiongate_server::open_store;
    assert!(open_store("memory").await.is_ok());
    assert!(open_store("sqlite::memory:").await.is_ok());
    let db = common::temp_db("url");
    assert!(
        open_store(&format!("sqlite://{}", db.display()))
            .await
            .is_ok()
    );
    assert!(open_store(db.to_str().unwrap()).await.is_ok());
    for (url, says) in [
        ("redis://127.0.0.1:1", "redis://127.0.0.1:1"),
        ("postgres://127.0.0.1:1/db", "postgres://127.0.0.1:1/db"),
        ("ftp://x", "unknown scheme"),
        ("sqlite://", "no file path"),
    ] {
        let err = open_store(url).await.err().unwrap().to_string();
        assert!(err.contains(says), "{url}: {err}");
    }
    let _ = std::fs::remove_file(db);
}
