//! The on-chain form: policy contract addresses and their init data, decoded per deployed version.
//!
//! The same init data can mean different things at different addresses (the legacy time-frame
//! policy reads two 16-byte fields, the V2 one a 12-byte packed pair), so decoding is keyed by
//! the [`PolicyContract`] an address resolves to, and it refuses exactly what
//! `initializeWithMultiplexer` reverts on.
//!
//! One file per policy codec (`universal_action`, `arg_policy`, `spending_limits`, `time_frame`,
//! `usage_limit`, `value_limit`; sudo has no init data), with the raw `ParamRule` words two of them
//! share in `rule_words`; the known deployments in `deployments`; the errors in `error`.

mod arg_policy;
mod deployments;
mod error;
mod rule_words;
mod spending_limits;
mod time_frame;
mod universal_action;
mod usage_limit;
mod value_limit;

// Some are read only by tests and fuzzing (`test-util`).
#[cfg_attr(not(feature = "test-util"), allow(unused_imports))]
pub use deployments::{
    LEGACY_POLICIES, PolicyTable, SMART_SESSION_DEPLOYMENTS, SMART_SESSION_V1, SMART_SESSION_V2,
    V2_POLICIES,
};
pub use error::{InitError, TreeError};

pub(super) use arg_policy::{MAX_ARG_NODES, MAX_ARG_RULES};
pub(super) use universal_action::UNI_SLOTS;

use super::model::{PolicyConfig, PolicyContract, PolicyKindId, PolicyVersion, SpendingSemantics};
use alloc::vec::Vec;
use arg_policy::{decode_arg_policy, encode_arg_policy};
use spending_limits::{decode_spending, encode_spending};
use time_frame::{decode_time_frame_legacy, decode_time_frame_v2, encode_time_frame};
use universal_action::{decode_universal_action, encode_universal_action};
use usage_limit::{decode_usage_limit, encode_usage_limit};
use value_limit::{decode_value_limit, encode_value_limit};

/// Decodes init data as the deployed contract at `contract` would, refusing what it reverts on.
/// Sudo and universal action read the same in both versions; `ArgPolicy` has one source only.
pub fn decode_init_data(contract: PolicyContract, data: &[u8]) -> Result<PolicyConfig, InitError> {
    use PolicyVersion::{Legacy, V2};
    match (contract.kind, contract.version) {
        (PolicyKindId::Sudo, _) => Ok(PolicyConfig::Sudo),
        (PolicyKindId::UniversalAction, _) => decode_universal_action(data),
        (PolicyKindId::ArgPolicy, _) => decode_arg_policy(data),
        (PolicyKindId::SpendingLimits, V2) => decode_spending(data, SpendingSemantics::V2),
        (PolicyKindId::SpendingLimits, Legacy) => decode_spending(data, SpendingSemantics::V1),
        (PolicyKindId::TimeFrame, V2) => decode_time_frame_v2(data),
        (PolicyKindId::TimeFrame, Legacy) => decode_time_frame_legacy(data),
        (PolicyKindId::UsageLimit, version) => decode_usage_limit(data, version),
        (PolicyKindId::ValueLimit, version) => decode_value_limit(data, version),
    }
}

/// Encodes a config as the Rhinestone SDK does (V2 layouts): the inverse of
/// [`decode_init_data`] for V2 contracts.
pub fn encode_init_data(config: &PolicyConfig) -> Vec<u8> {
    encode_init_data_for(PolicyVersion::V2, config)
}

/// Encodes a config for a contract of `version`. Only the time frame differs: legacy reads
/// `bytes16(validUntil) ‖ bytes16(validAfter)` (32 bytes), V2 `uint48 ‖ uint48` (12 bytes, each
/// value cut to its low 48 bits as the SDK's `uint48` would). A config the contract cannot hold
/// (more than 16 universal-action rules) encodes to data the contract refuses.
pub fn encode_init_data_for(version: PolicyVersion, config: &PolicyConfig) -> Vec<u8> {
    match config {
        PolicyConfig::Sudo => Vec::new(),
        PolicyConfig::UniversalAction {
            value_limit_per_use,
            rules,
        } => encode_universal_action(*value_limit_per_use, rules),
        PolicyConfig::ArgPolicy {
            value_limit_per_use,
            rules,
            nodes,
            root,
        } => encode_arg_policy(*value_limit_per_use, rules, nodes, *root),
        PolicyConfig::SpendingLimits { limits, .. } => encode_spending(limits),
        PolicyConfig::TimeFrame {
            valid_until,
            valid_after,
        } => encode_time_frame(version, *valid_until, *valid_after),
        PolicyConfig::UsageLimit { limit } => encode_usage_limit(*limit),
        PolicyConfig::ValueLimit { limit } => encode_value_limit(*limit),
    }
}

/// `initData[0:n]`, or the calldata slice's revert.
fn head(data: &[u8], needed: usize) -> Result<&[u8], InitError> {
    data.get(..needed).ok_or(InitError::TooShort {
        needed,
        len: data.len(),
    })
}
