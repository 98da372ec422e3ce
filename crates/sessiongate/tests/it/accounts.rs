//! Unwrapping account calldata: every kind's execute functions round-trip calls encoded with alloy,
//! malformed encodings give their specific error, ERC-7579 batches follow solady's bounds (aliased
//! pointers included), and no input panics.

use crate::common::abi::biconomy_v2::executeBatch_y6UCall;
use crate::common::abi::erc20::transferCall;
use crate::common::abi::erc7579::installModuleCall;
use crate::common::abi::safe::{
    executeUserOpCall, executeUserOpWithErrorStringCall, multiSendCall,
};
use crate::common::abi::{account_execute, arrays, v06};
use crate::common::account_encoding::{
    Function, MULTI_SEND_CALL_ONLY, Owned, datas, erc7579_execute, executions, multi_send, owned,
    packed_single, packed_transactions, targets, values,
};
use crate::common::{set_word, two_pow};
use alloy_primitives::{Address, B256, Bytes, U256, address};
use alloy_sol_types::SolCall;
use proptest::prelude::*;
use sessiongate::account::{AccountKind, UnwrapError, Unwrapped, detect, unwrap};

fn sample() -> Vec<Owned> {
    let transfer = transferCall {
        to: address!("1111111111111111111111111111111111111111"),
        amount: U256::from(5),
    };
    vec![
        Owned {
            to: address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"),
            value: U256::ZERO,
            data: transfer.abi_encode(),
        },
        Owned {
            to: address!("4444444444444444444444444444444444444444"),
            value: U256::from(10).pow(U256::from(18)),
            data: vec![],
        },
        Owned {
            to: address!("c0ffee254729296a45a3885639ac7e10f9d54979"),
            value: U256::MAX,
            data: vec![0xde, 0xad, 0xbe],
        },
    ]
}

// ---- encoders ------------------------------------------------------------------------------

fn erc7579_single(calls: &[Owned]) -> Vec<u8> {
    Function::Erc7579Single.encode(calls)
}

fn erc7579_batch(calls: &[Owned]) -> Vec<u8> {
    Function::Erc7579Batch.encode(calls)
}

fn single_execute(calls: &[Owned]) -> Vec<u8> {
    Function::Execute.encode(calls)
}

fn biconomy_ncc(calls: &[Owned]) -> Vec<u8> {
    Function::ExecuteNcc.encode(calls)
}

fn batch_v06(calls: &[Owned]) -> Vec<u8> {
    Function::BatchV06.encode(calls)
}

fn batch_arrays(calls: &[Owned]) -> Vec<u8> {
    Function::BatchArrays.encode(calls)
}

fn batch_arrays_no_values(calls: &[Owned]) -> Vec<u8> {
    Function::BatchArraysNoValues.encode(calls)
}

fn batch_y6u(calls: &[Owned]) -> Vec<u8> {
    Function::BatchY6u.encode(calls)
}

fn batch_structs(calls: &[Owned]) -> Vec<u8> {
    Function::BatchCalls.encode(calls)
}

fn thirdweb_execute(calls: &[Owned]) -> Vec<u8> {
    Function::ThirdwebExecute.encode(calls)
}

fn safe_call(calls: &[Owned]) -> Vec<u8> {
    Function::SafeCall.encode(calls)
}

/// Safe4337Module `executeUserOpWithErrorString(to, 0, data, delegatecall)`: the multiSend of
/// the shared encodings goes through `executeUserOp`, this one through its twin.
fn safe_delegatecall(to: Address, data: Vec<u8>) -> Vec<u8> {
    executeUserOpWithErrorStringCall {
        to,
        value: U256::ZERO,
        data: data.into(),
        operation: 1,
    }
    .abi_encode()
}

fn safe_multisend(calls: &[Owned]) -> Vec<u8> {
    safe_delegatecall(
        MULTI_SEND_CALL_ONLY,
        multi_send(&packed_transactions(calls, 0)),
    )
}

type Encoder = fn(&[Owned]) -> Vec<u8>;

/// Every execute function of every kind: (kind, name, takes a batch, zero values only, encoder).
const FUNCTIONS: &[(AccountKind, &str, bool, bool, Encoder)] = &[
    (AccountKind::Erc7579, "single", false, false, erc7579_single),
    (AccountKind::Erc7579, "batch", true, false, erc7579_batch),
    (
        AccountKind::SimpleAccount,
        "execute",
        false,
        false,
        single_execute,
    ),
    (
        AccountKind::SimpleAccount,
        "executeBatch v0.6",
        true,
        true,
        batch_v06,
    ),
    (
        AccountKind::SimpleAccount,
        "executeBatch v0.7",
        true,
        false,
        batch_arrays,
    ),
    (
        AccountKind::SimpleAccount,
        "executeBatch v0.7 no values",
        true,
        true,
        batch_arrays_no_values,
    ),
    (
        AccountKind::SimpleAccount,
        "executeBatch v0.8",
        true,
        false,
        batch_structs,
    ),
    (
        AccountKind::Biconomy,
        "execute",
        false,
        false,
        single_execute,
    ),
    (
        AccountKind::Biconomy,
        "execute_ncC",
        false,
        false,
        biconomy_ncc,
    ),
    (
        AccountKind::Biconomy,
        "executeBatch",
        true,
        false,
        batch_arrays,
    ),
    (
        AccountKind::Biconomy,
        "executeBatch_y6U",
        true,
        false,
        batch_y6u,
    ),
    (
        AccountKind::Coinbase,
        "execute",
        false,
        false,
        single_execute,
    ),
    (
        AccountKind::Coinbase,
        "executeBatch",
        true,
        false,
        batch_structs,
    ),
    (
        AccountKind::Thirdweb,
        "execute",
        true,
        false,
        thirdweb_execute,
    ),
    (
        AccountKind::Safe,
        "executeUserOp call",
        false,
        false,
        safe_call,
    ),
    (AccountKind::Safe, "multiSend", true, false, safe_multisend),
];

/// What `calls` become when encoded by a function: the first one for a single execute, values
/// zeroed where the function carries none.
fn expected(calls: &[Owned], batch: bool, zero_values: bool) -> Vec<Owned> {
    let calls = if batch { calls } else { &calls[..1] };
    calls
        .iter()
        .map(|c| Owned {
            value: if zero_values { U256::ZERO } else { c.value },
            ..c.clone()
        })
        .collect()
}

// ---- round trips ---------------------------------------------------------------------------

#[test]
fn every_execute_function_round_trips() {
    let calls = sample();
    for &(kind, name, batch, zero, encode) in FUNCTIONS {
        let calldata = encode(&calls);
        let got = owned(unwrap(kind, &calldata).unwrap_or_else(|e| panic!("{kind} {name}: {e}")));
        assert_eq!(got, expected(&calls, batch, zero), "{kind} {name}");
    }
}

#[test]
fn unwrapped_data_borrows_from_the_input() {
    let calls = sample();
    for &(kind, name, _, _, encode) in FUNCTIONS {
        let calldata = encode(&calls);
        let range = calldata.as_ptr_range();
        let Ok(Unwrapped::Calls(unwrapped)) = unwrap(kind, &calldata) else {
            panic!("{kind} {name}")
        };
        for call in unwrapped.iter().filter(|c| !c.data.is_empty()) {
            assert!(range.contains(&call.data.as_ptr()), "{kind} {name}");
        }
    }
}

#[test]
fn detect_finds_a_kind_that_decodes_each_function() {
    let calls = sample();
    for &(kind, name, batch, zero, encode) in FUNCTIONS {
        let calldata = encode(&calls);
        match detect(&calldata) {
            Ok(found) => assert_eq!(
                owned(unwrap(found, &calldata).unwrap()),
                expected(&calls, batch, zero),
                "{kind} {name} detected as {found}"
            ),
            Err(UnwrapError::AmbiguousSelector { first, second, .. }) => {
                assert_eq!(
                    (first, second),
                    (AccountKind::SimpleAccount, AccountKind::Biconomy)
                );
                assert!(name.starts_with("executeBatch"), "{kind} {name}");
            }
            Err(e) => panic!("{kind} {name}: {e}"),
        }
    }
}

#[test]
fn detect_names_shared_and_unknown_selectors() {
    let calls = sample();
    assert_eq!(
        detect(&single_execute(&calls)),
        Ok(AccountKind::SimpleAccount)
    );
    assert_eq!(detect(&batch_structs(&calls)), Ok(AccountKind::Coinbase));
    assert!(matches!(
        detect(&batch_arrays(&calls)),
        Err(UnwrapError::AmbiguousSelector { .. })
    ));
    let unknown = transferCall {
        to: Address::ZERO,
        amount: U256::ZERO,
    }
    .abi_encode();
    let err = detect(&unknown).unwrap_err();
    assert!(matches!(err, UnwrapError::UnknownSelector { .. }));
    assert!(
        err.to_string()
            .contains("0xe9ae5c53 execute(bytes32,bytes)")
    );
    assert_eq!(
        detect(&[0xe9, 0xae]),
        Err(UnwrapError::NoSelector { len: 2 })
    );
}

#[test]
fn other_selectors_are_account_calls() {
    let install = installModuleCall {
        moduleTypeId: U256::from(1),
        module: Address::with_last_byte(7),
        initData: Bytes::new(),
    }
    .abi_encode();
    for kind in AccountKind::ALL {
        assert_eq!(
            unwrap(kind, &install),
            Ok(Unwrapped::AccountCall(installModuleCall::SELECTOR.into())),
            "{kind}"
        );
        assert_eq!(
            unwrap(kind, &[1, 2, 3]),
            Err(UnwrapError::NoSelector { len: 3 })
        );
    }
    // A bare multiSend is not a Safe execution.
    let bare = multiSendCall {
        transactions: packed_transactions(&sample(), 0).into(),
    }
    .abi_encode();
    assert_eq!(
        unwrap(AccountKind::Safe, &bare),
        Ok(Unwrapped::AccountCall(multiSendCall::SELECTOR.into()))
    );
}

#[test]
fn trailing_bytes_are_ignored() {
    let calls = sample();
    for &(kind, name, batch, zero, encode) in FUNCTIONS {
        let mut calldata = encode(&calls);
        calldata.extend_from_slice(&[0xab; 7]);
        let got = owned(unwrap(kind, &calldata).unwrap_or_else(|e| panic!("{kind} {name}: {e}")));
        assert_eq!(got, expected(&calls, batch, zero), "{kind} {name}");
    }
}

// ---- malformed ERC-7579 --------------------------------------------------------------------

fn err_7579(calldata: &[u8]) -> UnwrapError {
    unwrap(AccountKind::Erc7579, calldata).unwrap_err()
}

/// Where the executionCalldata bytes start in an `execute` encoded by alloy.
const EXECUTION_AT: usize = 4 + 32 + 32 + 32;

#[test]
fn execute_user_op_is_unsupported() {
    let calldata = account_execute::executeUserOpCall {
        userOp: account_execute::PackedUserOperation {
            sender: Address::with_last_byte(1),
            nonce: U256::ZERO,
            initCode: Bytes::new(),
            callData: erc7579_single(&sample()).into(),
            accountGasLimits: B256::ZERO,
            preVerificationGas: U256::ZERO,
            gasFees: B256::ZERO,
            paymasterAndData: Bytes::new(),
            signature: Bytes::new(),
        },
        userOpHash: B256::ZERO,
    }
    .abi_encode();
    assert_eq!(calldata[..4], [0x8d, 0xd7, 0x71, 0x2f]);
    assert_eq!(err_7579(&calldata), UnwrapError::ExecuteUserOp);
    assert_eq!(detect(&calldata), Err(UnwrapError::ExecuteUserOp));
}

#[test]
fn execute_head_must_be_68_bytes() {
    let calldata = erc7579_single(&sample());
    assert_eq!(
        err_7579(&calldata[..67]),
        UnwrapError::ExecuteTooShort {
            len: 67,
            needed: 68
        }
    );
}

#[test]
fn only_single_and_batch_with_default_exec_type() {
    let execution = packed_single(&sample()[0]);
    for call_type in [0xfe, 0xff, 0x02, 0x7f] {
        assert_eq!(
            err_7579(&erc7579_execute(call_type, 0, execution.clone())),
            UnwrapError::UnsupportedCallType { call_type }
        );
    }
    assert_eq!(
        err_7579(&erc7579_execute(0x00, 0x01, execution.clone())),
        UnwrapError::UnsupportedExecType { exec_type: 1 }
    );
    // Bytes after the first two of the mode word are ignored.
    let mut calldata = erc7579_execute(0x00, 0x00, execution);
    calldata[4 + 2..4 + 32].fill(0xee);
    assert_eq!(
        owned(unwrap(AccountKind::Erc7579, &calldata).unwrap()),
        sample()[..1]
    );
}

#[test]
fn execution_offset_and_length_are_bounded() {
    let calldata = erc7579_batch(&sample());
    let mut past = calldata.clone();
    set_word(&mut past, 36, U256::from(calldata.len()));
    assert!(matches!(
        err_7579(&past),
        UnwrapError::OutOfBounds { field, ..} if field == "executionCalldata length word"
    ));
    let mut huge = calldata.clone();
    set_word(&mut huge, 36, two_pow(64));
    assert_eq!(
        err_7579(&huge),
        UnwrapError::WordTooLarge {
            field: "executionCalldata offset".into(),
            at: 36
        }
    );
    for len in [two_pow(64), U256::MAX] {
        let mut long = calldata.clone();
        set_word(&mut long, 68, len);
        assert_eq!(
            err_7579(&long),
            UnwrapError::WordTooLarge {
                field: "executionCalldata length".into(),
                at: 68
            }
        );
    }
    let mut long = calldata.clone();
    set_word(&mut long, 68, U256::from(calldata.len()));
    assert!(matches!(
        err_7579(&long),
        UnwrapError::OutOfBounds { field, at: 100, .. } if field == "executionCalldata"
    ));
}

#[test]
fn single_needs_target_and_value() {
    assert_eq!(
        err_7579(&erc7579_execute(0x00, 0x00, vec![1; 51])),
        UnwrapError::SingleTooShort {
            at: EXECUTION_AT,
            len: 51
        }
    );
    let exact = erc7579_execute(0x00, 0x00, vec![1; 52]);
    let calls = owned(unwrap(AccountKind::Erc7579, &exact).unwrap());
    assert_eq!(calls[0].data, Vec::<u8>::new());
}

/// A 7579 batch call with `edit` applied to its executionCalldata.
fn edited_batch(calls: &[Owned], edit: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut execution = executions(calls);
    edit(&mut execution);
    erc7579_execute(0x01, 0x00, execution)
}

#[test]
fn batch_bounds_follow_solady() {
    let calls = sample();
    let short = edited_batch(&calls, |e| e.truncate(16));
    assert!(matches!(
        err_7579(&short),
        UnwrapError::OutOfBounds { field, ..} if field == "batch array offset"
    ));
    for len in [two_pow(64), U256::MAX] {
        let overflow = edited_batch(&calls, |e| set_word(e, 32, len));
        assert_eq!(
            err_7579(&overflow),
            UnwrapError::WordTooLarge {
                field: "batch array length".into(),
                at: EXECUTION_AT + 32
            }
        );
    }
    let long = edited_batch(&calls, |e| set_word(e, 32, U256::from(1000)));
    assert!(matches!(
        err_7579(&long),
        UnwrapError::OutOfBounds { field, ..} if field == "batch pointer table"
    ));
    let far = edited_batch(&calls, |e| set_word(e, 64, U256::from(1u64 << 40)));
    assert!(matches!(
        err_7579(&far),
        UnwrapError::OutOfBounds { field, ..} if field == "batch item"
    ));
    let huge = edited_batch(&calls, |e| set_word(e, 64, two_pow(64)));
    assert_eq!(
        err_7579(&huge),
        UnwrapError::WordTooLarge {
            field: "batch item pointer".into(),
            at: EXECUTION_AT + 64
        }
    );
    let truncated = edited_batch(&calls, |e| e.truncate(e.len() - 31));
    assert!(matches!(
        err_7579(&truncated),
        UnwrapError::OutOfBounds { field, ..} if field == "batch item callData"
    ));
}

#[test]
fn batch_item_lengths_are_bounded() {
    let one = &sample()[..1];
    // One item: pointer table at 64, item head at 96, callData length word at 96 + 96.
    for len in [two_pow(64), U256::MAX] {
        let overflow = edited_batch(one, |e| set_word(e, 192, len));
        assert_eq!(
            err_7579(&overflow),
            UnwrapError::WordTooLarge {
                field: "batch item callData length".into(),
                at: EXECUTION_AT + 192
            }
        );
    }
    let past = edited_batch(one, |e| {
        let len = U256::from(e.len());
        set_word(e, 192, len)
    });
    assert!(matches!(
        err_7579(&past),
        UnwrapError::OutOfBounds { field, ..} if field == "batch item callData"
    ));
    let offset = edited_batch(one, |e| set_word(e, 96 + 64, two_pow(64)));
    assert_eq!(
        err_7579(&offset),
        UnwrapError::WordTooLarge {
            field: "batch item callData offset".into(),
            at: EXECUTION_AT + 160
        }
    );
}

#[test]
fn batch_target_must_be_clean() {
    let dirty = edited_batch(&sample()[..1], |e| e[96] = 1);
    assert_eq!(
        err_7579(&dirty),
        UnwrapError::DirtyTarget {
            index: 0,
            at: EXECUTION_AT + 96
        }
    );
}

#[test]
fn empty_batch_is_refused() {
    assert_eq!(err_7579(&erc7579_batch(&[])), UnwrapError::EmptyBatch);
}

#[test]
fn aliased_batch_pointers_are_accepted_as_the_chain_accepts_them() {
    let calls = sample();
    // Two items: pointers at 64 and 96; point the second at the first item.
    let aliased = edited_batch(&calls[..2], |e| {
        let first = U256::from_be_slice(&e[64..96]);
        set_word(e, 96, first);
    });
    let got = owned(unwrap(AccountKind::Erc7579, &aliased).unwrap());
    assert_eq!(got, vec![calls[0].clone(), calls[0].clone()]);
}

// ---- malformed ABI accounts ----------------------------------------------------------------

#[test]
fn every_batch_function_refuses_an_empty_batch() {
    for &(kind, name, _, _, encode) in FUNCTIONS.iter().filter(|f| f.2) {
        assert_eq!(
            unwrap(kind, &encode(&[])),
            Err(UnwrapError::EmptyBatch),
            "{kind} {name}"
        );
    }
}

#[test]
fn array_lengths_must_agree() {
    let calls = sample();
    let v06 = v06::executeBatchCall {
        dest: targets(&calls),
        func: datas(&calls[..2]),
    }
    .abi_encode();
    assert_eq!(
        unwrap(AccountKind::SimpleAccount, &v06),
        Err(UnwrapError::LengthMismatch {
            function: "executeBatch(address[],bytes[])".into(),
            targets: 3,
            values: 0,
            datas: 2
        })
    );
    let short_values = arrays::executeBatchCall {
        dest: targets(&calls),
        value: values(&calls[..1]),
        func: datas(&calls),
    }
    .abi_encode();
    for kind in [AccountKind::SimpleAccount, AccountKind::Biconomy] {
        assert!(
            matches!(
                unwrap(kind, &short_values),
                Err(UnwrapError::LengthMismatch {
                    targets: 3,
                    values: 1,
                    datas: 3,
                    ..
                })
            ),
            "{kind}"
        );
    }
    // SimpleAccount v0.7 reads no values as zero values; Biconomy reverts.
    let no_values = batch_arrays_no_values(&calls);
    assert!(unwrap(AccountKind::SimpleAccount, &no_values).is_ok());
    assert!(matches!(
        unwrap(AccountKind::Biconomy, &no_values),
        Err(UnwrapError::LengthMismatch { values: 0, .. })
    ));
    let y6u = executeBatch_y6UCall {
        dest: targets(&calls[..2]),
        value: values(&calls),
        func: datas(&calls),
    }
    .abi_encode();
    assert!(matches!(
        unwrap(AccountKind::Biconomy, &y6u),
        Err(UnwrapError::LengthMismatch {
            targets: 2,
            values: 3,
            datas: 3,
            ..
        })
    ));
}

#[test]
fn dirty_and_truncated_abi_is_refused() {
    let calls = sample();
    let mut dirty = single_execute(&calls);
    dirty[4] = 1; // upper byte of the target word
    assert_eq!(
        unwrap(AccountKind::Coinbase, &dirty),
        Err(UnwrapError::Abi {
            function: "execute(address,uint256,bytes)".into()
        })
    );
    let mut dirty = thirdweb_execute(&calls);
    // Head offset, array length, 3 pointers, then the first tuple's target word.
    dirty[4 + 32 * 5] = 1;
    assert!(matches!(
        unwrap(AccountKind::Thirdweb, &dirty),
        Err(UnwrapError::Abi { .. })
    ));
    for &(kind, name, _, _, encode) in FUNCTIONS.iter().filter(|f| f.0 != AccountKind::Erc7579) {
        let calldata = encode(&calls);
        let cut = &calldata[..calldata.len() - 40];
        assert!(unwrap(kind, cut).is_err(), "{kind} {name}");
    }
}

// ---- malformed Safe ------------------------------------------------------------------------

fn safe_err(calldata: &[u8]) -> UnwrapError {
    unwrap(AccountKind::Safe, calldata).unwrap_err()
}

#[test]
fn safe_operation_must_be_call_or_delegatecall() {
    let c = &sample()[0];
    let op2 = executeUserOpCall {
        to: c.to,
        value: c.value,
        data: c.data.clone().into(),
        operation: 2,
    }
    .abi_encode();
    assert_eq!(safe_err(&op2), UnwrapError::SafeOperation { operation: 2 });
    let mut op256 = op2.clone();
    op256[4 + 3 * 32 + 30] = 1; // operation word = 0x0102: not a uint8
    assert_eq!(
        safe_err(&op256),
        UnwrapError::Abi {
            function: "executeUserOp(address,uint256,bytes,uint8)".into()
        }
    );
}

#[test]
fn safe_delegatecall_only_into_a_known_multisend() {
    let calls = sample();
    assert_eq!(
        safe_err(&safe_delegatecall(calls[0].to, calls[0].data.clone())),
        UnwrapError::DelegateCall
    );
    let stranger = Address::with_last_byte(0x55);
    assert_eq!(
        safe_err(&safe_delegatecall(
            stranger,
            multi_send(&packed_transactions(&calls, 0))
        )),
        UnwrapError::UnknownMultiSend { to: stranger }
    );
}

#[test]
fn multisend_transactions_are_calls_that_fit() {
    let calls = sample();
    let send = |packed: Vec<u8>| {
        safe_err(&safe_delegatecall(
            MULTI_SEND_CALL_ONLY,
            multi_send(&packed),
        ))
    };
    let first_len = 85 + calls[0].data.len();
    let mut inner_delegate = packed_transactions(&calls, 0);
    inner_delegate[first_len] = 1;
    assert_eq!(
        send(inner_delegate),
        UnwrapError::MultiSendOperation {
            index: 1,
            at: first_len,
            operation: 1
        }
    );
    let packed = packed_transactions(&calls, 0);
    let len = packed.len();
    assert_eq!(
        send(packed[..len - 1].to_vec()),
        UnwrapError::MultiSendTruncated {
            index: 2,
            at: len - 85 - 3,
            len: len - 1
        }
    );
    let mut overflow = packed_transactions(&calls[..1], 0);
    set_word(&mut overflow, 53, U256::MAX);
    assert!(matches!(
        send(overflow),
        UnwrapError::MultiSendTruncated {
            index: 0,
            at: 0,
            ..
        }
    ));
    let zero = Owned {
        to: Address::ZERO,
        ..calls[0].clone()
    };
    assert_eq!(
        send(packed_transactions(&[zero], 0)),
        UnwrapError::MultiSendZeroTarget { index: 0, at: 0 }
    );
    assert_eq!(send(vec![]), UnwrapError::EmptyBatch);
    assert_eq!(send(vec![0; 32]), UnwrapError::EmptyBatch);
}

// ---- properties ----------------------------------------------------------------------------

fn arb_call() -> impl Strategy<Value = Owned> {
    (
        any::<[u8; 20]>().prop_filter("MultiSend refuses address zero", |a| a != &[0; 20]),
        any::<[u8; 32]>(),
        proptest::collection::vec(any::<u8>(), 0..80),
    )
        .prop_map(|(to, value, data)| Owned {
            to: Address::from(to),
            value: U256::from_be_bytes(value),
            data,
        })
}

fn arb_calls() -> impl Strategy<Value = Vec<Owned>> {
    proptest::collection::vec(arb_call(), 0..5)
}

fn arb_kind() -> impl Strategy<Value = AccountKind> {
    proptest::sample::select(AccountKind::ALL.to_vec())
}

proptest! {
    #[test]
    fn random_calls_round_trip(calls in arb_calls()) {
        for &(kind, name, batch, zero, encode) in FUNCTIONS {
            if !batch && calls.is_empty() {
                continue;
            }
            let calldata = encode(&calls);
            let result = unwrap(kind, &calldata);
            if calls.is_empty() {
                prop_assert_eq!(result, Err(UnwrapError::EmptyBatch), "{} {}", kind, name);
            } else {
                prop_assert_eq!(owned(result.unwrap()), expected(&calls, batch, zero), "{} {}", kind, name);
            }
        }
    }

    #[test]
    fn random_bytes_never_panic(kind in arb_kind(), bytes in proptest::collection::vec(any::<u8>(), 0..400), which in any::<proptest::sample::Index>()) {
        let _ = unwrap(kind, &bytes);
        let _ = detect(&bytes);
        // The same bytes behind a real execute selector, to get past the dispatch.
        let calldata = (FUNCTIONS[which.index(FUNCTIONS.len())].4)(&sample());
        let spliced = [&calldata[..4], &bytes[..]].concat();
        let _ = unwrap(kind, &spliced);
        let _ = detect(&spliced);
    }

    #[test]
    fn mutated_encodings_never_panic(
        calls in arb_calls(),
        which in any::<proptest::sample::Index>(),
        kind in arb_kind(),
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<proptest::sample::Index>(),
    ) {
        let calls = if calls.is_empty() { sample() } else { calls };
        let (own_kind, _, _, _, encode) = FUNCTIONS[which.index(FUNCTIONS.len())];
        let mut calldata = encode(&calls);
        for (at, byte) in edits {
            let at = at.index(calldata.len());
            calldata[at] = byte;
        }
        let _ = unwrap(own_kind, &calldata);
        let _ = unwrap(kind, &calldata);
        let _ = detect(&calldata);
        let cut = cut.index(calldata.len() + 1);
        let _ = unwrap(own_kind, &calldata[..cut]);
        let _ = detect(&calldata[..cut]);
    }

    #[test]
    fn word_sized_mutations_never_panic(
        which in any::<proptest::sample::Index>(),
        word in any::<proptest::sample::Index>(),
        value in prop_oneof![Just(U256::MAX), Just(two_pow(64)), (0u64..4096).prop_map(U256::from)],
    ) {
        let (kind, _, _, _, encode) = FUNCTIONS[which.index(FUNCTIONS.len())];
        let mut calldata = encode(&sample());
        let words = (calldata.len() - 4) / 32;
        let at = 4 + 32 * word.index(words);
        set_word(&mut calldata, at, value);
        let _ = unwrap(kind, &calldata);
    }
}
