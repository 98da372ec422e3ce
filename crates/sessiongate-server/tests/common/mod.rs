//! A real server on 127.0.0.1:0 and a real HTTP client.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    dead_code,
    unreachable_pub
)]

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sessiongate_server::{Config, Running, open_store};
use std::path::PathBuf;

/// A fixed time: the sessions here have no window, and a fixed `now` keeps reservations alive.
pub const NOW: u64 = 1_760_000_000;
pub const PAYEE: &str = "0x1111111111111111111111111111111111111111";

pub struct Server {
    pub running: Running,
    pub client: Client,
    pub base: String,
}

impl Server {
    pub async fn start(store: &str, config: Config) -> Self {
        let store = open_store(store).await.unwrap();
        let running = sessiongate_server::start("127.0.0.1:0".parse().unwrap(), store, config)
            .await
            .unwrap();
        let base = format!("http://{}", running.addr());
        Self {
            running,
            client: Client::new(),
            base,
        }
    }

    pub async fn memory() -> Self {
        Self::start("memory", Config::default()).await
    }

    pub async fn post(&self, path: &str, body: impl Into<reqwest::Body>) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.post(path, body.to_string()).await
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Registers a session and returns its fingerprint.
    pub async fn register(&self, session: &Value) -> String {
        let (status, body) = self.post_json("/sessions", session).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["fingerprint"].as_str().unwrap().to_owned()
    }

    pub async fn check(&self, fingerprint: &str, body: &Value) -> (StatusCode, Value) {
        self.post_json(&format!("/sessions/{fingerprint}/check"), body)
            .await
    }
}

/// Native payments to PAYEE: at most `uses` of them, at most 1000 wei each.
pub fn pay_session(uses: u64) -> Value {
    json!({"actions": [{
        "name": "pay", "target": PAYEE, "selector": "native",
        "policies": [
            {"type": "usage_limit", "limit": uses.to_string()},
            {"type": "max_value", "limit": "1000"}
        ]
    }]})
}

/// A check of one payment of `value` wei.
pub fn pay(value: u64) -> Value {
    json!({"now": NOW, "chain_id": 1, "calls": [{"to": PAYEE, "value": value.to_string()}]})
}

/// A SQLite file of its own under the system's temp directory.
pub fn temp_db(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!(
        "sessiongate-{name}-{}-{nanos}.db",
        std::process::id()
    ))
}

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../sessiongate-cli/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The `used` of the budget `key` in a budgets answer.
pub fn used(budgets: &str, key: &str) -> String {
    let budgets: Value = serde_json::from_str(budgets).unwrap();
    budgets
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["key"] == key)
        .map(|b| b["used"].as_str().unwrap().to_owned())
        .unwrap()
}
