//! The Smart Sessions scenario files in `tests/scenarios/smart-sessions/`, one per semantic point,
//! generated here so every calldata and init data is real alloy encoding. With
//! `UPDATE_SCENARIOS=1` the files are (re)written; otherwise each committed file must equal what
//! this generator makes, and every step of every file must get its expected verdict.

use crate::common::abi::erc7579::{self, Execution};
use crate::common::abi::smart_sessions::{
    ArgActionConfig, ArgParamRules, Condition, LimitUsage, ParamRule, UniActionConfig,
    UniParamRules,
};
use crate::common::abi::{erc20, probe};
use crate::common::generated_files::{self, assert_current, assert_only, pretty_json, write};
use crate::common::{repo, set_word};
use alloy_primitives::{Address, B256, Bytes, FixedBytes, U256, address};
use alloy_sol_types::{SolCall, SolValue};
use serde::Serialize;
use sessiongate::document::Quantity;
use sessiongate::transaction::CallDocument;
use sessiongate_scenario::{Expect, Scenario, Step};
use std::path::PathBuf;
use std::sync::OnceLock;

const ACCOUNT: Address = address!("0xacc0000000000000000000000000000000000001");
const TARGET: Address = address!("0xc0de000000000000000000000000000000000001");
const OTHER: Address = address!("0xc0de000000000000000000000000000000000002");
const TOKEN_A: Address = address!("0x70ce00000000000000000000000000000000000a");
const TOKEN_B: Address = address!("0x70ce00000000000000000000000000000000000b");
const TOKEN_C: Address = address!("0x70ce00000000000000000000000000000000000c");
const TOKEN_D: Address = address!("0x70ce00000000000000000000000000000000000d");
const ALICE: Address = address!("0xa11ce00000000000000000000000000000000001");
const BOB: Address = address!("0xb0b0000000000000000000000000000000000002");
const CAROL: Address = address!("0xca20100000000000000000000000000000000003");
const MODULE: Address = address!("0x30d0000000000000000000000000000000000004");
/// The module's reserved target: calls to it are refused.
const ADDRESS_ONE: Address = address!("0x0000000000000000000000000000000000000001");
/// The fallback action's `(target, selector)` in the on-chain `Session` struct.
const FALLBACK_SELECTOR: [u8; 4] = [0, 0, 0, 1];
const NOW: u64 = 1_760_000_000;

// V2 policy deployments (smartsessions HEAD, the SDKs' defaults).
const SUDO: Address = address!("0x0000000000FEEc8D74e3143fBaBbca515358d869");
const UNI_ACTION: Address = address!("0x0000000000714Cf48FcF88A0bFBa70d313415032");
const ARG_POLICY: Address = address!("0x0000000000167edE64D8751daACDdC0312565a73");
const SPENDING: Address = address!("0x000000000033212E272655D8a22402Db819477A6");
const TIME_FRAME: Address = address!("0x0000000000D30f611fA3bf652ac6879428586930");
const USAGE_LIMIT: Address = address!("0x00000000001d4479FA2A947026204d0283ceDe4B");
const VALUE_LIMIT: Address = address!("0x000000000021dC45451291BCDfc9f0B46d6f0278");

// ---- the SDK shape, written independently of the crate's types ------------------------------

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct SdkSession {
    format: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    policies: Vec<Policy>,
    actions: Vec<Action>,
}

#[derive(Clone, Serialize)]
struct Action {
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<Address>,
    #[serde(skip_serializing_if = "Option::is_none")]
    selector: Option<FixedBytes<4>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policies: Option<Vec<Policy>>,
}

#[derive(Clone, Serialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
enum Policy {
    Sudo,
    UniversalAction {
        #[serde(skip_serializing_if = "Option::is_none")]
        value_limit_per_use: Option<String>,
        rules: Vec<Rule>,
    },
    #[serde(rename = "arg-policy")]
    Arg {
        #[serde(skip_serializing_if = "Option::is_none")]
        value_limit_per_use: Option<String>,
        expression: Expr,
    },
    SpendingLimits {
        limits: Vec<Limit>,
    },
    TimeFrame {
        valid_until: u64,
        valid_after: u64,
    },
    UsageLimit {
        limit: String,
    },
    ValueLimit {
        limit: String,
    },
}

#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
enum Cond {
    Equal,
    GreaterThan,
    LessThan,
    GreaterThanOrEqual,
    LessThanOrEqual,
    InRange,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    condition: Cond,
    calldata_offset: String,
    reference_value: B256,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage_limit: Option<String>,
}

#[derive(Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum Expr {
    Rule { rule: Rule },
    Not { child: Box<Expr> },
    And { left: Box<Expr>, right: Box<Expr> },
    Or { left: Box<Expr>, right: Box<Expr> },
}

#[derive(Clone, Serialize)]
struct Limit {
    token: Address,
    amount: String,
}

// ---- the on-chain shape ---------------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OnChainSession {
    format: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    user_op_policies: Vec<PolicyData>,
    actions: Vec<ActionData>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ActionData {
    action_target_selector: FixedBytes<4>,
    action_target: Address,
    action_policies: Vec<PolicyData>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PolicyData {
    policy: Address,
    init_data: Bytes,
}

/// A scenario file, fields in the order people read them.
#[derive(Serialize)]
struct File<S> {
    description: String,
    session: S,
    account: Address,
    chain_id: u64,
    steps: Vec<Step>,
}

// ---- builders -------------------------------------------------------------------------------

fn action(target: Address, selector: [u8; 4], policies: Vec<Policy>) -> Action {
    Action {
        target: Some(target),
        selector: Some(selector.into()),
        policies: Some(policies),
    }
}

fn fallback(policies: Option<Vec<Policy>>) -> Action {
    Action {
        target: None,
        selector: None,
        policies,
    }
}

fn sdk(policies: Vec<Policy>, actions: Vec<Action>) -> SdkSession {
    SdkSession {
        format: "smart-sessions",
        policies,
        actions,
    }
}

/// A decimal quantity string (U256's Display is decimal).
fn dec(v: impl std::fmt::Display) -> String {
    v.to_string()
}

fn word(v: U256) -> B256 {
    B256::from(v)
}

fn rule(condition: Cond, offset: u64, reference: B256, usage_limit: Option<U256>) -> Rule {
    Rule {
        condition,
        calldata_offset: dec(offset),
        reference_value: reference,
        usage_limit: usage_limit.map(dec),
    }
}

fn uni(value_limit_per_use: Option<u64>, rules: Vec<Rule>) -> Policy {
    Policy::UniversalAction {
        value_limit_per_use: value_limit_per_use.map(dec),
        rules,
    }
}

fn usage(limit: u64) -> Policy {
    Policy::UsageLimit { limit: dec(limit) }
}

fn value_limit(limit: u64) -> Policy {
    Policy::ValueLimit { limit: dec(limit) }
}

fn spending(limits: &[(Address, u64)]) -> Policy {
    Policy::SpendingLimits {
        limits: limits
            .iter()
            .map(|&(token, amount)| Limit {
                token,
                amount: dec(amount),
            })
            .collect(),
    }
}

fn leaf(rule: Rule) -> Expr {
    Expr::Rule { rule }
}

fn not(child: Expr) -> Expr {
    Expr::Not {
        child: Box::new(child),
    }
}

fn and(left: Expr, right: Expr) -> Expr {
    Expr::And {
        left: Box::new(left),
        right: Box::new(right),
    }
}

fn or(left: Expr, right: Expr) -> Expr {
    Expr::Or {
        left: Box::new(left),
        right: Box::new(right),
    }
}

fn u(v: u64) -> U256 {
    U256::from(v)
}

fn addr_word(a: Address) -> B256 {
    a.into_word()
}

fn call(to: Address, value: U256, data: impl Into<Bytes>) -> CallDocument {
    CallDocument {
        to,
        value: Quantity(value),
        data: data.into(),
        ..CallDocument::default()
    }
}

fn call0(to: Address, data: impl Into<Bytes>) -> CallDocument {
    call(to, U256::ZERO, data)
}

/// What a step evaluates.
enum Input {
    One(Box<CallDocument>),
    Batch(Vec<CallDocument>),
    Account(Vec<u8>),
}

/// Steps in order; each step is one second after the previous unless `at` sets the time.
struct Plan {
    now: u64,
    steps: Vec<Step>,
}

impl Plan {
    fn new() -> Self {
        Self {
            now: NOW,
            steps: Vec::new(),
        }
    }

    fn at(&mut self, now: u64) -> &mut Self {
        self.now = now;
        self
    }

    fn push(&mut self, input: Input, expect: Expect, note: &str) -> &mut Self {
        let (call, calls, account_calldata) = match input {
            Input::One(c) => (Some(*c), None, None),
            Input::Batch(cs) => (None, Some(cs), None),
            Input::Account(data) => (None, None, Some(data.into())),
        };
        self.steps.push(Step {
            now: self.now,
            call,
            calls,
            account_calldata,
            user_op: None,
            expect,
            reason: None,
            path: None,
            note: Some(note.to_owned()),
        });
        self.now += 1;
        self
    }

    fn allow(&mut self, input: Input, note: &str) -> &mut Self {
        self.push(input, Expect::Allow, note)
    }

    fn deny(&mut self, input: Input, note: &str) -> &mut Self {
        self.push(input, Expect::Deny, note)
    }

    fn take(&mut self) -> Vec<Step> {
        std::mem::take(&mut self.steps)
    }
}

fn one(c: CallDocument) -> Input {
    Input::One(Box::new(c))
}

fn file<S: Serialize>(description: &str, session: S, steps: Vec<Step>) -> String {
    let mut file = File {
        description: description.to_owned(),
        session,
        account: ACCOUNT,
        chain_id: 1,
        steps,
    };
    // Each deny states the kind it gets, recorded by running the file as written.
    let mut run = Scenario::from_json(&serde_json::to_string(&file).unwrap()).unwrap();
    run.record_reasons().unwrap();
    for (step, ran) in file.steps.iter_mut().zip(run.steps) {
        step.reason = ran.reason;
    }
    pretty_json(&file)
}

// ---- ERC-7579 execute calldata ---------------------------------------------------------------

/// The mode word: byte 0 call type, byte 1 exec type, the rest zero.
fn mode(call_type: u8, exec_type: u8) -> B256 {
    let mut m = B256::ZERO;
    m.0[0] = call_type;
    m.0[1] = exec_type;
    m
}

/// `abi.encodePacked(target, value, callData)`.
fn packed(target: Address, value: U256, data: &[u8]) -> Vec<u8> {
    [target.as_slice(), &value.to_be_bytes::<32>(), data].concat()
}

/// `abi.encode(Execution[])`.
fn batch_encoding(calls: &[CallDocument]) -> Vec<u8> {
    calls
        .iter()
        .map(|c| Execution {
            target: c.to,
            value: c.value.0,
            callData: c.data.clone(),
        })
        .collect::<Vec<_>>()
        .abi_encode()
}

fn execute(mode: B256, execution_calldata: Vec<u8>) -> Vec<u8> {
    erc7579::executeCall {
        mode,
        executionCalldata: execution_calldata.into(),
    }
    .abi_encode()
}

fn exec_single(c: &CallDocument) -> Vec<u8> {
    execute(mode(0, 0), packed(c.to, c.value.0, &c.data))
}

fn exec_batch(calls: &[CallDocument]) -> Vec<u8> {
    execute(mode(1, 0), batch_encoding(calls))
}

// ---- calldata of the probe and token functions -----------------------------------------------

fn sel<C: SolCall>() -> [u8; 4] {
    C::SELECTOR
}

fn claim(x: u64) -> Vec<u8> {
    probe::claimCall { x: u(x) }.abi_encode()
}

fn ping() -> Vec<u8> {
    probe::pingCall {}.abi_encode()
}

fn transfer(to: Address, amount: U256) -> Vec<u8> {
    erc20::transferCall { to, amount }.abi_encode()
}

fn approve(spender: Address, amount: u64) -> Vec<u8> {
    erc20::approveCall {
        spender,
        amount: u(amount),
    }
    .abi_encode()
}

fn transfer_from(from: Address, to: Address, amount: u64) -> Vec<u8> {
    erc20::transferFromCall {
        from,
        to,
        amount: u(amount),
    }
    .abi_encode()
}

/// `(uint256(-1) - n)` as a signed int256, i.e. `-(n + 1)`.
fn minus(n: u64) -> alloy_primitives::I256 {
    alloy_primitives::I256::MINUS_ONE - alloy_primitives::I256::try_from(n).unwrap()
}

// ---- 1. universal action rules ---------------------------------------------------------------

fn uni_unsigned() -> String {
    let session = sdk(
        vec![],
        vec![
            action(
                TARGET,
                sel::<probe::adjustCall>(),
                vec![uni(
                    None,
                    vec![rule(Cond::GreaterThan, 0, word(u(100)), None)],
                )],
            ),
            action(
                TARGET,
                sel::<probe::shrinkCall>(),
                vec![uni(None, vec![rule(Cond::LessThan, 0, word(u(10)), None)])],
            ),
        ],
    );
    let adjust = |delta| one(call0(TARGET, probe::adjustCall { delta }.abi_encode()));
    let shrink = |delta| one(call0(TARGET, probe::shrinkCall { delta }.abi_encode()));
    let int = |v: i64| alloy_primitives::I256::try_from(v).unwrap();
    let steps = Plan::new()
        .allow(adjust(int(101)), "adjust(101): 101 > 100")
        .deny(adjust(int(100)), "adjust(100): greaterThan is strict")
        .allow(adjust(int(-1)), "adjust(-1): the word 0xff..ff read as unsigned is greater than 100, so a negative int256 passes greaterThan")
        .allow(shrink(int(9)), "shrink(9): 9 < 10")
        .deny(shrink(minus(4)), "shrink(-5): negative, yet as an unsigned word it is 2^256-5, not less than 10")
        .take();
    file(
        "universal-action comparisons are unsigned 256-bit: int256 -1 is greater than every reference and never less than one",
        session,
        steps,
    )
}

fn uni_offsets() -> String {
    // Offset 16 reads the low half of `a` and the high half of `b`.
    let reference = word(u(0x1234) << 128);
    let session = sdk(
        vec![],
        vec![
            action(
                TARGET,
                sel::<probe::storeCall>(),
                vec![uni(None, vec![rule(Cond::Equal, 16, reference, None)])],
            ),
            action(
                TARGET,
                sel::<probe::setFeeCall>(),
                vec![uni(None, vec![rule(Cond::Equal, 0, word(u(7)), None)])],
            ),
        ],
    );
    let store = |a: U256, b: U256| probe::storeCall { a, b }.abi_encode();
    let fee = probe::setFeeCall { fee: u(7) }.abi_encode();
    let fee_short = fee[..fee.len() - 1].to_vec();
    let fee_long = [fee.as_slice(), &[0xee; 5]].concat();
    let steps = Plan::new()
        .allow(one(call0(TARGET, store(u(0x1234), U256::ZERO))), "store(0x1234, 0): the word at byte 16 after the selector is a's low 16 bytes then b's high 16 bytes = 0x1234 << 128")
        .allow(one(call0(TARGET, store(u(0x1234), u(1)))), "store(0x1234, 1): b's low bytes lie outside the unaligned word, so the rule still holds")
        .deny(one(call0(TARGET, store(u(0x1234), u(1) << 128))), "store(0x1234, 2^128): bit 128 of b is the word's last byte, so the word differs")
        .deny(one(call0(TARGET, store(u(0x1235), U256::ZERO))), "store(0x1235, 0): a's low bytes differ")
        .allow(one(call0(TARGET, fee.clone())), "setFee(7): the full 36 bytes")
        .deny(one(call0(TARGET, fee_short)), "setFee(7) missing its last byte: the word at offset 0 needs 36 bytes and the read reverts")
        .allow(one(call0(TARGET, fee_long)), "setFee(7) with 5 trailing bytes: extra calldata is ignored")
        .take();
    file(
        "universal-action calldataOffset is a byte offset after the selector and need not be aligned; a word read 1 byte past the end denies",
        session,
        steps,
    )
}

fn uni_in_range() -> String {
    let range = word(u(100) << 128 | u(200));
    let session = sdk(
        vec![],
        vec![action(
            TARGET,
            sel::<probe::setFeeCall>(),
            vec![uni(None, vec![rule(Cond::InRange, 0, range, None)])],
        )],
    );
    let fee = |fee: U256| one(call0(TARGET, probe::setFeeCall { fee }.abi_encode()));
    let steps = Plan::new()
        .deny(fee(u(99)), "99 is below min 100")
        .allow(fee(u(100)), "100 = min: inclusive")
        .allow(fee(u(150)), "inside the range")
        .allow(fee(u(200)), "200 = max: inclusive")
        .deny(fee(u(201)), "201 is above max 200")
        .deny(fee(u(1) << 128 | u(150)), "2^128 + 150: the param is compared as a full 256-bit word, so a bit above 128 puts it above max")
        .take();
    file(
        "universal-action inRange: the reference is uint128 min || uint128 max, inclusive at both ends; the param is not truncated to 128 bits",
        session,
        steps,
    )
}

fn uni_limited() -> String {
    let any = word(U256::ZERO);
    let session = sdk(
        vec![],
        vec![
            action(
                TARGET,
                sel::<probe::spendCall>(),
                vec![uni(
                    None,
                    vec![rule(Cond::GreaterThanOrEqual, 0, any, Some(u(100)))],
                )],
            ),
            action(
                TARGET,
                sel::<probe::pourCall>(),
                vec![uni(
                    None,
                    vec![rule(Cond::GreaterThanOrEqual, 0, any, Some(U256::MAX))],
                )],
            ),
            action(
                TARGET,
                sel::<probe::markCall>(),
                vec![uni(
                    None,
                    vec![rule(Cond::GreaterThanOrEqual, 0, any, Some(U256::ZERO))],
                )],
            ),
        ],
    );
    let spend = |a: U256| one(call0(TARGET, probe::spendCall { amount: a }.abi_encode()));
    let pour = |a: U256| one(call0(TARGET, probe::pourCall { amount: a }.abi_encode()));
    let mark = |a: U256| one(call0(TARGET, probe::markCall { amount: a }.abi_encode()));
    let steps = Plan::new()
        .allow(spend(u(60)), "spend(60): used 0 + 60 <= 100")
        .allow(spend(u(40)), "spend(40): used 60 + 40 = 100, the limit exactly")
        .deny(spend(u(1)), "spend(1): 100 + 1 > 100")
        .allow(spend(u(0)), "spend(0): 100 + 0 still fits")
        .allow(pour(u(5)), "pour(5): limit 2^256-1, used becomes 5")
        .deny(pour(U256::MAX), "pour(2^256-1): 5 + (2^256-1) overflows the running sum; the checked add reverts")
        .allow(pour(U256::MAX - u(5)), "pour(2^256-6): 5 + (2^256-6) = 2^256-1, the limit exactly; the overflow step committed nothing")
        .allow(mark(u(0)), "mark(0): usageLimit 0 is a limit of 0, and 0 + 0 <= 0")
        .deny(mark(u(1)), "mark(1): 0 + 1 > 0")
        .allow(mark(u(0)), "mark(0) again: zero params always pass a zero limit")
        .take();
    file(
        "universal-action limited rules: the params add up to usageLimit exactly, a running sum that overflows 2^256 denies, and usageLimit 0 lets only zero params pass",
        session,
        steps,
    )
}

// ---- 2. value and usage ----------------------------------------------------------------------

fn value_and_usage() -> String {
    let any = word(U256::ZERO);
    let session = sdk(
        vec![],
        vec![
            action(
                TARGET,
                sel::<probe::payCall>(),
                vec![uni(
                    Some(100),
                    vec![rule(Cond::GreaterThanOrEqual, 0, any, None)],
                )],
            ),
            action(TARGET, sel::<probe::fundCall>(), vec![value_limit(150)]),
            action(TARGET, sel::<probe::pingCall>(), vec![usage(3)]),
        ],
    );
    let pay = |v: u64| {
        one(call(
            TARGET,
            u(v),
            probe::payCall { memo: u(1) }.abi_encode(),
        ))
    };
    let fund = |v: u64| {
        one(call(
            TARGET,
            u(v),
            probe::fundCall { memo: u(1) }.abi_encode(),
        ))
    };
    let steps = Plan::new()
        .allow(
            pay(100),
            "pay with 100 wei: valueLimitPerUse 100 is per call",
        )
        .allow(pay(100), "pay with 100 wei again: nothing accumulates")
        .deny(pay(101), "pay with 101 wei: above valueLimitPerUse")
        .allow(fund(100), "fund with 100 wei: value-limit total 100 of 150")
        .allow(fund(50), "fund with 50 wei: total 150, the limit exactly")
        .deny(
            fund(1),
            "fund with 1 wei: value-limit is cumulative, 151 > 150",
        )
        .allow(
            Input::Batch(vec![call0(TARGET, ping()), call0(TARGET, ping())]),
            "a batch of two pings: an action usage-limit counts each check, 2 of 3",
        )
        .allow(one(call0(TARGET, ping())), "ping: 3 of 3")
        .deny(one(call0(TARGET, ping())), "ping: 4 > 3")
        .take();
    file(
        "action policies: universal-action valueLimitPerUse caps each call, value-limit caps the running total, usage-limit counts every check (each call of a batch)",
        session,
        steps,
    )
}

fn user_op_policies() -> String {
    let session = sdk(
        vec![usage(3), value_limit(100)],
        vec![action(TARGET, sel::<probe::fundCall>(), vec![Policy::Sudo])],
    );
    let fund = |v: u64| call(TARGET, u(v), probe::fundCall { memo: u(v) }.abi_encode());
    let steps = Plan::new()
        .allow(Input::Batch(vec![fund(10), fund(20), fund(30)]), "a batch of 3 calls worth 60 wei: the user-op usage-limit counts 1 transaction, the user-op value-limit adds 60")
        .deny(Input::Batch(vec![fund(30), fund(11)]), "a batch worth 41 wei: the batch sum 60 + 41 > 100")
        .allow(one(fund(40)), "40 wei: total 100, the limit exactly; usage 2 of 3 (the denied batch counted nothing)")
        .allow(one(fund(0)), "0 wei: usage 3 of 3")
        .deny(one(fund(0)), "0 wei: a 4th transaction; had usage counted calls, the first batch alone would have used 3")
        .take();
    file(
        "session-level (user-operation) policies run once per transaction: usage-limit counts 1 per batch, value-limit adds the sum of the batch's values",
        session,
        steps,
    )
}

// ---- 3. spending limits ----------------------------------------------------------------------

fn spending_per_action() -> String {
    let budget = || vec![spending(&[(TOKEN_A, 100)])];
    let session = sdk(
        vec![],
        vec![
            action(TOKEN_A, sel::<erc20::approveCall>(), budget()),
            action(TOKEN_A, sel::<erc20::transferCall>(), budget()),
            action(TOKEN_A, sel::<erc20::transferFromCall>(), budget()),
        ],
    );
    let on_a = |data: Vec<u8>| one(call0(TOKEN_A, data));
    let steps = Plan::new()
        .allow(on_a(approve(BOB, 60)), "approve(bob, 60): the approve action's budget, 60 of 100")
        .allow(on_a(approve(CAROL, 40)), "approve(carol, 40): approvals accumulate whatever the spender, 100 of 100")
        .allow(on_a(approve(BOB, 0)), "approve(bob, 0): adds 0; it does not reduce the approved total")
        .deny(on_a(approve(BOB, 1)), "approve(bob, 1): 100 + 1 > 100 even after approve(0)")
        .allow(on_a(transfer(BOB, u(100))), "transfer(bob, 100): the transfer action has its own full budget on the same token")
        .deny(on_a(transfer(BOB, u(1))), "transfer(bob, 1): the transfer action's budget is spent")
        .allow(on_a(transfer_from(ALICE, ACCOUNT, 1000)), "transferFrom(alice, account, 1000): pulling tokens into the account counts 0")
        .allow(on_a(transfer_from(ALICE, BOB, 100)), "transferFrom(alice, bob, 100): to anyone else it counts; the transferFrom action's own budget, 100 of 100")
        .deny(on_a(transfer_from(ALICE, BOB, 1)), "transferFrom(alice, bob, 1): 101 > 100")
        .take();
    file(
        "spending-limits state is per action, not per token: approve, transfer and transferFrom actions on one token each have the full budget; approvals accumulate; transferFrom to the account counts 0",
        session,
        steps,
    )
}

fn spending_edges() -> String {
    let session = sdk(
        vec![],
        vec![
            action(
                TOKEN_A,
                sel::<erc20::transferCall>(),
                vec![spending(&[(TOKEN_A, 100)])],
            ),
            action(
                TOKEN_B,
                sel::<erc20::transferCall>(),
                vec![spending(&[(TOKEN_A, 100)])],
            ),
            action(
                TOKEN_C,
                sel::<erc20::transferCall>(),
                vec![spending(&[(TOKEN_C, 10), (TOKEN_C, 50)])],
            ),
            action(
                TOKEN_D,
                sel::<erc20::burnCall>(),
                vec![spending(&[(TOKEN_D, 100)])],
            ),
        ],
    );
    let mut dirty = transfer(BOB, u(1));
    dirty[4] = 0x01; // the first of the address word's 12 zero bytes
    let burn = erc20::burnCall { amount: u(0) }.abi_encode();
    let steps = Plan::new()
        .deny(one(call0(TOKEN_A, dirty)), "transfer(bob, 1) with a non-zero high byte in the address word: abi.decode reverts")
        .deny(one(call(TOKEN_A, u(1), transfer(BOB, U256::ZERO))), "transfer(bob, 0) carrying 1 wei: any native value fails the policy")
        .allow(one(call0(TOKEN_A, transfer(BOB, u(100)))), "transfer(bob, 100): the whole budget; the denied steps committed nothing")
        .allow(one(call0(TOKEN_B, transfer(BOB, U256::ZERO))), "token B is not in its action's list: limit 0, and 0 <= 0")
        .deny(one(call0(TOKEN_B, transfer(BOB, u(1)))), "token B, 1 unit: 1 > limit 0")
        .allow(one(call0(TOKEN_C, transfer(BOB, u(50)))), "token C listed as 10 then 50: the later amount, 50, is the limit")
        .deny(one(call0(TOKEN_C, transfer(BOB, u(1)))), "token C: 51 > 50")
        .deny(one(call0(TOKEN_D, burn)), "burn(0) on a listed token: selectors other than approve, increaseAllowance, transfer, transferFrom fail")
        .take();
    file(
        "spending-limits edges: dirty address words and native value deny, a token missing from the list has limit 0, a token listed twice takes the later amount, other selectors deny",
        session,
        steps,
    )
}

// ---- 4. time frame ---------------------------------------------------------------------------

fn time_frame(valid_until_ms: u64, valid_after_ms: u64) -> Policy {
    Policy::TimeFrame {
        valid_until: valid_until_ms,
        valid_after: valid_after_ms,
    }
}

fn time_frame_inclusive() -> String {
    let (after, until) = (NOW, NOW + 100);
    let session = sdk(
        vec![],
        vec![action(
            TARGET,
            sel::<probe::pingCall>(),
            vec![time_frame(until * 1000, after * 1000)],
        )],
    );
    let p = || one(call0(TARGET, ping()));
    let steps = Plan::new()
        .at(after - 1)
        .deny(p(), "validAfter - 1: not yet valid")
        .at(after)
        .allow(p(), "exactly validAfter: inclusive")
        .at(until)
        .allow(p(), "exactly validUntil: inclusive (EntryPoint v0.7)")
        .at(until + 1)
        .deny(p(), "validUntil + 1: expired")
        .take();
    file(
        "time-frame [validAfter, validUntil] is inclusive at both ends",
        session,
        steps,
    )
}

fn time_frame_unbounded_and_zero() -> String {
    let session = sdk(
        vec![],
        vec![
            action(
                TARGET,
                sel::<probe::pingCall>(),
                vec![time_frame(0, NOW * 1000)],
            ),
            action(TARGET, sel::<probe::pongCall>(), vec![time_frame(0, 0)]),
        ],
    );
    let p = || one(call0(TARGET, ping()));
    let pong = || one(call0(TARGET, probe::pongCall {}.abi_encode()));
    let steps = Plan::new()
        .at(NOW - 1)
        .deny(p(), "before validAfter")
        .allow(p(), "at validAfter; validUntil 0 means no expiry")
        .at(NOW + 10 * 365 * 86_400)
        .allow(p(), "ten years later: still valid")
        .at(NOW)
        .deny(
            pong(),
            "time-frame (0, 0): the policy reverts PolicyNotInitialized at any time",
        )
        .at(NOW + 10 * 365 * 86_400)
        .deny(pong(), "time-frame (0, 0) later: still never allows")
        .take();
    file(
        "time-frame validUntil 0 is unbounded; validUntil 0 with validAfter 0 never allows",
        session,
        steps,
    )
}

fn time_frame_milliseconds() -> String {
    let session = sdk(
        vec![],
        vec![action(
            TARGET,
            sel::<probe::tickCall>(),
            vec![time_frame((NOW + 10) * 1000 + 999, NOW * 1000 + 999)],
        )],
    );
    let t = || one(call0(TARGET, probe::tickCall {}.abi_encode()));
    let steps = Plan::new()
        .at(NOW - 1)
        .deny(t(), "second NOW - 1: before floor(validAfter / 1000)")
        .allow(
            t(),
            "second NOW: validAfter NOW.999 s floors to NOW, so the window opens here",
        )
        .at(NOW + 10)
        .allow(
            t(),
            "second NOW + 10: validUntil (NOW + 10).999 s floors to NOW + 10, still inside",
        )
        .deny(t(), "second NOW + 11: past the floored validUntil")
        .take();
    file(
        "time-frame values are the SDK's milliseconds, floored to seconds: values that are not multiples of 1000 lose their fraction",
        session,
        steps,
    )
}

// ---- 5. dispatch -----------------------------------------------------------------------------

fn dispatch_fallback() -> String {
    let session = sdk(
        vec![],
        vec![
            action(TARGET, sel::<probe::claimCall>(), vec![]),
            action(TARGET, sel::<probe::syncCall>(), vec![usage(1)]),
            fallback(Some(vec![usage(3)])),
        ],
    );
    let sync = || one(call0(TARGET, probe::syncCall {}.abi_encode()));
    let steps = Plan::new()
        .allow(one(call0(TARGET, claim(1))), "claim has an action with \"policies\": [], so it goes to the fallback action: fallback usage 1 of 3")
        .allow(sync(), "sync has an action with a policy: its own usage-limit, 1 of 1; the fallback is not used")
        .deny(sync(), "sync again: its action is exhausted and the call does not fall through to the fallback, which still has 2 uses")
        .allow(one(call0(OTHER, claim(1))), "another target: no exact action, so the fallback, 2 of 3")
        .allow(one(call0(TARGET, claim(2))), "claim: fallback 3 of 3")
        .deny(one(call0(TARGET, claim(3))), "claim: the fallback is exhausted")
        .take();
    file(
        "the fallback action is used only when the exact (target, selector) action has no policies; an exhausted exact action does not fall through",
        session,
        steps,
    )
}

fn dispatch_no_action() -> String {
    let session = sdk(
        vec![],
        vec![action(
            TARGET,
            sel::<probe::claimCall>(),
            vec![Policy::Sudo],
        )],
    );
    let steps = Plan::new()
        .allow(
            one(call0(TARGET, claim(1))),
            "claim on the target: its sudo action",
        )
        .deny(
            one(call0(TARGET, probe::syncCall {}.abi_encode())),
            "sync on the target: no action and no fallback action (NoPoliciesSet)",
        )
        .deny(
            one(call0(OTHER, claim(1))),
            "claim on another target: no action for that target and no fallback",
        )
        .take();
    file(
        "a call that matches no action is denied when the session has no fallback action",
        session,
        steps,
    )
}

fn dispatch_short_calldata() -> String {
    let session = sdk(vec![], vec![action(TARGET, [0xff; 4], vec![usage(4)])]);
    let raw = |data: &[u8]| one(call(TARGET, u(1), data.to_vec()));
    let steps = Plan::new()
        .allow(raw(&[]), "empty calldata (a plain value transfer) uses selector 0xffffffff: usage 1 of 4")
        .allow(raw(&[0xab, 0xcd, 0xef]), "3 bytes of calldata: shorter than a selector, so 0xffffffff: 2 of 4")
        .allow(raw(&[0xff; 4]), "calldata 0xffffffff: a real selector equal to the short-calldata one, same action: 3 of 4")
        .deny(raw(&[0x12, 0x34, 0x56, 0x78]), "selector 0x12345678: no action for it and no fallback")
        .allow(raw(&[0xab]), "1 byte: 4 of 4")
        .deny(raw(&[]), "empty calldata: the (target, 0xffffffff) action is exhausted")
        .take();
    file(
        "calldata shorter than 4 bytes and calldata 0xffffffff both hit the (target, 0xffffffff) action",
        session,
        steps,
    )
}

fn dispatch_merge() -> String {
    let session = sdk(
        vec![],
        vec![
            action(TARGET, sel::<probe::claimCall>(), vec![usage(2)]),
            action(TARGET, sel::<probe::claimCall>(), vec![value_limit(100)]),
            action(TARGET, sel::<probe::syncCall>(), vec![usage(1), usage(3)]),
        ],
    );
    let f = |v: u64| one(call(TARGET, u(v), claim(v)));
    let sync = || one(call0(TARGET, probe::syncCall {}.abi_encode()));
    let steps = Plan::new()
        .allow(f(100), "claim with 100 wei: both actions' policies apply to (target, claim); usage 1 of 2, value 100 of 100")
        .deny(f(1), "claim with 1 wei: the second action's value-limit applies")
        .allow(f(0), "claim with 0 wei: usage 2 of 2")
        .deny(f(0), "claim: the first action's usage-limit applies")
        .allow(sync(), "sync: usage-limit listed twice in one action is one policy re-initialised, so the last config (3) holds: 1 of 3")
        .allow(sync(), "sync: 2 of 3 (the first config, 1, would deny here)")
        .allow(sync(), "sync: 3 of 3")
        .deny(sync(), "sync: 4 > 3")
        .take();
    file(
        "two actions with the same (target, selector) merge their policies; a policy listed twice in one action keeps its last config",
        session,
        steps,
    )
}

// ---- 6. state --------------------------------------------------------------------------------

fn state_deny_commits_nothing() -> String {
    let session = sdk(
        vec![],
        vec![action(
            TARGET,
            sel::<probe::claimCall>(),
            vec![
                usage(2),
                value_limit(100),
                uni(
                    Some(100),
                    vec![rule(Cond::LessThanOrEqual, 0, word(u(50)), Some(u(50)))],
                ),
            ],
        )],
    );
    let f = |x: u64, v: u64| one(call(TARGET, u(v), claim(x)));
    let steps = Plan::new()
        .allow(f(30, 60), "claim(30) with 60 wei: usage 1 of 2, value 60 of 100, rule sum 30 of 50")
        .deny(f(30, 0), "claim(30): the rule sum would be 60 > 50; usage-limit, checked first, passed but commits nothing")
        .allow(f(20, 40), "claim(20) with 40 wei: usage 2 of 2 (not 3), value 100, rule sum 50 (not 80): the denied step left every counter unchanged")
        .deny(f(0, 0), "claim(0): usage 3 > 2")
        .take();
    file(
        "a denied step commits nothing for any policy: counters that passed before the failing policy stay as they were",
        session,
        steps,
    )
}

fn state_batch_atomic() -> String {
    let session = sdk(
        vec![usage(2)],
        vec![
            action(
                TARGET,
                sel::<probe::claimCall>(),
                vec![
                    usage(2),
                    uni(
                        None,
                        vec![rule(Cond::LessThanOrEqual, 0, word(u(50)), Some(u(100)))],
                    ),
                ],
            ),
            action(TARGET, sel::<probe::syncCall>(), vec![usage(1)]),
            action(TARGET, sel::<probe::pokeCall>(), vec![Policy::Sudo]),
        ],
    );
    let f = |x| call0(TARGET, claim(x));
    let sync = || call0(TARGET, probe::syncCall {}.abi_encode());
    let poke = || call0(TARGET, probe::pokeCall {}.abi_encode());
    let steps = Plan::new()
        .deny(Input::Batch(vec![f(50), f(50), sync(), sync()]), "the last call exceeds sync's usage-limit 1: the whole batch is denied")
        .allow(Input::Batch(vec![f(50), f(50), sync()]), "claim usage 2 of 2, rule sum 100 of 100, sync 1 of 1, session usage 1 of 2: the denied batch committed none of these")
        .deny(one(sync()), "sync is exhausted")
        .deny(one(f(0)), "claim's usage-limit is exhausted")
        .allow(one(poke()), "session usage 2 of 2: the two denied steps did not count")
        .deny(one(poke()), "session usage 3 > 2")
        .take();
    file(
        "a batch is atomic: when its last call is denied, no policy of any call, nor the session-level policies, commits anything",
        session,
        steps,
    )
}

// ---- 7. ERC-7579 execute ---------------------------------------------------------------------

fn erc7579_decoding() -> String {
    let session = sdk(
        vec![],
        vec![
            action(TARGET, sel::<probe::claimCall>(), vec![usage(3)]),
            fallback(None),
        ],
    );
    let inner = call0(TARGET, claim(1));
    // Denied payloads go to the sudo fallback, so only their encoding can deny them.
    let other = call0(OTHER, claim(1));
    let single = packed(other.to, other.value.0, &other.data);
    // The batch's last callData (36 bytes, padded to 64) cut 32 bytes short: into its data.
    let mut truncated = batch_encoding(std::slice::from_ref(&other));
    truncated.truncate(truncated.len() - 32);
    let mut offset_past_end = exec_single(&other);
    set_word(&mut offset_past_end, 36, u(0x1000));
    let mut huge_length = exec_single(&other);
    set_word(&mut huge_length, 68, U256::from(1u128 << 64));
    let acct = Input::Account;
    let steps = Plan::new()
        .allow(acct(exec_single(&inner)), "execute(single, target || value || claim(1)): the packed single execution, claim usage 1 of 3")
        .allow(acct(exec_batch(&[inner.clone(), call0(TARGET, claim(2))])), "execute(batch, abi.encode(Execution[2])): each execution is checked, claim usage 3 of 3")
        .deny(acct(exec_batch(&[])), "execute(batch) with no executions: NoExecutionsInBatch")
        .deny(acct(execute(mode(0xff, 0), single.clone())), "call type 0xff (delegatecall): UnsupportedCallType")
        .deny(acct(execute(mode(0xfe, 0), single.clone())), "call type 0xfe (static call): UnsupportedCallType")
        .deny(acct(execute(mode(0x02, 0), single.clone())), "call type 0x02, unknown: UnsupportedCallType")
        .deny(acct(execute(mode(0, 1), single.clone())), "exec type 0x01 (try): UnsupportedExecutionType")
        .deny(acct(execute(mode(1, 0), truncated)), "a batch whose last callData claims 36 bytes but has 32 left: DecodingError")
        .deny(acct(offset_past_end), "the offset of executionCalldata points past the end of the calldata")
        .deny(acct(huge_length), "the length of executionCalldata is 2^64")
        .allow(acct(exec_single(&other)), "the same execution (claim on another target) well encoded: the sudo fallback allows it, so the denials above came from decoding")
        .take();
    file(
        "ERC-7579 execute(bytes32 mode, bytes executionCalldata) as the account's calldata: single and batch executions decode; an empty batch, call types other than single and batch, the try exec type and malformed encodings deny, even with a sudo fallback",
        session,
        steps,
    )
}

fn erc7579_account_calls() -> String {
    let uninstall_sel = sel::<erc7579::uninstallModuleCall>();
    let session = sdk(
        vec![],
        vec![
            action(ACCOUNT, uninstall_sel, vec![usage(1)]),
            action(ACCOUNT, sel::<erc7579::executeCall>(), vec![Policy::Sudo]),
            fallback(None),
        ],
    );
    let install = erc7579::installModuleCall {
        moduleTypeId: u(2),
        module: MODULE,
        initData: Bytes::new(),
    }
    .abi_encode();
    let uninstall = erc7579::uninstallModuleCall {
        moduleTypeId: u(2),
        module: MODULE,
        deInitData: Bytes::new(),
    }
    .abi_encode();
    let nested = exec_single(&call0(TARGET, claim(1)));
    let acct = Input::Account;
    let steps = Plan::new()
        .deny(acct(exec_single(&call0(ACCOUNT, nested.clone()))), "an inner execution calling execute on the account itself: InvalidSelfCall, although an action (account, execute) has sudo")
        .deny(one(call0(ACCOUNT, nested)), "the same self-call given as a plain call")
        .deny(acct(exec_single(&call0(ADDRESS_ONE, claim(1)))), "an inner execution to 0x…01: InvalidTarget, although the fallback is sudo")
        .deny(one(call0(ADDRESS_ONE, Vec::new())), "a plain call to 0x…01: InvalidTarget")
        .allow(acct(exec_single(&call0(ACCOUNT, install.clone()))), "installModule as an inner execution on the account: an ordinary action, allowed by the sudo fallback")
        .deny(acct(install), "installModule as the account's own calldata: checked as action (account, installModule) with no fallback; there is none, so NoPoliciesSet")
        .allow(acct(uninstall.clone()), "uninstallModule as the account's own calldata: action (account, uninstallModule) has a usage-limit, 1 of 1")
        .deny(acct(uninstall), "uninstallModule again: 2 > 1")
        .take();
    file(
        "calls on the account: execute on the account itself and target 0x…01 are refused; other account selectors in the account's own calldata need an action for exactly (account, selector), with no fallback",
        session,
        steps,
    )
}

// ---- 8. arg policy ---------------------------------------------------------------------------

fn arg_policy_or_not() -> String {
    let to_is = |who: Address| leaf(rule(Cond::Equal, 0, addr_word(who), None));
    let amount_above = leaf(rule(Cond::GreaterThan, 32, word(u(1000)), None));
    let expression = and(or(to_is(ALICE), to_is(BOB)), not(amount_above));
    let session = sdk(
        vec![],
        vec![action(
            TARGET,
            sel::<probe::sendCall>(),
            vec![Policy::Arg {
                value_limit_per_use: None,
                expression,
            }],
        )],
    );
    let send = |to, amount| {
        one(call0(
            TARGET,
            probe::sendCall {
                to,
                amount: u(amount),
            }
            .abi_encode(),
        ))
    };
    let steps = Plan::new()
        .allow(
            send(ALICE, 1000),
            "send(alice, 1000): alice is one of the two, and not(1000 > 1000)",
        )
        .allow(send(BOB, 5), "send(bob, 5): the right branch of the or")
        .deny(send(CAROL, 5), "send(carol, 5): neither recipient")
        .deny(
            send(ALICE, 1001),
            "send(alice, 1001): not(1001 > 1000) is false",
        )
        .take();
    file(
        "arg-policy: and(or(to == alice, to == bob), not(amount > 1000)) allows either recipient up to 1000",
        session,
        steps,
    )
}

fn arg_policy_limited_under_not() -> String {
    let any = word(U256::ZERO);
    let limited = || leaf(rule(Cond::GreaterThanOrEqual, 0, any, Some(u(100))));
    let to_alice = leaf(rule(Cond::Equal, 32, addr_word(ALICE), None));
    let session = sdk(
        vec![],
        vec![
            action(
                TARGET,
                sel::<probe::spendCall>(),
                vec![Policy::Arg {
                    value_limit_per_use: None,
                    expression: not(limited()),
                }],
            ),
            action(
                TARGET,
                sel::<probe::giveCall>(),
                vec![Policy::Arg {
                    value_limit_per_use: None,
                    expression: or(not(limited()), to_alice),
                }],
            ),
        ],
    );
    let spend = |a| {
        one(call0(
            TARGET,
            probe::spendCall { amount: u(a) }.abi_encode(),
        ))
    };
    let give = |a, to| {
        one(call0(
            TARGET,
            probe::giveCall { amount: u(a), to }.abi_encode(),
        ))
    };
    let steps = Plan::new()
        .deny(spend(50), "spend(50): the limited rule passes (50 <= 100), so not(...) is false")
        .allow(spend(150), "spend(150): the rule fails only on its limit (150 > 100) and returns false without counting; not(...) makes it true")
        .deny(spend(100), "spend(100): 0 + 100 fits the limit, so the rule passes and the not denies; the allowed step counted nothing")
        .allow(give(60, ALICE), "give(60, alice): the limited rule passes and counts 60; not(...) is false, then to == alice makes the or true")
        .allow(give(60, BOB), "give(60, bob): 60 + 60 > 100, the rule is false (no count), not(...) is true")
        .allow(give(50, BOB), "give(50, bob): 60 + 50 > 100 again; this passes only because the first give committed its 60")
        .deny(give(40, BOB), "give(40, bob): 60 + 40 = 100 fits, the rule passes, not(...) is false and bob is not alice; so the 2nd and 3rd give counted nothing")
        .take();
    file(
        "arg-policy: a limited rule under not inverts the limit; a passing limited rule counts even under not when the whole expression holds",
        session,
        steps,
    )
}

// ---- 9. the same session in both forms --------------------------------------------------------

/// One session covering every policy kind, in the SDK form.
fn equivalence_sdk() -> SdkSession {
    let to_is = |who: Address| leaf(rule(Cond::Equal, 0, addr_word(who), None));
    sdk(
        vec![value_limit(1000)],
        vec![
            action(
                TOKEN_A,
                sel::<erc20::transferCall>(),
                vec![
                    spending(&[(TOKEN_A, 100)]),
                    time_frame((NOW + 1000) * 1000, NOW * 1000),
                ],
            ),
            action(
                TARGET,
                sel::<probe::setFeeCall>(),
                vec![uni(
                    Some(10),
                    vec![
                        rule(Cond::InRange, 0, word(u(100) << 128 | u(200)), None),
                        rule(Cond::GreaterThanOrEqual, 0, word(U256::ZERO), Some(u(300))),
                    ],
                )],
            ),
            action(
                TARGET,
                sel::<probe::sendCall>(),
                vec![Policy::Arg {
                    value_limit_per_use: None,
                    expression: or(to_is(ALICE), not(to_is(CAROL))),
                }],
            ),
            action(
                TARGET,
                sel::<probe::pingCall>(),
                vec![usage(2), value_limit(50)],
            ),
            action(TARGET, sel::<probe::syncCall>(), vec![]),
            fallback(None),
        ],
    )
}

/// The same session as the module's `Session` struct, init data encoded from the Solidity
/// layouts.
fn equivalence_onchain() -> OnChainSession {
    let policy = |policy, init_data: Vec<u8>| PolicyData {
        policy,
        init_data: init_data.into(),
    };
    let act = |target, selector: [u8; 4], action_policies| ActionData {
        action_target_selector: selector.into(),
        action_target: target,
        action_policies,
    };
    let uni_rules = [
        sol_rule(Condition::IN_RANGE, 0, word(u(100) << 128 | u(200)), None),
        sol_rule(
            Condition::GREATER_THAN_OR_EQUAL,
            0,
            B256::ZERO,
            Some(u(300)),
        ),
    ];
    // Nodes: 0 rule(0), 1 rule(1), 2 not(1), 3 or(0, 2); root 3.
    let nodes = vec![
        node(0, 0, 0, 0),
        node(0, 1, 0, 0),
        node(1, 0, 1, 0),
        node(3, 0, 0, 2),
    ];
    let arg = ArgActionConfig {
        valueLimitPerUse: U256::ZERO,
        paramRules: ArgParamRules {
            rootNodeIndex: 3,
            rules: vec![
                sol_rule(Condition::EQUAL, 0, addr_word(ALICE), None),
                sol_rule(Condition::EQUAL, 0, addr_word(CAROL), None),
            ],
            packedNodes: nodes,
        },
    };
    OnChainSession {
        format: "smart-sessions-onchain",
        user_op_policies: vec![policy(VALUE_LIMIT, u(1000).abi_encode())],
        actions: vec![
            act(
                TOKEN_A,
                sel::<erc20::transferCall>(),
                vec![
                    policy(SPENDING, (vec![TOKEN_A], vec![u(100)]).abi_encode_params()),
                    policy(TIME_FRAME, time_frame_init(NOW + 1000, NOW)),
                ],
            ),
            act(
                TARGET,
                sel::<probe::setFeeCall>(),
                vec![policy(UNI_ACTION, uni_config(10, &uni_rules).abi_encode())],
            ),
            act(
                TARGET,
                sel::<probe::sendCall>(),
                vec![policy(ARG_POLICY, arg.abi_encode())],
            ),
            act(
                TARGET,
                sel::<probe::pingCall>(),
                vec![
                    policy(USAGE_LIMIT, 2u128.to_be_bytes().to_vec()),
                    policy(VALUE_LIMIT, u(50).abi_encode()),
                ],
            ),
            act(
                ADDRESS_ONE,
                FALLBACK_SELECTOR,
                vec![policy(SUDO, Vec::new())],
            ),
        ],
    }
}

fn sol_rule(condition: Condition, offset: u64, reference: B256, limit: Option<U256>) -> ParamRule {
    ParamRule {
        condition,
        offset,
        isLimited: limit.is_some(),
        refValue: reference,
        usage: LimitUsage {
            limit: limit.unwrap_or_default(),
            used: U256::ZERO,
        },
    }
}

fn uni_config(value_limit_per_use: u64, rules: &[ParamRule]) -> UniActionConfig {
    let empty = sol_rule(Condition::EQUAL, 0, B256::ZERO, None);
    let slots: [ParamRule; 16] =
        std::array::from_fn(|i| rules.get(i).cloned().unwrap_or_else(|| empty.clone()));
    UniActionConfig {
        valueLimitPerUse: u(value_limit_per_use),
        paramRules: UniParamRules {
            length: U256::from(rules.len()),
            rules: slots,
        },
    }
}

/// `ArgPolicyTreeLib` packing: bits 0-1 type, 2-9 rule, 10-17 left, 18-25 right.
fn node(kind: u64, rule: u64, left: u64, right: u64) -> U256 {
    u(kind | rule << 2 | left << 10 | right << 18)
}

/// `abi.encodePacked(uint48 validUntil, uint48 validAfter)`, in seconds.
fn time_frame_init(valid_until: u64, valid_after: u64) -> Vec<u8> {
    [
        &valid_until.to_be_bytes()[2..],
        &valid_after.to_be_bytes()[2..],
    ]
    .concat()
}

fn equivalence_steps() -> Vec<Step> {
    let fee = |f: u64, v: u64| call(TARGET, u(v), probe::setFeeCall { fee: u(f) }.abi_encode());
    let send = |to| call0(TARGET, probe::sendCall { to, amount: u(1) }.abi_encode());
    let p = |v: u64| call(TARGET, u(v), ping());
    Plan::new()
        .at(NOW - 1)
        .deny(one(call0(TOKEN_A, transfer(BOB, u(10)))), "transfer before the time frame opens")
        .allow(one(call0(TOKEN_A, transfer(BOB, u(60)))), "transfer 60 of 100 inside the time frame")
        .deny(one(call0(TOKEN_A, transfer(BOB, u(41)))), "transfer 41: 101 > 100")
        .allow(one(fee(150, 10)), "setFee(150) with 10 wei: in range, valueLimitPerUse 10, limited sum 150 of 300")
        .deny(one(fee(150, 11)), "setFee(150) with 11 wei: above valueLimitPerUse")
        .allow(one(fee(150, 0)), "setFee(150): limited sum 300 of 300")
        .deny(one(fee(100, 0)), "setFee(100): in range but the limited sum would be 400")
        .allow(one(send(ALICE)), "send to alice: left of the or")
        .allow(one(send(BOB)), "send to bob: not(to == carol)")
        .deny(one(send(CAROL)), "send to carol: neither branch")
        .allow(Input::Batch(vec![p(25), p(25)]), "two pings worth 50 wei: ping usage 2 of 2, ping value 50 of 50; session value 60 of 1000")
        .deny(one(p(0)), "ping: usage 3 > 2")
        .allow(one(call(TARGET, u(925), probe::syncCall {}.abi_encode())), "sync has \"policies\": [] so the sudo fallback takes it; session value 985 of 1000")
        .deny(one(call(OTHER, u(16), Vec::new())), "16 wei to another address: through the fallback, but session value 1001 > 1000")
        .allow(one(call(OTHER, u(15), Vec::new())), "15 wei: session value 1000 of 1000")
        .at(NOW + 1001)
        .deny(one(call0(TOKEN_A, transfer(BOB, U256::ZERO))), "transfer 0 after the time frame closed")
        .take()
}

fn equivalence_files() -> (String, String) {
    let description = |form: &str| {
        format!(
            "the same session in the {form} form as equivalence-{}.json, with identical steps: both forms must give the same verdicts",
            if form == "SDK" { "onchain" } else { "sdk" }
        )
    };
    (
        file(&description("SDK"), equivalence_sdk(), equivalence_steps()),
        file(
            &description("on-chain Session struct"),
            equivalence_onchain(),
            equivalence_steps(),
        ),
    )
}

// ---- the files -------------------------------------------------------------------------------

fn scenarios() -> Vec<(&'static str, String)> {
    let (sdk_form, onchain_form) = equivalence_files();
    vec![
        ("uni-unsigned-comparisons.json", uni_unsigned()),
        ("uni-offsets.json", uni_offsets()),
        ("uni-in-range.json", uni_in_range()),
        ("uni-limited-rules.json", uni_limited()),
        ("value-and-usage-limits.json", value_and_usage()),
        ("user-op-policies.json", user_op_policies()),
        ("spending-per-action.json", spending_per_action()),
        ("spending-edges.json", spending_edges()),
        ("time-frame-inclusive.json", time_frame_inclusive()),
        (
            "time-frame-unbounded-and-zero.json",
            time_frame_unbounded_and_zero(),
        ),
        ("time-frame-milliseconds.json", time_frame_milliseconds()),
        ("dispatch-fallback.json", dispatch_fallback()),
        ("dispatch-no-action.json", dispatch_no_action()),
        ("dispatch-short-calldata.json", dispatch_short_calldata()),
        ("dispatch-merge.json", dispatch_merge()),
        (
            "state-deny-commits-nothing.json",
            state_deny_commits_nothing(),
        ),
        ("state-batch-atomic.json", state_batch_atomic()),
        ("erc7579-execute-decoding.json", erc7579_decoding()),
        ("erc7579-account-calls.json", erc7579_account_calls()),
        ("arg-policy-or-not.json", arg_policy_or_not()),
        (
            "arg-policy-limited-under-not.json",
            arg_policy_limited_under_not(),
        ),
        ("equivalence-sdk.json", sdk_form),
        ("equivalence-onchain.json", onchain_form),
    ]
}

fn folder() -> PathBuf {
    repo("tests/scenarios/smart-sessions")
}

/// The generated files; with `UPDATE_SCENARIOS=1` written once, before any test reads them.
fn generated() -> &'static [(&'static str, String)] {
    static FILES: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let files = scenarios();
        write(&folder(), &files);
        files
    })
}

/// A committed file's text.
fn committed(name: &str) -> String {
    generated_files::committed(&folder().join(name))
}

#[test]
fn files_match_the_generator() {
    assert_current(&folder(), generated());
    assert_only(&folder(), generated(), ".json");
}

/// Runs a scenario text; returns each step's decision and the failing steps.
fn run(name: &str, text: &str) -> (Vec<bool>, Vec<String>) {
    let scenario = Scenario::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let outcomes = scenario.run().unwrap_or_else(|e| panic!("{name}: {e}"));
    let decisions = outcomes
        .iter()
        .map(|o| o.verdict.as_ref().is_some_and(|v| v.is_allow()))
        .collect();
    let failures = outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| {
            format!(
                "{name} step {}: expected {:?}, got {:?} {:?} ({})",
                o.index,
                o.expected,
                o.verdict.as_ref().map(ToString::to_string),
                o.error,
                o.note.as_deref().unwrap_or_default()
            )
        })
        .collect();
    (decisions, failures)
}

#[test]
fn every_step_gets_its_expected_verdict() {
    let mut failures = Vec::new();
    let mut steps = 0;
    for (name, _) in generated() {
        let (decisions, failed) = run(name, &committed(name));
        steps += decisions.len();
        failures.extend(failed);
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
fn every_file_has_an_allow_and_a_deny_and_a_note_on_every_step() {
    for (name, text) in generated() {
        let scenario = Scenario::from_json(text).unwrap();
        assert!(!scenario.description.is_empty(), "{name}");
        assert!(
            scenario.steps.iter().any(|s| s.expect == Expect::Allow),
            "{name}"
        );
        assert!(
            scenario.steps.iter().any(|s| s.expect == Expect::Deny),
            "{name}"
        );
        assert!(scenario.steps.iter().all(|s| s.note.is_some()), "{name}");
    }
}

#[test]
fn both_forms_give_the_same_verdicts() {
    generated();
    let (sdk_decisions, _) = run("equivalence-sdk.json", &committed("equivalence-sdk.json"));
    let onchain = "equivalence-onchain.json";
    let (onchain_decisions, _) = run(onchain, &committed(onchain));
    assert_eq!(sdk_decisions.len(), equivalence_steps().len());
    assert_eq!(sdk_decisions, onchain_decisions);
}

#[test]
fn encodings_follow_the_erc7579_layouts() {
    let inner = call(TARGET, u(7), claim(1));
    let single = packed(inner.to, inner.value.0, &inner.data);
    assert_eq!(single.len(), 20 + 32 + 36);
    assert_eq!(&single[..20], TARGET.as_slice());
    // abi.encode(Execution[]) starts with the offset of the array, 0x20.
    let batch = batch_encoding(&[inner]);
    assert_eq!(U256::from_be_slice(&batch[..32]), u(0x20));
    assert_eq!(U256::from_be_slice(&batch[32..64]), u(1));
    assert_eq!(
        exec_single(&call0(TARGET, Vec::new()))[..4],
        [0xe9, 0xae, 0x5c, 0x53]
    );
    assert_eq!(
        time_frame_init(0x0102, 3),
        [0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 3]
    );
    assert_eq!(uni_config(0, &[]).abi_encode().len(), 3136);
}
