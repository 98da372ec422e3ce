//! Property: any bytes decode as Biconomy session-key data (ABI and ERC-20 modules) without a
//! panic; whatever decodes re-encodes to bytes that decode to the same leaf, and a session of
//! that leaf (the packed form) loads and decides like the same leaf written readably.
#![no_main]

use alloy_primitives::hex;
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use sessiongate::Session;
use sessiongate::formats::biconomy::packed::{AbiSessionKeyData, Erc20SessionKeyData};

fuzz_target!(|data: &[u8]| {
    if let Ok(leaf) = AbiSessionKeyData::decode(data) {
        let again = AbiSessionKeyData::decode(&leaf.encode());
        assert_eq!(
            again.as_ref(),
            Ok(&leaf),
            "ABI leaf does not re-encode to itself"
        );
    }
    if let Ok(leaf) = Erc20SessionKeyData::decode(data) {
        let again = Erc20SessionKeyData::decode(&leaf.encode());
        assert_eq!(
            again.as_ref(),
            Ok(&leaf),
            "ERC-20 leaf does not re-encode to itself"
        );
    }
    // Any bytes are a leaf the chain would enable: the session must load (denying what reverts).
    for format in ["biconomy-abi-svm", "biconomy-erc20-svm"] {
        let doc = json!({"format": format, "sessions": [
            {"validUntil": 0, "validAfter": 0, "sessionKeyData": hex::encode_prefixed(data)}
        ]});
        if let Err(e) = Session::from_value(doc) {
            panic!("{format}: packed data the chain enables did not load: {e}");
        }
    }
});
