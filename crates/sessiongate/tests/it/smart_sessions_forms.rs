//! The same Smart Sessions session written in the SDK's shape and in the module's own shape (with
//! init data encoded here, independently of the crate, by `sol!` types) gives identical verdicts
//! and identical effects over random sequences of calls.

use crate::common::abi::erc20::{approveCall, transferCall, transferFromCall};
use crate::common::abi::smart_sessions::{
    Condition, LimitUsage, ParamRule, UniActionConfig, UniParamRules,
};
use crate::common::{context, hex};
use alloy_primitives::{Address, B256, Bytes, U256, address};
use alloy_sol_types::{SolCall, SolValue};
use proptest::prelude::*;
use serde_json::{Value, json};
use sessiongate::{Call, MemoryLedger, Session};

const SUDO: Address = address!("0000000000FEEc8D74e3143fBaBbca515358d869");
const UNI: Address = address!("0000000000714Cf48FcF88A0bFBa70d313415032");
const SPENDING: Address = address!("000000000033212E272655D8a22402Db819477A6");
const TIME: Address = address!("0000000000D30f611fA3bf652ac6879428586930");
const USAGE: Address = address!("00000000001d4479FA2A947026204d0283ceDe4B");
const VALUE: Address = address!("000000000021dC45451291BCDfc9f0B46d6f0278");

const ACCOUNT: Address = address!("74059d37f9e803c276805A3c83C7602D978583b0");
const TOKENS: [Address; 2] = [
    address!("1111111111111111111111111111111111111111"),
    address!("2222222222222222222222222222222222222222"),
];
const CONDITIONS: [&str; 7] = [
    "equal",
    "greaterThan",
    "lessThan",
    "greaterThanOrEqual",
    "lessThanOrEqual",
    "notEqual",
    "inRange",
];

/// One policy, as the SDK writes it and as init data.
#[derive(Clone, Debug)]
enum P {
    Sudo,
    Uni {
        per_use: u64,
        rules: Vec<(u8, u64, u64, Option<u64>)>,
    },
    Spending(Vec<(usize, u64)>),
    Time(u64, u64),
    Usage(u64),
    Value(u64),
}

impl P {
    fn sdk(&self) -> Value {
        match self {
            P::Sudo => json!({"type": "sudo"}),
            P::Uni { per_use, rules } => json!({
                "type": "universal-action",
                "valueLimitPerUse": per_use.to_string(),
                "rules": rules.iter().map(|(c, offset, reference, limit)| {
                    let mut rule = json!({
                        "condition": CONDITIONS[usize::from(*c)],
                        "calldataOffset": offset.to_string(),
                        "referenceValue": format!("{:#x}", reference),
                    });
                    if let Some(limit) = limit {
                        rule["usageLimit"] = json!(limit.to_string());
                    }
                    rule
                }).collect::<Vec<_>>(),
            }),
            P::Spending(limits) => json!({
                "type": "spending-limits",
                "limits": limits.iter().map(|(t, amount)| json!({
                    "token": TOKENS[*t].to_string(), "amount": amount.to_string()
                })).collect::<Vec<_>>(),
            }),
            // The SDK writes milliseconds.
            P::Time(until, after) => json!({
                "type": "time-frame", "validUntil": until * 1000, "validAfter": after * 1000 + 999
            }),
            P::Usage(limit) => json!({"type": "usage-limit", "limit": limit.to_string()}),
            P::Value(limit) => json!({"type": "value-limit", "limit": limit.to_string()}),
        }
    }

    /// `{policy, initData}` with init data encoded by the shared `sol!` types of `common::abi`.
    fn onchain(&self) -> Value {
        let (policy, data): (Address, Vec<u8>) = match self {
            P::Sudo => (SUDO, Vec::new()),
            P::Uni { per_use, rules } => {
                let mut slots: [ParamRule; 16] = Default::default();
                for (slot, (c, offset, reference, limit)) in slots.iter_mut().zip(rules) {
                    *slot = ParamRule {
                        condition: Condition::try_from(*c).unwrap(),
                        offset: *offset,
                        isLimited: limit.is_some(),
                        refValue: B256::from(U256::from(*reference)),
                        usage: LimitUsage {
                            limit: U256::from(limit.unwrap_or(0)),
                            used: U256::ZERO,
                        },
                    };
                }
                let config = UniActionConfig {
                    valueLimitPerUse: U256::from(*per_use),
                    paramRules: UniParamRules {
                        length: U256::from(rules.len()),
                        rules: slots,
                    },
                };
                (UNI, config.abi_encode())
            }
            P::Spending(limits) => {
                let tokens: Vec<Address> = limits.iter().map(|(t, _)| TOKENS[*t]).collect();
                let amounts: Vec<U256> = limits.iter().map(|(_, a)| U256::from(*a)).collect();
                (SPENDING, (tokens, amounts).abi_encode_params())
            }
            P::Time(until, after) => {
                let mut data = until.to_be_bytes()[2..].to_vec();
                data.extend_from_slice(&after.to_be_bytes()[2..]);
                (TIME, data)
            }
            P::Usage(limit) => (USAGE, u128::from(*limit).to_be_bytes().to_vec()),
            P::Value(limit) => (VALUE, U256::from(*limit).abi_encode()),
        };
        json!({"policy": policy.to_string(), "initData": Bytes::from(data).to_string()})
    }
}

/// An action: token index and selector index (transfer, approve, transferFrom, or fallback).
#[derive(Clone, Debug)]
struct A {
    token: usize,
    selector: usize,
    policies: Vec<P>,
}

const SELECTORS: [[u8; 4]; 3] = [
    transferCall::SELECTOR,
    approveCall::SELECTOR,
    transferFromCall::SELECTOR,
];

impl A {
    fn target_selector(&self) -> (Address, String) {
        match self.selector {
            3 => (Address::with_last_byte(1), "0x00000001".into()),
            s => (TOKENS[self.token], hex(&SELECTORS[s])),
        }
    }
}

fn policy() -> impl Strategy<Value = P> {
    let rule = (
        0u8..7,
        prop_oneof![Just(0u64), Just(32), Just(7), 0u64..80],
        0u64..200,
        proptest::option::of(0u64..500),
    );
    prop_oneof![
        Just(P::Sudo),
        (0u64..3, proptest::collection::vec(rule, 0..3))
            .prop_map(|(per_use, rules)| P::Uni { per_use, rules }),
        proptest::collection::vec((0usize..2, 1u64..400), 0..3).prop_map(P::Spending),
        (0u64..40, 0u64..40).prop_map(|(until, after)| P::Time(
            until,
            if until == 0 { after } else { after.min(until) }
        )),
        (1u64..4).prop_map(P::Usage),
        (1u64..6).prop_map(P::Value),
    ]
}

fn action() -> impl Strategy<Value = A> {
    (
        0usize..2,
        0usize..4,
        proptest::collection::vec(policy(), 0..3),
    )
        .prop_map(|(token, selector, policies)| A {
            token,
            selector,
            policies,
        })
}

fn user_op_policy() -> impl Strategy<Value = P> {
    prop_oneof![
        Just(P::Sudo),
        (0u64..40, 0u64..40).prop_map(|(until, after)| P::Time(
            until,
            if until == 0 { after } else { after.min(until) }
        )),
        (1u64..5).prop_map(P::Usage),
        (1u64..8).prop_map(P::Value),
    ]
}

fn documents(actions: &[A], user_op: &[P]) -> (Value, Value) {
    let sdk = json!({
        "format": "smart-sessions",
        "policies": user_op.iter().map(P::sdk).collect::<Vec<_>>(),
        "actions": actions.iter().map(|a| {
            let (target, selector) = a.target_selector();
            json!({"target": target.to_string(), "selector": selector,
                   "policies": a.policies.iter().map(P::sdk).collect::<Vec<_>>()})
        }).collect::<Vec<_>>(),
    });
    let onchain = json!({
        "format": "smart-sessions-onchain",
        "userOpPolicies": user_op.iter().map(P::onchain).collect::<Vec<_>>(),
        "actions": actions.iter().map(|a| {
            let (target, selector) = a.target_selector();
            json!({"actionTarget": target.to_string(), "actionTargetSelector": selector,
                   "actionPolicies": a.policies.iter().map(P::onchain).collect::<Vec<_>>()})
        }).collect::<Vec<_>>(),
    });
    (sdk, onchain)
}

/// A call: token, function, an argument, value, and a time.
fn step() -> impl Strategy<Value = (usize, usize, u64, u64, u64, bool)> {
    (
        0usize..2,
        0usize..4,
        0u64..300,
        0u64..3,
        0u64..45,
        any::<bool>(),
    )
}

fn calldata(function: usize, amount: u64, to_self: bool) -> Vec<u8> {
    let peer = address!("3333333333333333333333333333333333333333");
    let amount = U256::from(amount);
    match function {
        0 => transferCall { to: peer, amount }.abi_encode(),
        1 => approveCall {
            spender: peer,
            amount,
        }
        .abi_encode(),
        2 => transferFromCall {
            from: peer,
            to: if to_self { ACCOUNT } else { peer },
            amount,
        }
        .abi_encode(),
        _ => vec![0xde, 0xad],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn sdk_and_onchain_forms_agree(
        actions in proptest::collection::vec(action(), 1..4),
        user_op in proptest::collection::vec(user_op_policy(), 0..2),
        steps in proptest::collection::vec(step(), 1..8),
    ) {
        let (sdk, onchain) = documents(&actions, &user_op);
        let a = Session::from_value(sdk);
        let b = Session::from_value(onchain);
        // Both load, or both are refused at enable.
        prop_assert_eq!(a.is_ok(), b.is_ok(), "{:?} / {:?}", a.as_ref().err(), b.as_ref().err());
        let (Ok(a), Ok(b)) = (a, b) else { return Ok(()) };
        let (mut ledger_a, mut ledger_b) = (MemoryLedger::new(), MemoryLedger::new());
        for (token, function, amount, value, now, to_self) in steps {
            let data = calldata(function, amount, to_self);
            let call = Call { to: TOKENS[token], value: U256::from(value), data: &data };
            let ctx = context(now, Some(ACCOUNT));
            let va = a.check(&[call], &ledger_a, &ctx);
            let vb = b.check(&[call], &ledger_b, &ctx);
            prop_assert_eq!(va.decision, vb.decision, "{} / {}", va, vb);
            prop_assert_eq!(&va.effects, &vb.effects);
            ledger_a.apply(&va.effects).unwrap();
            ledger_b.apply(&vb.effects).unwrap();
        }
    }
}
