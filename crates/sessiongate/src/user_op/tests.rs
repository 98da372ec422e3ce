use super::packed::pack;
use super::*;
use serde_json::json;

fn v07() -> serde_json::Value {
    json!({
        "sender": "0x1111111111111111111111111111111111111111",
        "nonce": "0x1",
        "callData": "0x",
        "callGasLimit": "0x10",
        "verificationGasLimit": "0x20",
        "preVerificationGas": "0x30",
        "maxFeePerGas": "0x2",
        "maxPriorityFeePerGas": "0x1",
        "signature": "0x",
    })
}

#[test]
fn version_strings() {
    assert_eq!(EntryPointVersion::V06.to_string(), "v0.6");
    assert_eq!(
        serde_json::to_string(&EntryPointVersion::V07).unwrap(),
        "\"v0.7\""
    );
}

#[test]
fn bare_op_is_v07() {
    let op = UserOperation::from_value(v07()).unwrap();
    assert_eq!(op.version, EntryPointVersion::V07);
    assert_eq!(op.max_gas(), Some(U256::from(0x60)));
    assert_eq!(op.max_cost(), Some(U256::from(0xc0)));
}

#[test]
fn pack_halves() {
    let word = pack(1, 2);
    assert_eq!(
        U256::from_be_bytes(word.0),
        (U256::from(1) << 128) + U256::from(2)
    );
}

#[test]
fn paymaster_fields_in_v06_model_are_refused() {
    let mut op = UserOperation::from_value(v07()).unwrap();
    op.version = EntryPointVersion::V06;
    op.paymaster = Some(Address::repeat_byte(2));
    op.paymaster_post_op_gas_limit = U256::from(1);
    let err = op.check().unwrap_err();
    assert_eq!(err.path(), "paymasterPostOpGasLimit");
    assert!(serde_json::to_string(&op).is_err());
}

#[test]
fn packed_needs_v07_and_narrow_fields() {
    let mut op = UserOperation::from_value(v07()).unwrap();
    op.max_fee_per_gas = U256::from(u128::MAX) + U256::from(1);
    assert_eq!(
        op.packed(),
        Err(PackError::TooWide {
            field: "maxFeePerGas"
        })
    );
    op.version = EntryPointVersion::V06;
    assert_eq!(op.packed(), Err(PackError::NotV07));
}
