//! Ways past a session's limits, and inputs that made the engine work without bound, each with
//! the safe answer it now gets: strict decoding under every quantifier, calls to the account
//! itself, one work budget per transaction, bounded explanations, caps on alternatives and calls,
//! and inner calls of failed alternatives given back.

use crate::common::abi::erc20::transferCall;
use crate::common::abi::erc7579::installModuleCall;
use crate::common::abi::multicall3::{Call3, aggregate3Call};
use crate::common::abi::probe::blobsCall;
use crate::common::abi::uniswap_v2::swapExactTokensForTokensCall;
use crate::common::account_encoding::{
    Function, Owned, erc7579_execute, packed_single, user_op_v07,
};
use crate::common::generated_files::{pretty_json, sync};
use crate::common::{context, hex};
use alloy_primitives::{Address, Bytes, U256, address};
use alloy_sol_types::SolCall;
use proptest::prelude::*;
use serde_json::json;
use sessiongate::account::AccountKind;
use sessiongate::calldata::{DecodeError, ParamPath, Signature, Work};
use sessiongate::verdict::{MAX_CALL_VIOLATIONS, MAX_VIOLATIONS};
use sessiongate::{Call, Context, MemoryLedger, Mode, Session, UserOperation, Verdict};
use std::ops::ControlFlow;

const ACCOUNT: Address = address!("acc0000000000000000000000000000000000acc");
const ROUTER: Address = address!("7a250d5630b4cf539739df2c5dacb4c659f2488d");
const WETH: Address = address!("c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2");
const USDC: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const PAYEE: Address = address!("1111111111111111111111111111111111111111");
const ATTACKER: Address = address!("bad0000000000000000000000000000000000bad");
const MULTICALL3: Address = address!("ca11bde05977b3631167028862be2a173976ca11");
const ETH: u128 = 1_000_000_000_000_000_000;

fn ctx() -> Context {
    context(1_000, Some(ACCOUNT))
}

fn load(doc: serde_json::Value) -> Session {
    Session::from_json(&doc.to_string()).unwrap()
}

fn kind_of(verdict: &Verdict<'_>) -> &'static str {
    match verdict.violations.first() {
        Some(v) => v.reason.kind(),
        None => "allow",
    }
}

fn check(session: &Session, to: Address, value: U256, data: &[u8]) -> Verdict<'static> {
    let call = Call { to, value, data };
    let ledger = MemoryLedger::new();
    let fast = session.check(&[call], &ledger, &ctx());
    let explained = session.explain(&[call], &ledger, &ctx());
    assert_eq!(
        fast.decision, explained.decision,
        "check and explain disagree"
    );
    fast.into_owned()
}

// ---- 1. `[*]` quantifiers that decide early still decode every element ----

/// A rule on `path[*]` with a quantifier (`every`, `some`, `none`) or a `[min, max]` count.
fn path_rule(quantifier: &serde_json::Value, condition: &str, value: &str) -> serde_json::Value {
    let mut rule = json!({ "param": "path[*]", "condition": condition, "value": value });
    match quantifier {
        serde_json::Value::Array(_) => rule["count"] = quantifier.clone(),
        _ => rule["quantifier"] = quantifier.clone(),
    }
    rule
}

fn swap_session(quantifier: serde_json::Value, condition: &str) -> Session {
    load(json!({
        "actions": [{
            "target": ROUTER.to_string(),
            "selector": "swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline)",
            "rules": [path_rule(&quantifier, condition, &WETH.to_string())]
        }]
    }))
}

fn swap(path: Vec<Address>) -> Vec<u8> {
    swapExactTokensForTokensCall {
        amountIn: U256::from(1),
        amountOutMin: U256::from(1),
        path,
        to: ACCOUNT,
        deadline: U256::from(2_000),
    }
    .abi_encode()
}

/// Position of `path[index]` in the swap calldata, selector included.
fn path_word(index: usize) -> usize {
    // Head: five words; `path` at 160: length word, then the elements.
    4 + 5 * 32 + 32 + 32 * index
}

#[test]
fn a_dirty_later_element_denies_under_every_quantifier() {
    let mut data = swap(vec![WETH, USDC]);
    data[path_word(1)] = 0x01;
    let cases = [
        (json!("some"), "eq"),
        (json!("every"), "ne"),
        (json!("every"), "eq"),
        (json!("none"), "eq"),
        (json!([0, 5]), "eq"),
    ];
    for (quantifier, condition) in cases {
        let session = swap_session(quantifier.clone(), condition);
        let verdict = check(&session, ROUTER, U256::ZERO, &data);
        assert_eq!(kind_of(&verdict), "dirty_word", "{quantifier} {condition}");
    }
    // The clean calldata is allowed under `some`: the deny above is the dirty word's.
    let clean = swap(vec![WETH, USDC]);
    let verdict = check(
        &swap_session(json!("some"), "eq"),
        ROUTER,
        U256::ZERO,
        &clean,
    );
    assert!(verdict.is_allow(), "{verdict}");
}

fn blob_session(quantifier: &str) -> Session {
    load(json!({
        "actions": [{
            "target": ROUTER.to_string(),
            "selector": "blobs(bytes[] data)",
            "rules": [{ "param": "data[*]", "quantifier": quantifier, "condition": "prefix", "value": "0x12" }]
        }]
    }))
}

#[test]
fn a_bad_later_bytes_element_denies_after_an_early_match() {
    let data = blobsCall {
        data: vec![Bytes::from(vec![0x12, 0x34]), Bytes::from(vec![0x56])],
    }
    .abi_encode();
    // Layout after the selector: offset(32) | len 2 | off0 | off1 | len0 | content0 | len1 | content1.
    let content1 = 4 + 7 * 32;
    let mut padding = data.clone();
    padding[content1 + 31] = 0xff;
    let mut repeated = data.clone();
    let off0 = U256::from_be_slice(&data[4 + 64..4 + 96]);
    repeated[4 + 96..4 + 128].copy_from_slice(&off0.to_be_bytes::<32>());
    let mut long = data.clone();
    long[4 + 6 * 32..4 + 7 * 32].copy_from_slice(&U256::from(4096).to_be_bytes::<32>());
    for quantifier in ["some", "every", "none"] {
        let session = blob_session(quantifier);
        for (what, bad) in [
            ("padding", &padding),
            ("repeated", &repeated),
            ("long", &long),
        ] {
            let verdict = check(&session, ROUTER, U256::ZERO, bad);
            assert_eq!(
                kind_of(&verdict),
                "bad_encoding",
                "{quantifier} {what}: {verdict}"
            );
        }
    }
    assert!(check(&blob_session("some"), ROUTER, U256::ZERO, &data).is_allow());
}

/// Conditions that every clean encoding passes, under each quantifier: any deny is the
/// encoding's, so all quantifiers must reach the same decision on any calldata.
fn always_passing_sessions() -> Vec<(&'static str, Session)> {
    // No element of the generated paths is this address.
    let never = "0x000000000000000000000000000000000000dead";
    let rule = |quantifier: serde_json::Value, condition: &str| {
        load(json!({
            "actions": [{
                "target": ROUTER.to_string(),
                "selector": "swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline)",
                "rules": [path_rule(&quantifier, condition, never)]
            }]
        }))
    };
    vec![
        ("every", rule(json!("every"), "ne")),
        ("some", rule(json!("some"), "ne")),
        ("none", rule(json!("none"), "eq")),
        ("count", rule(json!([0, 1024]), "ne")),
    ]
}

fn is_encoding(kind: &str) -> bool {
    matches!(kind, "dirty_word" | "bad_encoding" | "short_calldata")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_quantifier_denies_when_every_denies_for_the_encoding(
        len in 1usize..6,
        word in 0usize..14,
        value in prop_oneof![
            Just(U256::from(1u8) << 160),
            Just(U256::from(33u8)),
            Just(U256::from(160u8)),
            Just(U256::MAX),
            any::<u64>().prop_map(U256::from),
        ],
        cut in 0usize..64,
    ) {
        let path: Vec<Address> = (0..len).map(|i| Address::with_last_byte(i as u8 + 1)).collect();
        let mut data = swap(path);
        let at = 4 + 32 * word;
        if at + 32 <= data.len() {
            data[at..at + 32].copy_from_slice(&value.to_be_bytes::<32>());
        }
        data.truncate(data.len().saturating_sub(cut));
        let sessions = always_passing_sessions();
        let verdicts: Vec<_> = sessions
            .iter()
            .map(|(name, s)| (*name, check(s, ROUTER, U256::ZERO, &data)))
            .collect();
        let every = &verdicts[0].1;
        for (name, verdict) in &verdicts {
            prop_assert_eq!(verdict.decision, every.decision, "{} vs every", name);
            if !verdict.is_allow() {
                prop_assert!(is_encoding(kind_of(verdict)), "{}: {}", name, verdict);
            }
        }
    }
}

// ---- 2. A call to the account itself is unwrapped, in every account kind ----

fn wildcard_session() -> Session {
    load(json!({
        "policies": [
            { "type": "value_limit", "limit": ETH.to_string() },
            { "type": "spend_limit", "token": USDC.to_string(), "limit": "100000000" }
        ],
        "actions": [{ "name": "anything", "target": "*", "selector": "*", "policies": [{ "type": "sudo" }] }]
    }))
}

fn owned(to: Address, value: U256, data: Vec<u8>) -> Owned {
    Owned { to, value, data }
}

fn user_op(call_data: &[u8]) -> UserOperation {
    let value = user_op_v07(ACCOUNT, 0, call_data, &Default::default());
    UserOperation::from_value(value).unwrap()
}

#[test]
fn native_value_through_a_coinbase_self_call_counts() {
    let session = wildcard_session();
    let drain = owned(ATTACKER, U256::from(100 * ETH), vec![]);
    let inner = Function::Execute.encode(&[drain]);
    let outer = Function::Execute.encode(&[owned(ACCOUNT, U256::ZERO, inner)]);
    let ledger = MemoryLedger::new();
    let verdict = session.evaluate_user_op(
        &user_op(&outer),
        Some(AccountKind::Coinbase),
        &ledger,
        &ctx(),
        Mode::Explain,
    );
    assert_eq!(kind_of(&verdict), "limit_exceeded", "{verdict}");
    assert_eq!(verdict.violations[0].inner.as_slice(), &[0]);
}

#[test]
fn token_spend_through_a_self_call_counts() {
    let session = wildcard_session();
    let transfer = transferCall {
        to: ATTACKER,
        amount: U256::from(1_000_000_000_000u64),
    }
    .abi_encode();
    let inner = Function::Execute.encode(&[owned(USDC, U256::ZERO, transfer)]);
    let outer = Function::Execute.encode(&[owned(ACCOUNT, U256::ZERO, inner)]);
    let ledger = MemoryLedger::new();
    let verdict = session.evaluate_account_calldata(
        &outer,
        Some(AccountKind::Coinbase),
        &ledger,
        &ctx(),
        Mode::Fast,
    );
    assert_eq!(kind_of(&verdict), "limit_exceeded", "{verdict}");
    // The same through `check`, as a relayer holding the plain call would ask.
    let verdict = check(
        &session,
        ACCOUNT,
        U256::ZERO,
        &Function::Execute.encode(&[owned(
            USDC,
            U256::ZERO,
            transferCall {
                to: ATTACKER,
                amount: U256::from(1_000_000_000_000u64),
            }
            .abi_encode(),
        )]),
    );
    assert_eq!(kind_of(&verdict), "limit_exceeded", "{verdict}");
}

#[test]
fn an_erc7579_self_call_cannot_smuggle_a_delegatecall() {
    let session = wildcard_session();
    let delegate = erc7579_execute(
        0xff,
        0x00,
        packed_single(&owned(ATTACKER, U256::ZERO, vec![1, 2, 3, 4])),
    );
    let outer = erc7579_execute(
        0x00,
        0x00,
        packed_single(&owned(ACCOUNT, U256::ZERO, delegate)),
    );
    let ledger = MemoryLedger::new();
    let verdict = session.evaluate_account_calldata(
        &outer,
        Some(AccountKind::Erc7579),
        &ledger,
        &ctx(),
        Mode::Explain,
    );
    assert_eq!(kind_of(&verdict), "unwrap", "{verdict}");
    // Try mode, refused at the top level, is refused one level down too.
    let trying = erc7579_execute(0x00, 0x01, packed_single(&owned(PAYEE, U256::ZERO, vec![])));
    let outer = erc7579_execute(
        0x00,
        0x00,
        packed_single(&owned(ACCOUNT, U256::ZERO, trying)),
    );
    let verdict = session.evaluate_account_calldata(
        &outer,
        Some(AccountKind::Erc7579),
        &ledger,
        &ctx(),
        Mode::Fast,
    );
    assert_eq!(kind_of(&verdict), "unwrap", "{verdict}");
}

#[test]
fn self_calls_nest_only_as_deep_as_nested_calldata() {
    let session = wildcard_session();
    let mut data = Function::Execute.encode(&[owned(PAYEE, U256::from(1), vec![])]);
    for _ in 0..3 {
        data = Function::Execute.encode(&[owned(ACCOUNT, U256::ZERO, data)]);
    }
    assert!(check(&session, ACCOUNT, U256::ZERO, &data).is_allow());
    let deeper = Function::Execute.encode(&[owned(ACCOUNT, U256::ZERO, data)]);
    let verdict = check(&session, ACCOUNT, U256::ZERO, &deeper);
    assert_eq!(kind_of(&verdict), "nesting_too_deep", "{verdict}");
}

#[test]
fn other_account_functions_need_an_action_naming_the_account() {
    let install = installModuleCall {
        moduleTypeId: U256::from(2),
        module: ATTACKER,
        initData: Bytes::new(),
    }
    .abi_encode();
    let verdict = check(&wildcard_session(), ACCOUNT, U256::ZERO, &install);
    assert_eq!(kind_of(&verdict), "self_call_not_named", "{verdict}");
    let named = load(json!({
        "actions": [
            { "name": "anything", "target": "*", "selector": "*", "policies": [{ "type": "sudo" }] },
            { "name": "install", "target": ACCOUNT.to_string(), "selector": "installModule(uint256,address,bytes)", "policies": [{ "type": "sudo" }] }
        ]
    }));
    let verdict = check(&named, ACCOUNT, U256::ZERO, &install);
    assert_eq!(verdict.allowed_by, ["install"]);
}

#[test]
fn an_unknown_account_gets_no_execute_through_a_wildcard_target() {
    let session = wildcard_session();
    let execute = Function::Execute.encode(&[owned(ATTACKER, U256::from(100 * ETH), vec![])]);
    let call = Call {
        to: ATTACKER,
        value: U256::ZERO,
        data: &execute,
    };
    let unknown = Context {
        account: None,
        ..ctx()
    };
    let verdict = session.check(&[call], &MemoryLedger::new(), &unknown);
    assert_eq!(kind_of(&verdict), "needs_account", "{verdict}");
    // Known, and not the account: an ordinary call.
    assert!(
        session
            .check(&[call], &MemoryLedger::new(), &ctx())
            .is_allow()
    );
}

fn limited_session() -> Session {
    load(json!({
        "policies": [{ "type": "value_limit", "limit": "1000" }],
        "actions": [
            {
                "name": "pay",
                "target": USDC.to_string(),
                "selector": "transfer(address to, uint256 amount)",
                "rules": [
                    { "param": "to", "condition": "eq", "value": PAYEE.to_string() },
                    { "param": "amount", "condition": "lte", "value": 100, "budget": 250 }
                ]
            },
            { "name": "tip", "target": PAYEE.to_string(), "selector": "native", "policies": [{ "type": "sudo" }] }
        ]
    }))
}

fn arb_call() -> impl Strategy<Value = Owned> {
    prop_oneof![
        (0u64..130, any::<bool>()).prop_map(|(amount, stranger)| {
            let to = if stranger { ATTACKER } else { PAYEE };
            owned(
                USDC,
                U256::ZERO,
                transferCall {
                    to,
                    amount: U256::from(amount),
                }
                .abi_encode(),
            )
        }),
        (0u64..700).prop_map(|value| owned(PAYEE, U256::from(value), vec![])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Wrapping allowed or denied calls in a self-call of any account kind never makes the
    /// verdict more permissive: it equals the unwrapped one, or is a deny.
    #[test]
    fn self_calls_of_every_kind_judge_their_calls(
        calls in prop::collection::vec(arb_call(), 1..4),
        function in prop::sample::select(Function::ALL.to_vec()),
    ) {
        let session = limited_session();
        let ledger = MemoryLedger::new();
        let made = function.made(&calls);
        let plain: Vec<Call<'_>> = made.iter().map(|c| Call { to: c.to, value: c.value, data: &c.data }).collect();
        let expected = session.check(&plain, &ledger, &ctx());
        let wrapped = function.encode(&calls);
        let kind = AccountKind::ALL.into_iter().find(|k| Function::of(*k).contains(&function)).unwrap();
        // As a plain call to the account, and as the account's own calldata executing itself.
        let direct = session.check(&[Call { to: ACCOUNT, value: U256::ZERO, data: &wrapped }], &ledger, &ctx());
        let outer = function.encode(&[owned(ACCOUNT, U256::ZERO, wrapped.clone())]);
        let nested = session.evaluate_account_calldata(&outer, Some(kind), &ledger, &ctx(), Mode::Fast);
        for got in [&direct, &nested] {
            if got.is_allow() {
                prop_assert!(expected.is_allow(), "{}: {} but unwrapped {}", function.name(), got, expected);
                prop_assert_eq!(&got.effects, &expected.effects);
            }
        }
        // Detected kinds agree with the unwrapped verdict exactly; only ambiguous selectors deny.
        if function != Function::BatchArrays && function != Function::BatchArraysNoValues && function != Function::ExecuteNcc && function != Function::BatchY6u {
            prop_assert_eq!(direct.decision, expected.decision, "{}: {}", function.name(), direct);
        }
    }
}

// ---- 4. Several `[*]` over aliased arrays: bounded by the work budget ----

/// `f(uint256[][][][][] x)`: `x` holds `n` distinct arrays of `m` elements; every one of them
/// points at the same `m` arrays of `m` elements, which point at the same `m` arrays of `m`
/// elements, which point at `m` empty arrays. Legal (offsets increase within each array) and
/// about `(2 + 3m) · m` words long, yet `x[*][*][*][*][*]` reaches `n · m^3` arrays.
pub(crate) fn aliased_arrays(n: usize, m: usize) -> Vec<u8> {
    let sig = Signature::parse("f(uint256[][][][][] x)").unwrap();
    let mut words: Vec<U256> = vec![U256::from(32)];
    // Positions (after the selector) of each level's arrays.
    let a = 32;
    let b0 = a + 32 * (1 + n);
    let level = |start: usize, count: usize, len: usize| -> Vec<usize> {
        (0..count).map(|i| start + i * 32 * (1 + len)).collect()
    };
    let bs = level(b0, n, m);
    let c0 = b0 + n * 32 * (1 + m);
    let cs = level(c0, m, m);
    let d0 = c0 + m * 32 * (1 + m);
    let ds = level(d0, m, m);
    let e0 = d0 + m * 32 * (1 + m);
    let es = level(e0, m, 0);
    let array = |words: &mut Vec<U256>, frame_of: usize, targets: &[usize]| {
        words.push(U256::from(targets.len()));
        let frame = frame_of + 32;
        for t in targets {
            words.push(U256::from(t - frame));
        }
    };
    array(&mut words, a, &bs);
    for b in &bs {
        array(&mut words, *b, &cs);
    }
    for c in &cs {
        array(&mut words, *c, &ds);
    }
    for d in &ds {
        array(&mut words, *d, &es);
    }
    for _ in &es {
        words.push(U256::ZERO);
    }
    let mut data = sig.selector().to_vec();
    for w in words {
        data.extend_from_slice(&w.to_be_bytes::<32>());
    }
    data
}

#[test]
fn aliased_arrays_spend_the_work_budget_and_deny() {
    let sig = Signature::parse("f(uint256[][][][][] x)").unwrap();
    let path = ParamPath::parse(&sig, "x[*][*][*][*][*]").unwrap();
    let data = aliased_arrays(64, 64);
    assert!(data.len() < 450_000, "{}", data.len());
    // A small instance decodes whole, visiting n·m³ empty arrays and no leaf.
    let small = aliased_arrays(2, 3);
    let work = Work::new(1_000);
    assert_eq!(
        path.visit_within(&small, &work, |_, _| ControlFlow::Continue(())),
        Ok(())
    );
    assert!(work.spent() >= 2 * 27, "{}", work.spent());
    // The big one stops when the budget is spent.
    let work = Work::new(10_000);
    let walked = path.visit_within(&data, &work, |_, _| ControlFlow::Continue(()));
    assert!(
        matches!(walked, Err(DecodeError::WorkExhausted { .. })),
        "{walked:?}"
    );
    assert_eq!(work.left(), 0);
    let session = load(json!({
        "actions": [{
            "target": ROUTER.to_string(),
            "selector": "f(uint256[][][][][] x)",
            "rules": [{ "param": "x[*][*][*][*][*]", "condition": "eq", "value": 0 }]
        }]
    }));
    let verdict = check(&session, ROUTER, U256::ZERO, &data);
    assert_eq!(kind_of(&verdict), "work_exhausted", "{verdict}");
}

// ---- 5, 6. Explanations are bounded; so are alternatives and calls ----

fn alternatives_session(count: usize) -> serde_json::Value {
    let actions: Vec<_> = (0..count)
        .map(|i| {
            json!({
                "target": USDC.to_string(),
                "selector": "transfer(address to, uint256 amount)",
                "rules": [{ "param": "amount", "condition": "eq", "value": i }]
            })
        })
        .collect();
    json!({ "actions": actions })
}

fn pay(amount: u64) -> Vec<u8> {
    transferCall {
        to: PAYEE,
        amount: U256::from(amount),
    }
    .abi_encode()
}

/// `count` zero-value calls to USDC with `data`.
fn usdc_calls(data: &[u8], count: usize) -> Vec<Call<'_>> {
    let call = Call {
        to: USDC,
        value: U256::ZERO,
        data,
    };
    vec![call; count]
}

#[test]
fn more_than_64_alternatives_for_one_function_do_not_load() {
    assert!(Session::from_json(&alternatives_session(64).to_string()).is_ok());
    let error = Session::from_json(&alternatives_session(65).to_string()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("actions[64]") && message.contains("64"),
        "{message}"
    );
}

#[test]
fn explain_keeps_a_bounded_number_of_violations_and_counts_the_rest() {
    let session = load(alternatives_session(64));
    let data = pay(1_000);
    let calls = usdc_calls(&data, 256);
    let ledger = MemoryLedger::new();
    let explained = session.explain(&calls, &ledger, &ctx());
    assert!(!explained.is_allow());
    assert_eq!(explained.violations.len(), MAX_VIOLATIONS);
    for call in 0..4 {
        let of_call = explained
            .violations
            .iter()
            .filter(|v| v.call == call)
            .count();
        assert_eq!(of_call, MAX_CALL_VIOLATIONS);
    }
    // Each of the 256 calls fails all 64 alternatives.
    assert_eq!(explained.omitted, 256 * 64 - MAX_VIOLATIONS);
    assert!(
        explained
            .to_string()
            .ends_with(&format!("(and {} more)", 256 * 64 - 1))
    );
    let json = serde_json::to_value(&explained).unwrap();
    assert_eq!(json["omitted"], 256 * 64 - MAX_VIOLATIONS);
    let fast = session.check(&calls, &ledger, &ctx());
    assert_eq!(fast.violations.len(), 1);
    assert!(
        serde_json::to_value(&fast)
            .unwrap()
            .get("omitted")
            .is_none()
    );
}

#[test]
fn a_batch_of_more_than_256_calls_is_denied() {
    let session = load(alternatives_session(2));
    let data = pay(1);
    let calls = usdc_calls(&data, 257);
    let ledger = MemoryLedger::new();
    let verdict = session.check(&calls, &ledger, &ctx());
    assert_eq!(kind_of(&verdict), "too_many_calls");
    assert!(session.check(&calls[..256], &ledger, &ctx()).is_allow());
}

// ---- 7. A failed alternative gives back the inner calls it walked ----

#[test]
fn a_failed_alternative_does_not_spend_the_inner_call_cap() {
    let transfer = transferCall {
        to: PAYEE,
        amount: U256::from(1),
    }
    .abi_encode();
    let session = |with_failing: bool| {
        let mut actions = vec![
            json!({
                "name": "self-routed",
                "target": MULTICALL3.to_string(),
                "selector": "aggregate3((address target,bool allowFailure,bytes callData)[] calls)",
                "nested": { "calldata": "calls[*].callData" }
            }),
            json!({ "name": "transfer-here", "target": MULTICALL3.to_string(), "selector": "transfer(address to, uint256 amount)", "policies": [{ "type": "sudo" }] }),
            json!({ "name": "transfer-usdc", "target": USDC.to_string(), "selector": "transfer(address to, uint256 amount)", "policies": [{ "type": "sudo" }] }),
        ];
        if with_failing {
            // Tried first (same group, earlier in the document): routes by target and fails at
            // the 151st inner call, whose target has no action.
            actions.insert(0, json!({
                "name": "routed",
                "target": MULTICALL3.to_string(),
                "selector": "aggregate3((address target,bool allowFailure,bytes callData)[] calls)",
                "nested": { "calldata": "calls[*].callData", "target": "calls[*].target" }
            }));
        }
        load(json!({ "actions": actions }))
    };
    let calls: Vec<Call3> = (0..200)
        .map(|i| Call3 {
            target: if i == 150 { ATTACKER } else { USDC },
            allowFailure: false,
            callData: transfer.clone().into(),
        })
        .collect();
    let data = aggregate3Call { calls }.abi_encode();
    for with_failing in [false, true] {
        let verdict = check(&session(with_failing), MULTICALL3, U256::ZERO, &data);
        assert_eq!(
            verdict.allowed_by,
            ["self-routed"],
            "{with_failing}: {verdict}"
        );
    }
}

#[test]
fn inner_calls_still_cap_at_256_in_one_alternative() {
    let transfer = transferCall {
        to: PAYEE,
        amount: U256::from(1),
    }
    .abi_encode();
    let session = load(json!({
        "actions": [
            {
                "target": MULTICALL3.to_string(),
                "selector": "aggregate3((address target,bool allowFailure,bytes callData)[] calls)",
                "nested": { "calldata": "calls[*].callData", "target": "calls[*].target" }
            },
            { "target": USDC.to_string(), "selector": "transfer(address to, uint256 amount)", "policies": [{ "type": "sudo" }] }
        ]
    }));
    let calls: Vec<Call3> = (0..257)
        .map(|_| Call3 {
            target: USDC,
            allowFailure: false,
            callData: transfer.clone().into(),
        })
        .collect();
    let data = aggregate3Call { calls }.abi_encode();
    assert_eq!(
        kind_of(&check(&session, MULTICALL3, U256::ZERO, &data)),
        "too_many_inner_calls"
    );
}

// ---- The same findings as scenario files, for `sessiongate test` ----

/// A step: the input as scenario JSON, the decision and the reason kind of a deny.
fn step(
    now: u64,
    input: (&str, serde_json::Value),
    reason: Option<&str>,
    note: &str,
) -> serde_json::Value {
    let mut step = json!({ "now": now, input.0: input.1, "expect": if reason.is_some() { "deny" } else { "allow" }, "note": note });
    if let Some(reason) = reason {
        step["reason"] = json!(reason);
    }
    step
}

fn call_json(to: Address, value: U256, data: &[u8]) -> (&'static str, serde_json::Value) {
    (
        "call",
        json!({ "to": to.to_string(), "value": value.to_string(), "data": hex(data) }),
    )
}

fn account_json(data: &[u8]) -> (&'static str, serde_json::Value) {
    ("account_calldata", json!(hex(data)))
}

fn quantifier_scenarios() -> Vec<(&'static str, serde_json::Value)> {
    let session = |rule: serde_json::Value, selector: &str| json!({ "actions": [{ "target": ROUTER.to_string(), "selector": selector, "rules": [rule] }] });
    let swap_sig = "swapExactTokensForTokens(uint256 amountIn, uint256 amountOutMin, address[] path, address to, uint256 deadline)";
    let mut dirty = swap(vec![WETH, USDC]);
    dirty[path_word(1)] = 0x01;
    let some_weth = json!({ "param": "path[*]", "quantifier": "some", "condition": "eq", "value": WETH.to_string() });
    let blobs_data = blobsCall {
        data: vec![Bytes::from(vec![0x12, 0x34]), Bytes::from(vec![0x56])],
    }
    .abi_encode();
    let mut padding = blobs_data.clone();
    padding[4 + 7 * 32 + 31] = 0xff;
    let mut repeated = blobs_data.clone();
    let off0 = blobs_data[4 + 64..4 + 96].to_vec();
    repeated[4 + 96..4 + 128].copy_from_slice(&off0);
    let some_prefix =
        json!({ "param": "data[*]", "quantifier": "some", "condition": "prefix", "value": "0x12" });
    vec![
        (
            "quantifier-some-dirty-address.json",
            json!({
                "description": "`some` decides at the first element, yet a dirty address in a later element of `path` denies: the router's decoder reverts on it",
                "session": session(some_weth, swap_sig),
                "account": ACCOUNT.to_string(),
                "steps": [
                    step(1_000, call_json(ROUTER, U256::ZERO, &swap(vec![WETH, USDC])), None, "WETH → USDC: some hop is WETH"),
                    step(1_001, call_json(ROUTER, U256::ZERO, &dirty), Some("dirty_word"), "path[1] has a non-zero high byte"),
                ]
            }),
        ),
        (
            "quantifier-some-bad-later-bytes.json",
            json!({
                "description": "`some` over `bytes[]` matches element 0, yet element 1's dirty padding or repeated offset denies",
                "session": session(some_prefix, "blobs(bytes[] data)"),
                "account": ACCOUNT.to_string(),
                "steps": [
                    step(1_000, call_json(ROUTER, U256::ZERO, &blobs_data), None, "a clean encoding"),
                    step(1_001, call_json(ROUTER, U256::ZERO, &padding), Some("bad_encoding"), "non-zero padding after element 1"),
                    step(1_002, call_json(ROUTER, U256::ZERO, &repeated), Some("bad_encoding"), "element 1's offset repeats element 0's"),
                ]
            }),
        ),
    ]
}

fn self_call_scenarios() -> Vec<(&'static str, serde_json::Value)> {
    let session = json!({
        "policies": [
            { "type": "value_limit", "limit": ETH.to_string() },
            { "type": "spend_limit", "token": USDC.to_string(), "limit": "100000000" }
        ],
        "actions": [{ "name": "anything", "target": "*", "selector": "*", "policies": [{ "type": "sudo" }] }]
    });
    let through_self = |calls: &[Owned]| {
        Function::Execute.encode(&[owned(ACCOUNT, U256::ZERO, Function::Execute.encode(calls))])
    };
    let steal = transferCall {
        to: ATTACKER,
        amount: U256::from(1_000_000_000_000u64),
    }
    .abi_encode();
    let pay = transferCall {
        to: PAYEE,
        amount: U256::from(60_000_000u64),
    }
    .abi_encode();
    let install = installModuleCall {
        moduleTypeId: U256::from(2),
        module: ATTACKER,
        initData: Bytes::new(),
    }
    .abi_encode();
    let delegate = erc7579_execute(
        0xff,
        0x00,
        packed_single(&owned(ATTACKER, U256::ZERO, vec![1, 2, 3, 4])),
    );
    let trying = erc7579_execute(0x00, 0x01, packed_single(&owned(PAYEE, U256::ZERO, vec![])));
    let in_7579 = |inner: Vec<u8>| {
        erc7579_execute(
            0x00,
            0x00,
            packed_single(&owned(ACCOUNT, U256::ZERO, inner)),
        )
    };
    vec![
        (
            "self-call-coinbase-limits.json",
            json!({
                "description": "A Coinbase account executes calls sent to itself: a self-call's inner calls count against the session's value and spend limits, and other account functions need an action naming the account",
                "session": session.clone(),
                "account": ACCOUNT.to_string(),
                "account_kind": "coinbase",
                "steps": [
                    step(1_000, account_json(&through_self(&[owned(ATTACKER, U256::from(100 * ETH), vec![])])), Some("limit_exceeded"), "execute(account, 0, execute(attacker, 100 ETH)) passes no 1 ETH value limit"),
                    step(1_001, account_json(&through_self(&[owned(USDC, U256::ZERO, steal)])), Some("limit_exceeded"), "execute(account, 0, execute(USDC, 0, transfer(attacker, 1e12))) passes no 100 USDC spend limit"),
                    step(1_002, account_json(&through_self(&[owned(USDC, U256::ZERO, pay.clone())])), None, "60 USDC through a self-call: allowed, and counted"),
                    step(1_003, call_json(ACCOUNT, U256::ZERO, &Function::Execute.encode(&[owned(USDC, U256::ZERO, pay)])), Some("limit_exceeded"), "60 more USDC as a plain call to the account: 120 of 100"),
                    step(1_004, call_json(ACCOUNT, U256::ZERO, &install), Some("self_call_not_named"), "installModule on the account through a wildcard action"),
                ]
            }),
        ),
        (
            "self-call-erc7579-refusals.json",
            json!({
                "description": "An ERC-7579 self-call is unwrapped with the same refusals as the top level: no delegatecall, no try mode",
                "session": session,
                "account": ACCOUNT.to_string(),
                "account_kind": "erc7579",
                "steps": [
                    step(1_000, account_json(&in_7579(delegate)), Some("unwrap"), "a delegatecall smuggled inside execute(account, …)"),
                    step(1_001, account_json(&in_7579(trying)), Some("unwrap"), "try mode inside execute(account, …)"),
                    step(1_002, account_json(&in_7579(erc7579_execute(0x00, 0x00, packed_single(&owned(PAYEE, U256::from(1), vec![]))))), None, "1 wei to the payee through a self-call"),
                ]
            }),
        ),
    ]
}

fn scenario_dir() -> std::path::PathBuf {
    crate::common::repo("tests/scenarios/fail-closed")
}

/// The files are rewritten with `UPDATE_SCENARIOS=1`; otherwise each must equal what this
/// generator makes, and every step must get its decision for the reason it names.
#[test]
fn fail_closed_scenarios_are_current_and_pass() {
    let dir = scenario_dir();
    let files: Vec<(&str, String)> = quantifier_scenarios()
        .into_iter()
        .chain(self_call_scenarios())
        .map(|(name, scenario)| (name, pretty_json(&scenario)))
        .collect();
    sync(&dir, &files);
    for (name, text) in &files {
        let outcomes = sessiongate_scenario::Scenario::from_json(text)
            .unwrap()
            .run()
            .unwrap();
        for outcome in outcomes {
            assert!(
                outcome.passed(),
                "{name}: step {}: {:?}",
                outcome.index,
                outcome.verdict.map(|v| v.to_string())
            );
        }
    }
}
