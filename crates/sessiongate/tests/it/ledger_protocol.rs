//! The ledger protocol: failed reads deny, allows carry their reads and effects, a conditional
//! commit keeps every kind of budget under its cap when replicas race, and counters are
//! namespaced by the session's fingerprint.

use alloy_primitives::{Address, U256, address};
use alloy_sol_types::{SolCall, sol};
use sessiongate::{
    Call, CommitError, Context, Effect, Ledger, LedgerKey, LedgerUnavailable, MemoryLedger, Op,
    Reason, Session, Verdict,
};
use std::sync::{Arc, Barrier, Mutex};

sol! {
    function transfer(address to, uint256 amount);
}

const LIFE: Address = address!("1000000000000000000000000000000000000001");
const WINDOW: Address = address!("1000000000000000000000000000000000000002");
const REFILL: Address = address!("1000000000000000000000000000000000000003");
const SPACED: Address = address!("1000000000000000000000000000000000000004");
const CALLS: Address = address!("1000000000000000000000000000000000000005");
const PER_HOUR: Address = address!("1000000000000000000000000000000000000006");
const SHARED: Address = address!("1000000000000000000000000000000000000007");
const PAYEE: Address = address!("2000000000000000000000000000000000000002");

/// One action per kind of budget, each with a cap of 10 units or calls.
fn session() -> Session {
    let transfer = "transfer(address to, uint256 amount)";
    let json = serde_json::json!({
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
              "rules": [{ "param": "amount", "budget": { "shared": "team" } }] }
        ]
    });
    Session::from_value(json).unwrap()
}

fn ctx(now: u64) -> Context {
    Context {
        now,
        chain_id: 1,
        account: None,
    }
}

/// A call of one unit (value or amount) to `to`.
fn unit_call(to: Address, data: &[u8]) -> Call<'_> {
    let value = if data.is_empty() && to != SPACED && to != CALLS && to != PER_HOUR {
        U256::from(1u8)
    } else {
        U256::ZERO
    };
    Call { to, value, data }
}

fn one_unit() -> Vec<u8> {
    transferCall {
        to: PAYEE,
        amount: U256::from(1u8),
    }
    .abi_encode()
}

/// A ledger whose store is down.
struct Down;

impl Ledger for Down {
    fn read(&self, _: &LedgerKey<'_>) -> Result<U256, LedgerUnavailable> {
        Err(LedgerUnavailable)
    }
}

#[test]
fn a_ledger_that_cannot_be_read_denies_every_budget_kind() {
    let s = session();
    let data = one_unit();
    for to in [LIFE, WINDOW, REFILL, SPACED, CALLS, PER_HOUR, SHARED] {
        let calldata: &[u8] = if [WINDOW, REFILL, SHARED].contains(&to) {
            &data
        } else {
            &[]
        };
        let v = s.check(&[unit_call(to, calldata)], &Down, &ctx(7_200));
        assert!(!v.is_allow(), "{to}: {v}");
        assert_eq!(v.violations[0].reason, Reason::LedgerUnavailable, "{to}");
        assert!(v.reads.is_empty() && v.effects.is_empty());
    }
    assert_eq!(s.budgets(&Down, 0), Err(LedgerUnavailable));
}

#[test]
fn an_allow_names_what_it_read_and_sets_absolute_state() {
    let s = session();
    let ledger = MemoryLedger::new();
    let v = s.check(&[unit_call(SPACED, &[])], &ledger, &ctx(1_000));
    assert!(v.is_allow(), "{v}");
    let next = s.key("actions/spaced/policies[0]/next");
    assert_eq!(v.reads.len(), 1);
    assert_eq!((&v.reads[0].key, v.reads[0].seen), (&next, U256::ZERO));
    assert_eq!(v.effects[0].key, next);
    assert_eq!(v.effects[0].op, Op::Set(U256::from(1_060)));
    assert_eq!(v.effects[0].expires_at, Some(1_060));

    // A windowed budget's key names its window, and the effect expires with it.
    let data = one_unit();
    let v = s.check(&[unit_call(WINDOW, &data)], &ledger, &ctx(7_300));
    assert!(v.is_allow(), "{v}");
    assert_eq!(v.effects[0].key.window, Some(7_200));
    assert_eq!(v.effects[0].expires_at, Some(10_800));
    assert_eq!(v.effects[0].key.session, s.fingerprint());
}

#[test]
fn a_stale_decision_does_not_commit() {
    let s = session();
    let mut ledger = MemoryLedger::new();
    let nine = s.key("actions/life/policies[0]");
    ledger.set(&nine, U256::from(9u8));
    let call = [unit_call(LIFE, &[])];
    // Two replicas decide against the same state: each sees 1 unit left.
    let a = s.check(&call, &ledger, &ctx(0)).into_owned();
    let b = s.check(&call, &ledger, &ctx(0)).into_owned();
    assert!(a.is_allow() && b.is_allow());
    ledger.commit(&a.reads, &a.effects).unwrap();
    let e = ledger.commit(&b.reads, &b.effects).unwrap_err();
    assert!(matches!(e, CommitError::Conflict { .. }), "{e}");
    // Checked again, the second is denied: the cap is reached.
    let again = s.check(&call, &ledger, &ctx(0));
    assert!(matches!(
        again.violations[0].reason,
        Reason::LimitExceeded { .. }
    ));
    assert_eq!(ledger.get(&nine), U256::from(10u8));
}

#[test]
fn fingerprints_follow_meaning_not_spelling() {
    let a = Session::from_json(
        r#"{"actions": [{"name": "a", "target": "0x1000000000000000000000000000000000000001",
            "selector": "native", "policies": [{"type": "value_limit", "limit": 100}]}]}"#,
    )
    .unwrap();
    // Keys reordered, the number as a string, the address in another case.
    let b = Session::from_json(
        r#"{"actions": [{"policies": [{"limit": "100", "type": "value_limit"}],
            "selector": "native", "target": "0x1000000000000000000000000000000000000001",
            "name": "a"}]}"#,
    )
    .unwrap();
    let c = Session::from_json(
        r#"{"actions": [{"name": "a", "target": "0x1000000000000000000000000000000000000001",
            "selector": "native", "policies": [{"type": "value_limit", "limit": 101}]}]}"#,
    )
    .unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_ne!(a.fingerprint(), c.fingerprint());
    // So two sessions in one ledger never share a counter, until usage is carried on purpose.
    let mut ledger = MemoryLedger::new();
    ledger.set(&a.key("actions/a/policies[0]"), U256::from(100u8));
    let call = [Call {
        to: LIFE,
        value: U256::from(2u8),
        data: &[],
    }];
    assert!(!a.check(&call, &ledger, &ctx(0)).is_allow());
    assert!(c.check(&call, &ledger, &ctx(0)).is_allow());
    ledger.carry(a.fingerprint(), c.fingerprint());
    assert!(!c.check(&call, &ledger, &ctx(0)).is_allow());
}

#[test]
fn a_budget_name_cannot_print_like_a_window() {
    let e = Session::from_json(
        r#"{"budgets": {"daily@86400": {"limit": "1"}}, "actions": [{
            "target": "0x1000000000000000000000000000000000000001",
            "selector": "transfer(address to, uint256 amount)",
            "rules": [{"param": "amount", "budget": {"shared": "daily@86400"}}]}]}"#,
    )
    .unwrap_err();
    // Names are letters, digits, `_`, `.` and `-`, so no counter id prints like a window's.
    assert!(e.to_string().contains("is not a valid"), "{e}");
}

/// Replicas that each decide against their own snapshot and commit conditionally, retrying on
/// conflict: the total allowed never passes the cap, and every committed effect is in the ledger.
fn race(to: Address, data: &[u8], cap: u64, now: u64) -> (u64, U256) {
    const REPLICAS: usize = 8;
    const TRIES: usize = 6;
    let s = Arc::new(session());
    let ledger = Arc::new(Mutex::new(MemoryLedger::new()));
    let barrier = Arc::new(Barrier::new(REPLICAS));
    let threads: Vec<_> = (0..REPLICAS)
        .map(|_| {
            let (s, ledger, barrier) = (s.clone(), ledger.clone(), barrier.clone());
            let data = data.to_vec();
            std::thread::spawn(move || {
                let mut allowed = 0u64;
                barrier.wait();
                for _ in 0..TRIES {
                    loop {
                        let snapshot = ledger.lock().unwrap().clone();
                        let v: Verdict<'_> = s.check(&[unit_call(to, &data)], &snapshot, &ctx(now));
                        if !v.is_allow() {
                            break;
                        }
                        match ledger.lock().unwrap().commit(&v.reads, &v.effects) {
                            Ok(()) => {
                                allowed += 1;
                                break;
                            }
                            Err(CommitError::Conflict { .. }) => continue,
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
                allowed
            })
        })
        .collect();
    let allowed: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert!(
        allowed <= cap,
        "{to}: {allowed} allowed against a cap of {cap}"
    );
    let total = ledger
        .lock()
        .unwrap()
        .iter()
        .filter(|(k, _)| !k.counter.ends_with("/next"))
        .filter(|(k, _)| !k.counter.ends_with("/refilled") && !k.counter.ends_with("/periods"))
        .map(|(_, v)| v)
        .fold(U256::ZERO, |a, b| a + b);
    (allowed, total)
}

#[test]
fn replicas_racing_never_pass_a_cap_of_any_kind() {
    let data = one_unit();
    for (name, to, calldata) in [
        ("lifetime value", LIFE, &[][..]),
        ("fixed window", WINDOW, &data[..]),
        ("refilling", REFILL, &data[..]),
        ("usage count", CALLS, &[][..]),
        ("max calls per window", PER_HOUR, &[][..]),
        ("shared budget", SHARED, &data[..]),
    ] {
        let (allowed, committed) = race(to, calldata, 10, 7_300);
        eprintln!("{name}: {allowed} allowed of 10, {committed} committed");
        assert_eq!(allowed, 10, "{name}: 48 tries fill the cap exactly");
        assert_eq!(
            committed,
            U256::from(allowed),
            "{name}: every commit is counted"
        );
    }
    // A minimum spacing: at one instant, exactly one call of all the replicas' gets through.
    let (allowed, _) = race(SPACED, &[], 1, 7_300);
    eprintln!("min spacing: {allowed} allowed of 1");
    assert_eq!(allowed, 1);
}

/// A list longer than `apply` works out on the stack, naming counters again and again, lands
/// exactly as applying its effects one by one; one overflowing addition anywhere changes nothing.
#[test]
fn long_effect_lists_apply_as_one_by_one() {
    let session = sessiongate::Fingerprint::default();
    let key = |i: usize| LedgerKey {
        session,
        counter: format!("counter-{}", i % 3).into(),
        window: i.is_multiple_of(2).then_some(100),
    };
    let effects: Vec<Effect<'static>> = (0..40)
        .map(|i| Effect {
            key: key(i),
            op: if i % 7 == 6 {
                Op::Set(U256::from(1_000 + i))
            } else {
                Op::Add(U256::from(i + 1))
            },
            expires_at: Some(200 + i as u64),
        })
        .collect();
    let mut whole = MemoryLedger::new();
    whole.apply(&effects).unwrap();
    let mut single = MemoryLedger::new();
    for effect in &effects {
        single.apply(std::slice::from_ref(effect)).unwrap();
    }
    assert_eq!(whole, single);
    assert_eq!(whole.iter().count(), 6);

    let mut overflowing = effects.clone();
    overflowing.push(Effect {
        key: key(0),
        op: Op::Add(U256::MAX),
        expires_at: None,
    });
    let before = whole.clone();
    assert!(matches!(
        whole.apply(&overflowing),
        Err(CommitError::Overflow { .. })
    ));
    assert_eq!(whole, before);
}
