//! End-to-end behaviour of evaluation over a small USDC session.

use crate::common::abi::erc20::{approveCall, transferCall};
use crate::common::context;
use alloy_primitives::{Address, U256, address};
use alloy_sol_types::SolCall;
use sessiongate::{Call, Context, MemoryLedger, Reason, Session};

const USDC: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const PAYEE: Address = address!("1111111111111111111111111111111111111111");
const ACCOUNT: Address = address!("2222222222222222222222222222222222222222");

fn session() -> Session {
    Session::from_json(
        r#"{
        "name": "usdc-subscription",
        "chain_id": 1,
        "policies": [{ "type": "time_window", "valid_until": 2000 }],
        "actions": [{
            "name": "pay",
            "target": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
            "selector": "transfer(address to, uint256 amount)",
            "rules": [
                { "param": "to", "condition": "eq", "value": "0x1111111111111111111111111111111111111111" },
                { "param": "amount", "condition": "lte", "value": "10000000", "budget": "25000000" }
            ],
            "policies": [{ "type": "max_value", "limit": 0 }, { "type": "spend_limit", "token": "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48", "limit": "30000000" }]
        }]
    }"#,
    )
    .unwrap()
}

fn ctx(now: u64) -> Context {
    context(now, Some(ACCOUNT))
}

fn pay(amount: u64) -> Vec<u8> {
    transferCall {
        to: PAYEE,
        amount: U256::from(amount),
    }
    .abi_encode()
}

#[test]
fn allows_then_budget_runs_out() {
    let s = session();
    let mut ledger = MemoryLedger::new();
    let data = pay(10_000_000);
    let call = Call {
        to: USDC,
        value: U256::ZERO,
        data: &data,
    };
    for _ in 0..2 {
        let v = s.check(&[call], &ledger, &ctx(1000));
        assert!(v.is_allow(), "{v}");
        ledger.apply(&v.effects).unwrap();
    }
    let v = s.explain(&[call], &ledger, &ctx(1000));
    assert!(!v.is_allow());
    assert!(
        matches!(
            v.violations[0].reason,
            Reason::LimitExceeded { left, .. } if left == U256::from(5_000_000)
        ),
        "{v}"
    );
    assert_eq!(v.violations[0].param.as_deref(), Some("amount"));
}

#[test]
fn deny_reasons() {
    let s = session();
    let ledger = MemoryLedger::new();
    let data = pay(10_000_001);
    let v = s.explain(
        &[Call {
            to: USDC,
            value: U256::ZERO,
            data: &data,
        }],
        &ledger,
        &ctx(2001),
    );
    let text = v.to_string();
    assert!(text.contains("expected ≤ 10000000, got 10000001"), "{text}");
    assert_eq!(v.violations.len(), 2, "{text}");
    let other = approveCall {
        spender: PAYEE,
        amount: U256::from(1),
    }
    .abi_encode();
    let v = s.check(
        &[Call {
            to: USDC,
            value: U256::ZERO,
            data: &other,
        }],
        &ledger,
        &ctx(1000),
    );
    assert!(
        matches!(v.violations[0].reason, Reason::NoAction { .. }),
        "{v}"
    );
}

#[test]
fn batch_adds_up_and_is_atomic() {
    let s = session();
    let ledger = MemoryLedger::new();
    let data = pay(10_000_000);
    let call = Call {
        to: USDC,
        value: U256::ZERO,
        data: &data,
    };
    let v = s.check(&[call, call], &ledger, &ctx(1000));
    assert!(v.is_allow(), "{v}");
    assert_eq!(v.effects.len(), 2, "{:?}", v.effects);
    let v = s.check(&[call, call, call], &ledger, &ctx(1000));
    assert!(!v.is_allow());
    assert!(v.effects.is_empty());
    assert_eq!(v.violations[0].call, 2);
}
