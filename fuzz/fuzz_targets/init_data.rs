//! Property: any bytes decode as the init data of every known policy contract without a panic;
//! a decoded config is of the contract's kind, the versions that share a source decode alike, a
//! V2 config re-encodes (as the SDK encodes it) to bytes that decode to the same config, and an
//! action holding that init data enables (the on-chain session compiles).
#![no_main]

use alloy_primitives::{Address, address, hex};
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use sessiongate::formats::smart_sessions::document::OnChainSession;
use sessiongate::formats::smart_sessions::onchain::{
    LEGACY_POLICIES, V2_POLICIES, decode_init_data, encode_init_data,
};
use sessiongate::formats::smart_sessions::{
    PolicyConfig, PolicyContract, PolicyKindId, PolicyVersion, SpendingSemantics, compile_onchain,
};

const USDC: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");

/// A session whose one action (USDC transfer) holds the policy with `init_data`; built from JSON
/// so the optional fields the document gains keep their defaults.
fn session(contract: PolicyContract, init_data: &[u8]) -> Option<OnChainSession> {
    let doc = json!({
        "format": "smart-sessions-onchain",
        "actions": [{
            "actionTargetSelector": "0xa9059cbb",
            "actionTarget": USDC,
            "actionPolicies": [{"policy": contract.address, "initData": hex::encode_prefixed(init_data)}],
        }],
    });
    serde_json::from_value(doc).ok()
}

fn check_v2(contract: PolicyContract, data: &[u8], config: &PolicyConfig) {
    let encoded = encode_init_data(config);
    assert_eq!(
        decode_init_data(contract, &encoded).as_ref(),
        Ok(config),
        "{:?}: the re-encoded config decodes differently",
        contract.kind
    );
    // Sudo always decodes and compiles; the others are worth the compile.
    if contract.kind != PolicyKindId::Sudo {
        let Some(doc) = session(contract, data) else {
            panic!("the test session does not parse");
        };
        let compiled = compile_onchain(&doc);
        assert!(
            compiled.is_ok(),
            "{:?}: init data that decodes does not enable: {:?}",
            contract.kind,
            compiled.err()
        );
    }
}

fuzz_target!(|data: &[u8]| {
    for contract in V2_POLICIES.into_iter().chain(LEGACY_POLICIES) {
        let decoded = decode_init_data(contract, data);
        let Ok(config) = decoded else {
            continue;
        };
        assert_eq!(config.kind(), contract.kind, "decoded as another kind");
        if let PolicyConfig::SpendingLimits { semantics, .. } = &config {
            let expected = match contract.version {
                PolicyVersion::V2 => SpendingSemantics::V2,
                PolicyVersion::Legacy => SpendingSemantics::V1,
            };
            assert_eq!(*semantics, expected, "spending semantics of {contract:?}");
        }
        if contract.version == PolicyVersion::V2 {
            check_v2(contract, data, &config);
        }
    }
    // Sudo and universal action run one source in both versions.
    for kind in [PolicyKindId::Sudo, PolicyKindId::UniversalAction] {
        let at = |list: &[PolicyContract]| list.iter().copied().find(|c| c.kind == kind);
        if let (Some(v2), Some(legacy)) = (at(&V2_POLICIES), at(&LEGACY_POLICIES)) {
            assert_eq!(
                decode_init_data(v2, data),
                decode_init_data(legacy, data),
                "{kind:?}: the versions decode differently"
            );
        }
    }
});
