//! The time frame policy: V2 packs `uint48 validUntil ‖ uint48 validAfter` into 12 bytes, the
//! legacy contract reads two 16-byte fields.

use super::{InitError, head};
use crate::formats::smart_sessions::model::{PolicyConfig, PolicyVersion};
use alloc::vec::Vec;

/// A big-endian unsigned integer of at most eight bytes.
fn be_u64(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |acc, &b| acc.wrapping_shl(8) | u64::from(b))
}

/// V2: `uint96(bytes12(initData[0:12]))`, validUntil the high 48 bits, validAfter the low.
pub(super) fn decode_time_frame_v2(data: &[u8]) -> Result<PolicyConfig, InitError> {
    let packed = head(data, 12)?;
    let (until, after) = packed.split_at(6);
    let (valid_until, valid_after) = (be_u64(until), be_u64(after));
    if valid_until != 0 && valid_after > valid_until {
        return Err(InitError::AfterPastUntil {
            valid_after,
            valid_until,
        });
    }
    Ok(PolicyConfig::TimeFrame {
        valid_until,
        valid_after,
    })
}

/// Legacy: `uint48(uint128(bytes16(initData[0:16])))` and the same of `[16:32]`; no ordering
/// check.
pub(super) fn decode_time_frame_legacy(data: &[u8]) -> Result<PolicyConfig, InitError> {
    let fields = head(data, 32)?;
    let (until, after) = fields.split_at(16);
    let low48 = |field: &[u8]| be_u64(field.get(10..).unwrap_or_default());
    Ok(PolicyConfig::TimeFrame {
        valid_until: low48(until),
        valid_after: low48(after),
    })
}

pub(super) fn encode_time_frame(
    version: PolicyVersion,
    valid_until: u64,
    valid_after: u64,
) -> Vec<u8> {
    match version {
        PolicyVersion::V2 => {
            let low48 = |v: u64| v.to_be_bytes().into_iter().skip(2);
            low48(valid_until).chain(low48(valid_after)).collect()
        }
        PolicyVersion::Legacy => {
            let field = |v: u64| u128::from(v).to_be_bytes();
            field(valid_until)
                .into_iter()
                .chain(field(valid_after))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    #[test]
    fn time_frame_low_bits_only() {
        // Legacy keeps the low 48 bits of each 16-byte field.
        let mut data = [0xffu8; 32];
        data[10..16].copy_from_slice(&[0, 0, 0, 0, 1, 0]);
        let got = decode_time_frame_legacy(&data).unwrap();
        assert_eq!(
            got,
            PolicyConfig::TimeFrame {
                valid_until: 256,
                valid_after: (1 << 48) - 1
            }
        );
        assert_eq!(
            encode_time_frame(PolicyVersion::V2, 1 << 48 | 5, 0).len(),
            12
        );
        assert_eq!(
            decode_time_frame_v2(&encode_time_frame(PolicyVersion::V2, 1 << 48 | 5, 0)),
            Ok(PolicyConfig::TimeFrame {
                valid_until: 5,
                valid_after: 0
            })
        );
    }
}
