//! Properties of rule trees and budgets over time, on raw-offset rules (no signature needed):
//! `not(not(r))` decides as `r`, `all[]` allows and `any[]` denies, `all` and `any` decide as
//! their children do, and no budget shape ever lets more through than its cap allows over any
//! sequence of times and amounts.

use crate::common::{context, raw_calldata};
use alloy_primitives::{Address, U256, address};
use proptest::prelude::*;
use serde_json::{Value, json};
use sessiongate::{Call, Context, MemoryLedger, Reason, Session};

const TARGET: Address = address!("7a250d5630b4cf539739df2c5dacb4c659f2488d");
const SELECTOR: [u8; 4] = [0x12, 0x34, 0x56, 0x78];

fn session(rules: Value, policies: Value) -> Session {
    let doc = json!({
        "actions": [{
            "target": TARGET,
            "selector": "0x12345678",
            "rules": rules,
            "policies": policies,
        }]
    });
    Session::from_value(doc).unwrap_or_else(|e| panic!("{e}"))
}

/// Calldata: the selector and two words.
fn data(a: u64, b: u64) -> Vec<u8> {
    raw_calldata(SELECTOR, &[U256::from(a), U256::from(b)])
}

fn allows(s: &Session, data: &[u8], now: u64, ledger: &MemoryLedger) -> bool {
    let call = Call {
        to: TARGET,
        value: U256::ZERO,
        data,
    };
    let ctx = context(now, None);
    s.check(&[call], ledger, &ctx).is_allow()
}

/// A leaf on word 0 or 1 with any ordering or set condition.
fn leaf() -> impl Strategy<Value = Value> {
    let op = prop::sample::select(vec![
        "eq", "ne", "gt", "gte", "lt", "lte", "bits_all", "bits_any",
    ]);
    prop_oneof![
        (0..2u64, op, 0..8u64).prop_map(|(w, op, v)| json!({
            "offset": w * 32, "condition": op, "value": v
        })),
        (0..2u64, 0..8u64, 0..8u64).prop_map(|(w, a, b)| json!({
            "offset": w * 32, "condition": "in_range", "value": [a.min(b), a.max(b)]
        })),
        (0..2u64, prop::collection::vec(0..8u64, 1..4)).prop_map(|(w, set)| json!({
            "offset": w * 32, "condition": "one_of", "value": set
        })),
    ]
}

/// A tree of leaves up to three levels deep.
fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({ "all": v })),
            prop::collection::vec(inner.clone(), 0..3).prop_map(|v| json!({ "any": v })),
            inner.prop_map(|r| json!({ "not": r })),
        ]
    })
}

/// What a tree means, computed directly from its JSON: the reference the engine must match.
fn meaning(rule: &Value, a: u64, b: u64) -> bool {
    if let Some(list) = rule.get("all") {
        return list.as_array().unwrap().iter().all(|r| meaning(r, a, b));
    }
    if let Some(list) = rule.get("any") {
        return list.as_array().unwrap().iter().any(|r| meaning(r, a, b));
    }
    if let Some(r) = rule.get("not") {
        return !meaning(r, a, b);
    }
    let word = if rule["offset"] == 0 { a } else { b };
    let value = &rule["value"];
    let v = value.as_u64().unwrap_or(0);
    match rule["condition"].as_str().unwrap() {
        "eq" => word == v,
        "ne" => word != v,
        "gt" => word > v,
        "gte" => word >= v,
        "lt" => word < v,
        "lte" => word <= v,
        "bits_all" => word & v == v,
        "bits_any" => word & v != 0,
        "in_range" => {
            let r = value.as_array().unwrap();
            (r[0].as_u64().unwrap()..=r[1].as_u64().unwrap()).contains(&word)
        }
        "one_of" => value
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_u64() == Some(word)),
        other => panic!("{other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn trees_decide_as_they_mean(rule in tree(), a in 0..8u64, b in 0..8u64) {
        let s = session(json!([rule.clone()]), json!([]));
        prop_assert_eq!(allows(&s, &data(a, b), 0, &MemoryLedger::new()), meaning(&rule, a, b));
    }

    #[test]
    fn double_negation_is_identity(rule in tree(), a in 0..8u64, b in 0..8u64) {
        let plain = session(json!([rule.clone()]), json!([]));
        let twice = session(json!([{ "not": { "not": rule } }]), json!([]));
        let ledger = MemoryLedger::new();
        let d = data(a, b);
        prop_assert_eq!(allows(&plain, &d, 0, &ledger), allows(&twice, &d, 0, &ledger));
    }

    #[test]
    fn empty_all_allows_and_empty_any_denies(a in any::<u64>(), b in any::<u64>()) {
        let ledger = MemoryLedger::new();
        let d = data(a, b);
        let all = session(json!([{ "all": [] }]), json!([]));
        let any = session(json!([{ "any": [] }]), json!([]));
        prop_assert!(allows(&all, &d, 0, &ledger));
        prop_assert!(!allows(&any, &d, 0, &ledger));
    }
}

/// A budget shape and the most it may let through between two times.
#[derive(Clone, Debug)]
enum Shape {
    Lifetime {
        cap: u64,
    },
    Windows {
        cap: u64,
        period: u64,
        start: u64,
    },
    Refill {
        cap: u64,
        refill: u64,
        period: u64,
        start: u64,
    },
}

impl Shape {
    fn document(&self) -> Value {
        match *self {
            Shape::Lifetime { cap } => json!(cap),
            Shape::Windows { cap, period, start } => {
                json!({ "limit": cap, "period": period, "start": start })
            }
            Shape::Refill {
                cap,
                refill,
                period,
                start,
            } => {
                json!({ "limit": cap, "refill": refill, "period": period, "start": start })
            }
        }
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    prop_oneof![
        (1..200u64).prop_map(|cap| Shape::Lifetime { cap }),
        (1..200u64, 1..50u64, 0..100u64).prop_map(|(cap, period, start)| Shape::Windows {
            cap,
            period,
            start
        }),
        (1..200u64, 1..100u64, 1..50u64, 0..100u64).prop_map(|(cap, refill, period, start)| {
            Shape::Refill {
                cap,
                refill,
                period,
                start,
            }
        }),
    ]
}

/// Times that never go back, with an amount each.
fn traffic() -> impl Strategy<Value = Vec<(u64, u64)>> {
    prop::collection::vec((0..30u64, 0..120u64), 1..40).prop_map(|steps| {
        let mut now = 0;
        steps
            .into_iter()
            .map(|(dt, amount)| {
                now += dt;
                (now, amount)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Over any sequence of times and amounts, what a budget lets through stays within its cap:
    /// for all time, per window, or (refilling) per period and in all.
    #[test]
    fn a_budget_never_exceeds_its_cap(shape in shape(), steps in traffic()) {
        let rule = json!([{ "offset": 0, "budget": shape.document() }]);
        let s = session(rule, json!([]));
        let mut ledger = MemoryLedger::new();
        let mut allowed: Vec<(u64, u64)> = Vec::new();
        for (now, amount) in steps {
            let call = Call { to: TARGET, value: U256::ZERO, data: &data(amount, 0) };
            let ctx = context(now, None);
            let verdict = s.check(&[call], &ledger, &ctx);
            if verdict.is_allow() {
                ledger.apply(&verdict.effects).unwrap();
                allowed.push((now, amount));
            } else {
                let reason = &verdict.violations[0].reason;
                prop_assert!(
                    matches!(reason, Reason::LimitExceeded { .. } | Reason::NotYetValid { .. }),
                    "{reason:?}"
                );
            }
        }
        let sum = |f: &dyn Fn(u64) -> bool| -> u64 {
            allowed.iter().filter(|(t, _)| f(*t)).map(|(_, a)| a).sum()
        };
        match shape {
            Shape::Lifetime { cap } => prop_assert!(sum(&|_| true) <= cap),
            Shape::Windows { cap, period, start } => {
                prop_assert!(allowed.iter().all(|(t, _)| *t >= start));
                for (t, _) in &allowed {
                    let opens = start + (t - start) / period * period;
                    prop_assert!(sum(&|u| u >= opens && u < opens + period) <= cap);
                }
            }
            Shape::Refill { cap, refill, period, start } => {
                let index = |t: u64| (t - start) / period;
                for (t, _) in &allowed {
                    // Within one period nothing refills: at most a full bucket.
                    prop_assert!(sum(&|u| u >= start && index(u) == index(*t)) <= cap);
                }
                if let Some((first, _)) = allowed.first() {
                    let (last, _) = allowed.last().unwrap();
                    let periods = index(*last) - index(*first);
                    prop_assert!(sum(&|_| true) <= cap + refill * periods);
                }
            }
        }
    }

    /// A minimum spacing holds between every two allowed calls.
    #[test]
    fn spacing_holds_between_allowed_calls(spacing in 1..40u64, steps in traffic()) {
        let s = session(json!([]), json!([{ "type": "rate_limit", "min_spacing": spacing }]));
        let mut ledger = MemoryLedger::new();
        let mut last: Option<u64> = None;
        for (now, _) in steps {
            let call = Call { to: TARGET, value: U256::ZERO, data: &data(0, 0) };
            // From second 0 on: a call at 0 is a call like any other.
            let ctx = context(now, None);
            let verdict = s.check(&[call], &ledger, &ctx);
            let expected = last.is_none_or(|l| now >= l + spacing);
            prop_assert_eq!(verdict.is_allow(), expected);
            if verdict.is_allow() {
                ledger.apply(&verdict.effects).unwrap();
                last = Some(now);
            }
        }
    }
}

#[test]
fn refilling_budget_refills_whole_periods_up_to_its_cap() {
    let rule = json!([{ "offset": 0, "budget": { "limit": 100, "refill": 30, "period": 10 } }]);
    let s = session(rule, json!([]));
    let mut ledger = MemoryLedger::new();
    let spend = |now: u64, amount: u64, ledger: &mut MemoryLedger| {
        let call = Call {
            to: TARGET,
            value: U256::ZERO,
            data: &data(amount, 0),
        };
        let ctx = context(now, None);
        let verdict = s.check(&[call], &*ledger, &ctx);
        if verdict.is_allow() {
            ledger.apply(&verdict.effects).unwrap();
        }
        verdict
    };
    assert!(spend(5, 100, &mut ledger).is_allow());
    // Same period: empty, and the verdict says when it refills.
    let denied = spend(9, 1, &mut ledger);
    assert!(matches!(
        denied.violations[0].reason,
        Reason::LimitExceeded { left, resets_at: Some(10), .. } if left.is_zero()
    ));
    let status = &s.budgets(&ledger, 9).unwrap()[0];
    assert_eq!((status.left, status.resets_at), (U256::ZERO, Some(10)));
    assert_eq!(s.budgets(&ledger, 25).unwrap()[0].left, U256::from(60));
    // Two whole periods later: 60 back.
    assert!(!spend(25, 61, &mut ledger).is_allow());
    assert!(spend(25, 60, &mut ledger).is_allow());
    // A long wait refills only to the cap.
    assert!(!spend(1_000, 101, &mut ledger).is_allow());
    assert!(spend(1_000, 100, &mut ledger).is_allow());
}

#[test]
fn windows_aligned_to_a_start_time() {
    let rule = json!([{ "offset": 0, "budget": { "limit": 10, "period": 100, "start": 1_000 } }]);
    let s = session(rule, json!([]));
    let ledger = MemoryLedger::new();
    let denied = {
        let call = Call {
            to: TARGET,
            value: U256::ZERO,
            data: &data(1, 0),
        };
        let ctx = context(999, None);
        s.check(&[call], &ledger, &ctx)
    };
    assert!(matches!(
        denied.violations[0].reason,
        Reason::NotYetValid {
            valid_after: 1_000,
            ..
        }
    ));
    let mut ledger = MemoryLedger::new();
    let call = Call {
        to: TARGET,
        value: U256::ZERO,
        data: &data(10, 0),
    };
    let ctx = context(1_050, None);
    let verdict = s.check(&[call], &ledger, &ctx);
    assert_eq!(
        crate::common::counter_text(&verdict.effects[0].key),
        "actions/0/rules[0]@1000"
    );
    ledger.apply(&verdict.effects).unwrap();
    let over = s.check(&[call], &ledger, &ctx);
    assert!(matches!(
        over.violations[0].reason,
        Reason::LimitExceeded {
            resets_at: Some(1_100),
            ..
        }
    ));
    let next = Context { now: 1_100, ..ctx };
    assert!(s.check(&[call], &ledger, &next).is_allow());
}

/// Each `[*]` is capped by the decoder; nested ones are capped in total, with a clear deny.
#[test]
fn nested_wildcards_are_capped_in_total() {
    use alloy_dyn_abi::DynSolValue;
    let doc = json!({
        "actions": [{
            "target": TARGET,
            "selector": "grid(uint256[][] rows)",
            "rules": [{ "param": "rows[*][*]", "condition": "lte", "value": 1 }]
        }]
    });
    let s = Session::from_value(doc).unwrap();
    let grid = |n: usize| {
        let row = DynSolValue::Array(vec![DynSolValue::Uint(U256::ZERO, 256); n]);
        let rows = DynSolValue::Array(vec![row; n]);
        let mut data = alloy_primitives::keccak256("grid(uint256[][])")[..4].to_vec();
        data.extend(DynSolValue::Tuple(vec![rows]).abi_encode_params());
        data
    };
    let check = |data: &[u8]| {
        let call = Call {
            to: TARGET,
            value: U256::ZERO,
            data,
        };
        let ctx = context(0, None);
        s.check(&[call], &MemoryLedger::new(), &ctx)
    };
    assert!(check(&grid(60)).is_allow());
    let denied = check(&grid(70));
    let text = serde_json::to_string(&denied.violations[0].reason).unwrap();
    assert!(text.contains("too_many_elements"), "{text}");
}

/// A leaf that cannot read the calldata is an error, not `false`: `not` and `any` above it
/// still deny, as the contract's decoder would revert.
#[test]
fn unreadable_calldata_is_not_negated() {
    let not = session(
        json!([{ "not": { "offset": 32, "condition": "eq", "value": 5 } }]),
        json!([]),
    );
    let any = session(
        json!([{ "any": [{ "offset": 32, "condition": "eq", "value": 5 }, { "offset": 0, "condition": "eq", "value": 1 }] }]),
        json!([]),
    );
    let mut short = SELECTOR.to_vec();
    short.extend_from_slice(&U256::from(1).to_be_bytes::<32>());
    let ledger = MemoryLedger::new();
    assert!(!allows(&not, &short, 0, &ledger));
    assert!(!allows(&any, &short, 0, &ledger));
    // With both words present they decide as they mean.
    assert!(allows(&not, &data(1, 4), 0, &ledger));
    assert!(allows(&any, &data(1, 4), 0, &ledger));
}

/// Under `not`, `all` stops at its first false leaf in both modes: a later, unreadable leaf is
/// never reached, so check and explain agree (found by the rule_trees fuzz target).
#[test]
fn explain_agrees_with_check_under_not() {
    let rules = json!([{ "not": { "all": [
        { "offset": 0, "condition": "eq", "value": 9 },
        { "offset": 64, "condition": "eq", "value": 1 }
    ] } }]);
    let s = session(rules, json!([]));
    let call = Call {
        to: TARGET,
        value: U256::ZERO,
        data: &data(1, 2),
    };
    let ctx = context(0, None);
    let ledger = MemoryLedger::new();
    assert!(s.check(&[call], &ledger, &ctx).is_allow());
    assert!(s.explain(&[call], &ledger, &ctx).is_allow());
}
