//! Property: any text parses as a user operation or fails without a panic; what parses
//! serializes, and the JSON parses back to an equal operation, by text and by value. The packed
//! form exists exactly for v0.7 operations, and its gas bounds do not panic.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use sessiongate::UserOperation;
use sessiongate::user_op::EntryPointVersion;
use sessiongate_fuzz::user_op::Fields;

fn check(text: &str) {
    let Ok(op) = UserOperation::from_json(text) else {
        return;
    };
    let json = match serde_json::to_string(&op) {
        Ok(json) => json,
        Err(e) => panic!("a parsed user operation does not serialize: {e}\n{op:?}"),
    };
    let again = UserOperation::from_json(&json);
    assert_eq!(
        again.as_ref().ok(),
        Some(&op),
        "{json}: {:?}",
        again.as_ref().err()
    );
    let value = serde_json::to_value(&op).ok();
    let by_value = value.map(UserOperation::from_value);
    assert_eq!(by_value.and_then(Result::ok).as_ref(), Some(&op));
    let by_serde = serde_json::from_str::<UserOperation>(&json).ok();
    assert_eq!(by_serde.as_ref(), Some(&op), "serde's Deserialize differs");
    assert_eq!(
        op.packed().is_ok(),
        op.version == EntryPointVersion::V07,
        "packed form of a {} operation: {:?}",
        op.version,
        op.packed()
    );
    if let Some(cost) = op.max_cost() {
        assert!(
            op.max_gas()
                .is_some_and(|gas| gas <= cost || op.max_fee_per_gas.is_zero())
        );
    }
}

fuzz_target!(|bytes: &[u8]| {
    // The first byte picks raw text or an object of the JSON-RPC fields built from the rest.
    let Some((&mode, rest)) = bytes.split_first() else {
        return;
    };
    if mode & 1 == 0 {
        if let Ok(text) = std::str::from_utf8(rest) {
            check(text);
        }
        return;
    }
    if let Ok(fields) = Fields::arbitrary_take_rest(Unstructured::new(rest)) {
        check(&fields.json().to_string());
    }
});
