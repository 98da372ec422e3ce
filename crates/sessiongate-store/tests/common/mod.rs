//! What every store's tests share: stores by kind (servers from the environment), a session with
//! one action per kind of budget, and replicas racing through `check`.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test binary uses part of it"
)]

use alloy_primitives::{Address, U256, address};
use sessiongate::{Call, Context, Input, Mode, Session};
use sessiongate_store::{MemoryStore, PostgresStore, RedisStore, SqliteStore, Store, check};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub const LIFE: Address = address!("1000000000000000000000000000000000000001");
pub const WINDOW: Address = address!("1000000000000000000000000000000000000002");
pub const REFILL: Address = address!("1000000000000000000000000000000000000003");
pub const SPACED: Address = address!("1000000000000000000000000000000000000004");
pub const CALLS: Address = address!("1000000000000000000000000000000000000005");
pub const PER_HOUR: Address = address!("1000000000000000000000000000000000000006");
pub const SHARED: Address = address!("1000000000000000000000000000000000000007");
pub const TOKEN: Address = address!("1000000000000000000000000000000000000008");
const PAYEE: Address = address!("2000000000000000000000000000000000000002");

/// A time in a window of its own; windows are an hour.
pub const NOW: u64 = 1_800_001_000;

/// Which store a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Memory,
    Sqlite,
    Redis,
    Postgres,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Memory => "memory",
            Kind::Sqlite => "sqlite",
            Kind::Redis => "redis",
            Kind::Postgres => "postgres",
        }
    }

    fn url(self) -> Option<String> {
        let var = match self {
            Kind::Redis => "SESSIONGATE_REDIS_URL",
            Kind::Postgres => "SESSIONGATE_POSTGRES_URL",
            _ => return Some(String::new()),
        };
        std::env::var(var).ok().filter(|v| !v.is_empty())
    }

    /// The script that stops and starts this kind's server, if the environment names one.
    pub fn ctl(self) -> Option<String> {
        let var = match self {
            Kind::Redis => "SESSIONGATE_REDIS_CTL",
            Kind::Postgres => "SESSIONGATE_POSTGRES_CTL",
            _ => return None,
        };
        std::env::var(var).ok().filter(|v| !v.is_empty())
    }
}

/// `n` clients of one store of `kind`, each its own connection where the store has them; None
/// (and a note) when the environment names no server for it.
pub async fn stores(kind: Kind, n: usize) -> Option<Vec<Arc<dyn Store>>> {
    let Some(url) = kind.url() else {
        eprintln!(
            "{}: skipped, no server named in the environment",
            kind.name()
        );
        return None;
    };
    let mut out: Vec<Arc<dyn Store>> = Vec::with_capacity(n);
    match kind {
        Kind::Memory => {
            let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
            out.resize(n, store);
        }
        Kind::Sqlite => {
            let path = std::env::temp_dir().join(format!("sessiongate-{}.db", unique()));
            for _ in 0..n {
                out.push(Arc::new(SqliteStore::open(&path).unwrap()));
            }
        }
        Kind::Redis => {
            for _ in 0..n {
                out.push(Arc::new(RedisStore::connect(&url).await.unwrap()));
            }
        }
        Kind::Postgres => {
            for _ in 0..n {
                out.push(Arc::new(PostgresStore::connect(&url).await.unwrap()));
            }
        }
    }
    Some(out)
}

/// A name no other run used, so runs against one server never share counters.
pub fn unique() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    format!("{}-{nanos}-{n}", std::process::id())
}

/// One action per kind of budget, each with a cap of 10 units or calls, and one more action of
/// a target unique to this run, so the session's fingerprint (its counters' namespace) is new.
pub fn session() -> Session {
    let transfer = "transfer(address to, uint256 amount)";
    let id = unique();
    let salt = alloy_primitives::keccak256(id.as_bytes());
    let own = Address::from_slice(&salt[..20]);
    let json = serde_json::json!({
        "name": format!("store test {id}"),
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
            { "name": "spend", "target": TOKEN, "selector": transfer,
              "policies": [{ "type": "spend_limit", "token": TOKEN, "limit": "10" }] },
            { "name": "own", "target": own, "selector": "native",
              "policies": [{ "type": "sudo" }] }
        ]
    });
    Session::from_value(json).unwrap()
}

pub fn ctx(now: u64) -> Context {
    Context {
        now,
        chain_id: 1,
        account: None,
    }
}

/// `transfer(PAYEE, 1)`.
pub fn one_unit() -> Vec<u8> {
    let mut data = vec![0xa9, 0x05, 0x9c, 0xbb];
    data.extend([0u8; 12]);
    data.extend(PAYEE.as_slice());
    data.extend(U256::from(1u8).to_be_bytes::<32>());
    data
}

/// A budget kind: the action's name (its counters' prefix), its target, and the call.
#[derive(Clone, Debug)]
pub struct Budget {
    pub kind: &'static str,
    pub action: &'static str,
    pub to: Address,
    pub data: Vec<u8>,
    pub value: U256,
    pub cap: u64,
}

pub fn budgets() -> Vec<Budget> {
    let unit = one_unit();
    let native = |kind, action, to, value: u8, cap| Budget {
        kind,
        action,
        to,
        data: Vec::new(),
        value: U256::from(value),
        cap,
    };
    let transfer = |kind, action, to| Budget {
        kind,
        action,
        to,
        data: unit.clone(),
        value: U256::ZERO,
        cap: 10,
    };
    vec![
        native("lifetime value", "life", LIFE, 1, 10),
        transfer("fixed window", "window", WINDOW),
        transfer("refilling", "refill", REFILL),
        transfer("shared budget", "shared", SHARED),
        native("min spacing", "spaced", SPACED, 0, 1),
        native("max calls per window", "per-hour", PER_HOUR, 0, 10),
        native("usage count", "calls", CALLS, 0, 10),
        transfer("erc-20 spend", "spend", TOKEN),
    ]
}

/// How one check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    /// Denied because the store could not be reached.
    Unavailable,
    /// Denied for another reason (a cap reached).
    Denied,
    /// Too contended to decide.
    Contended,
}

/// One unit of `budget` through `check`, committed on allow.
pub async fn try_once(store: &dyn Store, session: &Session, budget: &Budget, now: u64) -> Outcome {
    let call = [Call {
        to: budget.to,
        value: budget.value,
        data: &budget.data,
    }];
    match check(
        store,
        session,
        Input::Calls(&call),
        &ctx(now),
        Mode::Fast,
        None,
    )
    .await
    {
        Ok(c) if c.verdict.is_allow() => {
            assert!(c.written, "an allow with effects is written");
            Outcome::Allowed
        }
        Ok(c) if c.verdict.violations[0].reason.kind() == "ledger_unavailable" => {
            Outcome::Unavailable
        }
        Ok(_) => Outcome::Denied,
        Err(_) => Outcome::Contended,
    }
}

/// The usage committed for `budget`, read back through the store: the sum of the action's
/// counters (the shared budget's for the shared action), bookkeeping counters left out.
pub async fn committed(store: &dyn Store, session: &Session, budget: &Budget, now: u64) -> U256 {
    let keys: Vec<String> = session
        .counters(now)
        .iter()
        .map(ToString::to_string)
        .collect();
    let values = store.read(&keys, now).await.unwrap();
    let prefix = if budget.action == "shared" {
        "/budgets/team".to_string()
    } else {
        format!("/actions/{}/", budget.action)
    };
    keys.iter()
        .zip(values)
        .filter(|(k, _)| k.contains(&prefix))
        .filter(|(k, _)| {
            !k.ends_with("/refilled") && !k.ends_with("/periods") && !k.ends_with("/next")
        })
        .fold(U256::ZERO, |sum, (_, v)| sum + v)
}

/// Clients (one per store) racing on the last units of `budget`: each tries until a cap denies
/// it. Returns the total allowed.
pub async fn race(stores: &[Arc<dyn Store>], session: &Arc<Session>, budget: &Budget) -> u64 {
    const TRIES: usize = 12;
    let barrier = Arc::new(tokio::sync::Barrier::new(stores.len()));
    let tasks: Vec<_> = stores
        .iter()
        .map(|store| {
            let (store, session, budget) = (store.clone(), session.clone(), budget.clone());
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let mut allowed = 0u64;
                for _ in 0..TRIES {
                    match try_once(&*store, &session, &budget, NOW).await {
                        Outcome::Allowed => allowed += 1,
                        Outcome::Contended => {}
                        Outcome::Denied => break,
                        Outcome::Unavailable => panic!("store unavailable in a race"),
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
