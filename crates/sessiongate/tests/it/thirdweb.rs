//! thirdweb sessions: load errors name their field, and an allowance verdict says when the next
//! window opens.

use crate::common::abi::erc20::transferCall;
use crate::common::context;
use alloy_primitives::{Address, U256, address};
use alloy_sol_types::SolCall;
use serde_json::json;
use sessiongate::{Call, Context, MemoryLedger, Reason, Session};

const TOKEN: Address = address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");

fn session(period: &str) -> serde_json::Value {
    json!({
        "format": "thirdweb",
        "signer": "0x9FD37D498A806c570419D35965D8C793D564641F",
        "expiresAt": 2_000_000_000u64,
        "callPolicies": [{
            "target": TOKEN.to_string(), "selector": "0xa9059cbb", "maxValuePerUse": "0",
            "valueLimit": {"limitType": "Unlimited"},
            "constraints": [{"condition": "Unconstrained", "index": 1, "refValue": format!("0x{:064x}", 0),
                             "limit": {"limitType": "Allowance", "limit": "10", "period": period}}]
        }]
    })
}

#[test]
fn an_allowance_needs_a_period() {
    let error = Session::from_value(session("0")).unwrap_err();
    assert_eq!(
        error.path(),
        "callPolicies[0].constraints[0].limit.period",
        "{error}"
    );
}

#[test]
fn an_exhausted_allowance_says_when_it_resets() {
    let session = Session::from_value(session("3600")).unwrap();
    let data = transferCall {
        to: Address::ZERO,
        amount: U256::from(10),
    }
    .abi_encode();
    let call = Call {
        to: TOKEN,
        value: U256::ZERO,
        data: &data,
    };
    let ctx = context(7_200 + 100, None);
    let mut ledger = MemoryLedger::new();
    let first = session.check(&[call], &ledger, &ctx);
    assert!(first.is_allow(), "{first}");
    // The window opening at 7200 counts under its own key.
    assert_eq!(
        crate::common::counter_text(&first.effects[0].key),
        format!("{TOKEN}:0xa9059cbb/constraints[0]@7200")
    );
    ledger.apply(&first.effects).unwrap();
    let second = session.check(&[call], &ledger, &ctx);
    match &second.violations[0].reason {
        Reason::LimitExceeded { resets_at, .. } => assert_eq!(*resets_at, Some(10_800)),
        other => panic!("{other:?}"),
    }
    let next = Context { now: 10_800, ..ctx };
    assert!(session.check(&[call], &ledger, &next).is_allow());
}
