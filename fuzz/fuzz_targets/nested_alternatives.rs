//! Property: check and explain agree (and both verdicts are well formed) on sessions whose
//! alternatives route nested calldata differently — Multicall3 actions with and without a target
//! path, with and without a length rule — over inner calls that nest again, call the account
//! itself, or carry dirty words; and a deny never leaves effects behind.
#![no_main]

use alloy_primitives::{Address, Bytes, U256, address};
use alloy_sol_types::SolCall;
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use sessiongate::{Call, Context, MemoryLedger, Session};
use sessiongate_fuzz::abi::erc20::transferCall;
use sessiongate_fuzz::abi::multicall3::{Call3, aggregate3Call};
use sessiongate_fuzz::abi::single::executeCall;
use sessiongate_fuzz::invariants;

const MULTICALL3: Address = address!("ca11bde05977b3631167028862be2a173976ca11");
const TOKEN: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const PAYEE: Address = address!("1111111111111111111111111111111111111111");
const ACCOUNT: Address = address!("acc0000000000000000000000000000000000acc");
const TARGETS: [Address; 4] = [TOKEN, MULTICALL3, PAYEE, ACCOUNT];

#[derive(Arbitrary, Debug)]
struct Alternative {
    with_target: bool,
    max_len: Option<u8>,
}

#[derive(Arbitrary, Debug)]
enum Inner {
    Transfer {
        target: u8,
        amount: u16,
        dirty: bool,
    },
    Nested {
        target: u8,
        calls: Vec<Inner>,
    },
    SelfExecute(Box<Inner>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    alternatives: Vec<Alternative>,
    cap: u16,
    budget: u16,
    calls: Vec<Inner>,
    account_known: bool,
}

fn session(input: &Input) -> Option<Session> {
    let mut actions: Vec<Value> = input
        .alternatives
        .iter()
        .take(4)
        .map(|alt| {
            let mut nested = json!({ "calldata": "calls[*].callData" });
            if alt.with_target {
                nested["target"] = json!("calls[*].target");
            }
            let rules = match alt.max_len {
                Some(max) => {
                    json!([{ "param": "calls.length", "condition": "lte", "value": max % 8 }])
                }
                None => json!([]),
            };
            json!({
                "target": MULTICALL3.to_string(),
                "selector": "aggregate3((address target,bool allowFailure,bytes callData)[] calls)",
                "nested": nested, "rules": rules, "policies": [{ "type": "sudo" }]
            })
        })
        .collect();
    for target in [TOKEN, MULTICALL3] {
        actions.push(json!({
            "target": target.to_string(),
            "selector": "transfer(address to, uint256 amount)",
            "rules": [
                { "param": "to", "condition": "eq", "value": PAYEE.to_string() },
                { "param": "amount", "condition": "lte", "value": input.cap % 300, "budget": input.budget % 1000 }
            ]
        }));
    }
    Session::from_json(&json!({ "actions": actions }).to_string()).ok()
}

fn encode(inner: &Inner, depth: usize) -> (Address, Vec<u8>) {
    let target = |t: &u8| TARGETS[usize::from(*t) % TARGETS.len()];
    match inner {
        Inner::Transfer {
            target: t,
            amount,
            dirty,
        } => {
            let mut data = transferCall {
                to: PAYEE,
                amount: U256::from(*amount),
            }
            .abi_encode();
            if *dirty {
                data[4] = 1;
            }
            (target(t), data)
        }
        Inner::Nested { target: t, calls } if depth < 5 => {
            let calls = calls
                .iter()
                .take(6)
                .map(|c| {
                    let (target, data) = encode(c, depth + 1);
                    Call3 {
                        target,
                        allowFailure: false,
                        callData: Bytes::from(data),
                    }
                })
                .collect();
            (target(t), aggregate3Call { calls }.abi_encode())
        }
        Inner::SelfExecute(inner) if depth < 5 => {
            let (dest, func) = encode(inner, depth + 1);
            (
                ACCOUNT,
                executeCall {
                    dest,
                    value: U256::ZERO,
                    func: func.into(),
                }
                .abi_encode(),
            )
        }
        _ => (TOKEN, vec![]),
    }
}

fuzz_target!(|input: Input| {
    let Some(session) = session(&input) else {
        return;
    };
    let encoded: Vec<(Address, Vec<u8>)> =
        input.calls.iter().take(8).map(|c| encode(c, 0)).collect();
    let calls: Vec<Call<'_>> = encoded
        .iter()
        .map(|(to, data)| Call {
            to: *to,
            value: U256::ZERO,
            data,
        })
        .collect();
    let account = input.account_known.then_some(ACCOUNT);
    let ctx = Context {
        now: 1,
        chain_id: 1,
        account,
    };
    invariants::evaluate(&session, &calls, &MemoryLedger::new(), &ctx);
});
