//! Check + conditional commit throughput and latency of a store, as a relayer replica sees it.
//!
//! ```text
//! cargo run --release -p sessiongate-store --example load -- <store> [seconds] [clients...]
//! ```
//! `<store>` is `memory`, a SQLite file path, `redis://…` or `postgres://…`. For each client
//! count (default 1 8 64) it runs twice: every client on its own session (no contention), then
//! all on one budget (contention: conflicts are retried by `check`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

use alloy_primitives::{U256, address};
use sessiongate::{Call, Context, Input, Mode, Session};
use sessiongate_store::{MemoryStore, SqliteStore, Store, check};
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn open(url: &str) -> Arc<dyn Store> {
    match url {
        "memory" => Arc::new(MemoryStore::new()),
        #[cfg(feature = "redis")]
        u if u.starts_with("redis://") => Arc::new(
            sessiongate_store::RedisStore::connect(u)
                .await
                .expect("redis"),
        ),
        #[cfg(feature = "postgres")]
        u if u.starts_with("postgres://") => Arc::new(
            sessiongate_store::PostgresStore::connect(u)
                .await
                .expect("postgres"),
        ),
        path => Arc::new(SqliteStore::open(path).expect("sqlite")),
    }
}

/// A session with a lifetime value budget too large to run out, named apart per run.
fn session(name: &str) -> Arc<Session> {
    let json = serde_json::json!({
        "name": name,
        "actions": [{ "name": "pay", "target": "0x1000000000000000000000000000000000000001",
            "selector": "native", "policies": [{ "type": "value_limit", "limit": "0x1000000000000000000000000000000000000000000000000000" }] }]
    });
    Arc::new(Session::from_value(json).unwrap())
}

/// Runs `clients` clients for `seconds`; returns checks committed and every latency.
async fn run(
    url: &str,
    clients: usize,
    seconds: u64,
    contended: bool,
    tag: &str,
) -> (u64, Vec<Duration>, u64) {
    let shared = session(&format!("load {tag} shared"));
    let mut tasks = Vec::new();
    let stop = Instant::now() + Duration::from_secs(seconds);
    for c in 0..clients {
        let store = open(url).await;
        let session = if contended {
            shared.clone()
        } else {
            session(&format!("load {tag} {c}"))
        };
        tasks.push(tokio::spawn(async move {
            let call = Call {
                to: address!("1000000000000000000000000000000000000001"),
                value: U256::from(1u8),
                data: &[],
            };
            let ctx = Context {
                now: 1_800_000_000,
                chain_id: 1,
                account: None,
            };
            let (mut done, mut latencies, mut retries) = (0u64, Vec::new(), 0u64);
            while Instant::now() < stop {
                let start = Instant::now();
                let out = check(
                    &*store,
                    &session,
                    Input::Calls(&[call]),
                    &ctx,
                    Mode::Fast,
                    None,
                )
                .await;
                latencies.push(start.elapsed());
                if let Ok(out) = out {
                    if out.written {
                        done += 1;
                    }
                    retries += u64::from(out.retries);
                }
            }
            (done, latencies, retries)
        }));
    }
    let (mut done, mut all, mut retries) = (0, Vec::new(), 0);
    for t in tasks {
        let (d, l, r) = t.await.unwrap();
        done += d;
        all.extend(l);
        retries += r;
    }
    all.sort_unstable();
    (done, all, retries)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args.first().cloned().unwrap_or_else(|| "memory".into());
    let seconds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut clients: Vec<usize> = args.iter().skip(2).filter_map(|s| s.parse().ok()).collect();
    if clients.is_empty() {
        clients = vec![1, 8, 64];
    }
    let tag = std::process::id().to_string();
    println!("store {url}, {seconds} s per run");
    println!(
        "{:>7} {:>10} {:>12} {:>10} {:>10} {:>9}",
        "clients", "contended", "commits/s", "p50 µs", "p99 µs", "retries"
    );
    for &n in &clients {
        for contended in [false, true] {
            let (done, lat, retries) = run(
                &url,
                n,
                seconds,
                contended,
                &format!("{tag}-{n}-{contended}"),
            )
            .await;
            let pct = |p: usize| {
                lat.get(lat.len().saturating_sub(1) * p / 100)
                    .map_or(0, |d| d.as_micros())
            };
            println!(
                "{n:>7} {contended:>10} {:>12.0} {:>10.1} {:>10.1} {retries:>9}",
                done as f64 / seconds as f64,
                pct(50),
                pct(99)
            );
        }
    }
}
