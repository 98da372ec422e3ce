//! Safe user operations through the Safe4337Module (safe-global/safe-modules `Safe4337Module.sol`):
//! `executeUserOp(address to, uint256 value, bytes data, uint8 operation)` and
//! `executeUserOpWithErrorString` with the same parameters. Both pass `operation` to the Safe's
//! `execTransactionFromModule`, whose `Enum.Operation` accepts 0 (call) and 1 (delegatecall).
//!
//! A delegatecall runs foreign code as the Safe, so one is unwrapped only into a known MultiSend or
//! MultiSendCallOnly deployment (safe-global/safe-deployments, v1.3.0 to v1.5.0) calling
//! `multiSend(bytes)`, and only when every packed transaction is a call. Its value is ignored, as
//! the Safe ignores it for a delegatecall.
//!
//! Any other selector is an [`Unwrapped::AccountCall`], as for every kind; note that the module's
//! `validateUserOp` refuses user operations with such calldata. A bare `multiSend(bytes)` is one
//! of them: sent to the Safe it reaches its fallback handler, not MultiSend.

use super::abi::{call, params};
use super::{UnwrapError, Unwrapped};
use crate::call::Call;
use crate::calldata::{Selector, read_word};
use alloc::vec::Vec;
use alloy_primitives::{Address, address};
use alloy_sol_types::abi::token::{PackedSeqToken, WordToken};
use alloy_sol_types::{SolCall, sol};

sol! {
    /// Safe4337Module: execute a user operation.
    function executeUserOp(address to, uint256 value, bytes data, uint8 operation);
    /// Safe4337Module: the same, bubbling up the revert reason.
    function executeUserOpWithErrorString(address to, uint256 value, bytes data, uint8 operation);
    /// MultiSend and MultiSendCallOnly.
    function multiSend(bytes transactions);
}

/// `Enum.Operation.Call`.
const CALL: u8 = 0;
/// `Enum.Operation.DelegateCall`.
const DELEGATE_CALL: u8 = 1;
/// Bytes before a packed transaction's data: operation (1), to (20), value (32), data length (32).
const TX_HEAD: usize = 85;

/// MultiSend and MultiSendCallOnly deployments (safe-global/safe-deployments `src/assets`).
const MULTI_SEND: [Address; 13] = [
    address!("A238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761"), // MultiSend 1.3.0 canonical
    address!("998739BFdAAdde7C933B942a68053933098f9EDa"), // MultiSend 1.3.0 eip155
    address!("0dFcccB95225ffB03c6FBB2559B530C2B7C8A912"), // MultiSend 1.3.0 zksync
    address!("40A2aCCbd92BCA938b02010E17A5b8929b49130D"), // MultiSendCallOnly 1.3.0 canonical
    address!("A1dabEF33b3B82c7814B6D82A79e50F4AC44102B"), // MultiSendCallOnly 1.3.0 eip155
    address!("f220D3b4DFb23C4ade8C88E526C1353AbAcbC38F"), // MultiSendCallOnly 1.3.0 zksync
    address!("38869bf66a61cF6bDB996A6aE40D5853Fd43B526"), // MultiSend 1.4.1 canonical
    address!("309D0B190FeCCa8e1D5D8309a16F7e3CB133E885"), // MultiSend 1.4.1 zksync
    address!("9641d764fc13c8B624c04430C7356C1C7C8102e2"), // MultiSendCallOnly 1.4.1 canonical
    address!("0408EF011960d02349d50286D20531229BCef773"), // MultiSendCallOnly 1.4.1 zksync
    address!("218543288004CD07832472D464648173c77D7eB7"), // MultiSend 1.5.0 canonical
    address!("A83c336B20401Af773B6219BA5027174338D1836"), // MultiSendCallOnly 1.5.0 canonical
    // 1.1.1 predates the 4337 module but shares the packing.
    address!("8D29bE29923b68abfDD21e541b9374737B49cdAD"), // MultiSend 1.1.1 canonical
];

/// Whether `selector` is one of the module's execute functions.
pub(super) fn is_execute(selector: Selector) -> bool {
    selector.0 == executeUserOpCall::SELECTOR
        || selector.0 == executeUserOpWithErrorStringCall::SELECTOR
}

/// Unwraps Safe calldata whose selector is `selector`.
pub(super) fn unwrap(selector: Selector, calldata: &[u8]) -> Result<Unwrapped<'_>, UnwrapError> {
    let (to, value, data, operation) = if selector.0 == executeUserOpCall::SELECTOR {
        params::<executeUserOpCall>(calldata)?
    } else if selector.0 == executeUserOpWithErrorStringCall::SELECTOR {
        params::<executeUserOpWithErrorStringCall>(calldata)?
    } else {
        return Ok(Unwrapped::AccountCall(selector));
    };
    // A validated uint8: the value is the last byte.
    let [.., operation] = operation.0.0;
    match operation {
        CALL => Ok(Unwrapped::Calls(alloc::vec![call(to, value, data)])),
        DELEGATE_CALL => multi_send(to, data).map(Unwrapped::Calls),
        operation => Err(UnwrapError::SafeOperation { operation }),
    }
}

/// A delegatecall: MultiSend's transactions.
fn multi_send<'a>(to: WordToken, data: PackedSeqToken<'a>) -> Result<Vec<Call<'a>>, UnwrapError> {
    if data.0.get(..4) != Some(multiSendCall::SELECTOR.as_slice()) {
        return Err(UnwrapError::DelegateCall);
    }
    let to = Address::from_word(to.0);
    if !MULTI_SEND.contains(&to) {
        return Err(UnwrapError::UnknownMultiSend { to });
    }
    let (PackedSeqToken(packed),) = params::<multiSendCall>(data.0)?;
    transactions(packed)
}

/// MultiSend's packed transactions, read as its loop reads them: it continues while more than 32
/// bytes remain (`lt(i, length)` with `i` 32 ahead), so a tail of 32 bytes or fewer is never read.
fn transactions(packed: &[u8]) -> Result<Vec<Call<'_>>, UnwrapError> {
    let mut calls = Vec::new();
    let mut at = 0;
    while packed.len().saturating_sub(at) > 32 {
        let (call, next) = transaction(packed, at, calls.len())?;
        calls.push(call);
        at = next;
    }
    if calls.is_empty() {
        return Err(UnwrapError::EmptyBatch);
    }
    Ok(calls)
}

/// The transaction at byte `at`, and where the next one starts.
fn transaction(packed: &[u8], at: usize, index: usize) -> Result<(Call<'_>, usize), UnwrapError> {
    let truncated = || UnwrapError::MultiSendTruncated {
        index,
        at,
        len: packed.len(),
    };
    let head_end = at.checked_add(TX_HEAD).ok_or_else(truncated)?;
    let head = packed.get(at..head_end).ok_or_else(truncated)?;
    let (&operation, rest) = head.split_first().ok_or_else(truncated)?;
    if operation != CALL {
        return Err(UnwrapError::MultiSendOperation {
            index,
            at,
            operation,
        });
    }
    let (to, words) = rest.split_at_checked(20).ok_or_else(truncated)?;
    let to = Address::from_slice(to);
    if to.is_zero() {
        return Err(UnwrapError::MultiSendZeroTarget { index, at });
    }
    let value = read_word(words, 0).ok_or_else(truncated)?;
    let len = read_word(words, 32)
        .and_then(|len| usize::try_from(len).ok())
        .ok_or_else(truncated)?;
    let end = head_end.checked_add(len).ok_or_else(truncated)?;
    let data = packed.get(head_end..end).ok_or_else(truncated)?;
    Ok((Call { to, value, data }, end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::hex;

    #[test]
    fn selectors_match_the_published_ones() {
        assert_eq!(executeUserOpCall::SELECTOR, hex!("7bb37428"));
        assert_eq!(executeUserOpWithErrorStringCall::SELECTOR, hex!("541d63c8"));
        assert_eq!(multiSendCall::SELECTOR, hex!("8d80ff0a"));
    }

    #[test]
    fn a_short_tail_is_ignored_as_multisend_ignores_it() {
        let mut packed = [0u8; TX_HEAD].to_vec();
        packed[20] = 9; // last byte of `to`
        let entry = packed.clone();
        packed.extend_from_slice(&[0xff; 32]);
        let calls = transactions(&packed).unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].to, Address::with_last_byte(9));
        packed.push(0);
        assert_eq!(
            transactions(&packed),
            Err(UnwrapError::MultiSendTruncated {
                index: 1,
                at: entry.len(),
                len: entry.len() + 33
            })
        );
    }
}
