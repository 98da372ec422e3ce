//! Throughput of `sessiongate serve` over HTTP with the embedded SQLite store: N clients check
//! payments for a few seconds, each on its own session's budget (no contention), then all on
//! one budget (every commit conflicts with the others'). Prints checks/s and p50/p99 latency.
//!
//! `cargo run --release -p sessiongate-server --example load -- [CLIENTS] [SECONDS]`

use serde_json::{Value, json};
use sessiongate_server::{Config, open_store};
use std::error::Error;
use std::time::{Duration, Instant};

const PAYEE: &str = "0x1111111111111111111111111111111111111111";

/// Payments to PAYEE, a budget of `uses` (distinct numbers make distinct sessions).
fn session(uses: u64) -> Value {
    json!({"actions": [{
        "name": "pay", "target": PAYEE, "selector": "native",
        "policies": [{"type": "usage_limit", "limit": uses.to_string()}]
    }]})
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    allowed: u64,
    denied: u64,
    contended: u64,
    retries: u64,
}

async fn client(
    base: String,
    fingerprint: String,
    until: Instant,
) -> Result<Tally, reqwest::Error> {
    let http = reqwest::Client::new();
    let url = format!("{base}/sessions/{fingerprint}/check");
    let body =
        json!({"now": 1_760_000_000u64, "chain_id": 1, "calls": [{"to": PAYEE, "value": "1"}]})
            .to_string();
    let mut tally = Tally::default();
    while Instant::now() < until {
        let started = Instant::now();
        let response = http.post(&url).body(body.clone()).send().await?;
        let status = response.status();
        let answer: Value = response.json().await?;
        tally.latencies.push(started.elapsed());
        match (
            status.as_u16(),
            answer.get("decision").and_then(Value::as_str),
        ) {
            (200, Some("allow")) => tally.allowed += 1,
            (200, _) => tally.denied += 1,
            _ => tally.contended += 1,
        }
        tally.retries += answer.get("retries").and_then(Value::as_u64).unwrap_or(0);
    }
    Ok(tally)
}

async fn run(clients: u64, seconds: u64, contended: bool) -> Result<(), Box<dyn Error>> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let db = std::env::temp_dir().join(format!("sessiongate-load-{nanos}.db"));
    let store = open_store(&format!("sqlite://{}", db.display())).await?;
    let running =
        sessiongate_server::start("127.0.0.1:0".parse()?, store, Config::default()).await?;
    let base = format!("http://{}", running.addr());
    let http = reqwest::Client::new();
    let mut fingerprints = Vec::new();
    for i in 0..clients {
        let uses = if contended {
            1_000_000_000
        } else {
            1_000_000_000 + i
        };
        let answer: Value = http
            .post(format!("{base}/sessions"))
            .body(session(uses).to_string())
            .send()
            .await?
            .json()
            .await?;
        let fp = answer
            .get("fingerprint")
            .and_then(Value::as_str)
            .ok_or("no fingerprint")?;
        fingerprints.push(fp.to_owned());
    }
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = fingerprints
        .into_iter()
        .map(|fp| tokio::spawn(client(base.clone(), fp, until)))
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await??;
        all.latencies.extend(t.latencies);
        all.allowed += t.allowed;
        all.denied += t.denied;
        all.contended += t.contended;
        all.retries += t.retries;
    }
    let took = started.elapsed().as_secs_f64();
    all.latencies.sort_unstable();
    let at = |q: f64| {
        let i = ((all.latencies.len() as f64 - 1.0) * q).round() as usize;
        all.latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    let n = all.latencies.len();
    println!(
        "{:<22} clients={clients} checks={n} checks/s={:.0} p50={:.2}ms p99={:.2}ms allowed={} denied={} 409={} retries={}",
        if contended {
            "one budget (contended)"
        } else {
            "a budget per client"
        },
        n as f64 / took,
        at(0.50),
        at(0.99),
        all.allowed,
        all.denied,
        all.contended,
        all.retries,
    );
    running.shutdown().await?;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let clients = args.next().map(|a| a.parse()).transpose()?.unwrap_or(16);
    let seconds = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5);
    run(clients, seconds, false).await?;
    run(clients, seconds, true).await
}
