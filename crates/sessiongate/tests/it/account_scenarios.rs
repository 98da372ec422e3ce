//! The scenario files in `tests/scenarios/accounts/`: one native session judged through every
//! account kind's execute encoding, detection of the kind from the selector, and user operations
//! of both EntryPoint shapes with paymaster and gas policies (native and Smart Sessions). Every
//! calldata is alloy `sol!` encoding; malformed ones are alloy encodings with one word changed.
//! The CLI fixtures in `crates/sessiongate-cli/tests/fixtures/` come from here too.
//!
//! With `UPDATE_SCENARIOS=1` the files are (re)written; otherwise each committed file must equal
//! what this generator makes, every step must get its expected verdict, and every denied step
//! must be denied for the reason the generator names.

use crate::common::abi::erc20::transferCall;
use crate::common::account_encoding::{
    Function, Gas, MULTI_SEND_CALL_ONLY, Owned, batch_arrays_raw, batch_v06_raw, batch_y6u_raw,
    erc7579_execute, executions, multi_send, packed_single, packed_transaction,
    packed_transactions, safe_delegatecall, safe_operation, user_op_v06, user_op_v07,
};
use crate::common::generated_files::{assert_only, pretty_json, sync};
use crate::common::{repo, two_pow, with_word, word_at};
use alloy_primitives::{Address, Bytes, U256, address};
use alloy_sol_types::SolCall;
use serde_json::{Value, json};
use sessiongate::account::AccountKind;
use sessiongate::document::Quantity;
use sessiongate::transaction::CallDocument;
use sessiongate_scenario::{Expect, Scenario, Step};
use std::path::PathBuf;

const ACCOUNT: Address = address!("acc7000000000000000000000000000000000001");
const USDC: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const PAYEE: Address = address!("9a7e000000000000000000000000000000000002");
const STRANGER: Address = address!("5742000000000000000000000000000000000003");
const PAYMASTER: Address = address!("9a90000000000000000000000000000000000004");
const OTHER_PAYMASTER: Address = address!("9a90000000000000000000000000000000000005");
const NOW: u64 = 1_760_000_000;
/// Transfers the session allows in all, per scenario file.
const LIMIT: u64 = 12;
/// The most ETH a call may send to the payee: 0.1 ETH.
const ETH_MAX: u64 = 100_000_000_000_000_000;
/// The user-op gas caps of the native user-op session.
const MAX_GAS: u64 = 400_000;
const MAX_COST: u64 = 1_000_000_000_000_000;

// ---- the session and the calls --------------------------------------------------------------

/// USDC transfers to the payee of at most 100 each, 12 in all, and ETH to the payee of at most
/// 0.1 ETH a call; `policies` are added at session level.
fn native_session(policies: Vec<Value>) -> Value {
    let mut session = json!({
        "name": "usdc-to-payee",
        "description": "USDC to the payee, at most 100 a transfer and 12 transfers; ETH to the payee, at most 0.1 ETH a call",
        "actions": [
            {
                "name": "usdc-transfer",
                "target": USDC,
                "selector": "transfer(address to, uint256 amount)",
                "rules": [
                    { "param": "to", "condition": "eq", "value": PAYEE },
                    { "param": "amount", "condition": "lte", "value": "100" }
                ],
                "policies": [{ "type": "usage_limit", "limit": LIMIT.to_string() }]
            },
            {
                "name": "eth-to-payee",
                "target": PAYEE,
                "selector": "native",
                "policies": [{ "type": "max_value", "limit": ETH_MAX.to_string() }]
            }
        ]
    });
    if !policies.is_empty() {
        session["policies"] = Value::Array(policies);
    }
    session
}

fn pay_to(to: Address, amount: u64) -> Owned {
    Owned {
        to: USDC,
        value: U256::ZERO,
        data: transferCall::new((to, U256::from(amount))).abi_encode(),
    }
}

fn pay(amount: u64) -> Owned {
    pay_to(PAYEE, amount)
}

fn eth(wei: u64) -> Owned {
    Owned {
        to: PAYEE,
        value: U256::from(wei),
        data: Vec::new(),
    }
}

/// 0.01 ETH to the payee, or 0 when the function carries no values.
fn eth_for(function: Function) -> Owned {
    eth(if function.zero_values() {
        0
    } else {
        ETH_MAX / 10
    })
}

// ---- plans ----------------------------------------------------------------------------------

/// What a step evaluates.
enum Input {
    Call(Owned),
    Account(Vec<u8>),
    UserOp(Value),
}

/// Steps one second apart, the usage of the transfer limit they add up to, and the fragment of
/// the verdict sentence each denied step must contain.
struct Plan {
    steps: Vec<Step>,
    reasons: Vec<Option<String>>,
    used: u64,
    /// Whether notes count transfers against the native session's limit.
    counted: bool,
}

impl Plan {
    fn new() -> Self {
        Self {
            steps: Vec::new(),
            reasons: Vec::new(),
            used: 0,
            counted: true,
        }
    }

    /// A plan for a session without the native transfer limit.
    fn uncounted() -> Self {
        Self {
            counted: false,
            ..Self::new()
        }
    }

    fn push(&mut self, input: Input, expect: Expect, note: String) {
        let mut step = Step {
            now: NOW + self.steps.len() as u64,
            call: None,
            calls: None,
            account_calldata: None,
            user_op: None,
            expect,
            reason: None,
            path: None,
            note: Some(note),
        };
        match input {
            Input::Call(c) => {
                step.call = Some(CallDocument {
                    to: c.to,
                    value: Quantity(c.value),
                    data: c.data.into(),
                    ..CallDocument::default()
                })
            }
            Input::Account(data) => step.account_calldata = Some(data.into()),
            Input::UserOp(op) => step.user_op = Some(op),
        }
        self.steps.push(step);
    }

    /// An allowed step making `transfers` USDC transfers.
    fn allow(&mut self, input: Input, transfers: u64, note: String) {
        self.used += transfers;
        assert!(self.used <= LIMIT, "the plan passes the limit: {note}");
        let note = match self.counted {
            true => format!("{note} (transfers {} of {LIMIT})", self.used),
            false => note,
        };
        self.push(input, Expect::Allow, note);
        self.reasons.push(None);
    }

    /// A denied step whose verdict sentence contains `reason`.
    fn deny(&mut self, input: Input, reason: &str, note: String) {
        self.push(input, Expect::Deny, format!("{note}; denied: {reason}"));
        self.reasons.push(Some(reason.to_owned()));
    }

    fn deny_calldata(&mut self, calldata: Vec<u8>, reason: &str, note: &str) {
        self.deny(Input::Account(calldata), reason, note.to_owned());
    }
}

/// One generated file: its text and the reason each step's verdict must give.
struct Generated {
    name: String,
    text: String,
    reasons: Vec<Option<String>>,
}

fn file(
    name: &str,
    description: &str,
    session: Value,
    kind: Option<AccountKind>,
    plan: Plan,
) -> Generated {
    let mut scenario = Scenario {
        description: description.to_owned(),
        session,
        account: Some(ACCOUNT),
        account_kind: kind,
        chain_id: Some(1),
        steps: plan.steps,
    };
    // Each deny states the kind it gets; `reasons` above checks the sentence agrees.
    scenario.record_reasons().unwrap();
    Generated {
        name: name.to_owned(),
        text: pretty_json(&scenario),
        reasons: plan.reasons,
    }
}

/// The reason of account calldata that cannot be unwrapped.
fn unwrap_reason(detail: &str) -> String {
    format!("the account calldata cannot be unwrapped: {detail}")
}

// ---- one file per account kind --------------------------------------------------------------

/// Allowed single and batch executes through every function of `kind`, a batch with one call
/// over the limit denied and committing nothing, the limit reached, then malformed encodings.
fn kind_file(kind: AccountKind) -> Generated {
    let functions = Function::of(kind);
    let batch = *functions.iter().find(|f| f.is_batch()).unwrap();
    let mut plan = Plan::new();
    for &f in functions.iter().filter(|f| !f.is_batch()) {
        let note = format!("{}: one transfer of 60 to the payee", f.name());
        plan.allow(Input::Account(f.encode(&[pay(60)])), 1, note);
    }
    if functions.iter().all(|f| f.is_batch()) {
        let note = format!(
            "{} with one call: the account's only execute, a transfer of 60",
            batch.name()
        );
        plan.allow(Input::Account(batch.encode(&[pay(60)])), 1, note);
    }
    for &f in functions.iter().filter(|f| f.is_batch()) {
        let calls = [pay(10), eth_for(f)];
        let note = format!(
            "{}: a transfer of 10 and {} wei to the payee",
            f.name(),
            calls[1].value
        );
        plan.allow(Input::Account(f.encode(&calls)), 1, note);
    }
    let used = plan.used;
    plan.deny(
        Input::Account(batch.encode(&[pay(10), pay(101)])),
        "call 1, action `usdc-transfer`, actions[0].rules[1] on `amount`: expected ≤ 100, got 101",
        format!(
            "{}: transfers of 10 and 101; the second is over 100, so the whole batch is denied and commits nothing",
            batch.name()
        ),
    );
    let left = LIMIT - used;
    plan.allow(
        Input::Account(batch.encode(&vec![pay(1); left as usize])),
        left,
        format!(
            "{}: {left} transfers of 1 reach the limit exactly: the counter was still {used}; had the denied batch committed its first transfer, this batch would pass the limit",
            batch.name()
        ),
    );
    plan.deny(
        Input::Account(batch.encode(&[pay(1)])),
        &format!("1 more would pass the limit {LIMIT} ({LIMIT} used, 0 left)"),
        format!("{}: one more transfer of 1", batch.name()),
    );
    plan.deny(
        Input::Account(batch.encode(&[pay_to(STRANGER, 1)])),
        &format!("got {STRANGER}"),
        format!("{}: a transfer to someone else", batch.name()),
    );
    match kind {
        AccountKind::Erc7579 => erc7579_malformed(&mut plan),
        AccountKind::Safe => safe_malformed(&mut plan),
        _ => abi_malformed(kind, batch, &mut plan),
    }
    file(
        &format!("{kind}.json"),
        &format!(
            "a {kind} account: single and batch executes through each of its execute functions are judged call by call against one native session; a batch with one disallowed call is denied whole and commits nothing; malformed encodings deny with the decoder's reason"
        ),
        native_session(vec![]),
        Some(kind),
        plan,
    )
}

/// ERC-7579 `execute`, read as Smart Sessions' `ExecutionLib` reads it. The execution calldata
/// starts at byte 100: selector, mode, offset, length.
fn erc7579_malformed(plan: &mut Plan) {
    let batch = Function::Erc7579Batch.encode(&[pay(1), pay(2)]);
    let len = batch.len();
    plan.deny_calldata(
        batch[..len - 64].to_vec(),
        &unwrap_reason(&format!(
            "executionCalldata at byte 100 runs past byte {}",
            len - 64
        )),
        "a batch cut 64 bytes short: its length word promises more than there is",
    );
    plan.deny_calldata(
        with_word(batch.clone(), 100, U256::from(len)),
        &unwrap_reason("batch array length at byte"),
        "the batch's array offset points past the end of the execution calldata",
    );
    plan.deny_calldata(
        with_word(batch.clone(), 132, two_pow(64)),
        &unwrap_reason("batch array length at byte 132 is 2^64 or more"),
        "a batch length of 2^64: solady's decodeBatch reverts on lengths of 2^64 or more",
    );
    plan.deny_calldata(
        with_word(batch.clone(), 132, U256::MAX),
        &unwrap_reason("batch array length at byte 132 is 2^64 or more"),
        "a batch length of 2^256-1, which would wrap a 256-bit multiplication",
    );
    plan.deny_calldata(
        erc7579_execute(0x01, 0x00, executions(&[])),
        &unwrap_reason("the batch has no calls"),
        "an empty batch: Smart Sessions refuses it",
    );
    let single = packed_single(&pay(1));
    plan.deny_calldata(
        erc7579_execute(0xff, 0x00, single.clone()),
        &unwrap_reason("call type 0xff (delegatecall) is unsupported"),
        "call type delegatecall: it would run foreign code as the account",
    );
    plan.deny_calldata(
        erc7579_execute(0xfe, 0x00, single.clone()),
        &unwrap_reason("call type 0xfe (static) is unsupported"),
        "call type static: Smart Sessions refuses it",
    );
    plan.deny_calldata(
        erc7579_execute(0x00, 0x01, single),
        &unwrap_reason("exec type 0x01 is unsupported"),
        "exec type try: a failed call would not revert the batch, Smart Sessions refuses it",
    );
}

/// Plain Solidity execute functions: every malformed encoding is one Solidity's decoder reverts
/// on, so the reason names the function.
fn abi_malformed(kind: AccountKind, batch: Function, plan: &mut Plan) {
    let calldata = batch.encode(&[pay(1), pay(2)]);
    let invalid = unwrap_reason(&format!(
        "calldata is not a valid ABI encoding of {}",
        batch.signature()
    ));
    let len = calldata.len();
    // The first parameter is an array: its offset is the first head word, its length there.
    let length_at = 4 + word_at(&calldata, 4);
    plan.deny_calldata(
        calldata[..len - 32].to_vec(),
        &invalid,
        "a batch cut 32 bytes short: the last call's data runs past the end",
    );
    plan.deny_calldata(
        with_word(calldata.clone(), 4, U256::from(len)),
        &invalid,
        "the first array's offset points past the end of the calldata",
    );
    plan.deny_calldata(
        with_word(calldata.clone(), length_at, two_pow(64)),
        &invalid,
        "the first array's length is 2^64",
    );
    plan.deny_calldata(
        with_word(calldata, length_at, U256::MAX),
        &invalid,
        "the first array's length is 2^256-1",
    );
    plan.deny_calldata(
        batch.encode(&[]),
        &unwrap_reason("the batch has no calls"),
        "an empty batch",
    );
    if let Some(single) = Function::of(kind).iter().find(|f| !f.is_batch()) {
        let mut dirty = single.encode(&[pay(1)]);
        dirty[4] = 0x01; // the first of the target word's 12 zero bytes
        plan.deny_calldata(
            dirty,
            &unwrap_reason(&format!(
                "calldata is not a valid ABI encoding of {}",
                single.signature()
            )),
            "a target address with a dirty upper byte: Solidity's ABI decoder reverts",
        );
    }
    mismatched_lengths(kind, plan);
}

/// SimpleAccount and Biconomy take parallel arrays, whose lengths must agree as each requires.
fn mismatched_lengths(kind: AccountKind, plan: &mut Plan) {
    let two = || vec![USDC, USDC];
    let data = |n: usize| vec![Bytes::from(pay(1).data); n];
    let arrays = "executeBatch(address[],uint256[],bytes[])";
    match kind {
        AccountKind::SimpleAccount => {
            plan.deny_calldata(
                batch_v06_raw(two(), data(1)),
                &unwrap_reason("executeBatch(address[],bytes[]): array lengths differ (2 targets, 0 values, 1 calldatas)"),
                "v0.6 executeBatch with 2 targets and 1 calldata: require(dest.length == func.length) fails",
            );
            plan.deny_calldata(
                batch_arrays_raw(two(), vec![U256::ZERO], data(2)),
                &unwrap_reason(&format!("{arrays}: array lengths differ (2 targets, 1 values, 2 calldatas)")),
                "v0.7 executeBatch with 1 value for 2 calls: the value array must be empty or as long as the others",
            );
        }
        AccountKind::Biconomy => {
            plan.deny_calldata(
                batch_arrays_raw(two(), vec![], data(2)),
                &unwrap_reason(&format!("{arrays}: array lengths differ (2 targets, 0 values, 2 calldatas)")),
                "executeBatch with an empty value array: SimpleAccount v0.7 reads it as zero values, Biconomy reverts with WrongBatchProvided",
            );
            plan.deny_calldata(
                batch_y6u_raw(two(), vec![U256::ZERO; 2], data(1)),
                &unwrap_reason("executeBatch_y6U(address[],uint256[],bytes[]): array lengths differ (2 targets, 2 values, 1 calldatas)"),
                "executeBatch_y6U with 2 targets and 1 calldata",
            );
        }
        _ => {}
    }
}

/// Safe through the Safe4337Module: a delegatecall is unwrapped only into MultiSend, whose
/// packed transactions must all be calls that fit.
fn safe_malformed(plan: &mut Plan) {
    let calldata = Function::SafeMultiSend.encode(&[pay(1), pay(2)]);
    let invalid = unwrap_reason(
        "calldata is not a valid ABI encoding of executeUserOp(address,uint256,bytes,uint8)",
    );
    let len = calldata.len();
    // executeUserOp(to, value, data, operation): data's offset is the third head word.
    let length_at = 4 + word_at(&calldata, 4 + 64);
    plan.deny_calldata(
        calldata[..len - 32].to_vec(),
        &invalid,
        "a multiSend cut 32 bytes short: the data runs past the end",
    );
    plan.deny_calldata(
        with_word(calldata.clone(), 4 + 64, U256::from(len)),
        &invalid,
        "the data offset points past the end of the calldata",
    );
    plan.deny_calldata(
        with_word(calldata.clone(), length_at, two_pow(64)),
        &invalid,
        "the data length is 2^64",
    );
    plan.deny_calldata(
        with_word(calldata, length_at, U256::MAX),
        &invalid,
        "the data length is 2^256-1",
    );
    plan.deny_calldata(
        safe_delegatecall(MULTI_SEND_CALL_ONLY, multi_send(&[])),
        &unwrap_reason("the batch has no calls"),
        "multiSend with no transactions",
    );
    let first = packed_transactions(&[pay(1)], 0);
    let at = first.len();
    let inner_delegate = [first.clone(), packed_transactions(&[pay(2)], 1)].concat();
    plan.deny_calldata(
        safe_delegatecall(MULTI_SEND_CALL_ONLY, multi_send(&inner_delegate)),
        &unwrap_reason(&format!(
            "multiSend transaction 1 at byte {at} of transactions: operation 1 is not call (0)"
        )),
        "multiSend whose second transaction is a delegatecall (MultiSend would run it; MultiSendCallOnly reverts)",
    );
    let second = pay(2);
    let truncated = [
        first,
        packed_transaction(0, &second, second.data.len() + 100),
    ]
    .concat();
    plan.deny_calldata(
        safe_delegatecall(MULTI_SEND_CALL_ONLY, multi_send(&truncated)),
        &unwrap_reason(&format!(
            "multiSend transaction 1 at byte {at} of transactions runs past their end ({} bytes)",
            truncated.len()
        )),
        "multiSend whose second transaction's length field claims 100 bytes more than there are: MultiSend would read past its input into memory, so this fails closed",
    );
    plan.deny_calldata(
        safe_operation(&pay(1), 2),
        &unwrap_reason("Safe operation 2 is neither call (0) nor delegatecall (1)"),
        "operation 2: the Safe's Enum.Operation has no such value",
    );
    plan.deny_calldata(
        safe_delegatecall(STRANGER, multi_send(&packed_transactions(&[pay(1)], 0))),
        &unwrap_reason(&format!(
            "delegatecall target {STRANGER} is not a known MultiSend"
        )),
        "a delegatecall into an unknown contract, even with multiSend calldata",
    );
    plan.deny_calldata(
        safe_delegatecall(MULTI_SEND_CALL_ONLY, pay(1).data),
        &unwrap_reason("Safe delegatecall is allowed only into multiSend(bytes)"),
        "a delegatecall of anything but multiSend",
    );
}

// ---- detection ------------------------------------------------------------------------------

fn detection_file() -> Generated {
    let mut plan = Plan::new();
    let detected = [
        (Function::Erc7579Single, "erc7579"),
        (Function::Erc7579Batch, "erc7579"),
        (
            Function::Execute,
            "simple-account (the same function in Biconomy and Coinbase)",
        ),
        (Function::BatchV06, "simple-account v0.6"),
        (
            Function::BatchCalls,
            "coinbase (the same function in SimpleAccount v0.8)",
        ),
        (Function::ExecuteNcc, "biconomy"),
        (Function::BatchY6u, "biconomy"),
        (Function::ThirdwebExecute, "thirdweb"),
        (Function::SafeCall, "safe"),
        (Function::SafeMultiSend, "safe"),
    ];
    for (f, kind) in detected {
        let note = format!("{}: the selector says {kind}", f.name());
        plan.allow(Input::Account(f.encode(&[pay(5), eth(0)])), 1, note);
    }
    plan.deny(
        Input::Account(Function::BatchArrays.encode(&[pay(5), eth(0)])),
        &unwrap_reason(
            "selector 0x47e1da2a is executeBatch(address[],uint256[],bytes[]) of both simple-account and biconomy, which decode it differently: name the account kind",
        ),
        "executeBatch(address[],uint256[],bytes[]): SimpleAccount v0.7 reads an empty value array as zeros, Biconomy reverts on it, so the kind must be named".to_owned(),
    );
    plan.deny(
        Input::Account(pay(5).data),
        &unwrap_reason("selector 0xa9059cbb is no supported execute function"),
        "transfer(address,uint256) as the account's calldata: no account's execute".to_owned(),
    );
    file(
        "detected.json",
        "no account_kind: the encoding is detected from the selector; a selector two kinds decode differently is denied until the kind is named",
        native_session(vec![]),
        None,
        plan,
    )
}

// ---- user operations ------------------------------------------------------------------------

fn paymaster(
    address: Address,
    verification: u64,
    post_op: u64,
) -> Option<(Address, u64, u64, Vec<u8>)> {
    Some((address, verification, post_op, vec![0xda, 0x7a]))
}

/// The native session with paymaster and gas caps, through SimpleAccount v0.6 and v0.7 ops.
fn native_user_ops() -> Generated {
    let mut plan = Plan::new();
    let execute = |amount| Function::Execute.encode(&[pay(amount)]);
    let batch_v06 = Function::BatchV06.encode(&[pay(10), eth(0)]);
    let batch_v07 = Function::BatchArrays.encode(&[pay(10), eth(ETH_MAX / 10)]);
    let op06 =
        |nonce, data: &[u8], gas: Gas| Input::UserOp(user_op_v06(ACCOUNT, nonce, data, &gas));
    let op07 =
        |nonce, data: &[u8], gas: Gas| Input::UserOp(user_op_v07(ACCOUNT, nonce, data, &gas));
    let with_pm = |pm| Gas {
        paymaster: paymaster(pm, 30_000, 20_000),
        ..Gas::default()
    };
    plan.allow(
        op06(0, &execute(50), Gas::default()),
        1,
        "v0.6 op, execute(transfer 50), no paymaster: gas 300000 ≤ 400000, cost 6e14 wei ≤ 1e15"
            .into(),
    );
    plan.allow(op07(1, &batch_v07, Gas::default()), 1, "v0.7 op, executeBatch(address[],uint256[],bytes[]) of a transfer and 0.01 ETH, no paymaster".into());
    plan.allow(
        op07(2, &execute(20), with_pm(PAYMASTER)),
        1,
        "v0.7 op with the allowed paymaster: gas 300000 + 30000 + 20000 paymaster gas = 350000"
            .into(),
    );
    plan.allow(
        op06(3, &batch_v06, Gas { verification: 80_000, ..with_pm(PAYMASTER) }),
        1,
        "v0.6 op with the allowed paymaster in paymasterAndData: gas 100000 + 50000 + 3 × 80000 = 390000 (v0.6 counts verification gas 3 times with a paymaster)".into(),
    );
    plan.deny(
        op07(4, &execute(20), with_pm(OTHER_PAYMASTER)),
        &format!("paymaster {OTHER_PAYMASTER} is not allowed by the session"),
        "v0.7 op with another paymaster".into(),
    );
    plan.deny(
        op06(
            4,
            &execute(20),
            Gas {
                verification: 80_000,
                ..with_pm(OTHER_PAYMASTER)
            },
        ),
        &format!("paymaster {OTHER_PAYMASTER} is not allowed by the session"),
        "v0.6 op with another paymaster in paymasterAndData".into(),
    );
    plan.deny(
        op06(4, &execute(20), with_pm(PAYMASTER)),
        "the user operation's gas 600000 is above the cap 400000",
        "v0.6 op with the allowed paymaster and verification gas 150000: 100000 + 50000 + 3 × 150000 = 600000; the same op without a paymaster uses 300000".into(),
    );
    plan.deny(
        op07(
            4,
            &execute(20),
            Gas {
                max_fee: 5_000_000_000,
                ..Gas::default()
            },
        ),
        "the user operation's cost 1500000000000000 is above the cap 1000000000000000",
        "v0.7 op paying up to 5 gwei a gas: 300000 × 5e9 = 1.5e15 wei".into(),
    );
    plan.allow(
        op07(
            4,
            &execute(20),
            Gas { call: 150_000, max_fee: 2_500_000_000, ..with_pm(PAYMASTER) },
        ),
        1,
        "v0.7 op at both caps exactly: gas 150000 + 150000 + 50000 + 30000 + 20000 = 400000, cost 400000 × 2.5e9 = 1e15 wei".into(),
    );
    plan.deny(
        Input::Call(pay(20)),
        "a policy caps user-operation gas, and the calls were not given as a user operation",
        "a plain call, not a user operation: the gas cap cannot be checked".into(),
    );
    plan.deny(
        Input::Account(execute(20)),
        "a policy caps user-operation gas, and the calls were not given as a user operation",
        "the account's calldata alone, not a user operation".into(),
    );
    let policies = vec![
        json!({ "type": "paymaster", "allowed": [PAYMASTER] }),
        json!({ "type": "user_op_gas", "max_gas": MAX_GAS.to_string(), "max_cost": MAX_COST.to_string() }),
    ];
    file(
        "user-ops.json",
        "EntryPoint v0.6 and v0.7 user operations from a SimpleAccount: the callData is unwrapped and judged as the account's calls; a paymaster policy allows no paymaster or the listed one; a gas policy caps the op's total gas (v0.6 counts verification gas 3 times with a paymaster) and its cost at maxFeePerGas, and denies calls that are not user operations",
        native_session(policies),
        Some(AccountKind::SimpleAccount),
        plan,
    )
}

/// A Smart Sessions session for USDC transfers, with or without the paymaster permit and a
/// user-operation policy.
fn smart_session(permit: bool, with_policy: bool) -> Value {
    let mut session = json!({
        "format": "smart-sessions",
        "actions": [{
            "target": USDC,
            "selector": "0xa9059cbb",
            "policies": [{ "type": "sudo" }]
        }]
    });
    if permit {
        session["permitERC4337Paymaster"] = json!(true);
    }
    if with_policy {
        session["policies"] = json!([{ "type": "usage-limit", "limit": "10" }]);
    }
    session
}

/// Smart Sessions lets an op name a paymaster only with `permitERC4337Paymaster` and at least
/// one user-operation policy.
fn smart_sessions_user_ops(permit: bool, with_policy: bool) -> Generated {
    let mut plan = Plan::uncounted();
    let data = Function::Erc7579Single.encode(&[pay(1)]);
    let op = |nonce, pm: Option<Address>| {
        let gas = Gas {
            paymaster: pm.and_then(|pm| paymaster(pm, 30_000, 20_000)),
            ..Gas::default()
        };
        Input::UserOp(user_op_v07(ACCOUNT, nonce, &data, &gas))
    };
    plan.allow(
        op(0, None),
        1,
        "v0.7 op without a paymaster: the permit is not needed".into(),
    );
    let (name, description, why) = match (permit, with_policy) {
        (true, true) => (
            "smart-sessions-paymaster-permitted.json",
            "Smart Sessions with permitERC4337Paymaster and a user-operation policy: an op with a paymaster is allowed",
            "",
        ),
        (true, false) => (
            "smart-sessions-paymaster-no-policy.json",
            "Smart Sessions with permitERC4337Paymaster but no user-operation policy: an op with a paymaster is denied, as the module requires at least one policy to check it",
            "the permit without any user-operation policy (NoPoliciesSet)",
        ),
        (false, true) => (
            "smart-sessions-paymaster-not-permitted.json",
            "Smart Sessions with a user-operation policy but no permitERC4337Paymaster: an op with a paymaster is denied",
            "a user-operation policy without the permit (PaymasterValidationNotEnabled)",
        ),
        (false, false) => panic!("not generated"),
    };
    if permit && with_policy {
        plan.allow(
            op(1, Some(PAYMASTER)),
            1,
            "v0.7 op with a paymaster: permitted, and the usage-limit policy checks the op".into(),
        );
    } else {
        let module_error = if permit {
            "NoPoliciesSet"
        } else {
            "PaymasterValidationNotEnabled"
        };
        plan.deny(
            op(1, Some(PAYMASTER)),
            &format!("an operation with paymaster {PAYMASTER} is refused"),
            format!("v0.7 op with a paymaster: {why}; the module reverts {module_error}"),
        );
        plan.allow(op(2, None), 1, "the same op without the paymaster".into());
    }
    file(
        name,
        description,
        smart_session(permit, with_policy),
        None,
        plan,
    )
}

// ---- the CLI's fixtures ---------------------------------------------------------------------

/// Fixtures for `crates/sessiongate-cli/tests/user_op.rs`: the user-op session and three ops.
fn cli_fixtures() -> Vec<(String, String)> {
    let with_pm = |pm| Gas {
        paymaster: paymaster(pm, 30_000, 20_000),
        ..Gas::default()
    };
    let batch = Function::BatchArrays.encode(&[pay(10), eth(ETH_MAX / 10)]);
    let session = native_session(vec![
        json!({ "type": "paymaster", "allowed": [PAYMASTER] }),
        json!({ "type": "user_op_gas", "max_gas": MAX_GAS.to_string(), "max_cost": MAX_COST.to_string() }),
    ]);
    vec![
        ("user-op-session.json".into(), pretty_json(&session)),
        (
            "user-op-v07-allowed.json".into(),
            pretty_json(&user_op_v07(ACCOUNT, 1, &batch, &with_pm(PAYMASTER))),
        ),
        (
            "user-op-v07-other-paymaster.json".into(),
            pretty_json(&user_op_v07(ACCOUNT, 1, &batch, &with_pm(OTHER_PAYMASTER))),
        ),
        (
            "user-op-v06-allowed.json".into(),
            pretty_json(&user_op_v06(
                ACCOUNT,
                1,
                &Function::Execute.encode(&[pay(50)]),
                &Gas::default(),
            )),
        ),
    ]
}

// ---- files ----------------------------------------------------------------------------------

fn generated() -> Vec<Generated> {
    let mut files: Vec<Generated> = AccountKind::ALL.into_iter().map(kind_file).collect();
    files.push(detection_file());
    files.push(native_user_ops());
    files.push(smart_sessions_user_ops(true, true));
    files.push(smart_sessions_user_ops(true, false));
    files.push(smart_sessions_user_ops(false, true));
    files
}

fn scenario_dir() -> PathBuf {
    repo("tests/scenarios/accounts")
}

fn fixture_dir() -> PathBuf {
    repo("crates/sessiongate-cli/tests/fixtures")
}

#[test]
fn files_match_the_generator() {
    let files: Vec<(String, String)> = generated().into_iter().map(|g| (g.name, g.text)).collect();
    sync(&scenario_dir(), &files);
    assert_only(&scenario_dir(), &files, ".json");
}

#[test]
fn cli_fixtures_match_the_generator() {
    sync(&fixture_dir(), &cli_fixtures());
}

#[test]
fn every_step_gets_its_verdict_for_its_reason() {
    let mut failures = Vec::new();
    let mut steps = 0;
    for g in generated() {
        let scenario = Scenario::from_json(&g.text).unwrap_or_else(|e| panic!("{}: {e}", g.name));
        let outcomes = scenario.run().unwrap_or_else(|e| panic!("{}: {e}", g.name));
        assert_eq!(outcomes.len(), g.reasons.len(), "{}", g.name);
        for (outcome, reason) in outcomes.iter().zip(&g.reasons) {
            steps += 1;
            let sentence = outcome.verdict.as_ref().map(ToString::to_string);
            // Explain mode may find several violations: the named one must be among them.
            let reason_ok = match (reason, &outcome.verdict) {
                (Some(reason), Some(verdict)) => verdict
                    .violations
                    .iter()
                    .any(|v| v.to_string().contains(reason.as_str())),
                (None, _) => true,
                (Some(_), None) => false,
            };
            if !outcome.passed() || !reason_ok {
                failures.push(format!(
                    "{} step {}: expected {:?} {:?}, got {:?} {:?} ({})",
                    g.name,
                    outcome.index,
                    outcome.expected,
                    reason,
                    sentence,
                    outcome.error,
                    outcome.note.as_deref().unwrap_or_default()
                ));
            }
        }
    }
    assert!(steps > 100, "only {steps} steps");
    assert!(
        failures.is_empty(),
        "{} failing steps:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_kind_file_covers_each_execute_function_and_a_denied_batch() {
    for kind in AccountKind::ALL {
        let g = kind_file(kind);
        let scenario = Scenario::from_json(&g.text).unwrap();
        assert_eq!(scenario.account_kind, Some(kind));
        for f in Function::of(kind) {
            assert!(
                scenario.steps.iter().any(|s| s.expect == Expect::Allow
                    && s.note.as_deref().is_some_and(|n| n.starts_with(f.name()))),
                "{kind}: no allowed step through {}",
                f.name()
            );
        }
        let denied_batch = scenario
            .steps
            .iter()
            .position(|s| s.expect == Expect::Deny)
            .unwrap();
        // The step after the first denied batch fills the limit exactly: it proves the deny
        // committed nothing.
        assert_eq!(
            scenario.steps[denied_batch + 1].expect,
            Expect::Allow,
            "{kind}"
        );
        assert!(
            g.reasons
                .iter()
                .filter(|r| r
                    .as_deref()
                    .is_some_and(|r| r.contains("cannot be unwrapped")))
                .count()
                >= 5,
            "{kind}: too few malformed encodings"
        );
    }
}

#[test]
fn user_op_files_have_both_versions() {
    let g = native_user_ops();
    let scenario = Scenario::from_json(&g.text).unwrap();
    let ops: Vec<&Value> = scenario
        .steps
        .iter()
        .filter_map(|s| s.user_op.as_ref())
        .collect();
    assert!(
        ops.iter().any(|op| op.get("initCode").is_some()),
        "no v0.6 op"
    );
    assert!(
        ops.iter().any(|op| op.get("initCode").is_none()),
        "no v0.7 op"
    );
    for op in ops {
        assert_eq!(op["sender"], json!(ACCOUNT));
        assert!(
            sessiongate::UserOperation::from_value(op.clone()).is_ok(),
            "{op}"
        );
    }
}
