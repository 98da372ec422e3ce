//! Every account kind's execute entry points, encoded with alloy `sol!` from the accounts' own
//! signatures (not from the crate's decoders), and user operations in their JSON-RPC shapes.

use alloy_primitives::{Address, B256, Bytes, U256, address, hex};
use alloy_sol_types::sol_data::{self, Uint};
use alloy_sol_types::{SolCall, SolType, SolValue};
use serde_json::{Map, Value, json};
use sessiongate::account::{AccountKind, Unwrapped};

use super::abi::biconomy_v2::{execute_ncCCall, executeBatch_y6UCall};
use super::abi::safe::{executeUserOpCall, executeUserOpWithErrorStringCall, multiSendCall};
use super::abi::{arrays, erc7579, single, structs, v06};

/// MultiSendCallOnly 1.4.1, canonical deployment (safe-global/safe-deployments).
pub(crate) const MULTI_SEND_CALL_ONLY: Address =
    address!("9641d764fc13c8B624c04430C7356C1C7C8102e2");

/// A call with owned data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Owned {
    pub to: Address,
    pub value: U256,
    pub data: Vec<u8>,
}

/// The calls an unwrap result holds, owned; panics on anything else.
pub fn owned(unwrapped: Unwrapped<'_>) -> Vec<Owned> {
    match unwrapped {
        Unwrapped::Calls(calls) => calls
            .into_iter()
            .map(|c| Owned {
                to: c.to,
                value: c.value,
                data: c.data.to_vec(),
            })
            .collect(),
        other => panic!("expected calls, got {other:?}"),
    }
}

/// One execute entry point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Function {
    /// ERC-7579 `execute(mode = single, target ‖ value ‖ callData)`.
    Erc7579Single,
    /// ERC-7579 `execute(mode = batch, abi.encode(Execution[]))`.
    Erc7579Batch,
    /// `execute(address,uint256,bytes)`: SimpleAccount, Biconomy v2, Coinbase.
    Execute,
    /// Biconomy v2 `execute_ncC(address,uint256,bytes)`.
    ExecuteNcc,
    /// SimpleAccount v0.6 `executeBatch(address[],bytes[])`: values are zero.
    BatchV06,
    /// `executeBatch(address[],uint256[],bytes[])`: SimpleAccount v0.7, Biconomy v2.
    BatchArrays,
    /// SimpleAccount v0.7 `executeBatch` with an empty value array: values are zero.
    BatchArraysNoValues,
    /// Biconomy v2 `executeBatch_y6U(address[],uint256[],bytes[])`.
    BatchY6u,
    /// `executeBatch((address,uint256,bytes)[])`: Coinbase, SimpleAccount v0.8.
    BatchCalls,
    /// thirdweb MinimalAccount `execute((address,uint256,bytes)[])`.
    ThirdwebExecute,
    /// Safe4337Module `executeUserOp(to, value, data, 0)`.
    SafeCall,
    /// Safe4337Module `executeUserOpWithErrorString(to, value, data, 0)`.
    SafeCallWithErrorString,
    /// Safe4337Module `executeUserOp(MultiSendCallOnly, 0, multiSend(packed), 1)`.
    SafeMultiSend,
}

impl Function {
    /// Every function, in the order of [`Function::of`] over [`AccountKind::ALL`].
    pub(crate) const ALL: [Self; 13] = [
        Self::Erc7579Single,
        Self::Erc7579Batch,
        Self::Execute,
        Self::ExecuteNcc,
        Self::BatchV06,
        Self::BatchArrays,
        Self::BatchArraysNoValues,
        Self::BatchY6u,
        Self::BatchCalls,
        Self::ThirdwebExecute,
        Self::SafeCall,
        Self::SafeCallWithErrorString,
        Self::SafeMultiSend,
    ];

    /// The execute functions an account of `kind` has.
    pub(crate) fn of(kind: AccountKind) -> &'static [Self] {
        match kind {
            AccountKind::Erc7579 => &[Self::Erc7579Single, Self::Erc7579Batch],
            AccountKind::SimpleAccount => &[
                Self::Execute,
                Self::BatchV06,
                Self::BatchArrays,
                Self::BatchArraysNoValues,
                Self::BatchCalls,
            ],
            AccountKind::Biconomy => &[
                Self::Execute,
                Self::ExecuteNcc,
                Self::BatchArrays,
                Self::BatchY6u,
            ],
            AccountKind::Coinbase => &[Self::Execute, Self::BatchCalls],
            AccountKind::Thirdweb => &[Self::ThirdwebExecute],
            AccountKind::Safe => &[
                Self::SafeCall,
                Self::SafeCallWithErrorString,
                Self::SafeMultiSend,
            ],
        }
    }

    /// How the function reads in a note.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Erc7579Single => "execute(single, target ‖ value ‖ callData)",
            Self::Erc7579Batch => "execute(batch, abi.encode(Execution[]))",
            Self::Execute => "execute(address,uint256,bytes)",
            Self::ExecuteNcc => "execute_ncC(address,uint256,bytes)",
            Self::BatchV06 => "executeBatch(address[],bytes[])",
            Self::BatchArrays => "executeBatch(address[],uint256[],bytes[])",
            Self::BatchArraysNoValues => "executeBatch(address[],uint256[] = [],bytes[])",
            Self::BatchY6u => "executeBatch_y6U(address[],uint256[],bytes[])",
            Self::BatchCalls => "executeBatch((address,uint256,bytes)[])",
            Self::ThirdwebExecute => "execute((address,uint256,bytes)[])",
            Self::SafeCall => "executeUserOp(to, value, data, call)",
            Self::SafeCallWithErrorString => "executeUserOpWithErrorString(to, value, data, call)",
            Self::SafeMultiSend => {
                "executeUserOp(MultiSendCallOnly, 0, multiSend(…), delegatecall)"
            }
        }
    }

    /// The Solidity signature the decoder names in its errors.
    pub(crate) fn signature(self) -> &'static str {
        match self {
            Self::Erc7579Single | Self::Erc7579Batch => erc7579::executeCall::SIGNATURE,
            Self::Execute => single::executeCall::SIGNATURE,
            Self::ExecuteNcc => execute_ncCCall::SIGNATURE,
            Self::BatchV06 => v06::executeBatchCall::SIGNATURE,
            Self::BatchArrays | Self::BatchArraysNoValues => arrays::executeBatchCall::SIGNATURE,
            Self::BatchY6u => executeBatch_y6UCall::SIGNATURE,
            Self::BatchCalls => structs::executeBatchCall::SIGNATURE,
            Self::ThirdwebExecute => structs::executeCall::SIGNATURE,
            Self::SafeCall | Self::SafeMultiSend => executeUserOpCall::SIGNATURE,
            Self::SafeCallWithErrorString => executeUserOpWithErrorStringCall::SIGNATURE,
        }
    }

    /// Whether the function takes any number of calls (else exactly one).
    pub(crate) fn is_batch(self) -> bool {
        !matches!(
            self,
            Self::Erc7579Single
                | Self::Execute
                | Self::ExecuteNcc
                | Self::SafeCall
                | Self::SafeCallWithErrorString
        )
    }

    /// Whether the function carries no values, so every call's value is zero.
    pub(crate) fn zero_values(self) -> bool {
        matches!(self, Self::BatchV06 | Self::BatchArraysNoValues)
    }

    /// The account calldata making `calls` (the first only, for a single function; values are
    /// dropped where the function has none).
    pub(crate) fn encode(self, calls: &[Owned]) -> Vec<u8> {
        let first = || calls.first().expect("a single execute needs a call");
        match self {
            Self::Erc7579Single => erc7579_execute(0x00, 0x00, packed_single(first())),
            Self::Erc7579Batch => erc7579_execute(0x01, 0x00, executions(calls)),
            Self::Execute => {
                let c = first();
                single::executeCall::new((c.to, c.value, bytes(&c.data))).abi_encode()
            }
            Self::ExecuteNcc => {
                let c = first();
                execute_ncCCall::new((c.to, c.value, bytes(&c.data))).abi_encode()
            }
            Self::BatchV06 => {
                v06::executeBatchCall::new((targets(calls), datas(calls))).abi_encode()
            }
            Self::BatchArrays => {
                arrays::executeBatchCall::new((targets(calls), values(calls), datas(calls)))
                    .abi_encode()
            }
            Self::BatchArraysNoValues => {
                arrays::executeBatchCall::new((targets(calls), vec![], datas(calls))).abi_encode()
            }
            Self::BatchY6u => {
                executeBatch_y6UCall::new((targets(calls), values(calls), datas(calls)))
                    .abi_encode()
            }
            Self::BatchCalls => structs::executeBatchCall::new((structs(calls),)).abi_encode(),
            Self::ThirdwebExecute => structs::executeCall::new((structs(calls),)).abi_encode(),
            Self::SafeCall => {
                let c = first();
                executeUserOpCall::new((c.to, c.value, bytes(&c.data), 0)).abi_encode()
            }
            Self::SafeCallWithErrorString => {
                let c = first();
                executeUserOpWithErrorStringCall::new((c.to, c.value, bytes(&c.data), 0))
                    .abi_encode()
            }
            Self::SafeMultiSend => safe_delegatecall(
                MULTI_SEND_CALL_ONLY,
                multi_send(&packed_transactions(calls, 0)),
            ),
        }
    }

    /// The calls the account makes for `calls`: the first only for a single function, values
    /// zero where the function has none.
    pub(crate) fn made(self, calls: &[Owned]) -> Vec<Owned> {
        let taken = if self.is_batch() { calls } else { &calls[..1] };
        taken
            .iter()
            .map(|c| Owned {
                value: if self.zero_values() {
                    U256::ZERO
                } else {
                    c.value
                },
                ..c.clone()
            })
            .collect()
    }
}

fn bytes(data: &[u8]) -> Bytes {
    Bytes::copy_from_slice(data)
}
/// The calls' targets, values and data, as parallel arrays.
pub fn targets(calls: &[Owned]) -> Vec<Address> {
    calls.iter().map(|c| c.to).collect()
}
pub fn values(calls: &[Owned]) -> Vec<U256> {
    calls.iter().map(|c| c.value).collect()
}
pub fn datas(calls: &[Owned]) -> Vec<Bytes> {
    calls.iter().map(|c| bytes(&c.data)).collect()
}
fn structs(calls: &[Owned]) -> Vec<structs::Call> {
    calls
        .iter()
        .map(|c| structs::Call {
            target: c.to,
            value: c.value,
            data: bytes(&c.data),
        })
        .collect()
}

/// The ERC-7579 mode word: byte 0 the call type, byte 1 the exec type.
pub(crate) fn mode(call_type: u8, exec_type: u8) -> B256 {
    let mut word = B256::ZERO;
    word.0[0] = call_type;
    word.0[1] = exec_type;
    word
}

/// ERC-7579 `execute(mode, executionCalldata)`.
pub(crate) fn erc7579_execute(call_type: u8, exec_type: u8, execution: Vec<u8>) -> Vec<u8> {
    erc7579::executeCall::new((mode(call_type, exec_type), execution.into())).abi_encode()
}

/// `abi.encodePacked(target, value, callData)`: ExecutionLib's single execution.
pub(crate) fn packed_single(call: &Owned) -> Vec<u8> {
    (call.to, call.value, bytes(&call.data)).abi_encode_packed()
}

/// `abi.encode(Execution[])`: ExecutionLib's batch.
pub(crate) fn executions(calls: &[Owned]) -> Vec<u8> {
    calls
        .iter()
        .map(|c| erc7579::Execution {
            target: c.to,
            value: c.value,
            callData: bytes(&c.data),
        })
        .collect::<Vec<_>>()
        .abi_encode()
}

/// MultiSend's transactions: `abi.encodePacked(uint8 operation, address to, uint256 value,
/// uint256 dataLength, bytes data)` each.
pub(crate) fn packed_transactions(calls: &[Owned], operation: u8) -> Vec<u8> {
    calls
        .iter()
        .flat_map(|c| packed_transaction(operation, c, c.data.len()))
        .collect()
}

/// One MultiSend transaction whose length field says `len` (the data's own length when honest).
pub(crate) fn packed_transaction(operation: u8, call: &Owned, len: usize) -> Vec<u8> {
    <(
        Uint<8>,
        sol_data::Address,
        Uint<256>,
        Uint<256>,
        sol_data::Bytes,
    )>::abi_encode_packed(&(
        operation,
        call.to,
        call.value,
        U256::from(len),
        bytes(&call.data),
    ))
}

/// `multiSend(transactions)`.
pub(crate) fn multi_send(transactions: &[u8]) -> Vec<u8> {
    multiSendCall::new((bytes(transactions),)).abi_encode()
}

/// Safe4337Module `executeUserOp(to, 0, data, delegatecall)`.
pub(crate) fn safe_delegatecall(to: Address, data: Vec<u8>) -> Vec<u8> {
    executeUserOpCall::new((to, U256::ZERO, data.into(), 1)).abi_encode()
}

/// Safe4337Module `executeUserOp(to, value, data, operation)` with any operation.
pub(crate) fn safe_operation(call: &Owned, operation: u8) -> Vec<u8> {
    executeUserOpCall::new((call.to, call.value, bytes(&call.data), operation)).abi_encode()
}

/// SimpleAccount v0.6 `executeBatch(dest, func)` with arrays of any lengths.
pub(crate) fn batch_v06_raw(dest: Vec<Address>, func: Vec<Bytes>) -> Vec<u8> {
    v06::executeBatchCall::new((dest, func)).abi_encode()
}

/// `executeBatch(dest, value, func)` with arrays of any lengths.
pub(crate) fn batch_arrays_raw(dest: Vec<Address>, value: Vec<U256>, func: Vec<Bytes>) -> Vec<u8> {
    arrays::executeBatchCall::new((dest, value, func)).abi_encode()
}

/// Biconomy `executeBatch_y6U(dest, value, func)` with arrays of any lengths.
pub(crate) fn batch_y6u_raw(dest: Vec<Address>, value: Vec<U256>, func: Vec<Bytes>) -> Vec<u8> {
    executeBatch_y6UCall::new((dest, value, func)).abi_encode()
}

// ---- user operations ----------------------------------------------------------------------

/// The gas fields and paymaster of a user operation, in numbers.
#[derive(Clone, Debug)]
pub(crate) struct Gas {
    pub call: u64,
    pub verification: u64,
    pub pre_verification: u64,
    pub max_fee: u64,
    pub max_priority_fee: u64,
    /// Paymaster, its verification and postOp gas (v0.7), its data.
    pub paymaster: Option<(Address, u64, u64, Vec<u8>)>,
}

impl Default for Gas {
    fn default() -> Self {
        Self {
            call: 100_000,
            verification: 150_000,
            pre_verification: 50_000,
            max_fee: 2_000_000_000,
            max_priority_fee: 1_000_000_000,
            paymaster: None,
        }
    }
}

fn quantity(n: u64) -> Value {
    Value::String(format!("{n:#x}"))
}

fn hex_value(data: &[u8]) -> Value {
    Value::String(hex::encode_prefixed(data))
}

/// A dummy 65-byte ECDSA signature, as wallets send for gas estimation.
fn dummy_signature() -> Value {
    let mut sig = [0xff_u8; 65];
    sig[64] = 0x1c;
    hex_value(&sig)
}

/// The fields both shapes share.
fn common(sender: Address, nonce: u64, call_data: &[u8], gas: &Gas) -> Map<String, Value> {
    let mut op = Map::new();
    op.insert("sender".into(), json!(sender));
    op.insert("nonce".into(), quantity(nonce));
    op.insert("callData".into(), hex_value(call_data));
    op.insert("callGasLimit".into(), quantity(gas.call));
    op.insert("verificationGasLimit".into(), quantity(gas.verification));
    op.insert("preVerificationGas".into(), quantity(gas.pre_verification));
    op.insert("maxFeePerGas".into(), quantity(gas.max_fee));
    op.insert(
        "maxPriorityFeePerGas".into(),
        quantity(gas.max_priority_fee),
    );
    op
}

/// An EntryPoint v0.6 user operation as `eth_sendUserOperation` takes it.
pub(crate) fn user_op_v06(sender: Address, nonce: u64, call_data: &[u8], gas: &Gas) -> Value {
    let mut op = common(sender, nonce, call_data, gas);
    op.insert("initCode".into(), hex_value(&[]));
    let paymaster_and_data = match &gas.paymaster {
        Some((paymaster, _, _, data)) => [paymaster.as_slice(), data].concat(),
        None => Vec::new(),
    };
    op.insert("paymasterAndData".into(), hex_value(&paymaster_and_data));
    op.insert("signature".into(), dummy_signature());
    Value::Object(op)
}

/// An EntryPoint v0.7 (and v0.8) user operation as `eth_sendUserOperation` takes it.
pub(crate) fn user_op_v07(sender: Address, nonce: u64, call_data: &[u8], gas: &Gas) -> Value {
    let mut op = common(sender, nonce, call_data, gas);
    if let Some((paymaster, verification, post_op, data)) = &gas.paymaster {
        op.insert("paymaster".into(), json!(paymaster));
        op.insert(
            "paymasterVerificationGasLimit".into(),
            quantity(*verification),
        );
        op.insert("paymasterPostOpGasLimit".into(), quantity(*post_op));
        op.insert("paymasterData".into(), hex_value(data));
    }
    op.insert("signature".into(), dummy_signature());
    Value::Object(op)
}
