use super::*;
use crate::account::UnwrapError;
use crate::calldata::{DecodeError, WordType};
use crate::condition::Condition as Op;
use crate::{Context, LedgerKey, MemoryLedger, Session, Transaction};
use alloc::{collections::BTreeSet, string::ToString, vec};
use alloy_primitives::{Address, B256, I256, U256, U512, address};

/// One reason of every kind. The match in `position` is exhaustive, so a new variant does not
/// compile until it has a sample here and a kind in the pinned list.
fn every_reason() -> Vec<Reason> {
    let word = B256::repeat_byte(0xab);
    let token = address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
    let selector = crate::calldata::Selector::new([0xa9, 0x05, 0x9c, 0xbb]);
    let reasons = vec![
        Reason::EmptyBatch,
        Reason::WrongChain {
            expected: 1,
            actual: 10,
        },
        Reason::TruncatedSelector { len: 3 },
        Reason::NoAction {
            target: token,
            selector: None,
        },
        Reason::ShortCalldata {
            needed: 68,
            len: 36,
        },
        Reason::DirtyWord {
            ty: WordType::Uint(8),
            offset: 32,
            word,
        },
        Reason::Condition {
            expected: Expected {
                op: Op::InRange,
                values: vec![Value::Int(I256::MINUS_ONE), Value::Int(I256::ONE)],
            },
            actual: Value::Int(I256::try_from(7).unwrap()),
        },
        Reason::NotYetValid {
            valid_after: 100,
            now: 99,
        },
        Reason::Expired {
            valid_until: 100,
            now: 101,
        },
        Reason::ValueTooHigh {
            max: U256::ZERO,
            value: U256::MAX,
        },
        Reason::LimitExceeded {
            limit: U256::from(100),
            used: U256::from(60),
            requested: U256::from(50),
            left: U256::from(40),
            resets_at: Some(86_400),
        },
        Reason::BytesCondition {
            condition: Op::Prefix,
            expected: vec!["0x1234".into()],
            actual: "0xabcd".into(),
        },
        Reason::Count {
            matched: 0,
            elements: 3,
            min: 1,
            max: None,
        },
        Reason::BadEncoding {
            error: DecodeError::OffsetsOutOfOrder {
                at: 36,
                offset: U256::from(64),
                previous: U256::from(96),
            },
        },
        Reason::NeedsAccount,
        Reason::NestingTooDeep { max: MAX_NESTING },
        Reason::TooManyInnerCalls { max: 256 },
        Reason::TooSoon {
            min_spacing: 60,
            last: 1_000,
            now: 1_030,
            next_at: 1_060,
        },
        Reason::LimitOverflow {
            used: U256::MAX,
            requested: U256::from(1),
        },
        Reason::UnknownTokenFunction {
            token,
            selector: Some(selector),
        },
        Reason::Unusable {
            why: "a usage limit of 0 reverts on use".into(),
        },
        Reason::TreeFailed,
        Reason::SelfExecute,
        Reason::ReservedTarget {
            target: Address::with_last_byte(1),
        },
        Reason::PaymasterNotAllowed { paymaster: token },
        Reason::PaymasterNotPermitted {
            paymaster: token,
            why: "the module refuses paymasters".into(),
        },
        Reason::GasTooHigh {
            what: "cost".into(),
            max: U256::from(10),
            actual: None,
        },
        Reason::NeedsUserOp,
        Reason::AccountFunctionRefused {
            selector,
            allowed: vec![selector, crate::calldata::Selector::ZERO],
        },
        Reason::Unwrap {
            error: UnwrapError::OutOfBounds {
                field: "executionCalldata".into(),
                at: 36,
                end: 68,
            },
        },
        Reason::WorkExhausted { max: 100_000 },
        Reason::TooManyCalls {
            calls: 300,
            max: 256,
        },
        Reason::SelfCallNotNamed { selector },
        Reason::SliceOutOfRange {
            start: 20,
            end: 23,
            len: 20,
        },
        Reason::SessionModuleCall { module: token },
        Reason::LedgerUnavailable,
    ];
    for (i, reason) in reasons.iter().enumerate() {
        assert_eq!(position(reason), i, "{reason:?} is out of place");
    }
    reasons
}

fn position(reason: &Reason) -> usize {
    match reason {
        Reason::EmptyBatch => 0,
        Reason::WrongChain { .. } => 1,
        Reason::TruncatedSelector { .. } => 2,
        Reason::NoAction { .. } => 3,
        Reason::ShortCalldata { .. } => 4,
        Reason::DirtyWord { .. } => 5,
        Reason::Condition { .. } => 6,
        Reason::NotYetValid { .. } => 7,
        Reason::Expired { .. } => 8,
        Reason::ValueTooHigh { .. } => 9,
        Reason::LimitExceeded { .. } => 10,
        Reason::BytesCondition { .. } => 11,
        Reason::Count { .. } => 12,
        Reason::BadEncoding { .. } => 13,
        Reason::NeedsAccount => 14,
        Reason::NestingTooDeep { .. } => 15,
        Reason::TooManyInnerCalls { .. } => 16,
        Reason::TooSoon { .. } => 17,
        Reason::LimitOverflow { .. } => 18,
        Reason::UnknownTokenFunction { .. } => 19,
        Reason::Unusable { .. } => 20,
        Reason::TreeFailed => 21,
        Reason::SelfExecute => 22,
        Reason::ReservedTarget { .. } => 23,
        Reason::PaymasterNotAllowed { .. } => 24,
        Reason::PaymasterNotPermitted { .. } => 25,
        Reason::GasTooHigh { .. } => 26,
        Reason::NeedsUserOp => 27,
        Reason::AccountFunctionRefused { .. } => 28,
        Reason::Unwrap { .. } => 29,
        Reason::WorkExhausted { .. } => 30,
        Reason::TooManyCalls { .. } => 31,
        Reason::SelfCallNotNamed { .. } => 32,
        Reason::SliceOutOfRange { .. } => 33,
        Reason::SessionModuleCall { .. } => 34,
        Reason::LedgerUnavailable => 35,
    }
}

/// Kinds are names in metrics, logs and scenario files: renaming one is a deliberate change here.
#[test]
fn the_kinds_are_pinned() {
    let pinned = [
        "empty_batch",
        "wrong_chain",
        "truncated_selector",
        "no_action",
        "short_calldata",
        "dirty_word",
        "condition",
        "not_yet_valid",
        "expired",
        "value_too_high",
        "limit_exceeded",
        "bytes_condition",
        "count",
        "bad_encoding",
        "needs_account",
        "nesting_too_deep",
        "too_many_inner_calls",
        "too_soon",
        "limit_overflow",
        "unknown_token_function",
        "unusable",
        "tree_failed",
        "self_execute",
        "reserved_target",
        "paymaster_not_allowed",
        "paymaster_not_permitted",
        "gas_too_high",
        "needs_user_op",
        "account_function_refused",
        "unwrap",
        "work_exhausted",
        "too_many_calls",
        "self_call_not_named",
        "slice_out_of_range",
        "session_module_call",
        "ledger_unavailable",
    ];
    assert_eq!(Reason::KINDS, pinned);
    let kinds: Vec<&str> = every_reason().iter().map(Reason::kind).collect();
    assert_eq!(kinds, pinned);
    let distinct: BTreeSet<&str> = pinned.into_iter().collect();
    assert_eq!(distinct.len(), pinned.len());
    for kind in pinned {
        let snake = kind.split('_').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        assert!(snake, "{kind} is not snake_case");
    }
}

#[test]
fn every_reason_is_tagged_by_its_kind_and_reads_back() {
    for reason in every_reason() {
        let json = serde_json::to_value(&reason).unwrap();
        assert_eq!(json["kind"], reason.kind(), "{reason:?}");
        let back: Reason = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, reason, "{json}");
    }
}

#[test]
fn addresses_are_checksummed_everywhere() {
    let token = address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
    let checksummed = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
    let no_action = Reason::NoAction {
        target: token,
        selector: None,
    };
    assert_eq!(
        serde_json::to_value(&no_action).unwrap()["target"],
        checksummed
    );
    let value = serde_json::to_value(Value::Address(token)).unwrap();
    assert_eq!(value["value"], checksummed);
    let unwrap = Reason::Unwrap {
        error: UnwrapError::UnknownMultiSend { to: token },
    };
    let json = serde_json::to_value(&unwrap).unwrap();
    assert_eq!(json["error"]["kind"], "unknown_multi_send");
    assert_eq!(json["error"]["to"], checksummed);
    // Read back in any case.
    let lower = serde_json::json!({"kind": "no_action", "target": checksummed.to_lowercase()});
    assert_eq!(serde_json::from_value::<Reason>(lower).unwrap(), no_action);
}

/// Values that print alike stay apart in JSON, so each reads back as itself.
#[test]
fn values_read_back_exactly() {
    let third = Value::Ratio {
        num: U512::from(1u8),
        den: U256::from(3u8),
    };
    let values = [
        Value::Uint(U256::from(5u8)),
        Value::Int(I256::try_from(5).unwrap()),
        Value::Int(I256::MIN),
        Value::Ratio {
            num: U512::from(10u8),
            den: U256::from(2u8),
        },
        third,
        Value::Address(Address::repeat_byte(0x11)),
        Value::Bytes(B256::right_padding_from(&[0x11; 20]), 20),
        Value::Bool(true),
        Value::Bytes(B256::with_last_byte(9), 32),
        Value::Bytes(B256::right_padding_from(&[0xde, 0xad]), 2),
    ];
    for value in values {
        let json = serde_json::to_value(value).unwrap();
        assert_eq!(
            serde_json::from_value::<Value>(json.clone()).unwrap(),
            value,
            "{json}"
        );
    }
    assert_eq!(
        serde_json::to_value(third).unwrap(),
        serde_json::json!({"kind": "ratio", "value": "1/3", "num": "1", "den": "3"})
    );
    let bad = [
        serde_json::json!({"kind": "ratio", "value": "1", "num": "1", "den": "3"}),
        serde_json::json!({"kind": "ratio", "value": "1/0", "num": "1", "den": "0"}),
        serde_json::json!({"kind": "uint", "value": "-1"}),
        serde_json::json!({"kind": "bytes", "value": "0x"}),
        serde_json::json!({"kind": "string", "value": "x"}),
    ];
    for json in bad {
        assert!(
            serde_json::from_value::<Value>(json.clone()).is_err(),
            "{json}"
        );
    }
}

#[test]
fn inner_paths_read_back_up_to_the_nesting_limit() {
    let mut path = InnerPath::default();
    for index in [3, 0, 7, 1] {
        path = path.enter(index).unwrap();
        let json = serde_json::to_value(path).unwrap();
        assert_eq!(serde_json::from_value::<InnerPath>(json).unwrap(), path);
    }
    assert!(serde_json::from_value::<InnerPath>(serde_json::json!([0, 0, 0, 0, 0])).is_err());
}

/// Every verdict the shipped examples give, both ways of deciding: it reads back equal, owning
/// its text.
#[test]
fn verdicts_of_real_sessions_read_back_equal() {
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut kinds = BTreeSet::new();
    let mut allows = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("session.json").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
        let session = Session::from_json(&read("session.json")).unwrap();
        let scenario: serde_json::Value = serde_json::from_str(&read("scenario.json")).unwrap();
        let now = scenario["steps"][0]["now"].as_u64().unwrap();
        let mut txs: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("tx-"))
            .collect();
        txs.sort();
        for name in txs {
            let tx = Transaction::from_json(&read(&name)).unwrap();
            let calls = tx.as_calls();
            let ctx = Context {
                now,
                chain_id: 1,
                account: tx.from().unwrap(),
            };
            let ledger = MemoryLedger::new();
            for verdict in [
                session.check(&calls, &ledger, &ctx),
                session.explain(&calls, &ledger, &ctx),
            ] {
                let text = serde_json::to_string(&verdict).unwrap();
                let back: Verdict<'static> = serde_json::from_str(&text).unwrap();
                assert_eq!(
                    back,
                    verdict.clone().into_owned(),
                    "{}: {name}",
                    dir.display()
                );
                assert_eq!(back.to_string(), verdict.to_string());
                allows += usize::from(verdict.is_allow());
                kinds.extend(verdict.violations.iter().map(|v| v.reason.kind()));
            }
        }
    }
    assert!(allows > 0);
    // The examples deny for many reasons; each of these reads back above.
    for kind in [
        "condition",
        "dirty_word",
        "limit_exceeded",
        "no_action",
        "value_too_high",
    ] {
        assert!(kinds.contains(kind), "{kind} not among {kinds:?}");
    }
}

#[test]
fn an_allow_reads_back_with_its_effects() {
    let key = LedgerKey {
        session: crate::Fingerprint(alloy_primitives::B256::repeat_byte(0x11)),
        counter: Cow::Borrowed("actions/pay/rules[1]"),
        window: Some(86_400),
    };
    let verdict = Verdict {
        decision: Decision::Allow,
        allowed_by: vec![Cow::Borrowed("pay")],
        violations: vec![],
        effects: vec![Effect {
            key: key.clone(),
            op: crate::Op::Add(U256::from(10_000_000u64)),
            expires_at: Some(172_800),
        }],
        reads: vec![crate::Read {
            key,
            seen: U256::from(5u8),
        }],
        omitted: 0,
    };
    let json = serde_json::to_value(&verdict).unwrap();
    let session = format!("0x{}", "11".repeat(32));
    let key = serde_json::json!({
        "session": session, "counter": "actions/pay/rules[1]", "window": 86_400
    });
    assert_eq!(
        json,
        serde_json::json!({
            "decision": "allow",
            "allowed_by": ["pay"],
            "violations": [],
            "effects": [{"key": key, "op": {"add": "10000000"}, "expires_at": 172_800}],
            "reads": [{"key": key, "seen": "5"}]
        })
    );
    assert_eq!(
        verdict.effects[0].key.to_string(),
        format!("{session}/actions/pay/rules[1]@86400")
    );
    assert_eq!(
        serde_json::from_value::<Verdict<'_>>(json).unwrap(),
        verdict
    );
    assert_eq!(
        verdict.to_string(),
        "allow: call 0 by action `pay`".to_string()
    );
}
