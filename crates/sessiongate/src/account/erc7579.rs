//! ERC-7579 `execute(bytes32 mode, bytes executionCalldata)`, decoded bit for bit as the Smart
//! Sessions module decodes a user operation's calldata (`SmartSession._enforcePolicies` with
//! `ExecutionLib.decodeUserOpCallData`, `decodeSingle` and solady's `decodeBatch`; erc7579/smartsessions
//! v1.0.0 and f5aaf867, identical there). What it accepts is accepted here, including
//! non-canonical encodings whose pointers alias: alloy's decoder (strict or not) follows the ABI
//! specification instead, so it would refuse or read differently calldata the chain executes.

use super::packed_op::executeUserOpCall;
use super::{UnwrapError, Unwrapped};
use crate::call::Call;
use crate::calldata::{Selector, read_word};
use alloc::{borrow::Cow, vec::Vec};
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, sol};

sol! {
    /// ERC-7579 execute.
    function execute(bytes32 mode, bytes executionCalldata);
}

/// `execute(bytes32,bytes)`.
pub(crate) const EXECUTE: Selector = Selector::new(executeCall::SELECTOR);
/// `executeUserOp((address,uint256,bytes,bytes,bytes32,uint256,bytes32,bytes,bytes),bytes32)`,
/// which Smart Sessions refuses.
pub(super) const EXECUTE_USER_OP: Selector = Selector::new(executeUserOpCall::SELECTOR);

/// `decodeUserOpCallData` refuses shorter calldata: selector, mode word, offset word.
const HEAD_LEN: usize = 68;
/// Call type byte of a single execution.
const CALLTYPE_SINGLE: u8 = 0x00;
/// Call type byte of a batch.
const CALLTYPE_BATCH: u8 = 0x01;
/// Exec type byte of an execution that reverts on failure.
const EXECTYPE_DEFAULT: u8 = 0x00;

/// Unwraps ERC-7579 account calldata whose selector is `selector`.
pub(super) fn unwrap(selector: Selector, calldata: &[u8]) -> Result<Unwrapped<'_>, UnwrapError> {
    if selector == EXECUTE_USER_OP {
        return Err(UnwrapError::ExecuteUserOp);
    }
    if selector != EXECUTE {
        return Ok(Unwrapped::AccountCall(selector));
    }
    // The mode word is bytes 4..36; the length check covers it.
    let (call_type, exec_type) = match calldata.get(4..6) {
        Some(&[call_type, exec_type]) if calldata.len() >= HEAD_LEN => (call_type, exec_type),
        _ => {
            return Err(UnwrapError::ExecuteTooShort {
                len: calldata.len(),
                needed: HEAD_LEN,
            });
        }
    };
    if exec_type != EXECTYPE_DEFAULT {
        return Err(UnwrapError::UnsupportedExecType { exec_type });
    }
    if call_type != CALLTYPE_SINGLE && call_type != CALLTYPE_BATCH {
        return Err(UnwrapError::UnsupportedCallType { call_type });
    }
    let execution = execution_calldata(calldata)?;
    let calls = if call_type == CALLTYPE_SINGLE {
        alloc::vec![single(&execution)?]
    } else {
        batch(&execution)?
    };
    Ok(Unwrapped::Calls(calls))
}

/// `ExecutionLib.decodeUserOpCallData`: the `bytes` argument, located by the offset word at byte 36
/// (relative to byte 4). Trailing bytes after it are ignored.
fn execution_calldata(calldata: &[u8]) -> Result<Reader<'_>, UnwrapError> {
    let whole = Reader {
        data: calldata,
        base: 0,
    };
    let offset = whole.small(36, "executionCalldata offset")?;
    let start = whole.fits(offset, 36, "executionCalldata length word")?;
    let length_at = start
        .checked_sub(32)
        .ok_or(whole.past(start, "executionCalldata"))?;
    let len = whole.small(length_at, "executionCalldata length")?;
    let stop = whole.fits(start, len, "executionCalldata")?;
    let data = calldata
        .get(start..stop)
        .ok_or(whole.past(start, "executionCalldata"))?;
    Ok(Reader { data, base: start })
}

/// `ExecutionLib.decodeSingle`: `abi.encodePacked(address target, uint256 value, bytes callData)`.
fn single<'a>(execution: &Reader<'a>) -> Result<Call<'a>, UnwrapError> {
    let too_short = || UnwrapError::SingleTooShort {
        at: execution.base,
        len: execution.data.len(),
    };
    let target = execution.data.get(..20).ok_or_else(too_short)?;
    let value = read_word(execution.data, 20).ok_or_else(too_short)?;
    let data = execution.data.get(52..).ok_or_else(too_short)?;
    Ok(Call {
        to: Address::from_slice(target),
        value,
        data,
    })
}

/// Solady's `decodeBatch` of `abi.encode(Execution[])`, with its bounds checks, then Smart Sessions'
/// refusal of an empty batch and Solidity's check of each target address.
fn batch<'a>(execution: &Reader<'a>) -> Result<Vec<Call<'a>>, UnwrapError> {
    let array = execution.small(0, "batch array offset")?;
    let count = execution.small(array, "batch array length")?;
    let table = execution.fits(array, 32, "batch array length")?;
    let table_len = count
        .checked_mul(32)
        .ok_or(execution.past(table, "batch pointer table"))?;
    execution.fits(table, table_len, "batch pointer table")?;
    if count == 0 {
        return Err(UnwrapError::EmptyBatch);
    }
    let mut calls = Vec::with_capacity(count);
    for index in 0..count {
        calls.push(batch_item(execution, table, index)?);
    }
    Ok(calls)
}

/// Item `index` of a batch whose pointer table (and base of the pointers) starts at `table`.
fn batch_item<'a>(
    execution: &Reader<'a>,
    table: usize,
    index: usize,
) -> Result<Call<'a>, UnwrapError> {
    // In bounds: the caller checked the whole table.
    let pointer_at = index
        .checked_mul(32)
        .and_then(|offset| table.checked_add(offset))
        .ok_or(execution.past(table, "batch item pointer"))?;
    let pointer = execution.small(pointer_at, "batch item pointer")?;
    let head = execution.fits(table, pointer, "batch item")?;
    execution.fits(head, 96, "batch item head")?;
    let data_offset = execution.small(head.saturating_add(64), "batch item callData offset")?;
    let length_at = execution.fits(head, data_offset, "batch item callData length")?;
    let len = execution.small(length_at, "batch item callData length")?;
    let start = execution.fits(length_at, 32, "batch item callData")?;
    let stop = execution.fits(start, len, "batch item callData")?;
    let target = execution.word(head, "batch item target")?;
    let value = execution.word(head.saturating_add(32), "batch item value")?;
    Ok(Call {
        to: address(target).ok_or(UnwrapError::DirtyTarget {
            index,
            at: execution.absolute(head),
        })?,
        value,
        data: execution
            .data
            .get(start..stop)
            .ok_or(execution.past(start, "batch item callData"))?,
    })
}

/// The address in a word whose upper 12 bytes are zero.
fn address(word: U256) -> Option<Address> {
    let bytes = word.to_be_bytes::<32>();
    let (upper, low) = bytes.split_at(12);
    upper
        .iter()
        .all(|&b| b == 0)
        .then(|| Address::from_slice(low))
}

/// Bounds-checked reads from a buffer that starts at byte `base` of the account calldata, so
/// errors name positions in the calldata.
#[derive(Clone, Copy, Debug)]
struct Reader<'a> {
    data: &'a [u8],
    base: usize,
}

impl Reader<'_> {
    /// The position in the account calldata of byte `at` of this buffer.
    fn absolute(&self, at: usize) -> usize {
        self.base.saturating_add(at)
    }

    /// The error for `field`, starting at `at`, not fitting in this buffer.
    fn past(&self, at: usize, field: &'static str) -> UnwrapError {
        UnwrapError::OutOfBounds {
            field: Cow::Borrowed(field),
            at: self.absolute(at),
            end: self.absolute(self.data.len()),
        }
    }

    /// `at + len`, when that is within the buffer.
    fn fits(&self, at: usize, len: usize, field: &'static str) -> Result<usize, UnwrapError> {
        at.checked_add(len)
            .filter(|&end| end <= self.data.len())
            .ok_or(self.past(at, field))
    }

    /// The word at `at`.
    fn word(&self, at: usize, field: &'static str) -> Result<U256, UnwrapError> {
        read_word(self.data, at).ok_or(self.past(at, field))
    }

    /// The word at `at` as an offset or length: below 2^64, as Solidity and solady require.
    fn small(&self, at: usize, field: &'static str) -> Result<usize, UnwrapError> {
        let word = self.word(at, field)?;
        let small = u64::try_from(word).map_err(|_| UnwrapError::WordTooLarge {
            field: Cow::Borrowed(field),
            at: self.absolute(at),
        })?;
        // Below 2^64 but beyond a 32-bit usize: cannot fit in any buffer.
        usize::try_from(small).map_err(|_| self.past(at, field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::hex;

    #[test]
    fn selectors_are_the_known_ones() {
        assert_eq!(EXECUTE, Selector::new(hex!("e9ae5c53")));
        assert_eq!(EXECUTE_USER_OP, Selector::new(hex!("8dd7712f")));
    }

    #[test]
    fn address_rejects_dirty_upper_bytes() {
        assert_eq!(address(U256::from(7)), Some(Address::with_last_byte(7)));
        assert_eq!(address(U256::from(1).wrapping_shl(160)), None);
    }

    #[test]
    fn reader_reports_absolute_positions() {
        let data = [0u8; 40];
        let reader = Reader {
            data: &data,
            base: 100,
        };
        assert_eq!(
            reader.word(20, "x"),
            Err(UnwrapError::OutOfBounds {
                field: "x".into(),
                at: 120,
                end: 140
            })
        );
        assert_eq!(reader.fits(8, 32, "x"), Ok(40));
        assert!(reader.fits(usize::MAX, 1, "x").is_err());
    }
}
