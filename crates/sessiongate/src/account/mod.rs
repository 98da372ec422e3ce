//! Unwrapping a smart account's own calldata (its `execute` entry points) into the calls it would
//! make, so a session's rules can judge each of them.
//!
//! ERC-7579 calldata is read exactly as the Smart Sessions module reads it on chain, aliased
//! pointers included; the other accounts' execute functions are plain Solidity functions and are
//! decoded with alloy's ABI decoder and Solidity's value checks. A Safe delegatecall is unwrapped
//! only into a known MultiSend deployment whose transactions are all calls. The checks that need
//! the account address (no `execute` on the account itself, no call to `address(1)`) are the
//! caller's.

mod abi;
pub(crate) mod erc7579;
pub(crate) mod packed_op;
mod safe;

use crate::call::Call;
use crate::calldata::Selector;
use alloc::{borrow::Cow, vec::Vec};
use alloy_primitives::Address;
use core::fmt;
use core::str::FromStr;
use serde::{Deserialize, Serialize};

/// The execute encoding of a smart account family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum AccountKind {
    /// ERC-7579 `execute(bytes32 mode, bytes executionCalldata)`, as Smart Sessions decodes it.
    Erc7579,
    /// eth-infinitism SimpleAccount v0.6, v0.7 and v0.8.
    SimpleAccount,
    /// Biconomy Smart Account v2.
    Biconomy,
    /// Coinbase Smart Wallet.
    Coinbase,
    /// thirdweb's EIP-7702 MinimalAccount.
    Thirdweb,
    /// Safe through the Safe4337Module.
    Safe,
}

impl AccountKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 6] = [
        Self::Erc7579,
        Self::SimpleAccount,
        Self::Biconomy,
        Self::Coinbase,
        Self::Thirdweb,
        Self::Safe,
    ];

    /// The kind's name as serde and [`FromStr`] spell it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Erc7579 => "erc7579",
            Self::SimpleAccount => "simple-account",
            Self::Biconomy => "biconomy",
            Self::Coinbase => "coinbase",
            Self::Thirdweb => "thirdweb",
            Self::Safe => "safe",
        }
    }
}

impl fmt::Display for AccountKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not an [`AccountKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown account kind: expected one of erc7579, simple-account, biconomy, coinbase, thirdweb, safe"
)]
pub struct ParseAccountKindError;

impl FromStr for AccountKind {
    type Err = ParseAccountKindError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.name() == text)
            .ok_or(ParseAccountKindError)
    }
}

/// What an account's calldata does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unwrapped<'a> {
    /// The executions the account would make, in order (a single execute is a batch of one).
    /// Their data borrows from the input calldata.
    Calls(Vec<Call<'a>>),
    /// A function on the account itself that is not an execute (e.g. installModule): the caller
    /// decides.
    AccountCall(Selector),
}

/// Why account calldata could not be unwrapped. Offsets (`at`) are byte positions in the account
/// calldata, selector included, unless the message names another buffer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnwrapError {
    /// Fewer than 4 bytes: no selector.
    #[error("calldata is {len} bytes, too short for a selector")]
    NoSelector {
        /// The calldata length.
        len: usize,
    },
    /// ERC-4337 `executeUserOp`, which Smart Sessions refuses.
    #[error("executeUserOp (0x8dd7712f) is an unsupported execution type")]
    ExecuteUserOp,
    /// ERC-7579 `execute` shorter than its head (mode word and offset word).
    #[error("execute calldata is {len} bytes, shorter than the {needed} its head needs")]
    ExecuteTooShort {
        /// The calldata length.
        len: usize,
        /// The minimum length.
        needed: usize,
    },
    /// An ERC-7579 mode with a non-default exec type (0x01 is "try").
    #[error("exec type {exec_type:#04x} is unsupported: only 0x00 (revert on failure) is")]
    UnsupportedExecType {
        /// Byte 1 of the mode word.
        exec_type: u8,
    },
    /// An ERC-7579 mode whose call type is not single (0x00) or batch (0x01).
    #[error("call type {call_type:#04x} ({}) is unsupported: only single (0x00) and batch (0x01) are", call_type_name(*call_type))]
    UnsupportedCallType {
        /// Byte 0 of the mode word.
        call_type: u8,
    },
    /// A word that Solidity reads as an offset or length is 2^64 or more.
    #[error("{field} at byte {at} is 2^64 or more")]
    WordTooLarge {
        /// What the word is.
        field: Cow<'static, str>,
        /// Where it starts.
        at: usize,
    },
    /// A part of the encoding reaches past the end of its data.
    #[error("{field} at byte {at} runs past byte {end}, where its data ends")]
    OutOfBounds {
        /// What the part is.
        field: Cow<'static, str>,
        /// Where it starts.
        at: usize,
        /// Where the data it should fit in ends.
        end: usize,
    },
    /// An ERC-7579 single execution shorter than target (20 bytes) and value (32 bytes).
    #[error("single execution at byte {at} is {len} bytes, shorter than 52 (target and value)")]
    SingleTooShort {
        /// Where the execution calldata starts.
        at: usize,
        /// Its length.
        len: usize,
    },
    /// A batch (or multiSend) with no calls: the chain refuses it.
    #[error("the batch has no calls")]
    EmptyBatch,
    /// A batch target word whose upper 12 bytes are not zero.
    #[error("batch item {index}: target word at byte {at} has non-zero upper 12 bytes")]
    DirtyTarget {
        /// Index of the item in the batch.
        index: usize,
        /// Where the target word starts.
        at: usize,
    },
    /// Calldata that is not a valid ABI encoding of the function its selector names.
    #[error("calldata is not a valid ABI encoding of {function}")]
    Abi {
        /// The function's signature.
        function: Cow<'static, str>,
    },
    /// Batch arrays of different lengths.
    #[error(
        "{function}: array lengths differ ({targets} targets, {values} values, {datas} calldatas)"
    )]
    LengthMismatch {
        /// The function's signature.
        function: Cow<'static, str>,
        /// Length of the target array.
        targets: usize,
        /// Length of the value array.
        values: usize,
        /// Length of the calldata array.
        datas: usize,
    },
    /// A Safe operation that is neither call (0) nor delegatecall (1).
    #[error("Safe operation {operation} is neither call (0) nor delegatecall (1)")]
    SafeOperation {
        /// The operation.
        operation: u8,
    },
    /// A Safe delegatecall whose data is not `multiSend(bytes)`.
    #[error("Safe delegatecall is allowed only into multiSend(bytes) (0x8d80ff0a)")]
    DelegateCall,
    /// A Safe delegatecall to an address that is not a known MultiSend deployment.
    #[error("delegatecall target {to} is not a known MultiSend or MultiSendCallOnly deployment")]
    UnknownMultiSend {
        /// The delegatecall target.
        #[serde(with = "crate::wire::Checksummed")]
        to: Address,
    },
    /// A multiSend transaction with operation 1 (delegatecall) or any other than 0 (call).
    #[error(
        "multiSend transaction {index} at byte {at} of transactions: operation {operation} is not call (0)"
    )]
    MultiSendOperation {
        /// Index of the transaction.
        index: usize,
        /// Where it starts in the packed transactions.
        at: usize,
        /// Its operation byte.
        operation: u8,
    },
    /// A multiSend transaction to address zero, which MultiSendCallOnly turns into the account
    /// itself.
    #[error("multiSend transaction {index} at byte {at} of transactions: target is address zero")]
    MultiSendZeroTarget {
        /// Index of the transaction.
        index: usize,
        /// Where it starts in the packed transactions.
        at: usize,
    },
    /// A multiSend transaction that runs past the end of the packed transactions.
    #[error(
        "multiSend transaction {index} at byte {at} of transactions runs past their end ({len} bytes)"
    )]
    MultiSendTruncated {
        /// Index of the transaction.
        index: usize,
        /// Where it starts in the packed transactions.
        at: usize,
        /// Length of the packed transactions.
        len: usize,
    },
    /// A selector shared by account kinds that decode it differently.
    #[error(
        "selector {selector} is {function} of both {first} and {second}, which decode it differently: name the account kind"
    )]
    AmbiguousSelector {
        /// The selector.
        #[cfg_attr(feature = "schema", schemars(with = "crate::wire::Hex"))]
        selector: Selector,
        /// The function's signature.
        function: Cow<'static, str>,
        /// One kind using it.
        first: AccountKind,
        /// Another kind using it.
        second: AccountKind,
    },
    /// A selector of no supported execute function.
    #[error("selector {selector} is no supported execute function; supported: {SUPPORTED}")]
    UnknownSelector {
        /// The selector.
        #[cfg_attr(feature = "schema", schemars(with = "crate::wire::Hex"))]
        selector: Selector,
    },
}

/// The selectors [`detect`] knows, for its error message.
const SUPPORTED: &str = "0xe9ae5c53 execute(bytes32,bytes) [erc7579], \
0xb61d27f6 execute(address,uint256,bytes) [simple-account, biconomy, coinbase], \
0x18dfb3c7 executeBatch(address[],bytes[]) [simple-account v0.6], \
0x47e1da2a executeBatch(address[],uint256[],bytes[]) [simple-account v0.7 or biconomy: ambiguous], \
0x34fcd5be executeBatch((address,uint256,bytes)[]) [coinbase, simple-account v0.8], \
0x0000189a execute_ncC(address,uint256,bytes) [biconomy], \
0x00004680 executeBatch_y6U(address[],uint256[],bytes[]) [biconomy], \
0x3f707e6b execute((address,uint256,bytes)[]) [thirdweb], \
0x7bb37428 executeUserOp(address,uint256,bytes,uint8) [safe], \
0x541d63c8 executeUserOpWithErrorString(address,uint256,bytes,uint8) [safe]";

/// A readable name for an ERC-7579 call type byte.
fn call_type_name(call_type: u8) -> &'static str {
    match call_type {
        0x00 => "single",
        0x01 => "batch",
        0xfe => "static",
        0xff => "delegatecall",
        _ => "unknown",
    }
}

/// Unwraps `calldata` sent to an account of `kind` into the calls it makes, or the selector of an
/// account function that is not an execute.
pub fn unwrap(kind: AccountKind, calldata: &[u8]) -> Result<Unwrapped<'_>, UnwrapError> {
    let selector = selector_of(calldata)?;
    match kind {
        AccountKind::Erc7579 => erc7579::unwrap(selector, calldata),
        AccountKind::Safe => safe::unwrap(selector, calldata),
        abi_kind => abi::unwrap(abi_kind, selector, calldata),
    }
}

/// The encoding family from the selector, when it identifies one; a clear error when it is shared by
/// encodings that decode differently, or unknown.
///
/// `execute(address,uint256,bytes)` (0xb61d27f6) is the same function in SimpleAccount, Biconomy v2
/// and Coinbase: it answers [`AccountKind::SimpleAccount`]. `executeBatch((address,uint256,bytes)[])`
/// is the same in Coinbase and SimpleAccount v0.8: it answers [`AccountKind::Coinbase`].
/// `executeBatch(address[],uint256[],bytes[])` is ambiguous: SimpleAccount v0.7 reads an empty value
/// array as all zero values, Biconomy reverts.
pub fn detect(calldata: &[u8]) -> Result<AccountKind, UnwrapError> {
    let selector = selector_of(calldata)?;
    if selector == erc7579::EXECUTE {
        return Ok(AccountKind::Erc7579);
    }
    if selector == erc7579::EXECUTE_USER_OP {
        return Err(UnwrapError::ExecuteUserOp);
    }
    if safe::is_execute(selector) {
        return Ok(AccountKind::Safe);
    }
    abi::detect(selector)
}

/// Whether `selector` is an execute entry point (or `executeUserOp`) of any supported account
/// kind: a call with it to the account itself makes further calls.
pub(crate) fn is_execute(selector: Selector) -> bool {
    !matches!(
        detect(selector.as_slice()),
        Err(UnwrapError::UnknownSelector { .. } | UnwrapError::NoSelector { .. })
    )
}

/// The first four bytes of `calldata`.
fn selector_of(calldata: &[u8]) -> Result<Selector, UnwrapError> {
    calldata
        .get(..4)
        .map(Selector::from_slice)
        .ok_or(UnwrapError::NoSelector {
            len: calldata.len(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_sol_types::SolCall;

    #[test]
    fn supported_list_names_every_selector_with_its_signature() {
        let mut known = abi::known().to_vec();
        known.push((erc7579::EXECUTE.0, erc7579::executeCall::SIGNATURE));
        known.push((
            safe::executeUserOpCall::SELECTOR,
            safe::executeUserOpCall::SIGNATURE,
        ));
        known.push((
            safe::executeUserOpWithErrorStringCall::SELECTOR,
            safe::executeUserOpWithErrorStringCall::SIGNATURE,
        ));
        for (selector, signature) in known {
            let entry = alloc::format!("{} {signature}", Selector::new(selector));
            assert!(SUPPORTED.contains(&entry), "{entry}");
        }
        assert_eq!(SUPPORTED.matches(" [").count(), 10);
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in AccountKind::ALL {
            assert_eq!(kind.to_string().parse::<AccountKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, alloc::format!("\"{kind}\""));
            assert_eq!(serde_json::from_str::<AccountKind>(&json).unwrap(), kind);
        }
        assert_eq!("Safe".parse::<AccountKind>(), Err(ParseAccountKindError));
    }

    #[test]
    fn errors_serialize_with_a_tag() {
        let json =
            serde_json::to_value(UnwrapError::UnsupportedCallType { call_type: 0xff }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "unsupported_call_type", "call_type": 255})
        );
        assert_eq!(
            UnwrapError::UnsupportedCallType { call_type: 0xff }.to_string(),
            "call type 0xff (delegatecall) is unsupported: only single (0x00) and batch (0x01) are"
        );
    }
}
