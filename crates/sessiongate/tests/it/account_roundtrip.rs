//! Round trips through every account kind's execute functions: random calls, encoded with alloy,
//! unwrap back to the same calls and are allowed by a session allowing exactly their targets;
//! the same calldata as a v0.6 or v0.7 user operation's callData, through its JSON-RPC shape,
//! is allowed with the operation's sender as the account.

use crate::common::abi::erc20::transferFromCall;
use crate::common::account_encoding::{Function, Gas, Owned, owned, user_op_v06, user_op_v07};
use crate::common::context;
use alloy_primitives::{Address, U256, address};
use alloy_sol_types::SolCall;
use proptest::prelude::*;
use serde_json::{Value, json};
use sessiongate::account::{AccountKind, unwrap};
use sessiongate::{Context, MemoryLedger, Mode, Session, UserOperation, Verdict};

/// A target no random call has: keeps a session's action list non-empty.
const UNUSED: Address = address!("00000000000000000000000000000000deadbeef");
const NOW: u64 = 1_760_000_000;

/// Every (kind, function) pair.
fn pairs() -> Vec<(AccountKind, Function)> {
    AccountKind::ALL
        .into_iter()
        .flat_map(|kind| Function::of(kind).iter().map(move |&f| (kind, f)))
        .collect()
}

/// A native session allowing any call to each of `targets` (sudo), and nothing else.
fn sudo_session(targets: &[Address]) -> Session {
    let mut unique: Vec<Address> = targets.to_vec();
    unique.sort();
    unique.dedup();
    unique.push(UNUSED);
    let actions: Vec<Value> = unique
        .iter()
        .map(|t| json!({ "target": t, "selector": "*", "policies": [{ "type": "sudo" }] }))
        .collect();
    Session::from_value(json!({ "actions": actions })).unwrap()
}

fn ctx(account: Option<Address>) -> Context {
    context(NOW, account)
}

fn describe(verdict: &Verdict<'_>) -> String {
    verdict.to_string()
}

/// A call: a non-zero target (MultiSend refuses zero), any value, and empty calldata or calldata
/// with a selector (1 to 3 bytes would be a truncated selector, which no action matches).
fn arb_call() -> impl Strategy<Value = Owned> {
    (
        any::<[u8; 20]>().prop_filter("non-zero target", |a| a != &[0; 20]),
        any::<[u8; 32]>(),
        prop_oneof![
            Just(Vec::new()),
            proptest::collection::vec(any::<u8>(), 4..100)
        ],
    )
        .prop_map(|(to, value, data)| Owned {
            to: Address::from(to),
            value: U256::from_be_bytes(value),
            data,
        })
        .prop_filter("not the session's unused target", |c| c.to != UNUSED)
}

fn arb_calls() -> impl Strategy<Value = Vec<Owned>> {
    proptest::collection::vec(arb_call(), 1..5)
}

fn arb_pair() -> impl Strategy<Value = (AccountKind, Function)> {
    proptest::sample::select(pairs())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn calldata_unwraps_to_its_calls_and_is_allowed(calls in arb_calls()) {
        for (kind, function) in pairs() {
            let made = function.made(&calls);
            let calldata = function.encode(&calls);
            let unwrapped = owned(unwrap(kind, &calldata).unwrap());
            prop_assert_eq!(&unwrapped, &made, "{} {}", kind, function.name());

            let targets: Vec<Address> = made.iter().map(|c| c.to).collect();
            let session = sudo_session(&targets);
            let ledger = MemoryLedger::new();
            for mode in [Mode::Fast, Mode::Explain] {
                let verdict = session.evaluate_account_calldata(&calldata, Some(kind), &ledger, &ctx(None), mode);
                prop_assert!(verdict.is_allow(), "{} {}: {}", kind, function.name(), describe(&verdict));
                prop_assert_eq!(verdict.allowed_by.len(), made.len());
            }

            // Without the last call's target the whole batch is denied.
            let fewer = sudo_session(&targets[..targets.len() - 1]);
            let last = made.last().unwrap().to;
            if !targets[..targets.len() - 1].contains(&last) {
                let verdict = fewer.evaluate_account_calldata(&calldata, Some(kind), &ledger, &ctx(None), Mode::Explain);
                prop_assert!(!verdict.is_allow(), "{} {}", kind, function.name());
                prop_assert!(verdict.effects.is_empty());
                prop_assert!(verdict.violations.iter().any(|v| v.call == made.len() - 1));
            }
        }
    }

    #[test]
    fn user_ops_of_both_versions_are_allowed_with_their_sender(
        calls in arb_calls(),
        (kind, function) in arb_pair(),
        sender in any::<[u8; 20]>(),
        nonce in any::<u64>(),
        v07 in any::<bool>(),
    ) {
        let sender = Address::from(sender);
        let calldata = function.encode(&calls);
        let json = match v07 {
            true => user_op_v07(sender, nonce, &calldata, &Gas::default()),
            false => user_op_v06(sender, nonce, &calldata, &Gas::default()),
        };
        let op = UserOperation::from_json(&serde_json::to_string(&json).unwrap()).unwrap();
        prop_assert_eq!(op.sender, sender);
        prop_assert_eq!(op.call_data.as_ref(), calldata.as_slice());
        prop_assert_eq!(op.nonce, U256::from(nonce));

        let targets: Vec<Address> = function.made(&calls).iter().map(|c| c.to).collect();
        let session = sudo_session(&targets);
        let verdict = session.evaluate_user_op(&op, Some(kind), &MemoryLedger::new(), &ctx(None), Mode::Explain);
        prop_assert!(verdict.is_allow(), "{} {} v0.7={}: {}", kind, function.name(), v07, describe(&verdict));
    }
}

/// The sender is the account: a `transferFrom` out of the sender counts against a spend limit
/// even when the context names another account, and one out of anyone else does not.
#[test]
fn the_sender_is_the_account_a_spend_limit_sees() {
    let token = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
    let sender = address!("acc7000000000000000000000000000000000001");
    let elsewhere = address!("acc7000000000000000000000000000000000002");
    let session = Session::from_value(json!({
        "actions": [{
            "target": token,
            "selector": "transferFrom(address from, address to, uint256 amount)",
            "policies": [{ "type": "spend_limit", "token": token, "limit": "1000" }]
        }]
    }))
    .unwrap();
    let pull = |from| Owned {
        to: token,
        value: U256::ZERO,
        data: transferFromCall::new((from, UNUSED, U256::from(70))).abi_encode(),
    };
    for (kind, function) in pairs() {
        for (from, counted) in [(sender, true), (elsewhere, false)] {
            let calldata = function.encode(&[pull(from)]);
            for json in [
                user_op_v06(sender, 0, &calldata, &Gas::default()),
                user_op_v07(sender, 0, &calldata, &Gas::default()),
            ] {
                let op = UserOperation::from_value(json).unwrap();
                let verdict = session.evaluate_user_op(
                    &op,
                    Some(kind),
                    &MemoryLedger::new(),
                    &ctx(Some(elsewhere)),
                    Mode::Fast,
                );
                assert!(verdict.is_allow(), "{kind} {}: {verdict}", function.name());
                let spent: U256 = verdict.effects.iter().map(crate::common::added).sum();
                let expected = if counted { U256::from(70) } else { U256::ZERO };
                assert_eq!(spent, expected, "{kind} {} from {from}", function.name());
            }
        }
    }
}

#[test]
fn every_kind_has_its_functions_and_each_function_one_signature() {
    assert_eq!(pairs().len(), 17);
    for function in Function::ALL {
        assert!(
            pairs().iter().any(|(_, f)| *f == function),
            "{}",
            function.name()
        );
        assert!(function.signature().contains('('));
    }
}
