//! Biconomy ABI and ERC20 session validation modules: each semantic point of the modules, the
//! EntryPoint v0.6 time rule, load errors with their paths, lint warnings, and a property test
//! that the packed and readable forms agree with each other and with a plain model of the ABI SVM.

use crate::common::abi::erc20::{approveCall, transferCall, transferFromCall};
use crate::common::abi::probe::swapCall;
use crate::common::{context, load};
use alloy_primitives::{Address, B256, Bytes, FixedBytes, U256, address};
use alloy_sol_types::{SolCall, SolType, SolValue, sol_data};
use proptest::prelude::*;
use serde_json::{Value, json};
use sessiongate::formats::biconomy::{self, packed::AbiSessionKeyData};
use sessiongate::{Call, Context, MemoryLedger, Session};

/// One packed ABI SVM rule: `abi.encodePacked(uint16 offset, uint8 condition, bytes32 value)`.
type PackedRule = (
    sol_data::Uint<16>,
    sol_data::Uint<8>,
    sol_data::FixedBytes<32>,
);

fn packed_rule(offset: u16, condition: u8, reference: U256) -> Vec<u8> {
    PackedRule::abi_encode_packed(&(offset, condition, B256::from(reference)))
}

const DEST: Address = address!("bDD4B3b090461D5F1c3b245fEC106240A823C11D");
const OTHER: Address = address!("1111111111111111111111111111111111111111");
const KEY: Address = address!("035a068cC1d8FAF5d9BABbe280060736c64a5096");
const RECIPIENT: Address = address!("568a3A44c2B9Fa12A084EbA91dFb68e6737D6Ee7");
const NOW: u64 = 1_767_225_600;

fn ctx(now: u64) -> Context {
    context(now, None)
}

fn allows_at(s: &Session, now: u64, calls: &[Call<'_>]) -> bool {
    s.check(calls, &MemoryLedger::new(), &ctx(now)).is_allow()
}

fn allows(s: &Session, to: Address, value: U256, data: &[u8]) -> bool {
    allows_at(s, NOW, &[Call { to, value, data }])
}

fn abi(leaves: Value) -> Session {
    load(json!({"format": "biconomy-abi-svm", "sessions": leaves}))
}

/// A readable ABI leaf on `swap` with the given rules and rule count.
fn swap_leaf(rules: Value, count: Option<u16>) -> Value {
    let mut leaf = json!({
        "validUntil": 0, "validAfter": 0, "sessionKey": KEY, "destination": DEST,
        "selector": Bytes::copy_from_slice(&swapCall::SELECTOR),
        "valueLimit": "1000", "rules": rules,
    });
    if let Some(count) = count {
        leaf["rulesCount"] = json!(count);
    }
    leaf
}

fn swap(token: Address, amount: u64, min_out: i64) -> Vec<u8> {
    swapCall {
        tokenIn: token,
        amountIn: U256::from(amount),
        minOut: alloy_primitives::I256::try_from(min_out).unwrap(),
    }
    .abi_encode()
}

fn rule(offset: u16, condition: Value, reference: Value) -> Value {
    json!({"offset": offset, "condition": condition, "referenceValue": reference})
}

#[test]
fn abi_destination_selector_and_value_limit() {
    let s = abi(json!([swap_leaf(json!([]), None)]));
    let data = swap(OTHER, 5, 0);
    assert!(allows(&s, DEST, U256::ZERO, &data));
    assert!(allows(&s, DEST, U256::from(1000), &data), "value == limit");
    assert!(!allows(&s, DEST, U256::from(1001), &data), "value > limit");
    assert!(!allows(&s, OTHER, U256::ZERO, &data), "other destination");
    let transfer = transferCall {
        to: OTHER,
        amount: U256::from(5),
    }
    .abi_encode();
    assert!(!allows(&s, DEST, U256::ZERO, &transfer), "other selector");
    // The selector alone is enough when there are no rules; extra bytes are fine.
    assert!(allows(&s, DEST, U256::ZERO, &data[..4]));
}

#[test]
fn abi_calldata_under_four_bytes_is_denied_even_for_a_value_transfer() {
    let leaf = json!({"validUntil": 0, "validAfter": 0, "sessionKey": KEY, "destination": DEST,
        "selector": "0x00000000", "valueLimit": "100"});
    let s = abi(json!([leaf]));
    for data in [&[][..], &[0u8][..], &[0, 0, 0][..]] {
        assert!(!allows(&s, DEST, U256::from(1), data), "{data:?}");
    }
    assert!(
        allows(&s, DEST, U256::from(1), &[0, 0, 0, 0]),
        "four zero bytes"
    );
}

#[test]
fn abi_value_limit_is_a_uint128() {
    let leaf = json!({"validUntil": 0, "validAfter": 0, "sessionKey": KEY, "destination": DEST,
        "selector": "0x00000000", "valueLimit": u128::MAX.to_string()});
    let s = abi(json!([leaf]));
    let max = U256::from(u128::MAX);
    assert!(allows(&s, DEST, max, &[0; 4]));
    assert!(!allows(&s, DEST, max + U256::from(1), &[0; 4]));
}

#[test]
fn abi_condition_codes_follow_the_source_order() {
    // (code, name, passes for param 7, 8, 9 against reference 8)
    let table = [
        (0, "EQUAL", [false, true, false]),
        (1, "LESS_THAN_OR_EQUAL", [true, true, false]),
        (2, "LESS_THAN", [true, false, false]),
        (3, "GREATER_THAN_OR_EQUAL", [false, true, true]),
        (4, "GREATER_THAN", [false, false, true]),
        (5, "NOT_EQUAL", [true, false, true]),
    ];
    for (code, name, expected) in table {
        for condition in [json!(code), json!(name), json!(name.to_lowercase())] {
            let s = abi(json!([swap_leaf(
                json!([rule(32, condition.clone(), json!(8))]),
                None
            )]));
            for (amount, want) in [7, 8, 9].into_iter().zip(expected) {
                let got = allows(&s, DEST, U256::ZERO, &swap(OTHER, amount, 0));
                assert_eq!(got, want, "{condition} with amount {amount}");
            }
        }
    }
}

#[test]
fn abi_unknown_condition_codes_fail_every_call() {
    for code in [6, 7, 128, 255] {
        let s = abi(json!([swap_leaf(
            json!([rule(32, json!(code), json!(8))]),
            None
        )]));
        for amount in [0, 8, u64::MAX] {
            assert!(
                !allows(&s, DEST, U256::ZERO, &swap(OTHER, amount, 0)),
                "{code}"
            );
        }
    }
}

#[test]
fn abi_comparisons_are_unsigned() {
    // minOut = -1 is the word 2^256-1: the largest unsigned value.
    let s = abi(json!([swap_leaf(
        json!([rule(64, json!("GREATER_THAN"), json!("1000"))]),
        None
    )]));
    assert!(allows(&s, DEST, U256::ZERO, &swap(OTHER, 0, -1)));
    assert!(!allows(&s, DEST, U256::ZERO, &swap(OTHER, 0, 5)));
}

#[test]
fn abi_offsets_are_unaligned_and_the_word_must_fit() {
    // Offset 31 reads the last byte of tokenIn and 31 bytes of amountIn.
    let data = swap(OTHER, 0, 0);
    let mut word = [0u8; 32];
    word[0] = 0x11;
    let reference = B256::from(word);
    let s = abi(json!([swap_leaf(
        json!([rule(31, json!(0), json!(reference))]),
        None
    )]));
    assert!(allows(&s, DEST, U256::ZERO, &data));
    // A rule on the last word: data[4+64 .. 4+96] must be present; one byte short is denied.
    let s = abi(json!([swap_leaf(
        json!([rule(64, json!(0), json!(0))]),
        None
    )]));
    assert!(allows(&s, DEST, U256::ZERO, &data));
    assert!(!allows(&s, DEST, U256::ZERO, &data[..data.len() - 1]));
    let mut longer = data.clone();
    longer.extend_from_slice(&[0xee; 7]);
    assert!(
        allows(&s, DEST, U256::ZERO, &longer),
        "extra bytes are fine"
    );
    // Offset 65535 needs 65571 bytes.
    let s = abi(json!([swap_leaf(
        json!([rule(65535, json!(0), json!(0))]),
        None
    )]));
    let mut big = data[..4].to_vec();
    big.resize(65570, 0);
    assert!(!allows(&s, DEST, U256::ZERO, &big));
    big.push(0);
    assert!(allows(&s, DEST, U256::ZERO, &big));
}

#[test]
fn abi_rules_count_decides_how_many_rules_are_read() {
    let rules = json!([rule(32, json!(0), json!(8)), rule(32, json!(255), json!(0))]);
    // Only the first rule is counted: the unknown code after it is never read.
    let s = abi(json!([swap_leaf(rules.clone(), Some(1))]));
    assert!(allows(&s, DEST, U256::ZERO, &swap(OTHER, 8, 0)));
    // No rule counted: everything passes.
    let s = abi(json!([swap_leaf(rules, Some(0))]));
    assert!(allows(&s, DEST, U256::ZERO, &swap(OTHER, 9, 0)));
    // More counted than encoded: every call reaches the missing rule, or fails before it.
    let s = abi(json!([swap_leaf(
        json!([rule(32, json!(0), json!(8))]),
        Some(2)
    )]));
    for amount in [7, 8, 9] {
        assert!(!allows(&s, DEST, U256::ZERO, &swap(OTHER, amount, 0)));
    }
    let s = abi(json!([swap_leaf(json!([]), Some(65535))]));
    assert!(!allows(&s, DEST, U256::ZERO, &swap(OTHER, 0, 0)));
}

fn packed_leaf(data: &[u8], until: u64, after: u64) -> Value {
    json!({"validUntil": until, "validAfter": after, "sessionKeyData": Bytes::copy_from_slice(data)})
}

fn header(count: u16) -> Vec<u8> {
    (
        KEY,
        DEST,
        FixedBytes::<4>::from(swapCall::SELECTOR),
        1000u128,
        count,
    )
        .abi_encode_packed()
}

#[test]
fn abi_trailing_bytes_are_ignored_and_a_short_header_denies_every_call() {
    // One rule (amountIn == 8) and 34 trailing bytes, not a whole rule.
    let mut data = header(1);
    data.extend(packed_rule(32, 0, U256::from(8)));
    data.extend([0xab; 34]);
    let s = abi(json!([packed_leaf(&data, 0, 0)]));
    assert!(allows(&s, DEST, U256::ZERO, &swap(OTHER, 8, 0)));
    assert!(!allows(&s, DEST, U256::ZERO, &swap(OTHER, 9, 0)));
    // 61 bytes: the module's header slice reverts, but the leaf loads.
    let short = &header(0)[..61];
    let s = abi(json!([
        packed_leaf(short, 0, 0),
        packed_leaf(&header(0), 0, 0)
    ]));
    assert!(
        allows(&s, DEST, U256::ZERO, &swap(OTHER, 8, 0)),
        "the other leaf"
    );
    let s = abi(json!([packed_leaf(short, 0, 0)]));
    assert!(!allows(&s, DEST, U256::ZERO, &swap(OTHER, 8, 0)));
    assert!(!allows(&s, DEST, U256::ZERO, &[]));
    let warnings = biconomy::warnings(
        &json!({"format": "biconomy-abi-svm", "sessions": [packed_leaf(short, 0, 0)]}),
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("sessions[0]:") && w.contains("61 bytes")),
        "{warnings:?}"
    );
}

#[test]
fn leaves_are_alternatives_and_batches_are_atomic() {
    let low = swap_leaf(json!([rule(32, json!("LESS_THAN"), json!(10))]), None);
    let mut other = swap_leaf(json!([rule(32, json!("GREATER_THAN"), json!(100))]), None);
    other["destination"] = json!(OTHER);
    let s = abi(json!([low, other]));
    let (a, b, c) = (swap(OTHER, 5, 0), swap(OTHER, 500, 0), swap(OTHER, 50, 0));
    assert!(allows(&s, DEST, U256::ZERO, &a));
    assert!(allows(&s, OTHER, U256::ZERO, &b));
    assert!(
        !allows(&s, DEST, U256::ZERO, &b),
        "leaf 1 is for OTHER only"
    );
    let batch = |x: &[u8], y: &[u8]| {
        allows_at(
            &s,
            NOW,
            &[
                Call {
                    to: DEST,
                    value: U256::ZERO,
                    data: x,
                },
                Call {
                    to: OTHER,
                    value: U256::ZERO,
                    data: y,
                },
            ],
        )
    };
    assert!(batch(&a, &b));
    assert!(!batch(&a, &c), "one call failing denies the batch");
}

#[test]
fn time_bounds_follow_entry_point_v06() {
    let leaf = |until: u64, after: u64| {
        let mut l = swap_leaf(json!([]), None);
        l["validUntil"] = json!(until);
        l["validAfter"] = json!(after);
        abi(json!([l]))
    };
    let data = swap(OTHER, 0, 0);
    let call = [Call {
        to: DEST,
        value: U256::ZERO,
        data: &data,
    }];
    let s = leaf(200, 100);
    for (now, want) in [(99, false), (100, true), (200, true), (201, false)] {
        assert_eq!(allows_at(&s, now, &call), want, "now {now}");
    }
    // validUntil 0 is 2^48-1 once anything is set; both zero checks no time at all.
    let max = (1u64 << 48) - 1;
    let s = leaf(0, 100);
    assert!(allows_at(&s, max, &call));
    assert!(!allows_at(&s, max + 1, &call));
    assert!(!allows_at(&s, 99, &call));
    let s = leaf(0, 0);
    assert!(allows_at(&s, 0, &call) && allows_at(&s, u64::MAX, &call));
    // validAfter > validUntil != 0 never validates, and loads with a warning.
    let s = leaf(100, 101);
    for now in [0, 100, 101, u64::MAX] {
        assert!(!allows_at(&s, now, &call));
    }
    let mut l = swap_leaf(json!([]), None);
    l["validUntil"] = json!(100);
    l["validAfter"] = json!(101);
    let w = biconomy::warnings(&json!({"format": "biconomy-abi-svm", "sessions": [l]}));
    assert!(w.iter().any(|w| w.contains("never validates")), "{w:?}");
}

fn erc20(leaf: Value) -> Session {
    load(json!({"format": "biconomy-erc20-svm", "sessions": [leaf]}))
}

fn erc20_leaf(max: u64) -> Value {
    json!({"validUntil": 0, "validAfter": 0, "sessionKey": KEY, "token": DEST,
        "recipient": RECIPIENT, "maxAmount": max})
}

fn transfer(to: Address, amount: u64) -> Vec<u8> {
    transferCall {
        to,
        amount: U256::from(amount),
    }
    .abi_encode()
}

#[test]
fn erc20_token_value_recipient_and_amount() {
    let s = erc20(erc20_leaf(100));
    assert!(allows(&s, DEST, U256::ZERO, &transfer(RECIPIENT, 100)));
    assert!(!allows(&s, DEST, U256::ZERO, &transfer(RECIPIENT, 101)));
    assert!(!allows(&s, DEST, U256::ZERO, &transfer(OTHER, 1)));
    assert!(
        !allows(&s, OTHER, U256::ZERO, &transfer(RECIPIENT, 1)),
        "other token"
    );
    assert!(
        !allows(&s, DEST, U256::from(1), &transfer(RECIPIENT, 1)),
        "value must be 0"
    );
    // Per call: a batch of two calls at the limit passes; nothing is cumulative.
    let data = transfer(RECIPIENT, 100);
    let call = Call {
        to: DEST,
        value: U256::ZERO,
        data: &data,
    };
    assert!(allows_at(&s, NOW, &[call, call]));
}

#[test]
fn erc20_selector_is_not_checked() {
    let s = erc20(erc20_leaf(u64::MAX));
    let approve = approveCall {
        spender: RECIPIENT,
        amount: U256::from(5),
    }
    .abi_encode();
    assert!(allows(&s, DEST, U256::ZERO, &approve));
    let mut odd = transfer(RECIPIENT, 5);
    odd[..4].copy_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    assert!(allows(&s, DEST, U256::ZERO, &odd));
    // transferFrom(from, to, amount) reads recipient = from, amount = to.
    let from_recipient = transferFromCall {
        from: RECIPIENT,
        to: address!("0000000000000000000000000000000000000009"),
        amount: U256::MAX,
    }
    .abi_encode();
    assert!(allows(&s, DEST, U256::ZERO, &from_recipient));
    let big_to = transferFromCall {
        from: RECIPIENT,
        to: OTHER,
        amount: U256::ZERO,
    }
    .abi_encode();
    assert!(
        !allows(&s, DEST, U256::ZERO, &big_to),
        "`to` as a number exceeds maxAmount"
    );
    let to_recipient = transferFromCall {
        from: OTHER,
        to: RECIPIENT,
        amount: U256::from(1),
    }
    .abi_encode();
    assert!(!allows(&s, DEST, U256::ZERO, &to_recipient));
    let w =
        biconomy::warnings(&json!({"format": "biconomy-erc20-svm", "sessions": [erc20_leaf(1)]}));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].starts_with("sessions[0]: ") && w[0].contains("does not check the selector"));
    assert!(w[0].contains("transferFrom(from, to, amount) is read as recipient = from"));
}

#[test]
fn erc20_calldata_shape() {
    let s = erc20(erc20_leaf(100));
    let data = transfer(RECIPIENT, 1);
    assert!(!allows(&s, DEST, U256::ZERO, &data[..67]), "under 68 bytes");
    let mut longer = data.clone();
    longer.push(1);
    assert!(allows(&s, DEST, U256::ZERO, &longer), "extra bytes ignored");
    let mut dirty = data.clone();
    dirty[4] = 1;
    assert!(
        !allows(&s, DEST, U256::ZERO, &dirty),
        "dirty recipient word"
    );
    assert!(!allows(&s, DEST, U256::ZERO, &[]));
    // Packed (non-ABI) arguments are not (address, uint256).
    let packed = (
        FixedBytes::<4>::from(transferCall::SELECTOR),
        RECIPIENT,
        U256::from(1),
    )
        .abi_encode_packed();
    assert!(!allows(&s, DEST, U256::ZERO, &packed));
}

#[test]
fn erc20_undecodable_session_key_data_denies_every_call() {
    let good = (KEY, DEST, RECIPIENT, U256::from(100)).abi_encode();
    let leaf = |data: &[u8]| packed_leaf(data, 0, 0);
    let s = erc20(leaf(&good));
    assert!(allows(&s, DEST, U256::ZERO, &transfer(RECIPIENT, 1)));
    let mut dirty = good.clone();
    dirty[0] = 1; // the sessionKey word
    let short = &good[..127];
    for bad in [&dirty[..], short] {
        let s = erc20(leaf(bad));
        assert!(!allows(&s, DEST, U256::ZERO, &transfer(RECIPIENT, 1)));
        let w =
            biconomy::warnings(&json!({"format": "biconomy-erc20-svm", "sessions": [leaf(bad)]}));
        assert!(w.iter().any(|w| w.contains("allows nothing")), "{w:?}");
    }
    let mut longer = good.clone();
    longer.extend([7; 5]);
    assert!(allows(
        &erc20(leaf(&longer)),
        DEST,
        U256::ZERO,
        &transfer(RECIPIENT, 1)
    ));
}

#[test]
fn abi_warnings_name_each_leaf_and_problem() {
    let rules = json!([rule(0, json!(5), json!(1)), rule(0, json!(9), json!(1))]);
    let doc = json!({"format": "biconomy-abi-svm", "sessions": [
        swap_leaf(json!([]), None), swap_leaf(rules, Some(3)),
    ]});
    let w = biconomy::warnings(&doc);
    assert!(w.iter().all(|w| w.starts_with("sessions[1]: ")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("rules[0] is NOT_EQUAL")));
    assert!(
        w.iter()
            .any(|w| w.contains("rules[1] has condition code 9"))
    );
    assert!(w.iter().any(|w| w.contains("rulesCount is 3 but only 2")));
    assert!(biconomy::warnings(&json!({"actions": []})).is_empty());
}

fn load_error(value: Value) -> (String, String) {
    let e = Session::from_value(value).expect_err("must not load");
    (e.path().to_string(), e.to_string())
}

#[test]
fn load_errors_name_their_field() {
    let abi_doc = |leaf: Value| json!({"format": "biconomy-abi-svm", "sessions": [leaf]});
    let base = swap_leaf(json!([rule(0, json!(0), json!(0))]), None);
    let with = |field: &str, value: Value| {
        let mut leaf = base.clone();
        leaf[field] = value;
        abi_doc(leaf)
    };
    let cases = [
        (
            with("sessionKeyData", json!("0x00")),
            "sessions[0].sessionKey",
        ),
        (
            with("valueLimit", json!(U256::from(u128::MAX) + U256::from(1))),
            "sessions[0].valueLimit",
        ),
        (
            with("validUntil", json!(1u64 << 48)),
            "sessions[0].validUntil",
        ),
        (
            with("validAfter", json!(1u64 << 48)),
            "sessions[0].validAfter",
        ),
        (with("rulesCount", json!(65536)), "sessions[0].rulesCount"),
        (with("selector", json!("0x1234")), "sessions[0].selector"),
        (with("extra", json!(1)), "sessions[0].extra"),
        (
            with("rules", json!([rule(0, json!(256), json!(0))])),
            "sessions[0].rules[0].condition",
        ),
        (
            with("rules", json!([rule(0, json!("ABOVE"), json!(0))])),
            "sessions[0].rules[0].condition",
        ),
        (
            with(
                "rules",
                json!([{"offset": 65536, "condition": 0, "referenceValue": 0}]),
            ),
            "sessions[0].rules[0].offset",
        ),
        (
            with("rules", json!([rule(0, json!(0), json!("0xzz"))])),
            "sessions[0].rules[0].referenceValue",
        ),
        (
            json!({"format": "biconomy-abi-svm", "sessions": []}),
            "sessions",
        ),
        (json!({"format": "biconomy-abi-svm"}), ""),
    ];
    for (value, path) in cases {
        let (got, message) = load_error(value);
        assert_eq!(got, path, "{message}");
    }
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("valueLimit");
    assert_eq!(load_error(abi_doc(missing)).0, "sessions[0].valueLimit");
    let mut leaf = erc20_leaf(1);
    leaf.as_object_mut().unwrap().remove("recipient");
    let (path, message) = load_error(json!({"format": "biconomy-erc20-svm", "sessions": [leaf]}));
    assert_eq!(path, "sessions[0].recipient", "{message}");
    let mut leaf = erc20_leaf(1);
    leaf["sessionKeyData"] = json!("0x");
    assert_eq!(
        load_error(json!({"format": "biconomy-erc20-svm", "sessions": [leaf]})).0,
        "sessions[0].sessionKey"
    );
}

/// A plain model of the ABI SVM at 6bed1c38 plus the EntryPoint v0.6 time rule.
fn model(data: &[u8], until: u64, after: u64, now: u64, call: &Call<'_>) -> bool {
    let time = if until == 0 && after == 0 {
        true
    } else {
        let until = if until == 0 { (1 << 48) - 1 } else { until };
        after <= now && now <= until
    };
    let Some(header) = data.get(..62) else {
        return false;
    };
    let limit = u128::from_be_bytes(header[44..60].try_into().unwrap());
    let count = usize::from(u16::from_be_bytes(header[60..62].try_into().unwrap()));
    if !time
        || call.to.as_slice() != &header[20..40]
        || call.data.get(..4) != Some(&header[40..44])
        || call.value > U256::from(limit)
    {
        return false;
    }
    (0..count).all(|i| {
        let Some(r) = data.get(62 + 35 * i..62 + 35 * (i + 1)) else {
            return false;
        };
        let offset = usize::from(u16::from_be_bytes([r[0], r[1]]));
        let reference = U256::from_be_slice(&r[3..35]);
        let Some(word) = call.data.get(4 + offset..36 + offset) else {
            return false;
        };
        let param = U256::from_be_slice(word);
        match r[2] {
            0 => param == reference,
            1 => param <= reference,
            2 => param < reference,
            3 => param >= reference,
            4 => param > reference,
            5 => param != reference,
            _ => false,
        }
    })
}

/// Words likely to hit edges: small numbers near the references, and extremes.
fn word() -> impl Strategy<Value = U256> {
    prop_oneof![
        (0u64..12).prop_map(U256::from),
        Just(U256::MAX),
        Just(U256::from_be_slice(DEST.as_slice())),
    ]
}

#[derive(Clone, Debug)]
struct Leaf {
    until: u64,
    after: u64,
    selector: [u8; 4],
    limit: u128,
    rules: Vec<(u16, u8, U256)>,
    count: u16,
}

fn leaf() -> impl Strategy<Value = Leaf> {
    let time = prop_oneof![Just((0u64, 0u64)), (0u64..30, 0u64..30)];
    let rules = prop::collection::vec((0u16..70, 0u8..8, word()), 0..4);
    // rulesCount usually matches the rules, sometimes one short, sometimes past them.
    let delta = prop_oneof![4 => Just(0i32), 1 => Just(-1), 1 => Just(1), 1 => Just(2)];
    let selector = prop::sample::select(vec![[1u8, 2, 3, 4], [0; 4]]);
    (time, selector, 0u128..5, rules, delta).prop_map(
        |((until, after), selector, limit, rules, delta)| {
            let count = u16::try_from((rules.len() as i32 + delta).max(0)).unwrap();
            Leaf {
                until,
                after,
                selector,
                limit,
                rules,
                count,
            }
        },
    )
}

impl Leaf {
    /// The module's bytes, encoded with alloy's `abi.encodePacked`, independently of the crate.
    fn packed(&self) -> Vec<u8> {
        let mut data = (
            KEY,
            DEST,
            FixedBytes::<4>::from(self.selector),
            self.limit,
            self.count,
        )
            .abi_encode_packed();
        for (offset, condition, reference) in &self.rules {
            data.extend(packed_rule(*offset, *condition, *reference));
        }
        data
    }

    fn readable(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|(o, c, r)| rule(*o, json!(c), json!(format!("{r:#x}"))))
            .collect();
        json!({"validUntil": self.until, "validAfter": self.after, "sessionKey": KEY,
            "destination": DEST, "selector": Bytes::copy_from_slice(&self.selector),
            "valueLimit": self.limit.to_string(), "rulesCount": self.count, "rules": rules})
    }
}

fn calldata() -> impl Strategy<Value = Vec<u8>> {
    let selector = prop::sample::select(vec![vec![1u8, 2, 3, 4], vec![0; 4], vec![1, 2, 3]]);
    (selector, prop::collection::vec(word(), 0..4), 0usize..3).prop_map(|(mut data, words, cut)| {
        for w in words {
            data.extend(w.to_be_bytes::<32>());
        }
        data.truncate(data.len().saturating_sub(cut));
        data
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn packed_and_readable_forms_agree_with_the_model(
        leaf in leaf(),
        calls in prop::collection::vec((calldata(), 0u128..6, any::<bool>(), 0u64..32), 1..6),
    ) {
        let packed = leaf.packed();
        let readable_doc = json!({"format": "biconomy-abi-svm", "sessions": [leaf.readable()]});
        let readable: biconomy::document::AbiSvmDocument = serde_json::from_value(readable_doc.clone()).unwrap();
        // The crate's encoder gives alloy's bytes, and its decoder reads them back.
        prop_assert_eq!(&biconomy::abi_leaf_data(&readable.sessions[0], "s").unwrap()[..], &packed[..]);
        prop_assert_eq!(AbiSessionKeyData::decode(&packed).unwrap().encode(), packed.clone());
        let from_bytes = abi(json!([packed_leaf(&packed, leaf.until, leaf.after)]));
        let from_fields = load(readable_doc);
        for (data, value, to_dest, now) in &calls {
            let call = Call { to: if *to_dest { DEST } else { OTHER }, value: U256::from(*value), data };
            let a = allows_at(&from_bytes, *now, &[call]);
            let b = allows_at(&from_fields, *now, &[call]);
            prop_assert_eq!(a, b);
            prop_assert_eq!(a, model(&packed, leaf.until, leaf.after, *now, &call), "{:?} {:?}", leaf, call);
        }
    }
}

#[test]
fn a_loaded_erc20_session_carries_the_selector_warning() {
    let doc = serde_json::json!({
        "format": "biconomy-erc20-svm",
        "sessions": [{
            "validUntil": 0, "validAfter": 0,
            "sessionKey": "0x9FD37D498A806c570419D35965D8C793D564641F",
            "token": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            "recipient": "0xd8dA6BF26964aF9D7eEd9e03E53415D37aA96045",
            "maxAmount": "100"
        }]
    });
    let session = sessiongate::Session::from_value(doc).unwrap();
    assert!(
        session
            .warnings()
            .iter()
            .any(|w| w.contains("does not check the selector")),
        "{:?}",
        session.warnings()
    );
}

mod account_calldata {
    use crate::common::abi::arrays::executeBatchCall;
    use crate::common::abi::biconomy_v2::execute_ncCCall;
    use crate::common::abi::erc20::transferCall;
    use crate::common::abi::single::executeCall;
    use crate::common::context;
    use alloy_primitives::{Address, Bytes, U256, address};
    use alloy_sol_types::SolCall;
    use sessiongate::{MemoryLedger, Mode, Reason, Session};

    const TOKEN: Address = address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
    const RECIPIENT: Address = address!("d8dA6BF26964aF9D7eEd9e03E53415D37aA96045");

    /// The modules' `validateSessionUserOp` reads `execute` and `execute_ncC` only.
    #[test]
    fn only_single_executes_reach_the_module() {
        let session = Session::from_value(serde_json::json!({
            "format": "biconomy-erc20-svm",
            "sessions": [{"validUntil": 0, "validAfter": 0,
                "sessionKey": "0x9FD37D498A806c570419D35965D8C793D564641F",
                "token": TOKEN.to_string(), "recipient": RECIPIENT.to_string(), "maxAmount": "100"}]
        }))
        .unwrap();
        let inner: Bytes = transferCall {
            to: RECIPIENT,
            amount: U256::from(5),
        }
        .abi_encode()
        .into();
        let ctx = context(1, None);
        let check = |data: Vec<u8>| {
            session.evaluate_account_calldata(
                &data,
                None,
                &MemoryLedger::new(),
                &ctx,
                Mode::Explain,
            )
        };
        let single = executeCall {
            dest: TOKEN,
            value: U256::ZERO,
            func: inner.clone(),
        };
        assert!(check(single.abi_encode()).is_allow());
        let gas_optimised = execute_ncCCall {
            dest: TOKEN,
            value: U256::ZERO,
            func: inner.clone(),
        };
        assert!(check(gas_optimised.abi_encode()).is_allow());
        let batch = executeBatchCall {
            dest: vec![TOKEN],
            value: vec![U256::ZERO],
            func: vec![inner],
        };
        let verdict = check(batch.abi_encode());
        assert!(
            matches!(
                verdict.violations[0].reason,
                Reason::AccountFunctionRefused { .. }
            ),
            "{verdict}"
        );
    }
}
