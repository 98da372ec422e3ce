//! The worst inputs we know how to build against the work and memory bounds: each is a session
//! and a transaction a stranger could send, decided within one transaction's work budget. The
//! `hostile` bench times them; the allocation test measures their peak memory.

use alloy_primitives::{Address, U256, address};
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};
use sessiongate::calldata::Signature;
use sessiongate::{Call, Context, Mode, Session};

sol! {
    function transfer(address to, uint256 amount);
}

const TOKEN: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const TARGET: Address = address!("7a250d5630b4cf539739df2c5dacb4c659f2488d");
const ACCOUNT: Address = address!("acc0000000000000000000000000000000000acc");

/// A session, the calls sent against it, and how they are asked.
#[derive(Debug)]
pub struct Case {
    /// What the case stresses.
    pub name: &'static str,
    /// The session, as a stranger wrote it.
    pub session: Session,
    /// The transaction: target and calldata of each call.
    pub calls: Vec<(Address, Vec<u8>)>,
    /// Check or explain.
    pub mode: Mode,
    /// The decision it must get.
    pub allow: bool,
}

impl Case {
    /// The calls, borrowed for evaluation.
    pub fn calls(&self) -> Vec<Call<'_>> {
        self.calls
            .iter()
            .map(|(to, data)| Call {
                to: *to,
                value: U256::ZERO,
                data,
            })
            .collect()
    }
}

/// The context every case is decided in.
pub fn context() -> Context {
    Context {
        now: 1_000,
        chain_id: 1,
        account: Some(ACCOUNT),
    }
}

fn load(doc: Value) -> Session {
    Session::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("hostile fixture loads: {e}"))
}

/// Every case, worst first in each family.
pub fn cases() -> Vec<Case> {
    vec![
        aliased_arrays_case(),
        alternatives_case(Mode::Fast),
        alternatives_case(Mode::Explain),
        long_one_of_case(),
        many_limits_case(),
    ]
}

/// `f(uint256[][][][][] x)`: `x` holds `n` distinct arrays of `m` elements; each of them points at
/// the same `m` arrays of `m` elements, which point at the same `m` arrays of `m` elements, which
/// point at `m` empty arrays. Legal (offsets increase within every array), about `(3m + 2) · m`
/// words, yet `x[*][*][*][*][*]` reaches `n · m³` arrays.
pub fn aliased_arrays(n: usize, m: usize) -> Vec<u8> {
    let level = |start: usize, count: usize, len: usize| -> Vec<usize> {
        (0..count).map(|i| start + i * 32 * (1 + len)).collect()
    };
    let a = 32;
    let b0 = a + 32 * (1 + n);
    let bs = level(b0, n, m);
    let c0 = b0 + n * 32 * (1 + m);
    let cs = level(c0, m, m);
    let d0 = c0 + m * 32 * (1 + m);
    let ds = level(d0, m, m);
    let es = level(d0 + m * 32 * (1 + m), m, 0);
    let mut words = vec![U256::from(32)];
    let mut array = |at: usize, targets: &[usize]| {
        words.push(U256::from(targets.len()));
        for t in targets {
            words.push(U256::from(t - (at + 32)));
        }
    };
    array(a, &bs);
    bs.iter().for_each(|b| array(*b, &cs));
    cs.iter().for_each(|c| array(*c, &ds));
    ds.iter().for_each(|d| array(*d, &es));
    words.extend(es.iter().map(|_| U256::ZERO));
    let sig = Signature::parse("f(uint256[][][][][] x)").unwrap_or_else(|e| panic!("{e}"));
    let mut data = sig.selector().to_vec();
    for w in words {
        data.extend_from_slice(&w.to_be_bytes::<32>());
    }
    data
}

/// Item 4: a rule over five `[*]` on 420 KB of aliased arrays (2^24 arrays reachable).
fn aliased_arrays_case() -> Case {
    let session = load(json!({
        "actions": [{
            "target": TARGET.to_string(),
            "selector": "f(uint256[][][][][] x)",
            "rules": [{ "param": "x[*][*][*][*][*]", "condition": "eq", "value": 0 }]
        }]
    }));
    Case {
        name: "aliased_arrays_5_wildcards",
        session,
        calls: vec![(TARGET, aliased_arrays(64, 64))],
        mode: Mode::Fast,
        allow: false,
    }
}

/// An action on `transfer` whose last of four rules is `amount == value`.
fn alternative(target: &str, selector: &str, value: u64) -> Value {
    json!({
        "target": target,
        "selector": selector,
        "rules": [
            { "param": "to", "condition": "ne", "value": "0x000000000000000000000000000000000000dead" },
            { "param": "amount", "condition": "lte", "value": "1000000000000" },
            { "param": "amount", "condition": "gte", "value": 0 },
            { "param": "amount", "condition": "eq", "value": value }
        ]
    })
}

/// Items 5 and 6: 64 alternatives in each of the four groups a call can match (exact, any
/// selector, any target, both), a batch of 256 calls. With `Fast`, each call is allowed by the
/// very last alternative, so every call tries all 256; with `Explain`, every alternative of every
/// call fails and is explained.
fn alternatives_case(mode: Mode) -> Case {
    let token = TOKEN.to_string();
    let sig = "transfer(address to, uint256 amount)";
    let mut actions = Vec::new();
    for (target, selector) in [(&*token, sig), (&*token, "*"), ("*", sig), ("*", "*")] {
        for i in 0..64 {
            let selector = if selector == "*" { "*" } else { sig };
            let mut action = alternative(target, sig, 1_000 + i);
            action["selector"] = json!(selector);
            if selector == "*" {
                // A wildcard selector has no signature to read rules by: give the rule offsets.
                action["rules"] = json!([
                    { "offset": 0, "condition": "ne", "value": "0x000000000000000000000000000000000000dead" },
                    { "offset": 32, "condition": "lte", "value": "1000000000000" },
                    { "offset": 32, "condition": "gte", "value": 0 },
                    { "offset": 32, "condition": "eq", "value": 1_000 + i }
                ]);
            }
            actions.push(action);
        }
    }
    let amount = match mode {
        // The last alternative of the last group.
        Mode::Fast => 1_063,
        Mode::Explain => 7,
    };
    let data = transferCall {
        to: TARGET,
        amount: U256::from(amount),
    }
    .abi_encode();
    Case {
        name: match mode {
            Mode::Fast => "check_256_calls_x_256_alternatives",
            Mode::Explain => "explain_256_calls_x_256_alternatives",
        },
        session: load(json!({ "actions": actions })),
        calls: vec![(TOKEN, data); 256],
        mode,
        allow: mode == Mode::Fast,
    }
}

/// 64 alternatives in each of the four groups a transfer matches, each failing a `one_of` of 256
/// amounts (the most a set may hold; a deny lists them all), the very last allowing: 256 calls
/// would build 16.7 million listed values; the work budget stops it.
fn long_one_of_case() -> Case {
    let token = TOKEN.to_string();
    let sig = "transfer(address to, uint256 amount)";
    let mut actions = Vec::new();
    for (group, (target, selector)) in [(&*token, sig), (&*token, "*"), ("*", sig), ("*", "*")]
        .into_iter()
        .enumerate()
    {
        for i in 0..64u64 {
            let last = group == 3 && i == 63;
            let values: Vec<u64> = match last {
                true => vec![7],
                false => (0..256).map(|v| 10_000 + i * 256 + v).collect(),
            };
            let rule = match selector {
                "*" => json!({ "offset": 32, "condition": "one_of", "value": values }),
                _ => json!({ "param": "amount", "condition": "one_of", "value": values }),
            };
            actions.push(json!({ "target": target, "selector": selector, "rules": [rule] }));
        }
    }
    let data = transferCall {
        to: TARGET,
        amount: U256::from(7),
    }
    .abi_encode();
    Case {
        name: "check_256_calls_x_256_one_of_256",
        session: load(json!({ "actions": actions })),
        calls: vec![(TOKEN, data); 256],
        mode: Mode::Fast,
        allow: false,
    }
}

/// 1,000 session-level value limits, each charged by every call of a 256-call batch: the pending
/// effects every charge scans grow with the batch.
fn many_limits_case() -> Case {
    let policies: Vec<Value> = (0..1_000)
        .map(|i| json!({ "type": "usage_limit", "limit": 1_000_000 + i }))
        .collect();
    let session = load(json!({
        "policies": policies,
        "actions": [{
            "target": TOKEN.to_string(),
            "selector": "transfer(address to, uint256 amount)",
            "rules": [{ "param": "amount", "condition": "lte", "value": 100 }]
        }]
    }));
    let data = transferCall {
        to: TARGET,
        amount: U256::from(1),
    }
    .abi_encode();
    Case {
        name: "batch_256_x_1000_session_limits",
        session,
        calls: vec![(TOKEN, data); 256],
        mode: Mode::Fast,
        allow: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sessiongate::MemoryLedger;

    #[test]
    fn every_case_gets_its_decision() {
        for case in cases() {
            let verdict =
                case.session
                    .evaluate(&case.calls(), &MemoryLedger::new(), &context(), case.mode);
            assert_eq!(verdict.is_allow(), case.allow, "{}: {verdict}", case.name);
        }
    }
}
