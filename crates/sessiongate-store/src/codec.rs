//! How amounts and reserved changes are written in SQL stores: 32-byte big-endian amounts, and an
//! op code (0 add, 1 set) beside its amount.

use crate::StoreError;
use alloy_primitives::U256;
use sessiongate::Op;

/// An amount as stored; anything but 32 bytes was not written by a store of this crate.
pub(crate) fn decode(key: &str, bytes: &[u8]) -> Result<U256, StoreError> {
    U256::try_from_be_slice(bytes)
        .filter(|_| bytes.len() == 32)
        .ok_or_else(|| StoreError::Corrupt(key.into()))
}

pub(crate) fn encode_op(op: Op) -> (i16, [u8; 32]) {
    match op {
        Op::Add(v) => (0, v.to_be_bytes()),
        Op::Set(v) => (1, v.to_be_bytes()),
    }
}

pub(crate) fn decode_op(key: &str, code: i16, bytes: &[u8]) -> Result<Op, StoreError> {
    let value = decode(key, bytes)?;
    match code {
        0 => Ok(Op::Add(value)),
        1 => Ok(Op::Set(value)),
        _ => Err(StoreError::Corrupt(key.into())),
    }
}
