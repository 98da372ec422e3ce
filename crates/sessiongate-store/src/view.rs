//! The arithmetic every store shares: a counter's view, and the check of a change's reads.

use crate::{Change, StoreError};
use alloy_primitives::U256;
use sessiongate::Op;

/// A counter's view: its committed value with live reserved changes applied in order.
pub(crate) fn view(
    key: &str,
    committed: U256,
    reserved: impl IntoIterator<Item = Op>,
) -> Result<U256, StoreError> {
    reserved.into_iter().try_fold(committed, |value, op| {
        op.apply_to(value)
            .ok_or_else(|| StoreError::Overflow(key.into()))
    })
}

/// Whether every read of `change` still sees its value, given the view of a key.
pub(crate) fn reads_hold(
    change: &Change,
    mut view_of: impl FnMut(&str) -> Result<U256, StoreError>,
) -> Result<bool, StoreError> {
    for (key, seen) in &change.reads {
        if view_of(key)? != *seen {
            return Ok(false);
        }
    }
    Ok(true)
}
