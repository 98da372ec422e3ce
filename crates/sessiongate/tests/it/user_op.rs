//! ERC-4337 user operations in their JSON-RPC shapes: parsing both versions, round trips,
//! refusals naming their field, gas bounds, and properties over generated operations.

use crate::common::abi::account_factory::createAccountCall;
use crate::common::abi::erc20::transferCall;
use crate::common::abi::erc7579::executeCall;
use crate::common::hex;
use alloy_primitives::{Address, B256, Bytes, U256, address};
use alloy_sol_types::{SolCall, SolValue};
use proptest::prelude::*;
use serde_json::{Value as Json, json};
use sessiongate::user_op::{Eip7702Auth, EntryPointVersion, PackError};
use sessiongate::{LoadError, UserOperation};

const SENDER: Address = address!("0x1111111111111111111111111111111111111111");
const TOKEN: Address = address!("0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const FACTORY: Address = address!("0x2222222222222222222222222222222222222222");
const PAYMASTER: Address = address!("0x3333333333333333333333333333333333333333");
const OWNER: Address = address!("0x4444444444444444444444444444444444444444");

/// An ERC-7579 single-call `execute`: mode 0 (single, default), target ‖ value ‖ calldata.
fn execute_transfer() -> Bytes {
    let inner = transferCall {
        to: OWNER,
        amount: U256::from(1_000_000),
    }
    .abi_encode();
    let execution = (TOKEN, U256::ZERO, Bytes::from(inner)).abi_encode_packed();
    executeCall {
        mode: B256::ZERO,
        executionCalldata: execution.into(),
    }
    .abi_encode()
    .into()
}

fn factory_data() -> Bytes {
    createAccountCall {
        owner: OWNER,
        salt: U256::from(7),
    }
    .abi_encode()
    .into()
}

fn init_code() -> Vec<u8> {
    [FACTORY.as_slice(), &factory_data()].concat()
}

fn v06_json() -> Json {
    json!({
        "sender": SENDER.to_string(),
        "nonce": "0x2a0000000000000005",
        "initCode": hex(&init_code()),
        "callData": execute_transfer().to_string(),
        "callGasLimit": "0x186a0",
        "verificationGasLimit": "0xc350",
        "preVerificationGas": "0x5208",
        "maxFeePerGas": "0x77359400",
        "maxPriorityFeePerGas": "0x3b9aca00",
        "paymasterAndData": hex(&[PAYMASTER.as_slice(), &[0xde, 0xad]].concat()),
        "signature": hex(&[0x1b; 65]),
    })
}

fn v07_json() -> Json {
    json!({
        "sender": SENDER.to_string(),
        "nonce": "0x0",
        "factory": FACTORY.to_string(),
        "factoryData": factory_data().to_string(),
        "callData": execute_transfer().to_string(),
        "callGasLimit": "0x186a0",
        "verificationGasLimit": "0xc350",
        "preVerificationGas": "0x5208",
        "maxFeePerGas": "0x77359400",
        "maxPriorityFeePerGas": "0x3b9aca00",
        "paymaster": PAYMASTER.to_string(),
        "paymasterVerificationGasLimit": "0x7530",
        "paymasterPostOpGasLimit": "0x2710",
        "paymasterData": "0xbeef",
        "signature": hex(&[0x1c; 65]),
    })
}

fn parse(value: Json) -> UserOperation {
    UserOperation::from_json(&value.to_string()).unwrap()
}

fn keys(value: &Json) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|s| (*s).to_string()).collect();
    names.sort();
    names
}

#[test]
fn parses_v06() {
    let op = parse(v06_json());
    assert_eq!(op.version, EntryPointVersion::V06);
    assert_eq!(op.sender, SENDER);
    assert_eq!(op.nonce, (U256::from(0x2a) << 64) + U256::from(5));
    assert_eq!(op.init_code.as_ref(), init_code().as_slice());
    assert_eq!(op.call_data, execute_transfer());
    assert_eq!(op.call_gas_limit, U256::from(100_000));
    assert_eq!(op.verification_gas_limit, U256::from(50_000));
    assert_eq!(op.pre_verification_gas, U256::from(21_000));
    assert_eq!(op.max_fee_per_gas, U256::from(2_000_000_000_u64));
    assert_eq!(op.max_priority_fee_per_gas, U256::from(1_000_000_000_u64));
    assert_eq!(op.paymaster, Some(PAYMASTER));
    assert_eq!(op.paymaster_data.as_ref(), &[0xde, 0xad]);
    assert_eq!(op.paymaster_verification_gas_limit, U256::ZERO);
    assert_eq!(op.signature.len(), 65);
    assert_eq!(op.eip7702_auth, None);
    let call = executeCall::abi_decode(&op.call_data).unwrap();
    assert_eq!(&call.executionCalldata[..20], TOKEN.as_slice());
}

#[test]
fn parses_v07() {
    let op = parse(v07_json());
    assert_eq!(op.version, EntryPointVersion::V07);
    assert_eq!(op.init_code.as_ref(), init_code().as_slice());
    assert_eq!(op.paymaster, Some(PAYMASTER));
    assert_eq!(op.paymaster_verification_gas_limit, U256::from(30_000));
    assert_eq!(op.paymaster_post_op_gas_limit, U256::from(10_000));
    assert_eq!(op.paymaster_data.as_ref(), &[0xbe, 0xef]);
    assert_eq!(op.call_data, execute_transfer());
}

#[test]
fn v07_without_optional_groups() {
    let mut doc = v07_json();
    let object = doc.as_object_mut().unwrap();
    for field in [
        "factory",
        "factoryData",
        "paymaster",
        "paymasterVerificationGasLimit",
        "paymasterPostOpGasLimit",
        "paymasterData",
    ] {
        object.remove(field);
    }
    let op = parse(doc.clone());
    assert_eq!(op.version, EntryPointVersion::V07);
    assert!(op.init_code.is_empty());
    assert_eq!(op.paymaster, None);
    // The serialized form leaves the groups out too.
    assert_eq!(keys(&serde_json::to_value(&op).unwrap()), keys(&doc));
}

#[test]
fn v07_paymaster_without_gas_limits_defaults_them_to_zero() {
    let mut doc = v07_json();
    let object = doc.as_object_mut().unwrap();
    object.remove("paymasterVerificationGasLimit");
    object.remove("paymasterPostOpGasLimit");
    object.remove("paymasterData");
    object.remove("factoryData");
    let op = parse(doc);
    assert_eq!(op.paymaster, Some(PAYMASTER));
    assert_eq!(op.paymaster_verification_gas_limit, U256::ZERO);
    assert!(op.paymaster_data.is_empty());
    assert_eq!(op.init_code.as_ref(), FACTORY.as_slice());
    assert_eq!(parse(serde_json::to_value(&op).unwrap()), op);
}

#[test]
fn v06_empty_paymaster_and_init_code() {
    let mut doc = v06_json();
    doc["paymasterAndData"] = json!("0x");
    doc["initCode"] = json!("0x");
    let op = parse(doc);
    assert_eq!(op.paymaster, None);
    assert!(op.paymaster_data.is_empty());
    assert!(op.init_code.is_empty());
}

#[test]
fn decimal_strings_and_numbers_are_quantities() {
    let mut doc = v07_json();
    doc["nonce"] = json!(5);
    doc["callGasLimit"] = json!("100000");
    let op = parse(doc);
    assert_eq!(op.nonce, U256::from(5));
    assert_eq!(op.call_gas_limit, U256::from(100_000));
}

#[test]
fn round_trips_keep_each_shape() {
    let v06 = [
        "sender",
        "nonce",
        "initCode",
        "callData",
        "callGasLimit",
        "verificationGasLimit",
        "preVerificationGas",
        "maxFeePerGas",
        "maxPriorityFeePerGas",
        "paymasterAndData",
        "signature",
    ];
    for (doc, names) in [(v06_json(), &v06[..]), (v07_json(), &[][..])] {
        let op = parse(doc.clone());
        let written = serde_json::to_value(&op).unwrap();
        if names.is_empty() {
            assert_eq!(keys(&written), keys(&doc));
        } else {
            assert_eq!(keys(&written), sorted(names));
        }
        // Hex as JSON-RPC writes it; the text matches the fixture field for field.
        for (key, value) in written.as_object().unwrap() {
            let expected = &doc[key];
            let same = match (value.as_str(), expected.as_str()) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            };
            assert!(same, "{key}: wrote {value}, read {expected}");
        }
        assert_eq!(UserOperation::from_value(written.clone()).unwrap(), op);
        let typed: UserOperation = serde_json::from_value(written).unwrap();
        assert_eq!(typed, op);
    }
}

#[test]
fn eip7702_auth_round_trips() {
    let mut doc = v07_json();
    doc["eip7702Auth"] = json!({
        "chainId": "0x1",
        "address": "0x5555555555555555555555555555555555555555",
        "nonce": "0x3",
        "yParity": "0x1",
        "r": "0x0123",
        "s": "0x4567",
    });
    let op = parse(doc);
    let auth = op.eip7702_auth.unwrap();
    assert_eq!(
        auth,
        Eip7702Auth {
            chain_id: U256::from(1),
            address: Address::repeat_byte(0x55),
            nonce: 3,
            y_parity: 1,
            r: U256::from(0x0123),
            s: U256::from(0x4567),
        }
    );
    let written = serde_json::to_value(&op).unwrap();
    assert_eq!(written["eip7702Auth"]["nonce"], json!("0x3"));
    assert_eq!(parse(written), op);
}

#[test]
fn packed_form_matches_the_entry_point_layout() {
    let op = parse(v07_json());
    let packed = op.packed().unwrap();
    let gas_limits = (U256::from(50_000) << 128) | U256::from(100_000);
    assert_eq!(U256::from_be_bytes(packed.accountGasLimits.0), gas_limits);
    let fees = (U256::from(1_000_000_000_u64) << 128) | U256::from(2_000_000_000_u64);
    assert_eq!(U256::from_be_bytes(packed.gasFees.0), fees);
    let paymaster_and_data = (
        PAYMASTER,
        30_000_u128,
        10_000_u128,
        Bytes::from_static(&[0xbe, 0xef]),
    )
        .abi_encode_packed();
    assert_eq!(
        packed.paymasterAndData.as_ref(),
        paymaster_and_data.as_slice()
    );
    assert_eq!(packed.initCode, op.init_code);
    assert_eq!(packed.preVerificationGas, U256::from(21_000));
    assert_eq!(parse(v06_json()).packed(), Err(PackError::NotV07));
}

#[test]
fn packed_without_paymaster_has_empty_paymaster_and_data() {
    let mut op = parse(v07_json());
    op.paymaster = None;
    op.paymaster_verification_gas_limit = U256::ZERO;
    op.paymaster_post_op_gas_limit = U256::ZERO;
    op.paymaster_data = Bytes::new();
    assert!(op.packed().unwrap().paymasterAndData.is_empty());
}

// ---- refusals ----

fn refuse(doc: &Json) -> LoadError {
    match UserOperation::from_json(&doc.to_string()) {
        Ok(op) => panic!("accepted {doc} as {op:?}"),
        Err(e) => e,
    }
}

/// Asserts the error's kind, path, and that its message names `mentions`.
#[track_caller]
fn assert_refused(doc: &Json, json_error: bool, path: &str, mentions: &str) {
    let error = refuse(doc);
    assert_eq!(
        matches!(error, LoadError::Json(_)),
        json_error,
        "kind of {error:?}"
    );
    assert_eq!(error.path(), path, "{error}");
    let text = error.to_string();
    assert!(text.starts_with(&format!("{path}: ")), "{text}");
    assert!(
        text.contains(mentions),
        "`{text}` does not mention `{mentions}`"
    );
}

fn with(mut doc: Json, field: &str, value: Json) -> Json {
    doc[field] = value;
    doc
}

fn without(mut doc: Json, field: &str) -> Json {
    doc.as_object_mut().unwrap().remove(field);
    doc
}

#[test]
fn mixed_shapes_are_refused() {
    let doc = with(v06_json(), "paymaster", json!(PAYMASTER.to_string()));
    assert_refused(&doc, false, "paymaster", "`initCode`");
    let doc = with(v07_json(), "paymasterAndData", json!("0x"));
    assert_refused(&doc, false, "factory", "`paymasterAndData`");
}

#[test]
fn unknown_fields_are_refused() {
    let doc = with(v07_json(), "entryPoint", json!(FACTORY.to_string()));
    assert_refused(&doc, true, "entryPoint", "unknown field `entryPoint`");
    let doc = with(
        v07_json(),
        "eip7702Auth",
        json!({"chainId": 1, "address": OWNER.to_string(), "nonce": 0, "yParity": 0, "r": "0x1", "s": "0x1", "extra": 1}),
    );
    assert_refused(&doc, true, "eip7702Auth.extra", "unknown field `extra`");
}

#[test]
fn missing_fields_are_refused() {
    for field in [
        "sender",
        "nonce",
        "callData",
        "callGasLimit",
        "verificationGasLimit",
        "preVerificationGas",
        "maxFeePerGas",
        "maxPriorityFeePerGas",
        "signature",
    ] {
        assert_refused(&without(v07_json(), field), false, field, "missing");
        assert_refused(&without(v06_json(), field), false, field, "missing");
    }
    for field in ["initCode", "paymasterAndData"] {
        assert_refused(&without(v06_json(), field), false, field, "v0.6");
    }
}

#[test]
fn bad_hex_is_refused() {
    assert_refused(
        &with(v07_json(), "callData", json!("0xzz")),
        true,
        "callData",
        "",
    );
    assert_refused(
        &with(v07_json(), "signature", json!("0x123")),
        true,
        "signature",
        "",
    );
    assert_refused(
        &with(v07_json(), "sender", json!("0x1234")),
        true,
        "sender",
        "",
    );
    assert_refused(
        &with(v07_json(), "nonce", json!("0xg")),
        true,
        "nonce",
        "not hex",
    );
    assert_refused(
        &with(v07_json(), "nonce", json!(-1)),
        true,
        "nonce",
        "negative",
    );
    assert_refused(
        &with(v06_json(), "initCode", json!(7)),
        true,
        "initCode",
        "",
    );
}

#[test]
fn short_addresses_in_byte_fields_are_refused() {
    for len in [1, 19] {
        let doc = with(v06_json(), "paymasterAndData", json!(hex(&vec![0xab; len])));
        assert_refused(&doc, false, "paymasterAndData", &format!("{len} bytes"));
        let doc = with(v06_json(), "initCode", json!(hex(&vec![0xab; len])));
        assert_refused(&doc, false, "initCode", &format!("{len} bytes"));
    }
}

#[test]
fn v07_parts_need_their_address() {
    let doc = without(v07_json(), "paymaster");
    assert_refused(&doc, false, "paymasterVerificationGasLimit", "`paymaster`");
    let doc = without(
        without(
            without(v07_json(), "paymaster"),
            "paymasterVerificationGasLimit",
        ),
        "paymasterPostOpGasLimit",
    );
    assert_refused(&doc, false, "paymasterData", "without `paymaster`");
    let doc = without(v07_json(), "factory");
    assert_refused(&doc, false, "factoryData", "without `factory`");
}

#[test]
fn v07_packed_fields_fit_128_bits() {
    let wide = format!("{:#x}", U256::from(1) << 128);
    for field in [
        "callGasLimit",
        "verificationGasLimit",
        "maxFeePerGas",
        "maxPriorityFeePerGas",
        "paymasterVerificationGasLimit",
        "paymasterPostOpGasLimit",
    ] {
        assert_refused(
            &with(v07_json(), field, json!(wide)),
            false,
            field,
            "128 bits",
        );
    }
    // preVerificationGas is a full word in v0.7, and v0.6 packs nothing.
    parse(with(v07_json(), "preVerificationGas", json!(wide)));
    parse(with(v06_json(), "callGasLimit", json!(wide)));
}

#[test]
fn eip7702_auth_widths_are_checked() {
    let auth = |nonce: Json| {
        with(
            v07_json(),
            "eip7702Auth",
            json!({"chainId": 1, "address": OWNER.to_string(), "nonce": nonce, "yParity": 0, "r": "0x1", "s": "0x1"}),
        )
    };
    assert_refused(
        &auth(json!("0x10000000000000000")),
        true,
        "eip7702Auth.nonce",
        "64 bits",
    );
}

#[test]
fn non_objects_and_trailing_text_are_refused() {
    for text in ["[]", "1", "\"op\"", "null", ""] {
        assert!(UserOperation::from_json(text).is_err(), "{text}");
    }
    let text = format!("{} x", v07_json());
    assert!(UserOperation::from_json(&text).is_err());
}

// ---- gas bounds ----

#[test]
fn max_gas_follows_the_required_prefund() {
    // v0.6 with a paymaster: verification counts three times.
    let op = parse(v06_json());
    assert_eq!(
        op.max_gas(),
        Some(U256::from(100_000 + 3 * 50_000 + 21_000))
    );
    assert_eq!(op.max_cost(), Some(U256::from(271_000_u64 * 2_000_000_000)));
    // Without one, once; a zero paymaster address is none to the EntryPoint.
    let bare = parse(with(v06_json(), "paymasterAndData", json!("0x")));
    assert_eq!(bare.max_gas(), Some(U256::from(171_000)));
    let zero = hex(&[0; 20]);
    let zeroed = parse(with(v06_json(), "paymasterAndData", json!(zero)));
    assert_eq!(zeroed.paymaster, Some(Address::ZERO));
    assert_eq!(zeroed.max_gas(), Some(U256::from(171_000)));
    // Bytes after a zero address mean nothing to the EntryPoint: refused as ambiguous.
    let trailing = with(v06_json(), "paymasterAndData", json!(hex(&[0; 24])));
    assert!(UserOperation::from_value(trailing).is_err());
    // v0.7: all five limits, once each.
    let op = parse(v07_json());
    let gas = 100_000 + 50_000 + 21_000 + 30_000 + 10_000;
    assert_eq!(op.max_gas(), Some(U256::from(gas)));
    assert_eq!(op.max_cost(), Some(U256::from(gas * 2_000_000_000_u64)));
}

#[test]
fn max_gas_and_cost_overflow_to_none() {
    let max = format!("{:#x}", U256::MAX);
    let op = parse(with(v06_json(), "callGasLimit", json!(max)));
    assert_eq!(op.max_gas(), None);
    assert_eq!(op.max_cost(), None);
    // verificationGasLimit × 3 overflows where × 1 would not.
    let third = format!("{:#x}", U256::MAX / U256::from(2));
    let op = parse(with(v06_json(), "verificationGasLimit", json!(third)));
    assert_eq!(op.max_gas(), None);
    let op = parse(with(v07_json(), "preVerificationGas", json!(max)));
    assert_eq!(op.max_gas(), None);
    let op = parse(with(v07_json(), "preVerificationGas", json!(third)));
    assert!(op.max_gas().is_some());
    assert_eq!(op.max_cost(), None);
}

// ---- properties ----

fn u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        any::<u64>().prop_map(U256::from),
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

fn u128_wide() -> impl Strategy<Value = U256> {
    any::<u128>().prop_map(U256::from)
}

fn bytes(max: usize) -> impl Strategy<Value = Bytes> {
    proptest::collection::vec(any::<u8>(), 0..max).prop_map(Bytes::from)
}

fn init_code_strategy() -> impl Strategy<Value = Bytes> {
    prop_oneof![
        Just(Bytes::new()),
        proptest::collection::vec(any::<u8>(), 20..80).prop_map(Bytes::from),
    ]
}

fn auth() -> impl Strategy<Value = Option<Eip7702Auth>> {
    proptest::option::of(
        (
            u256(),
            any::<[u8; 20]>(),
            any::<u64>(),
            any::<u8>(),
            u256(),
            u256(),
        )
            .prop_map(|(chain_id, address, nonce, y_parity, r, s)| Eip7702Auth {
                chain_id,
                address: Address::from(address),
                nonce,
                y_parity,
                r,
                s,
            }),
    )
}

prop_compose! {
    fn op()(
        v06 in any::<bool>(),
        sender in any::<[u8; 20]>(),
        nonce in u256(),
        call_data in bytes(200),
        wide in proptest::array::uniform5(u256()),
        narrow in proptest::array::uniform6(u128_wide()),
        pre_verification_gas in u256(),
        init_code in init_code_strategy(),
        paymaster in proptest::option::of(any::<[u8; 20]>()),
        paymaster_data in bytes(60),
        signature in bytes(100),
        eip7702_auth in auth(),
    ) -> UserOperation {
        let gas = if v06 { wide } else { [narrow[0], narrow[1], narrow[2], narrow[3], U256::ZERO] };
        let paymaster = paymaster.map(Address::from);
        let (pm_verify, pm_post) = if v06 || paymaster.is_none() {
            (U256::ZERO, U256::ZERO)
        } else {
            (narrow[4], narrow[5])
        };
        UserOperation {
            version: if v06 { EntryPointVersion::V06 } else { EntryPointVersion::V07 },
            sender: Address::from(sender),
            nonce,
            call_data,
            call_gas_limit: gas[0],
            verification_gas_limit: gas[1],
            pre_verification_gas,
            max_fee_per_gas: gas[2],
            max_priority_fee_per_gas: gas[3],
            init_code,
            paymaster,
            paymaster_verification_gas_limit: pm_verify,
            paymaster_post_op_gas_limit: pm_post,
            paymaster_data: if paymaster.is_some() { paymaster_data } else { Bytes::new() },
            signature,
            eip7702_auth,
        }
    }
}

const KEYS: [&str; 19] = [
    "sender",
    "nonce",
    "initCode",
    "factory",
    "factoryData",
    "callData",
    "callGasLimit",
    "verificationGasLimit",
    "preVerificationGas",
    "maxFeePerGas",
    "maxPriorityFeePerGas",
    "paymasterAndData",
    "paymaster",
    "paymasterVerificationGasLimit",
    "paymasterPostOpGasLimit",
    "paymasterData",
    "signature",
    "eip7702Auth",
    "entryPoint",
];

fn json_leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        any::<f64>().prop_map(Json::from),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(|b| Json::from(hex(&b))),
        "0x[0-9a-fA-F]{0,70}".prop_map(Json::from),
        ".{0,12}".prop_map(Json::from),
    ]
}

fn json_value() -> impl Strategy<Value = Json> {
    json_leaf().prop_recursive(2, 12, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::from),
            proptest::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..6)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// Objects over the user operation's own keys, with values of any type, often well formed.
fn near_op() -> impl Strategy<Value = Json> {
    (
        op(),
        proptest::collection::vec((0..KEYS.len(), json_value(), any::<bool>()), 0..5),
    )
        .prop_map(|(op, edits)| {
            let mut doc = serde_json::to_value(&op).unwrap();
            let object = doc.as_object_mut().unwrap();
            for (key, value, remove) in edits {
                if remove {
                    object.remove(KEYS[key]);
                } else {
                    object.insert(KEYS[key].to_string(), value);
                }
            }
            doc
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Every valid model serializes to its shape and parses back equal, from text or value.
    #[test]
    fn model_round_trips(op in op()) {
        let text = serde_json::to_string(&op).unwrap();
        prop_assert_eq!(&UserOperation::from_json(&text).unwrap(), &op);
        let value = serde_json::to_value(&op).unwrap();
        prop_assert_eq!(&UserOperation::from_value(value).unwrap(), &op);
        let typed: UserOperation = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&typed, &op);
        if op.version == EntryPointVersion::V07 {
            let packed = op.packed().unwrap();
            prop_assert_eq!(packed.paymasterAndData.is_empty(), op.paymaster.is_none());
        }
    }

    /// Any JSON near a user operation either is refused or parses to one that round trips.
    #[test]
    fn edited_ops_never_panic(doc in near_op()) {
        if let Ok(op) = UserOperation::from_value(doc.clone()) {
            let written = serde_json::to_string(&op).unwrap();
            prop_assert_eq!(UserOperation::from_json(&written).unwrap(), op);
        }
        let _ = UserOperation::from_json(&doc.to_string());
    }

    /// Arbitrary text and bytes are refused, never a panic.
    #[test]
    fn random_text_never_panics(text in ".{0,200}", raw in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = UserOperation::from_json(&text);
        let _ = UserOperation::from_json(&String::from_utf8_lossy(&raw));
    }

    /// Random JSON values are refused or parsed, never a panic.
    #[test]
    fn random_values_never_panic(value in json_value()) {
        let _ = UserOperation::from_value(value);
    }

    /// v0.7 max gas is the plain sum of the five limits when it fits.
    #[test]
    fn v07_max_gas_is_the_sum(op in op()) {
        prop_assume!(op.version == EntryPointVersion::V07);
        let parts = [
            op.call_gas_limit,
            op.verification_gas_limit,
            op.pre_verification_gas,
            op.paymaster_verification_gas_limit,
            op.paymaster_post_op_gas_limit,
        ];
        let sum = parts.iter().try_fold(U256::ZERO, |s, p| s.checked_add(*p));
        prop_assert_eq!(op.max_gas(), sum);
    }
}
