//! The value limit policy: a `uint256` of native value in the first 32 bytes.

use super::{InitError, head};
use crate::formats::smart_sessions::model::{PolicyConfig, PolicyVersion};
use alloc::vec::Vec;
use alloy_primitives::U256;

/// `uint256(bytes32(initData[0:32]))`; V2 refuses 0.
pub(super) fn decode_value_limit(
    data: &[u8],
    version: PolicyVersion,
) -> Result<PolicyConfig, InitError> {
    let limit = U256::from_be_slice(head(data, 32)?);
    if limit.is_zero() && version == PolicyVersion::V2 {
        return Err(InitError::ZeroValueLimit);
    }
    Ok(PolicyConfig::ValueLimit { limit })
}

/// `bytes32(limit)`.
pub(super) fn encode_value_limit(limit: U256) -> Vec<u8> {
    limit.to_be_bytes::<32>().to_vec()
}
