//! The usage limit policy: a `uint128` count of uses in the first 16 bytes.

use super::{InitError, head};
use crate::formats::smart_sessions::model::{PolicyConfig, PolicyVersion};
use alloc::vec::Vec;

/// `uint128(bytes16(initData[0:16]))`; V2 refuses 0.
pub(super) fn decode_usage_limit(
    data: &[u8],
    version: PolicyVersion,
) -> Result<PolicyConfig, InitError> {
    let bytes: [u8; 16] = head(data, 16)?.try_into().unwrap_or_default();
    let limit = u128::from_be_bytes(bytes);
    if limit == 0 && version == PolicyVersion::V2 {
        return Err(InitError::ZeroUsageLimit);
    }
    Ok(PolicyConfig::UsageLimit { limit })
}

/// `bytes16(limit)`.
pub(super) fn encode_usage_limit(limit: u128) -> Vec<u8> {
    limit.to_be_bytes().to_vec()
}
