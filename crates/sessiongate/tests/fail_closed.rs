//! Fail-closed regressions (issue 10, item 9): the scenario files in `tests/scenarios/fail-closed/`,
//! one per finding, and what a scenario cannot express.

#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    reason = "test helpers: a failed expectation should panic"
)]

use alloy_primitives::{Address, U256, address};
use proptest::prelude::*;
use serde_json::{Value, json};
use sessiongate::scenario::Scenario;
use sessiongate::{Call, Context, MemoryLedger, Reason, Session, UserOperation};
use std::fs;
use std::path::{Path, PathBuf};

const TARGET: Address = address!("7a250d5630b4cf539739df2c5dacb4c659f2488d");

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios/fail-closed")
}

fn load(name: &str) -> Scenario {
    let path = scenario_dir().join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The scenario files, one per finding (two where the finding has two sides).
const FILES: &[&str] = &[
    "min-spacing-call-at-zero.json",
    "other-smart-session-deployment-admin.json",
    "other-smart-session-deployment.json",
    "paymaster-zero-is-no-paymaster.json",
    "paymaster-zero-smart-sessions-needs-permit.json",
    "ratio-bound-shown-exactly.json",
    "refill-budget-counter-overflow.json",
    "slice-past-end-is-unreadable.json",
];

#[test]
fn every_fail_closed_scenario_passes() {
    let mut names: Vec<String> = fs::read_dir(scenario_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names, FILES, "a file went missing or is not listed");
    let mut failures = Vec::new();
    for name in &names {
        let scenario = load(name);
        let outcomes = scenario.run().unwrap_or_else(|e| panic!("{name}: {e}"));
        for outcome in outcomes.iter().filter(|o| !o.passed()) {
            let got = outcome.verdict.as_ref().map(ToString::to_string);
            failures.push(format!(
                "{name} step {}: expected {:?} {:?}, got {got:?} {:?}",
                outcome.index, outcome.expected, outcome.expected_reason, outcome.error
            ));
        }
        // Every deny names the reason it expects.
        for (index, step) in scenario.steps.iter().enumerate() {
            let deny = step.expect == sessiongate::scenario::Expect::Deny;
            assert!(!deny || step.reason.is_some(), "{name} step {index}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The deny shows `word × num / den` exactly, never a rounded bound equal to the value refused.
#[test]
fn a_ratio_deny_shows_the_exact_bound() {
    let outcomes = load("ratio-bound-shown-exactly.json").run().unwrap();
    let fractional = outcomes[2].verdict.as_ref().unwrap();
    let text = fractional.to_string();
    assert!(
        text.contains("expected ≥ 391111107.591111107904, got 391111107"),
        "{text}"
    );
    let json = serde_json::to_value(&fractional.violations[0].reason).unwrap();
    assert_eq!(
        json["expected"]["values"],
        json!(["391111107.591111107904"])
    );
    assert_eq!(json["actual"], json!("391111107"));
    // A whole bound stays a whole number.
    let whole = outcomes[0].verdict.as_ref().unwrap().to_string();
    assert!(
        whole.contains("expected ≥ 1584000000, got 1583999999"),
        "{whole}"
    );
}

/// A ratio whose bound has no finite decimal expansion cannot come from decimal factors, but the
/// value type shows one exactly all the same, as a fraction.
#[test]
fn a_bound_without_a_finite_decimal_is_a_fraction() {
    use alloy_primitives::U512;
    use sessiongate::verdict::Value as Shown;
    let third = Shown::Ratio {
        num: U512::from(10u8),
        den: U256::from(3u8),
    };
    assert_eq!(third.to_string(), "10/3");
    let eighth = Shown::Ratio {
        num: U512::from(9u8),
        den: U256::from(8u8),
    };
    assert_eq!(eighth.to_string(), "1.125");
    let whole = Shown::Ratio {
        num: U512::from(12u8),
        den: U256::from(4u8),
    };
    assert_eq!(whole.to_string(), "3");
}

fn session(doc: Value) -> Session {
    Session::from_value(doc).unwrap_or_else(|e| panic!("{e}"))
}

/// `bytes[] datas`: the selector, the offset, the length and each element.
fn bytes_array(selector: [u8; 4], elements: &[&[u8]]) -> Vec<u8> {
    let word = |n: usize| U256::from(n).to_be_bytes::<32>();
    let mut head = Vec::new();
    let mut tail = Vec::new();
    let mut at = 32 * elements.len();
    for element in elements {
        head.extend_from_slice(&word(at));
        tail.extend_from_slice(&word(element.len()));
        let mut padded = element.to_vec();
        padded.resize(element.len().div_ceil(32) * 32, 0);
        tail.extend_from_slice(&padded);
        at += 32 + padded.len();
    }
    let mut data = selector.to_vec();
    data.extend_from_slice(&word(32));
    data.extend_from_slice(&word(elements.len()));
    data.extend(head);
    data.extend(tail);
    data
}

/// A slice past the end of an element is an error under `none`, `some` and `count` too: the
/// element is neither matched nor unmatched, and the violation names it.
#[test]
fn a_short_slice_denies_under_every_quantifier() {
    let selector = alloy_primitives::keccak256("multicall(bytes[])")[..4]
        .try_into()
        .unwrap();
    let transfer = [0xa9, 0x05, 0x9c, 0xbb];
    let data = bytes_array(selector, &[&[0xde, 0xad, 0xbe, 0xef, 0], &[0xa9, 0x05]]);
    let call = Call {
        to: TARGET,
        value: U256::ZERO,
        data: &data,
    };
    let ctx = Context {
        now: 1,
        chain_id: 1,
        account: None,
    };
    for quantifier in [json!({"quantifier": "none"}), json!({"quantifier": "some"})]
        .into_iter()
        .chain([json!({"count": [0, 2]})])
    {
        let mut rule = json!({
            "param": "calls[*]", "slice": [0, 4], "condition": "eq",
            "value": format!("0x{}", alloy_primitives::hex::encode(transfer)),
        });
        rule.as_object_mut()
            .unwrap()
            .extend(quantifier.as_object().unwrap().clone());
        let s = session(json!({ "actions": [{
            "target": TARGET, "selector": "multicall(bytes[] calls)", "rules": [rule.clone()],
        }] }));
        for verdict in [
            s.check(&[call], &MemoryLedger::new(), &ctx),
            s.explain(&[call], &MemoryLedger::new(), &ctx),
        ] {
            assert!(!verdict.is_allow(), "{rule}");
            let first = &verdict.violations[0];
            assert_eq!(
                first.reason,
                Reason::SliceOutOfRange {
                    start: 0,
                    end: 4,
                    len: 2
                },
                "{rule}"
            );
            assert_eq!(first.param.as_deref(), Some("calls[1]"), "{rule}");
        }
    }
}

fn v06_op(paymaster_and_data: &str) -> Value {
    json!({
        "sender": "0x1111111111111111111111111111111111111111",
        "nonce": "0x0", "initCode": "0x", "callData": "0x",
        "callGasLimit": "0x10", "verificationGasLimit": "0x20", "preVerificationGas": "0x30",
        "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x1",
        "paymasterAndData": paymaster_and_data, "signature": "0x",
    })
}

fn v07_op(extra: Value) -> Value {
    let mut op = json!({
        "sender": "0x1111111111111111111111111111111111111111",
        "nonce": "0x0", "callData": "0x",
        "callGasLimit": "0x10", "verificationGasLimit": "0x20", "preVerificationGas": "0x30",
        "maxFeePerGas": "0x1", "maxPriorityFeePerGas": "0x1", "signature": "0x",
    });
    op.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    op
}

/// Address 0 is no paymaster to the EntryPoint; what follows it is refused, not guessed at.
#[test]
fn a_zero_paymaster_is_none_and_must_come_alone() {
    let zero = format!("0x{}", "00".repeat(20));
    let op = UserOperation::from_value(v06_op(&zero)).unwrap();
    assert_eq!(op.paymaster, Some(Address::ZERO));
    assert_eq!(op.effective_paymaster(), None);
    // v0.6 counts the verification limit once without a paymaster.
    assert_eq!(op.max_gas(), Some(U256::from(0x10 + 0x20 + 0x30)));
    // The field round-trips as given: the account signs it.
    let back = serde_json::to_value(&op).unwrap();
    assert_eq!(back["paymasterAndData"], json!(zero));

    let with_data = UserOperation::from_value(v06_op(&format!("{zero}da7a"))).unwrap_err();
    assert_eq!(with_data.path(), "paymasterAndData", "{with_data}");
    assert!(with_data.to_string().contains("ambiguous"), "{with_data}");

    let v07 = UserOperation::from_value(v07_op(json!({ "paymaster": zero }))).unwrap();
    assert_eq!(v07.effective_paymaster(), None);
    let refused = [
        (
            "paymasterData",
            json!({ "paymaster": zero, "paymasterData": "0x01" }),
        ),
        (
            "paymasterVerificationGasLimit",
            json!({ "paymaster": zero, "paymasterVerificationGasLimit": "0x1" }),
        ),
        (
            "paymasterPostOpGasLimit",
            json!({ "paymaster": zero, "paymasterPostOpGasLimit": "0x1" }),
        ),
    ];
    for (field, extra) in refused {
        let err = UserOperation::from_value(v07_op(extra)).unwrap_err();
        assert_eq!(err.path(), field, "{err}");
    }
    // A real paymaster keeps its data and its gas.
    let real = address!("9a90000000000000000000000000000000000004");
    let paid = UserOperation::from_value(v06_op(&format!("{real}da7a"))).unwrap();
    assert_eq!(paid.effective_paymaster(), Some(real));
    assert_eq!(paid.max_gas(), Some(U256::from(0x10 + 3 * 0x20 + 0x30)));
}

/// An action on another SmartSession deployment loads with a warning that says how it is judged.
#[test]
fn an_action_on_another_deployment_warns() {
    let s = session(json!({
        "format": "smart-sessions",
        "actions": [{
            "target": "0x00000000002B0eCfbD0496EE71e01257dA0E37DE",
            "selector": "0x4e33ad2e",
            "policies": [{ "type": "sudo" }]
        }]
    }));
    assert_eq!(s.warnings().len(), 1);
    assert!(
        s.warnings()[0].contains("admin fallback"),
        "{:?}",
        s.warnings()
    );
}

// ---- every budget shape: an allow's effects apply to the ledger they were decided against ----

/// Amounts that sit near the 2^256 edge, and small ones.
fn amount() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::ZERO),
        Just(U256::from(1u8)),
        Just(U256::MAX),
        Just(U256::MAX - U256::from(1u8)),
        Just(U256::from(1u8) << 255),
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
        (0..1000u64).prop_map(U256::from),
    ]
}

/// A cap of every shape, with limits and refills near 2^256.
fn budget() -> impl Strategy<Value = Value> {
    let max = format!("{:#x}", U256::MAX);
    let half = format!("{:#x}", U256::from(1u8) << 255);
    let edge = prop::sample::select(vec![max.clone(), half.clone(), "1000".into()]);
    prop_oneof![
        edge.clone().prop_map(|limit| json!(limit)),
        (edge.clone(), 1..20u64)
            .prop_map(|(limit, period)| json!({ "limit": limit, "period": period })),
        (edge.clone(), edge.clone(), 1..20u64).prop_map(
            |(limit, refill, period)| json!({ "limit": limit, "refill": refill, "period": period })
        ),
        Just(json!({ "shared": "pool" })),
    ]
}

fn budgets_session(first: Value, second: Value, pool: Value) -> Session {
    let max = format!("{:#x}", U256::MAX);
    session(json!({
        "budgets": { "pool": pool },
        "policies": [
            { "type": "rate_limit", "max_calls": max, "period": 7 },
            { "type": "value_limit", "limit": { "limit": max, "refill": max, "period": 3 } }
        ],
        "actions": [{
            "target": TARGET,
            "selector": "0x12345678",
            "rules": [
                { "offset": 0, "budget": first },
                { "offset": 32, "budget": second }
            ]
        }]
    }))
}

fn two_words(a: U256, b: U256) -> Vec<u8> {
    let mut data = vec![0x12, 0x34, 0x56, 0x78];
    data.extend_from_slice(&a.to_be_bytes::<32>());
    data.extend_from_slice(&b.to_be_bytes::<32>());
    data
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the shapes, amounts, times and batch sizes, an allow's effects apply without
    /// overflowing any counter, and check and explain agree.
    #[test]
    fn allowed_effects_always_apply(
        first in budget(),
        second in budget(),
        pool in budget()
            .prop_filter("a shared budget is not itself shared", |b| b.get("shared").is_none())
            .prop_map(|b| if b.is_string() { json!({ "limit": b }) } else { b }),
        steps in prop::collection::vec(
            (0..12u64, prop::collection::vec((amount(), amount(), amount()), 1..4)),
            1..12,
        ),
    ) {
        let s = budgets_session(first, second, pool);
        let mut ledger = MemoryLedger::new();
        let mut now = 0u64;
        for (dt, batch) in steps {
            now += dt;
            let datas: Vec<Vec<u8>> = batch.iter().map(|(a, b, _)| two_words(*a, *b)).collect();
            let calls: Vec<Call<'_>> = batch
                .iter()
                .zip(&datas)
                .map(|((_, _, value), data)| Call { to: TARGET, value: *value, data })
                .collect();
            let ctx = Context { now, chain_id: 1, account: None };
            let verdict = s.check(&calls, &ledger, &ctx);
            let explained = s.explain(&calls, &ledger, &ctx);
            prop_assert_eq!(verdict.is_allow(), explained.is_allow());
            if verdict.is_allow() {
                prop_assert!(ledger.apply(&verdict.effects).is_ok(), "{:?}", verdict.effects);
            }
        }
    }
}

/// The finding itself, through the public API: a full spend, one refill, one more unit.
#[test]
fn a_refilling_budget_denies_the_charge_its_counter_cannot_record() {
    let max = format!("{:#x}", U256::MAX);
    let half = format!("{:#x}", U256::from(1u8) << 255);
    let s = session(json!({ "actions": [{
        "target": TARGET, "selector": "0x12345678",
        "rules": [{ "offset": 0, "budget": { "limit": max, "refill": half, "period": 10 } }]
    }] }));
    let mut ledger = MemoryLedger::new();
    let pay = |amount: U256, now: u64, ledger: &MemoryLedger| {
        let data = two_words(amount, U256::ZERO);
        let call = Call {
            to: TARGET,
            value: U256::ZERO,
            data: &data,
        };
        let ctx = Context {
            now,
            chain_id: 1,
            account: None,
        };
        s.check(&[call], ledger, &ctx).into_owned()
    };
    let spent = pay(U256::MAX, 100, &ledger);
    assert!(spent.is_allow(), "{spent}");
    ledger.apply(&spent.effects).unwrap();
    let more = pay(U256::from(1u8), 110, &ledger);
    assert_eq!(
        more.violations[0].reason,
        Reason::LimitOverflow {
            used: U256::MAX,
            requested: U256::from(1u8)
        },
        "{more}"
    );
}
