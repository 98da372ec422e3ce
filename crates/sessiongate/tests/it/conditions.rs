//! Every condition, policy and matching rule at its boundaries: equal, one below, one over, and
//! the overflow edge, asserting the reason and its numbers rather than only allow or deny.

use crate::common::abi::erc20::{
    approveCall, balanceOfCall, decreaseAllowanceCall, increaseAllowanceCall, transferCall,
    transferFromCall,
};
use crate::common::abi::probe::{
    setAddrCall, setFlagCall, setSignedCall, setSmallCall, setTagCall, setUCall,
};
use crate::common::{context, raw_calldata};
use alloy_primitives::{Address, B256, I256, U256, address};
use alloy_sol_types::SolCall;
use serde_json::{Value as Json, json};
use sessiongate::calldata::WordType;
use sessiongate::document::Condition as Op;
use sessiongate::verdict::Value;
use sessiongate::{Call, Context, MemoryLedger, Reason, Session, Verdict};

const TARGET: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const TARGET_HEX: &str = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
const OTHER_CONTRACT: Address = address!("3333333333333333333333333333333333333333");
const ACCOUNT: Address = address!("2222222222222222222222222222222222222222");
const A1: Address = address!("1111111111111111111111111111111111111111");
const A1_HEX: &str = "0x1111111111111111111111111111111111111111";
const A2: Address = address!("4444444444444444444444444444444444444444");
const A2_HEX: &str = "0x4444444444444444444444444444444444444444";
const A3: Address = address!("5555555555555555555555555555555555555555");
const MAX_HEX: &str = "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

fn load(doc: Json) -> Session {
    Session::from_json(&doc.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn ctx(now: u64) -> Context {
    context(now, Some(ACCOUNT))
}

/// Runs `check` and `explain` on a batch and returns the fast verdict, after checking that both
/// reach the same decision and, on allow, the same effects.
fn evaluate<'s>(
    s: &'s Session,
    calls: &[Call<'_>],
    ledger: &MemoryLedger,
    ctx: &Context,
) -> Verdict<'s> {
    let fast = s.check(calls, ledger, ctx);
    let full = s.explain(calls, ledger, ctx);
    assert_eq!(fast.decision, full.decision, "fast {fast} / explain {full}");
    if fast.is_allow() {
        assert_eq!(fast.effects, full.effects);
        assert!(fast.violations.is_empty());
    } else {
        assert!(fast.effects.is_empty() && fast.allowed_by.is_empty());
    }
    fast
}

fn call_at<'s>(
    s: &'s Session,
    to: Address,
    value: u64,
    data: &[u8],
    ledger: &MemoryLedger,
) -> Verdict<'s> {
    let call = Call {
        to,
        value: U256::from(value),
        data,
    };
    evaluate(s, &[call], ledger, &ctx(100))
}

fn call<'s>(s: &'s Session, data: &[u8]) -> Verdict<'s> {
    call_at(s, TARGET, 0, data, &MemoryLedger::new())
}

/// One action `a` on TARGET with the given selector and a single rule.
fn rule_session(selector: &str, rule: Json) -> Session {
    load(json!({
        "actions": [{ "name": "a", "target": TARGET_HEX, "selector": selector, "rules": [rule] }]
    }))
}

#[track_caller]
fn assert_allowed(v: &Verdict) {
    assert!(v.is_allow(), "{v}");
    assert!(v.violations.is_empty());
}

#[track_caller]
fn first_reason<'v>(v: &'v Verdict<'_>) -> &'v Reason {
    assert!(!v.is_allow(), "expected a deny");
    &v.violations[0].reason
}

#[track_caller]
fn assert_condition(v: &Verdict, op: Op, actual: Value) {
    match first_reason(v) {
        Reason::Condition {
            expected,
            actual: got,
        } => {
            assert_eq!(expected.op, op, "{v}");
            assert_eq!(*got, actual, "{v}");
        }
        other => panic!("expected a condition failure, got {other:?}"),
    }
    assert_eq!(
        v.violations[0].source.as_deref(),
        Some("actions[0].rules[0]")
    );
}

#[track_caller]
fn assert_dirty(v: &Verdict, ty: WordType, offset: usize, word: U256) {
    assert_eq!(
        *first_reason(v),
        Reason::DirtyWord {
            ty,
            offset,
            word: B256::from(word),
        },
        "{v}"
    );
}

#[track_caller]
fn assert_exceeded(v: &Verdict, limit: u64, used: u64, requested: u64) {
    assert_eq!(
        *first_reason(v),
        Reason::LimitExceeded {
            limit: U256::from(limit),
            used: U256::from(used),
            requested: U256::from(requested),
            left: U256::from(limit.saturating_sub(used)),
            resets_at: None,
        },
        "{v}"
    );
}

#[track_caller]
fn assert_overflow(v: &Verdict, used: U256, requested: u64) {
    assert_eq!(
        *first_reason(v),
        Reason::LimitOverflow {
            used,
            requested: U256::from(requested),
        },
        "{v}"
    );
}

/// The single effect of an allowed verdict.
#[track_caller]
fn assert_effect(v: &Verdict, key: &str, add: u64) {
    assert_allowed(v);
    assert_eq!(v.effects.len(), 1, "{:?}", v.effects);
    assert_eq!(v.effects[0].key.counter, key);
    assert_eq!(v.effects[0].op, sessiongate::Op::Add(U256::from(add)));
}

fn op(name: &str) -> Op {
    match name {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "gt" => Op::Gt,
        "gte" => Op::Gte,
        "lt" => Op::Lt,
        "lte" => Op::Lte,
        "in_range" => Op::InRange,
        "one_of" => Op::OneOf,
        other => panic!("no condition {other}"),
    }
}

fn set_u(x: U256) -> Vec<u8> {
    setUCall { x }.abi_encode()
}

/// Checks a uint256 rule against each `(x, allowed)` pair.
#[track_caller]
fn check_uint_cases(condition: &str, value: Json, cases: &[(u64, bool)]) {
    let s = rule_session(
        "setU(uint256 x)",
        json!({ "param": "x", "condition": condition, "value": value }),
    );
    for &(x, allowed) in cases {
        let v = call(&s, &set_u(U256::from(x)));
        if allowed {
            assert_allowed(&v);
        } else {
            assert_condition(&v, op(condition), Value::Uint(U256::from(x)));
            assert_eq!(v.violations[0].param.as_deref(), Some("x"));
        }
    }
}

#[test]
fn uint256_single_value_conditions_below_equal_over() {
    let table = [
        ("eq", [false, true, false]),
        ("ne", [true, false, true]),
        ("gt", [false, false, true]),
        ("gte", [false, true, true]),
        ("lt", [true, false, false]),
        ("lte", [true, true, false]),
    ];
    for (condition, expect) in table {
        let cases: Vec<(u64, bool)> = [99, 100, 101].into_iter().zip(expect).collect();
        check_uint_cases(condition, json!(100), &cases);
    }
}

#[test]
fn in_range_includes_both_ends() {
    let cases = [
        (99, false),
        (100, true),
        (101, true),
        (199, true),
        (200, true),
        (201, false),
    ];
    check_uint_cases("in_range", json!([100, "200"]), &cases);
}

#[test]
fn one_of_matches_members_only() {
    let cases = [
        (99, false),
        (100, true),
        (101, false),
        (149, false),
        (150, true),
        (151, false),
    ];
    check_uint_cases("one_of", json!([100, "0x96"]), &cases);
    let s = rule_session(
        "setU(uint256 x)",
        json!({ "param": "x", "condition": "one_of", "value": [100, 150] }),
    );
    match first_reason(&call(&s, &set_u(U256::from(7)))) {
        Reason::Condition { expected, .. } => assert_eq!(
            expected.values,
            vec![Value::Uint(U256::from(100)), Value::Uint(U256::from(150))]
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn uint256_extremes_compare_unsigned() {
    let s = rule_session(
        "setU(uint256 x)",
        json!({ "param": "x", "condition": "gte", "value": MAX_HEX }),
    );
    assert_allowed(&call(&s, &set_u(U256::MAX)));
    let below = U256::MAX - U256::from(1);
    assert_condition(&call(&s, &set_u(below)), Op::Gte, Value::Uint(below));
    let s = rule_session(
        "setU(uint256 x)",
        json!({ "param": "x", "condition": "gt", "value": 0 }),
    );
    // The top bit set is a large number, not a negative one.
    assert_allowed(&call(&s, &set_u(U256::MAX)));
}

#[test]
fn small_uint_checks_range_then_condition() {
    let s = rule_session(
        "setSmall(uint8 x)",
        json!({ "param": "x", "condition": "lte", "value": 200 }),
    );
    assert_allowed(&call(&s, &setSmallCall { x: 200 }.abi_encode()));
    let v = call(&s, &setSmallCall { x: 201 }.abi_encode());
    assert_condition(&v, Op::Lte, Value::Uint(U256::from(201)));
    let v = call(&s, &setSmallCall { x: 255 }.abi_encode());
    assert_condition(&v, Op::Lte, Value::Uint(U256::from(255)));
    // 256 does not fit a uint8: Solidity's decoder reverts, so the engine denies.
    let v = call(
        &s,
        &raw_calldata(setSmallCall::SELECTOR, &[U256::from(256)]),
    );
    assert_dirty(&v, WordType::Uint(8), 0, U256::from(256));
}

fn int(v: i64) -> I256 {
    I256::try_from(v).unwrap()
}

fn set_signed(x: i16) -> Vec<u8> {
    setSignedCall { x }.abi_encode()
}

#[test]
fn int_conditions_compare_signed() {
    let s = rule_session(
        "setSigned(int16 x)",
        json!({ "param": "x", "condition": "gt", "value": -5 }),
    );
    assert_condition(&call(&s, &set_signed(-6)), Op::Gt, Value::Int(int(-6)));
    assert_condition(&call(&s, &set_signed(-5)), Op::Gt, Value::Int(int(-5)));
    assert_allowed(&call(&s, &set_signed(-4)));
    assert_allowed(&call(&s, &set_signed(i16::MAX)));
    // As unsigned words, -1 is huge: a signed comparison must still see it below 1.
    let s = rule_session(
        "setSigned(int16 x)",
        json!({ "param": "x", "condition": "lt", "value": "1" }),
    );
    assert_allowed(&call(&s, &set_signed(-1)));
    assert_allowed(&call(&s, &set_signed(i16::MIN)));
    assert_condition(&call(&s, &set_signed(1)), Op::Lt, Value::Int(int(1)));
}

#[test]
fn int_in_range_across_zero() {
    let s = rule_session(
        "setSigned(int16 x)",
        json!({ "param": "x", "condition": "in_range", "value": ["-10", 10] }),
    );
    for (x, allowed) in [
        (-11, false),
        (-10, true),
        (-9, true),
        (0, true),
        (9, true),
        (10, true),
        (11, false),
    ] {
        let v = call(&s, &set_signed(x));
        if allowed {
            assert_allowed(&v);
        } else {
            assert_condition(&v, Op::InRange, Value::Int(int(x.into())));
        }
    }
    // 0x8000 without sign extension is not an int16.
    let v = call(
        &s,
        &raw_calldata(setSignedCall::SELECTOR, &[U256::from(0x8000)]),
    );
    assert_dirty(&v, WordType::Int(16), 0, U256::from(0x8000));
}

fn set_addr(who: Address) -> Vec<u8> {
    setAddrCall { who }.abi_encode()
}

#[test]
fn address_eq_ne_one_of() {
    let eq = rule_session(
        "setAddr(address who)",
        json!({ "param": "who", "condition": "eq", "value": A1_HEX }),
    );
    assert_allowed(&call(&eq, &set_addr(A1)));
    assert_condition(&call(&eq, &set_addr(A2)), Op::Eq, Value::Address(A2));
    let ne = rule_session(
        "setAddr(address who)",
        json!({ "param": "who", "condition": "ne", "value": A1_HEX }),
    );
    assert_allowed(&call(&ne, &set_addr(A2)));
    assert_condition(&call(&ne, &set_addr(A1)), Op::Ne, Value::Address(A1));
    let one_of = rule_session(
        "setAddr(address who)",
        json!({ "param": "who", "condition": "one_of", "value": [A1_HEX, A2_HEX] }),
    );
    assert_allowed(&call(&one_of, &set_addr(A1)));
    assert_allowed(&call(&one_of, &set_addr(A2)));
    assert_condition(&call(&one_of, &set_addr(A3)), Op::OneOf, Value::Address(A3));
    // A1 with a high bit set is dirty, not A1.
    let dirty = U256::from_be_slice(A1.as_slice()) | (U256::from(1) << 200);
    let v = call(&eq, &raw_calldata(setAddrCall::SELECTOR, &[dirty]));
    assert_dirty(&v, WordType::Address, 0, dirty);
}

#[test]
fn bool_values_and_dirty_two() {
    let s = rule_session(
        "setFlag(bool flag)",
        json!({ "param": "flag", "condition": "eq", "value": true }),
    );
    assert_allowed(&call(&s, &setFlagCall { flag: true }.abi_encode()));
    let v = call(&s, &setFlagCall { flag: false }.abi_encode());
    assert_condition(&v, Op::Eq, Value::Bool(false));
    let v = call(&s, &raw_calldata(setFlagCall::SELECTOR, &[U256::from(2)]));
    assert_dirty(&v, WordType::Bool, 0, U256::from(2));
    let s = rule_session(
        "setFlag(bool flag)",
        json!({ "param": "flag", "condition": "ne", "value": "true" }),
    );
    assert_allowed(&call(&s, &setFlagCall { flag: false }.abi_encode()));
}

#[test]
fn bytes4_eq_one_of_and_dirty_low_bytes() {
    let tag = |b: [u8; 4]| setTagCall { tag: b.into() }.abi_encode();
    let s = rule_session(
        "setTag(bytes4 tag)",
        json!({ "param": "tag", "condition": "eq", "value": "0xdeadbeef" }),
    );
    assert_allowed(&call(&s, &tag([0xde, 0xad, 0xbe, 0xef])));
    let mut left_aligned = [0u8; 32];
    left_aligned[..4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xf0]);
    let v = call(&s, &tag([0xde, 0xad, 0xbe, 0xf0]));
    assert_condition(&v, Op::Eq, Value::Bytes(B256::from(left_aligned), 4));
    assert!(v.to_string().contains("got 0xdeadbef0"), "{v}");
    let s = rule_session(
        "setTag(bytes4 tag)",
        json!({ "param": "tag", "condition": "one_of", "value": ["0x00000001", "0xdeadbeef"] }),
    );
    assert_allowed(&call(&s, &tag([0, 0, 0, 1])));
    assert!(!call(&s, &tag([0, 0, 0, 2])).is_allow());
    // A bytes4 with anything in its low 28 bytes is dirty.
    let word = U256::from_be_bytes(left_aligned) | U256::from(1);
    assert_dirty(
        &call(&s, &raw_calldata(setTagCall::SELECTOR, &[word])),
        WordType::FixedBytes(4),
        0,
        word,
    );
}

const RAW_SELECTOR: [u8; 4] = [0x12, 0x34, 0x56, 0x78];

#[test]
fn raw_offset_reads_unaligned_words() {
    let s = rule_session(
        "0x12345678",
        json!({ "offset": 1, "condition": "eq", "value": 77 }),
    );
    // One filler byte after the selector, then the word the rule reads.
    let mut data = RAW_SELECTOR.to_vec();
    data.push(0xaa);
    data.extend_from_slice(&U256::from(77).to_be_bytes::<32>());
    assert_allowed(&call(&s, &data));
    let mut other = data.clone();
    other[36] = 78;
    let v = call(&s, &other);
    assert_condition(&v, Op::Eq, Value::Uint(U256::from(78)));
    assert_eq!(v.violations[0].param.as_deref(), Some("offset 1"));
    // One byte short of the word: the chain would read zero padding, the engine denies.
    let v = call(&s, &data[..36]);
    assert_eq!(
        *first_reason(&v),
        Reason::ShortCalldata {
            needed: 37,
            len: 36
        }
    );
}

#[test]
fn raw_offset_with_type_validates_the_word() {
    let s = rule_session(
        "0x12345678",
        json!({ "offset": 4, "type": "address", "condition": "eq", "value": A1_HEX }),
    );
    let mut data = RAW_SELECTOR.to_vec();
    data.extend_from_slice(&[0; 4]);
    data.extend_from_slice(&U256::from_be_slice(A1.as_slice()).to_be_bytes::<32>());
    assert_allowed(&call(&s, &data));
    data[8] = 1;
    let v = call(&s, &data);
    let word = U256::from_be_slice(&data[8..40]);
    assert_dirty(&v, WordType::Address, 4, word);
}

#[test]
fn index_param_on_hex_selector_reads_its_word() {
    let s = rule_session(
        "0x12345678",
        json!({ "param": 1, "condition": "lt", "value": 10 }),
    );
    assert_allowed(&call(
        &s,
        &raw_calldata(RAW_SELECTOR, &[U256::from(999), U256::from(9)]),
    ));
    let v = call(
        &s,
        &raw_calldata(RAW_SELECTOR, &[U256::ZERO, U256::from(10)]),
    );
    assert_condition(&v, Op::Lt, Value::Uint(U256::from(10)));
    let v = call(&s, &raw_calldata(RAW_SELECTOR, &[U256::ZERO]));
    assert_eq!(
        *first_reason(&v),
        Reason::ShortCalldata {
            needed: 68,
            len: 36
        }
    );
}

#[test]
fn signature_head_must_be_complete() {
    let s = rule_session(
        "transfer(address to, uint256 amount)",
        json!({ "param": "to", "condition": "eq", "value": A1_HEX }),
    );
    let data = transferCall {
        to: A1,
        amount: U256::from(1),
    }
    .abi_encode();
    let v = call(&s, &data[..67]);
    assert_eq!(
        *first_reason(&v),
        Reason::ShortCalldata {
            needed: 68,
            len: 67
        }
    );
}

/// One action `a` on TARGET, any selector, with session and action policies.
fn policy_session(session: Json, action: Json) -> Session {
    load(json!({
        "policies": session,
        "actions": [{ "name": "a", "target": TARGET_HEX, "selector": "*", "policies": action }]
    }))
}

fn pay<'s>(value: u64, ledger: &MemoryLedger, s: &'s Session) -> Verdict<'s> {
    call_at(s, TARGET, value, &[], ledger)
}

#[test]
fn max_value_equal_and_one_over() {
    let s = policy_session(json!([]), json!([{ "type": "max_value", "limit": 100 }]));
    let ledger = MemoryLedger::new();
    assert_allowed(&pay(100, &ledger, &s));
    assert!(pay(100, &ledger, &s).effects.is_empty());
    let v = pay(101, &ledger, &s);
    assert_eq!(
        *first_reason(&v),
        Reason::ValueTooHigh {
            max: U256::from(100),
            value: U256::from(101)
        }
    );
    assert_eq!(
        v.violations[0].source.as_deref(),
        Some("actions[0].policies[0]")
    );
}

#[test]
fn value_limit_counts_the_ledger() {
    let s = policy_session(json!([]), json!([{ "type": "value_limit", "limit": 100 }]));
    let mut ledger = MemoryLedger::new();
    ledger.set(&s.key("actions/a/policies[0]"), U256::from(60));
    assert_effect(&pay(40, &ledger, &s), "actions/a/policies[0]", 40);
    assert_exceeded(&pay(41, &ledger, &s), 100, 60, 41);
    // A zero-value call passes and records nothing.
    ledger.set(&s.key("actions/a/policies[0]"), U256::from(100));
    let v = pay(0, &ledger, &s);
    assert_allowed(&v);
    assert!(v.effects.is_empty());
}

#[test]
fn value_limit_overflow() {
    let s = policy_session(
        json!([]),
        json!([{ "type": "value_limit", "limit": MAX_HEX }]),
    );
    let mut ledger = MemoryLedger::new();
    let near = U256::MAX - U256::from(1);
    ledger.set(&s.key("actions/a/policies[0]"), near);
    assert_effect(&pay(1, &ledger, &s), "actions/a/policies[0]", 1);
    assert_overflow(&pay(2, &ledger, &s), near, 2);
}

#[test]
fn usage_limit_equal_over_overflow() {
    let key = "session/policies[0]";
    let s = policy_session(
        json!([{ "type": "usage_limit", "limit": 3 }]),
        json!([{ "type": "sudo" }]),
    );
    let mut ledger = MemoryLedger::new();
    ledger.set(&s.key(key), U256::from(2));
    assert_effect(&pay(0, &ledger, &s), key, 1);
    ledger.set(&s.key(key), U256::from(3));
    let v = pay(0, &ledger, &s);
    assert_exceeded(&v, 3, 3, 1);
    assert_eq!(v.violations[0].source.as_deref(), Some("policies[0]"));
    let s = policy_session(
        json!([{ "type": "usage_limit", "limit": MAX_HEX }]),
        json!([{ "type": "sudo" }]),
    );
    ledger.set(&s.key(key), U256::MAX);
    assert_overflow(&pay(0, &ledger, &s), U256::MAX, 1);
}

#[test]
fn usage_limit_adds_up_within_a_batch() {
    let s = policy_session(json!([]), json!([{ "type": "usage_limit", "limit": 2 }]));
    let one = Call {
        to: TARGET,
        value: U256::ZERO,
        data: &[],
    };
    let ledger = MemoryLedger::new();
    let v = evaluate(&s, &[one, one], &ledger, &ctx(0));
    assert_effect(&v, "actions/a/policies[0]", 2);
    let v = evaluate(&s, &[one, one, one], &ledger, &ctx(0));
    assert_exceeded(&v, 2, 2, 1);
    assert_eq!(v.violations[0].call, 2);
}

fn transfer(to: Address, amount: U256) -> Vec<u8> {
    transferCall { to, amount }.abi_encode()
}

fn spend_session(limit: Json) -> Session {
    policy_session(
        json!([]),
        json!([{ "type": "spend_limit", "token": TARGET_HEX, "limit": limit }]),
    )
}

#[test]
fn spend_limit_equal_over_overflow() {
    let key = "actions/a/policies[0]";
    let s = spend_session(json!(100));
    let mut ledger = MemoryLedger::new();
    ledger.set(&s.key(key), U256::from(50));
    let send = |amount: u64, ledger: &MemoryLedger, s: &Session| {
        call_at(s, TARGET, 0, &transfer(A1, U256::from(amount)), ledger).into_owned()
    };
    assert_effect(&send(50, &ledger, &s), key, 50);
    assert_exceeded(&send(51, &ledger, &s), 100, 50, 51);
    let s = spend_session(json!(MAX_HEX));
    let near = U256::MAX - U256::from(1);
    ledger.set(&s.key(key), near);
    assert_effect(&send(1, &ledger, &s), key, 1);
    assert_overflow(&send(2, &ledger, &s), near, 2);
}

fn budget_session(budget: Json) -> Session {
    rule_session(
        "transfer(address to, uint256 amount)",
        json!({ "param": "amount", "condition": "gte", "value": 0, "budget": budget }),
    )
}

#[test]
fn rule_budget_equal_over_overflow() {
    let key = "actions/a/rules[0]";
    let s = budget_session(json!("100"));
    let mut ledger = MemoryLedger::new();
    ledger.set(&s.key(key), U256::from(60));
    let send = |amount: u64, ledger: &MemoryLedger, s: &Session| {
        call_at(s, TARGET, 0, &transfer(A1, U256::from(amount)), ledger).into_owned()
    };
    assert_effect(&send(40, &ledger, &s), key, 40);
    let v = send(41, &ledger, &s);
    assert_exceeded(&v, 100, 60, 41);
    assert_eq!(v.violations[0].param.as_deref(), Some("amount"));
    assert_eq!(
        v.violations[0].source.as_deref(),
        Some("actions[0].rules[0]")
    );
    let s = budget_session(json!(MAX_HEX));
    let near = U256::MAX - U256::from(1);
    ledger.set(&s.key(key), near);
    assert_effect(&send(1, &ledger, &s), key, 1);
    assert_overflow(&send(2, &ledger, &s), near, 2);
}

#[test]
fn unnamed_actions_key_by_index() {
    let s = load(json!({
        "actions": [
            { "target": A1_HEX, "selector": "*", "policies": [{ "type": "sudo" }] },
            { "target": TARGET_HEX, "selector": "*", "policies": [{ "type": "usage_limit", "limit": 5 }] }
        ]
    }));
    assert_effect(
        &pay(0, &MemoryLedger::new(), &s),
        "actions/1/policies[0]",
        1,
    );
}

#[test]
fn time_window_both_ends_included() {
    let s = policy_session(
        json!([{ "type": "time_window", "valid_after": 1000, "valid_until": 2000 }]),
        json!([{ "type": "sudo" }]),
    );
    let at = |now| {
        evaluate(
            &s,
            &[Call {
                to: TARGET,
                value: U256::ZERO,
                data: &[],
            }],
            &MemoryLedger::new(),
            &ctx(now),
        )
    };
    assert_eq!(
        *first_reason(&at(999)),
        Reason::NotYetValid {
            valid_after: 1000,
            now: 999
        }
    );
    assert_allowed(&at(1000));
    assert_allowed(&at(2000));
    assert_eq!(
        *first_reason(&at(2001)),
        Reason::Expired {
            valid_until: 2000,
            now: 2001
        }
    );
}

/// A session with a spend limit on TARGET, any call on TARGET, and any call anywhere else.
fn token_session() -> Session {
    load(json!({
        "policies": [{ "type": "spend_limit", "token": TARGET_HEX, "limit": 1000 }],
        "actions": [
            { "name": "token", "target": TARGET_HEX, "selector": "*", "policies": [{ "type": "sudo" }] },
            { "name": "any", "target": "*", "selector": "*", "policies": [{ "type": "sudo" }] }
        ]
    }))
}

#[test]
fn spend_limit_counts_spending_functions() {
    let s = token_session();
    let ledger = MemoryLedger::new();
    let amount = U256::from(10);
    let counted = [
        transfer(A1, amount),
        approveCall {
            spender: A1,
            amount,
        }
        .abi_encode(),
        increaseAllowanceCall {
            spender: A1,
            added: amount,
        }
        .abi_encode(),
        transferFromCall {
            from: ACCOUNT,
            to: A1,
            amount,
        }
        .abi_encode(),
    ];
    for data in &counted {
        let v = call_at(&s, TARGET, 0, data, &ledger);
        assert_effect(&v, "session/policies[0]", 10);
        assert_eq!(v.allowed_by[0].as_ref(), "token");
    }
}

#[test]
fn spend_limit_ignores_others_tokens_and_decreases() {
    let s = token_session();
    let ledger = MemoryLedger::new();
    let amount = U256::from(10);
    let free = [
        transferFromCall {
            from: A2,
            to: A1,
            amount,
        }
        .abi_encode(),
        decreaseAllowanceCall {
            spender: A1,
            subtracted: amount,
        }
        .abi_encode(),
        Vec::new(),
    ];
    for data in &free {
        let v = call_at(&s, TARGET, 0, data, &ledger);
        assert_allowed(&v);
        assert!(v.effects.is_empty(), "{:?}", v.effects);
    }
    // Another contract's transfer is not this token's spend.
    let v = call_at(&s, OTHER_CONTRACT, 0, &transfer(A1, amount), &ledger);
    assert_allowed(&v);
    assert!(v.effects.is_empty());
    // Without a known account, every transferFrom counts: fail closed.
    let unknown = Context {
        account: None,
        ..ctx(100)
    };
    let data = &free[0];
    let v = evaluate(
        &s,
        &[Call {
            to: TARGET,
            value: U256::ZERO,
            data,
        }],
        &ledger,
        &unknown,
    );
    assert_effect(&v, "session/policies[0]", 10);
}

#[test]
fn spend_limit_refuses_unknown_token_functions() {
    let s = token_session();
    let data = balanceOfCall { owner: ACCOUNT }.abi_encode();
    let v = call_at(&s, TARGET, 0, &data, &MemoryLedger::new());
    assert_eq!(
        *first_reason(&v),
        Reason::UnknownTokenFunction {
            token: TARGET,
            selector: Some(balanceOfCall::SELECTOR.into()),
        }
    );
}

#[test]
fn session_and_action_policies_both_apply() {
    let s = policy_session(
        json!([{ "type": "max_value", "limit": 10 }]),
        json!([{ "type": "max_value", "limit": 100 }, { "type": "time_window", "valid_until": 50 }]),
    );
    let ledger = MemoryLedger::new();
    let at = |value: u64, now| {
        let c = Call {
            to: TARGET,
            value: U256::from(value),
            data: &[],
        };
        evaluate(&s, &[c], &ledger, &ctx(now))
    };
    assert_allowed(&at(10, 50));
    let v = at(50, 10);
    assert_eq!(v.violations[0].source.as_deref(), Some("policies[0]"));
    assert!(matches!(first_reason(&v), Reason::ValueTooHigh { max, .. } if *max == U256::from(10)));
    let v = at(5, 51);
    assert_eq!(
        v.violations[0].source.as_deref(),
        Some("actions[0].policies[1]")
    );
    // Explain lists every failing policy, the action's first, then the session's.
    let c = Call {
        to: TARGET,
        value: U256::from(200),
        data: &[],
    };
    let v = s.explain(&[c], &ledger, &ctx(51));
    let sources: Vec<_> = v.violations.iter().map(|x| x.source.as_deref()).collect();
    assert_eq!(
        sources,
        [
            Some("actions[0].policies[0]"),
            Some("actions[0].policies[1]"),
            Some("policies[0]")
        ]
    );
}

/// Two actions on the same call, each allowing one recipient; the first also has a budget.
fn alternatives() -> Session {
    load(json!({
        "actions": [
            { "name": "first", "target": TARGET_HEX, "selector": "transfer(address to, uint256 amount)",
              "rules": [
                  { "param": "amount", "condition": "gte", "value": 0, "budget": 1000 },
                  { "param": "to", "condition": "eq", "value": A1_HEX }
              ] },
            { "name": "second", "target": TARGET_HEX, "selector": "transfer(address to, uint256 amount)",
              "rules": [{ "param": "to", "condition": "eq", "value": A2_HEX }] }
        ]
    }))
}

#[test]
fn actions_are_alternatives() {
    let s = alternatives();
    let ledger = MemoryLedger::new();
    let v = call_at(&s, TARGET, 0, &transfer(A1, U256::from(5)), &ledger);
    assert_effect(&v, "actions/first/rules[0]", 5);
    assert_eq!(v.allowed_by[0].as_ref(), "first");
    // The first fails on `to` after charging its budget; the second allows, and the first's
    // pending charge is dropped.
    let v = call_at(&s, TARGET, 0, &transfer(A2, U256::from(5)), &ledger);
    assert_allowed(&v);
    assert_eq!(v.allowed_by[0].as_ref(), "second");
    assert!(v.effects.is_empty(), "{:?}", v.effects);
    // Neither: fast reports the first action's failure, explain reports both.
    let data = transfer(A3, U256::from(5));
    let c = Call {
        to: TARGET,
        value: U256::ZERO,
        data: &data,
    };
    let fast = s.check(&[c], &ledger, &ctx(0));
    let full = s.explain(&[c], &ledger, &ctx(0));
    assert_eq!(fast.violations.len(), 1, "{fast}");
    assert_eq!(fast.violations[0].action.as_deref(), Some("first"));
    let actions: Vec<_> = full
        .violations
        .iter()
        .map(|x| x.action.as_deref())
        .collect();
    assert_eq!(actions, [Some("first"), Some("second")]);
}

#[test]
fn exact_target_tried_before_wildcards() {
    let s = load(json!({
        "actions": [
            { "name": "wild", "target": "*", "selector": "*", "policies": [{ "type": "max_value", "limit": 0 }] },
            { "name": "exact", "target": TARGET_HEX, "selector": "transfer(address to, uint256 amount)",
              "rules": [{ "param": "amount", "condition": "lte", "value": 10 }] }
        ]
    }));
    let ledger = MemoryLedger::new();
    let v = call_at(&s, TARGET, 0, &transfer(A1, U256::from(10)), &ledger);
    assert_eq!(v.allowed_by[0].as_ref(), "exact");
    // The exact action refuses 11, the wildcard still allows it.
    let v = call_at(&s, TARGET, 0, &transfer(A1, U256::from(11)), &ledger);
    assert_eq!(v.allowed_by[0].as_ref(), "wild");
    // Both refuse: a value above the wildcard's max on an amount above the exact's rule.
    let v = call_at(&s, TARGET, 1, &transfer(A1, U256::from(11)), &ledger);
    assert!(!v.is_allow());
}

#[test]
fn chain_id_mismatch() {
    let s = load(json!({
        "chain_id": 1,
        "actions": [{ "target": "*", "selector": "*", "policies": [{ "type": "sudo" }] }]
    }));
    let c = Call {
        to: TARGET,
        value: U256::ZERO,
        data: &[],
    };
    let ledger = MemoryLedger::new();
    assert_allowed(&evaluate(&s, &[c], &ledger, &ctx(0)));
    let other = Context {
        chain_id: 5,
        ..ctx(0)
    };
    let v = evaluate(&s, &[c], &ledger, &other);
    assert_eq!(
        *first_reason(&v),
        Reason::WrongChain {
            expected: 1,
            actual: 5
        }
    );
}

fn anything() -> Session {
    load(json!({
        "actions": [{ "name": "all", "target": "*", "selector": "*", "policies": [{ "type": "usage_limit", "limit": 10 }] }]
    }))
}

#[test]
fn empty_batch_is_denied() {
    let session = anything();
    let v = evaluate(&session, &[], &MemoryLedger::new(), &ctx(0));
    assert_eq!(*first_reason(&v), Reason::EmptyBatch);
}

#[test]
fn truncated_selector_is_denied_even_by_wildcards() {
    let s = anything();
    for len in 1..=3 {
        let data = vec![0xa9; len];
        let v = call_at(&s, TARGET, 0, &data, &MemoryLedger::new());
        assert_eq!(*first_reason(&v), Reason::TruncatedSelector { len });
    }
    assert_allowed(&call_at(&s, TARGET, 0, &[0xa9; 4], &MemoryLedger::new()));
}

#[test]
fn wildcard_target_and_selector_match_everything() {
    let s = anything();
    let ledger = MemoryLedger::new();
    for (to, data) in [
        (TARGET, Vec::new()),
        (A3, transfer(A1, U256::from(1))),
        (OTHER_CONTRACT, balanceOfCall { owner: A1 }.abi_encode()),
    ] {
        let v = call_at(&s, to, 7, &data, &ledger);
        assert_effect(&v, "actions/all/policies[0]", 1);
    }
}

#[test]
fn wildcard_target_keeps_its_selector() {
    let s = load(json!({
        "actions": [{ "target": "*", "selector": "transfer(address,uint256)", "policies": [{ "type": "sudo" }] }]
    }));
    let ledger = MemoryLedger::new();
    assert_allowed(&call_at(&s, A3, 0, &transfer(A1, U256::from(1)), &ledger));
    let data = approveCall {
        spender: A1,
        amount: U256::from(1),
    }
    .abi_encode();
    let v = call_at(&s, A3, 0, &data, &ledger);
    assert_eq!(
        *first_reason(&v),
        Reason::NoAction {
            target: A3,
            selector: Some(approveCall::SELECTOR.into())
        }
    );
}

#[test]
fn call_matching_no_action() {
    let s = alternatives();
    let ledger = MemoryLedger::new();
    let data = transfer(A1, U256::from(1));
    let v = call_at(&s, OTHER_CONTRACT, 0, &data, &ledger);
    assert_eq!(
        *first_reason(&v),
        Reason::NoAction {
            target: OTHER_CONTRACT,
            selector: Some(transferCall::SELECTOR.into())
        }
    );
    let v = call_at(&s, TARGET, 1, &[], &ledger);
    assert_eq!(
        *first_reason(&v),
        Reason::NoAction {
            target: TARGET,
            selector: None
        }
    );
}

#[test]
fn native_action_needs_empty_calldata() {
    let s = load(json!({
        "actions": [{ "name": "tip", "target": TARGET_HEX, "selector": "native",
                      "policies": [{ "type": "max_value", "limit": 10 }] }]
    }));
    let ledger = MemoryLedger::new();
    let v = call_at(&s, TARGET, 10, &[], &ledger);
    assert_allowed(&v);
    assert_eq!(v.allowed_by[0].as_ref(), "tip");
    assert!(matches!(
        first_reason(&call_at(&s, TARGET, 11, &[], &ledger)),
        Reason::ValueTooHigh { .. }
    ));
    let v = call_at(&s, TARGET, 1, &transfer(A1, U256::from(1)), &ledger);
    assert!(
        matches!(
            first_reason(&v),
            Reason::NoAction {
                selector: Some(_),
                ..
            }
        ),
        "{v}"
    );
}

#[test]
fn denied_batch_call_index_and_no_effects() {
    let s = budget_session(json!(100));
    let ok = transfer(A1, U256::from(60));
    let calls = [
        Call {
            to: TARGET,
            value: U256::ZERO,
            data: &ok,
        },
        Call {
            to: TARGET,
            value: U256::ZERO,
            data: &ok,
        },
    ];
    let v = evaluate(&s, &calls, &MemoryLedger::new(), &ctx(0));
    assert_exceeded(&v, 100, 60, 60);
    assert_eq!(v.violations[0].call, 1);
    assert!(v.effects.is_empty() && v.allowed_by.is_empty());
}
