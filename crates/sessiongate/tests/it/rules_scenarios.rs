//! The scenario files in `tests/scenarios/rules/` and the examples `examples/uniswap-v3-swap/`,
//! `examples/payroll-batch/` and `examples/multicall-swap/`: the native rule syntax of issue 5
//! (parameter paths into tuples, arrays, `bytes` and `string`; bit and quantifier conditions;
//! rule trees; relations to the context and to other parameters; nested calldata; budgets over
//! time, shared budgets and rate limits). Every calldata is alloy `sol!` encoding; malformed ones
//! are alloy encodings with one word changed (or cut short).
//!
//! With `UPDATE_SCENARIOS=1` the files are (re)written; otherwise each committed file must equal
//! what this generator makes. Independently, every step must get its expected verdict, and every
//! denied step (and every `tx-deny-*.json`) must be denied for the reason kind the generator
//! names — plus, where the generator names them, the violation's `param` (`recipients[3]` under
//! `every`), `source` (a tree node), `inner` (the element index at each nesting level),
//! `resets_at` / `next_at`, or the decoder's error kind.

use crate::common::abi::across::{V3RelayData, fillV3RelayCall};
use crate::common::abi::compound::{accrueInterestCall, claimCompCall};
use crate::common::abi::disperse::disperseTokenCall;
use crate::common::abi::ens::{setContenthashCall, setFusesCall, setTextCall};
use crate::common::abi::erc20::{approveCall, transferCall};
use crate::common::abi::multicall3::{Call3, aggregate3Call};
use crate::common::abi::payroll::batchTransferCall;
use crate::common::abi::uniswap_v2::swapExactTokensForTokensCall;
use crate::common::abi::weth::{depositCall, withdrawCall};
use crate::common::abi::{multicall_deadline, multicall_plain, router01, router02, single};
use crate::common::generated_files::{assert_only, pretty_json, sync};
use crate::common::{self, hex, two_pow, with_word, word_at};
use alloy_primitives::aliases::{U24, U160};
use alloy_primitives::{Address, B256, Bytes, U256, address, keccak256};
use alloy_sol_types::SolCall;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};
use sessiongate::document::Quantity;
use sessiongate::transaction::CallDocument;
use sessiongate::{MemoryLedger, Session, Transaction};
use sessiongate_scenario::{Expect, Scenario, Step};
use std::path::PathBuf;

// ---- ABI ------------------------------------------------------------------------------------

// The selectors as session documents write them: with names, which paths use.
const EIS02_SIG: &str = "exactInputSingle((address tokenIn,address tokenOut,uint24 fee,address recipient,uint256 amountIn,uint256 amountOutMinimum,uint160 sqrtPriceLimitX96) params)";
const EIS01_SIG: &str = "exactInputSingle((address tokenIn,address tokenOut,uint24 fee,address recipient,uint256 deadline,uint256 amountIn,uint256 amountOutMinimum,uint160 sqrtPriceLimitX96) params)";
const EXACT_INPUT_SIG: &str =
    "exactInput((bytes path,address recipient,uint256 amountIn,uint256 amountOutMinimum) params)";
const MULTICALL_SIG: &str = "multicall(bytes[] data)";
const MULTICALL_DEADLINE_SIG: &str = "multicall(uint256 deadline, bytes[] data)";
const V2_SWAP_SIG: &str = "swapExactTokensForTokens(uint256 amountIn,uint256 amountOutMin,address[] path,address to,uint256 deadline)";
const TRANSFER_SIG: &str = "transfer(address to, uint256 amount)";
const APPROVE_SIG: &str = "approve(address spender, uint256 amount)";
const SET_TEXT_SIG: &str = "setText(bytes32 node, string key, string value)";
const SET_CONTENTHASH_SIG: &str = "setContenthash(bytes32 node, bytes hash)";
const SET_FUSES_SIG: &str = "setFuses(bytes32 node, uint16 ownerControlledFuses)";
const DISPERSE_SIG: &str = "disperseToken(address token, address[] recipients, uint256[] values)";
const AGGREGATE3_SIG: &str =
    "aggregate3((address target,bool allowFailure,bytes callData)[] calls)";
const ACCRUE_SIG: &str = "accrueInterest()";
const EXECUTE_SIG: &str = "execute(address to, uint256 value, bytes data)";
const FILL_SIG: &str = "fillV3Relay((address depositor,address recipient,address exclusiveRelayer,address inputToken,address outputToken,uint256 inputAmount,uint256 outputAmount,uint256 originChainId,uint32 depositId,uint32 fillDeadline,uint32 exclusivityDeadline,bytes message) relayData, uint256 repaymentChainId)";
const CLAIM_SIG: &str = "claimComp(address holder)";
const BATCH_TRANSFER_SIG: &str =
    "batchTransfer(address token, address[] recipients, uint256[] amounts)";
const DEPOSIT_SIG: &str = "deposit()";
const WITHDRAW_SIG: &str = "withdraw(uint256 wad)";

// ---- mainnet addresses ----------------------------------------------------------------------

/// The smart account of every scenario and example.
const ACCOUNT: Address = address!("6C3D1E9a2B7F4C8D5E0A1b2c3D4E5F60718293a4");
const USDC: Address = address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
const USDT: Address = address!("dAC17F958D2ee523a2206206994597C13D831ec7");
const DAI: Address = address!("6B175474E89094C44Da98b954EedeAC495271d0F");
const WETH: Address = address!("C02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2");
const WBTC: Address = address!("2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599");
const PEPE: Address = address!("6982508145454Ce325dDbE47a25d4ec3d2311933");
/// Aave V3 aEthUSDC: USDC on deposit, 1:1, 6 decimals.
const AUSDC: Address = address!("98C23E9d8f34FEFb1B7BD6a91B7FF122F4e16F5c");
/// Native USDC on Optimism (an Across deposit's input token).
const OP_USDC: Address = address!("0b2C639c533813f4Aa9D7837CAf62653d097Ff85");
/// Uniswap SwapRouter02.
const ROUTER02: Address = address!("68b3465833fb72A70ecDF485E0e4C7bD8665Fc45");
/// The original Uniswap V3 SwapRouter.
const ROUTER: Address = address!("E592427A0AEce92De3Edee1F18E0157C05861564");
/// Uniswap V2 Router02.
const V2_ROUTER: Address = address!("7a250d5630B4cF539739dF2C5dAcb4c659F2488D");
const PERMIT2: Address = address!("000000000022D473030F116dDEE9F6B43aC78BA3");
const MULTICALL3: Address = address!("cA11bde05977b3631167028862bE2a173976CA11");
/// ENS PublicResolver.
const ENS_RESOLVER: Address = address!("231b0Ee14048e9dCcD1d247744d114a4EB5E8E63");
/// ENS NameWrapper.
const NAME_WRAPPER: Address = address!("D4416b13d2b3a9aBae7AcD5D6C2BbDBE25686401");
/// Disperse.app.
const DISPERSE: Address = address!("D152f549545093347A162Dce210e7293f1452150");
/// Compound V2 cUSDC, cDAI, cETH and the Comptroller.
const CUSDC: Address = address!("39AA39c021dfbaE8faC545936693aC917d5E7563");
const CDAI: Address = address!("5d3a536E4D6DbD6114cc1Ead35777bAB948E3643");
const CETH: Address = address!("4Ddc2D193948926D02f9B1fE9e1daa0718270ED5");
const COMPTROLLER: Address = address!("3d9819210A31b4961b30EF54bE2aeD79B9c9Cd3B");
/// Across V3 SpokePool on Ethereum.
const SPOKE_POOL: Address = address!("5c7BCd6E7De5423a257D81B442095A1a6ced35C5");
/// Someone the sessions do not name (vitalik.eth).
const OTHER: Address = address!("d8dA6BF26964aF9D7eEd9e03E53415D37aA96045");

/// A stable address for a party the generator invents (a payee, an employee, a module).
fn named(label: &str) -> Address {
    Address::from_slice(&keccak256(format!("sessiongate rules scenarios: {label}"))[12..])
}

fn payee() -> Address {
    named("payee")
}

fn module() -> Address {
    named("executor module")
}

fn payroll() -> Address {
    named("payroll contract")
}

fn employees() -> Vec<Address> {
    (1..=5).map(|i| named(&format!("employee {i}"))).collect()
}

// ---- time and amounts -----------------------------------------------------------------------

/// Thursday 2026-01-01 00:00:00 UTC.
const T0: u64 = 1_767_225_600;
const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;
/// The last second of January 2026.
const JAN_END: u64 = T0 + 31 * DAY - 1;

/// Day `d` of January 2026 (from 0 = Jan 1) at `h:m` UTC.
fn at(d: u64, h: u64, m: u64) -> u64 {
    T0 + d * DAY + h * HOUR + m * 60
}

fn units(whole: u64, decimals: u8) -> U256 {
    U256::from(whole) * U256::from(10u8).pow(U256::from(decimals))
}

fn usdc(whole: u64) -> U256 {
    units(whole, 6)
}

fn dai(whole: u64) -> U256 {
    units(whole, 18)
}

/// Thousandths of an ether (or of WETH), in wei.
fn milli(m: u64) -> U256 {
    units(m, 15)
}

// ---- calldata -------------------------------------------------------------------------------

/// A call as the generator builds it.
#[derive(Clone, Debug)]
struct Tx {
    to: Address,
    value: U256,
    data: Vec<u8>,
}

fn call(to: Address, data: Vec<u8>) -> Tx {
    Tx {
        to,
        value: U256::ZERO,
        data,
    }
}

impl Tx {
    fn with_value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }

    fn doc(&self) -> CallDocument {
        CallDocument {
            to: self.to,
            value: Quantity(self.value),
            data: self.data.clone().into(),
            ..CallDocument::default()
        }
    }
}

/// Sets the first of an address word's 12 zero bytes.
fn dirty_address_at(mut data: Vec<u8>, at: usize) -> Vec<u8> {
    assert!(
        data[at..at + 12].iter().all(|b| *b == 0),
        "not an address word"
    );
    data[at] = 0x01;
    data
}

/// For a dynamic array whose offset word is at `offset_at` (in a frame starting at `frame`):
/// the byte where its length word is, and where its element area starts.
fn array_at(data: &[u8], frame: usize, offset_at: usize) -> (usize, usize) {
    let length_at = frame + word_at(data, offset_at);
    (length_at, length_at + 32)
}

fn transfer(to: Address, amount: U256) -> Vec<u8> {
    transferCall { to, amount }.abi_encode()
}

fn approve(spender: Address, amount: U256) -> Vec<u8> {
    approveCall { spender, amount }.abi_encode()
}

/// A SwapRouter02 `exactInputSingle`.
#[derive(Clone, Copy, Debug)]
struct Swap {
    token_in: Address,
    token_out: Address,
    fee: u32,
    recipient: Address,
    amount_in: U256,
    min_out: U256,
    price_limit: U256,
}

fn swap(token_in: Address, token_out: Address, fee: u32, amount_in: U256, min_out: U256) -> Swap {
    Swap {
        token_in,
        token_out,
        fee,
        recipient: ACCOUNT,
        amount_in,
        min_out,
        price_limit: U256::ZERO,
    }
}

/// USDC → WETH at the 0.05 % pool, to the account.
fn buy_weth(amount_in: U256, min_out: U256) -> Swap {
    swap(USDC, WETH, 500, amount_in, min_out)
}

impl Swap {
    fn to(mut self, recipient: Address) -> Self {
        self.recipient = recipient;
        self
    }

    fn data(self) -> Vec<u8> {
        router02::exactInputSingleCall {
            params: router02::ExactInputSingleParams {
                tokenIn: self.token_in,
                tokenOut: self.token_out,
                fee: U24::from(self.fee),
                recipient: self.recipient,
                amountIn: self.amount_in,
                amountOutMinimum: self.min_out,
                sqrtPriceLimitX96: U160::from(self.price_limit),
            },
        }
        .abi_encode()
    }

    /// The same swap on the original SwapRouter, whose parameters carry a deadline.
    fn legacy(self, deadline: u64) -> Tx {
        let data = router01::exactInputSingleCall {
            params: router01::ExactInputSingleParams {
                tokenIn: self.token_in,
                tokenOut: self.token_out,
                fee: U24::from(self.fee),
                recipient: self.recipient,
                deadline: U256::from(deadline),
                amountIn: self.amount_in,
                amountOutMinimum: self.min_out,
                sqrtPriceLimitX96: U160::from(self.price_limit),
            },
        }
        .abi_encode();
        call(ROUTER, data)
    }

    fn tx(self) -> Tx {
        call(ROUTER02, self.data())
    }
}

/// A Uniswap V3 path: token, 3-byte fee, token, …
fn route(tokens: &[Address], fees: &[u32]) -> Vec<u8> {
    assert_eq!(tokens.len(), fees.len() + 1);
    let mut path = tokens[0].to_vec();
    for (token, fee) in tokens[1..].iter().zip(fees) {
        path.extend_from_slice(&fee.to_be_bytes()[1..]);
        path.extend_from_slice(token.as_slice());
    }
    path
}

fn exact_input(path: Vec<u8>, recipient: Address, amount_in: U256, min_out: U256) -> Vec<u8> {
    router02::exactInputCall {
        params: router02::ExactInputParams {
            path: path.into(),
            recipient,
            amountIn: amount_in,
            amountOutMinimum: min_out,
        },
    }
    .abi_encode()
}

fn sweep_token(token: Address, recipient: Address) -> Vec<u8> {
    router02::sweepTokenCall {
        token,
        amountMinimum: U256::ZERO,
        recipient,
    }
    .abi_encode()
}

fn multicall(inner: &[Vec<u8>]) -> Vec<u8> {
    multicall_plain::multicallCall {
        data: inner.iter().cloned().map(Bytes::from).collect(),
    }
    .abi_encode()
}

fn multicall_until(deadline: u64, inner: &[Vec<u8>]) -> Vec<u8> {
    multicall_deadline::multicallCall {
        deadline: U256::from(deadline),
        data: inner.iter().cloned().map(Bytes::from).collect(),
    }
    .abi_encode()
}

fn v2_swap(
    amount_in: U256,
    min_out: U256,
    path: &[Address],
    to: Address,
    deadline: u64,
) -> Vec<u8> {
    swapExactTokensForTokensCall {
        amountIn: amount_in,
        amountOutMin: min_out,
        path: path.to_vec(),
        to,
        deadline: U256::from(deadline),
    }
    .abi_encode()
}

fn aggregate(calls: &[(Address, bool, Vec<u8>)]) -> Vec<u8> {
    aggregate3Call {
        calls: calls
            .iter()
            .map(|(target, allow_failure, data)| Call3 {
                target: *target,
                allowFailure: *allow_failure,
                callData: data.clone().into(),
            })
            .collect(),
    }
    .abi_encode()
}

fn accrue() -> Vec<u8> {
    accrueInterestCall {}.abi_encode()
}

fn module_execute(to: Address, value: U256, data: Vec<u8>) -> Tx {
    call(
        module(),
        single::executeCall {
            dest: to,
            value,
            func: data.into(),
        }
        .abi_encode(),
    )
}

fn disperse(token: Address, payments: &[(Address, U256)]) -> Tx {
    let data = disperseTokenCall {
        token,
        recipients: payments.iter().map(|p| p.0).collect(),
        values: payments.iter().map(|p| p.1).collect(),
    }
    .abi_encode();
    call(DISPERSE, data)
}

fn pay_all(recipients: &[Address], amounts: &[U256]) -> Tx {
    let data = batchTransferCall {
        token: USDC,
        recipients: recipients.to_vec(),
        amounts: amounts.to_vec(),
    }
    .abi_encode();
    call(payroll(), data)
}

/// ENS namehash.
fn namehash(name: &str) -> B256 {
    name.rsplit('.').fold(B256::ZERO, |node, label| {
        keccak256([node.as_slice(), keccak256(label).as_slice()].concat())
    })
}

// ---- session documents ----------------------------------------------------------------------

fn a(address: Address) -> Value {
    json!(address.to_checksum(None))
}

fn q(amount: U256) -> Value {
    json!(amount.to_string())
}

fn leaf(param: &str, condition: &str, value: Value) -> Value {
    json!({ "param": param, "condition": condition, "value": value })
}

fn with(mut value: Value, key: &str, field: Value) -> Value {
    value[key] = field;
    value
}

fn context(what: &str) -> Value {
    json!({ "context": what })
}

/// Another parameter of the call, times the product of `ratio` (absent when empty: 1).
fn relation(param: &str, ratio: &[&str]) -> Value {
    match ratio {
        [] => json!({ "param": param }),
        _ => json!({ "param": param, "ratio": ratio }),
    }
}

fn action(name: &str, target: Address, selector: &str, rules: Vec<Value>) -> Value {
    json!({ "name": name, "target": a(target), "selector": selector, "rules": rules })
}

// ---- expectations ---------------------------------------------------------------------------

/// Why a step must be denied: the reason kind, and fields of the violation (JSON pointers into
/// the serialized `Violation`) that must have the given values.
#[derive(Clone, Debug)]
struct Why {
    kind: &'static str,
    checks: Vec<(&'static str, Value)>,
}

fn why(kind: &'static str) -> Why {
    Why {
        kind,
        checks: Vec::new(),
    }
}

impl Why {
    fn with(mut self, pointer: &'static str, value: Value) -> Self {
        self.checks.push((pointer, value));
        self
    }

    /// The violation's parameter, e.g. `recipients[3]` for an element under `every`.
    fn param(self, param: &str) -> Self {
        self.with("/param", json!(param))
    }

    /// The rule-tree node that failed, e.g. `actions[0].rules[1].any`.
    fn source(self, source: &str) -> Self {
        self.with("/source", json!(source))
    }

    /// The element index at each nesting level of the inner call at fault.
    fn inner(self, at: &[u64]) -> Self {
        self.with("/inner", json!(at))
    }

    fn resets_at(self, at: u64) -> Self {
        self.with("/reason/resets_at", json!(at))
    }

    fn next_at(self, at: u64) -> Self {
        self.with("/reason/next_at", json!(at))
    }

    /// The strict decoder's error kind.
    fn error(self, kind: &str) -> Self {
        self.with("/reason/error/kind", json!(kind))
    }

    fn matches(&self, violation: &Value) -> bool {
        violation.pointer("/reason/kind") == Some(&json!(self.kind))
            && self
                .checks
                .iter()
                .all(|(pointer, value)| violation.pointer(pointer) == Some(value))
    }

    fn describe(&self) -> String {
        let mut text = self.kind.to_owned();
        for (pointer, value) in &self.checks {
            text.push_str(&format!(", {pointer} = {value}"));
        }
        text
    }
}

// ---- plans ----------------------------------------------------------------------------------

/// What a step sends: one call or an atomic batch.
#[derive(Clone, Debug)]
enum Input {
    One(Tx),
    Batch(Vec<Tx>),
}

impl From<Tx> for Input {
    fn from(tx: Tx) -> Self {
        Self::One(tx)
    }
}

impl From<Vec<Tx>> for Input {
    fn from(txs: Vec<Tx>) -> Self {
        Self::Batch(txs)
    }
}

/// Steps in time order; each step is a minute after the one before unless the plan jumps.
struct Plan {
    now: u64,
    /// The time of the last step pushed.
    last: Option<u64>,
    steps: Vec<Step>,
    whys: Vec<Option<Why>>,
}

impl Plan {
    fn starting(now: u64) -> Self {
        Self {
            now,
            last: None,
            steps: Vec::new(),
            whys: Vec::new(),
        }
    }

    /// Sets the next step's time, which must not be before the last step's.
    fn at(&mut self, now: u64) -> &mut Self {
        assert!(
            self.last.is_none_or(|last| now >= last),
            "step {} would go back in time",
            self.steps.len()
        );
        self.now = now;
        self
    }

    fn push(&mut self, input: Input, expect: Expect, note: &str, why: Option<Why>) -> &mut Self {
        let (call, calls) = match input {
            Input::One(tx) => (Some(tx.doc()), None),
            Input::Batch(txs) => (None, Some(txs.iter().map(Tx::doc).collect())),
        };
        self.steps.push(Step {
            now: self.now,
            call,
            calls,
            account_calldata: None,
            user_op: None,
            expect,
            reason: None,
            path: None,
            note: Some(note.to_owned()),
        });
        self.whys.push(why);
        self.last = Some(self.now);
        self.now += 60;
        self
    }

    fn allow(&mut self, input: impl Into<Input>, note: &str) -> &mut Self {
        self.push(input.into(), Expect::Allow, note, None)
    }

    fn deny(&mut self, input: impl Into<Input>, why: Why, note: &str) -> &mut Self {
        self.push(input.into(), Expect::Deny, note, Some(why))
    }
}

/// One generated scenario file: its text and the reason each step's verdict must give.
struct Generated {
    name: String,
    text: String,
    whys: Vec<Option<Why>>,
}

fn scenario(name: &str, description: &str, session: Value, plan: Plan) -> Generated {
    scenario_for(name, description, session, Some(ACCOUNT), plan)
}

fn scenario_for(
    name: &str,
    description: &str,
    session: Value,
    account: Option<Address>,
    plan: Plan,
) -> Generated {
    let mut scenario = Scenario {
        description: description.to_owned(),
        session,
        account,
        account_kind: None,
        chain_id: Some(1),
        steps: plan.steps,
    };
    // A deny states the kind of its first violation where that is the kind its `why` names; a
    // `why` met by a later violation only leaves the step without one.
    scenario.record_reasons().unwrap();
    for (step, why) in scenario.steps.iter_mut().zip(&plan.whys) {
        if step.reason.as_deref() != why.as_ref().map(|why| why.kind) {
            step.reason = None;
        }
    }
    Generated {
        name: name.to_owned(),
        text: pretty(&serde_json::to_value(&scenario).unwrap()),
        whys: plan.whys,
    }
}

// ---- JSON in a readable key order -----------------------------------------------------------

/// Keys in the order people read them; other keys follow, alphabetically.
const KEY_ORDER: &[&str] = &[
    "format",
    "name",
    "description",
    "account",
    "chain_id",
    "session",
    "now",
    "from",
    "call",
    "calls",
    "expect",
    "note",
    "steps",
    "budgets",
    "type",
    "token",
    "calldata",
    "to",
    "target",
    "selector",
    "nested",
    "param",
    "slice",
    "quantifier",
    "count",
    "condition",
    "context",
    "value",
    "data",
    "ratio",
    "budget",
    "all",
    "any",
    "not",
    "valid_after",
    "valid_until",
    "min_spacing",
    "max_calls",
    "limit",
    "period",
    "start",
    "refill",
    "shared",
    "rules",
    "policies",
    "actions",
];

/// Addresses under these keys are written checksummed.
const ADDRESS_KEYS: &[&str] = &["account", "to", "from"];

struct Ordered<'a>(&'a Value);

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by_key(|k| {
                    let rank = KEY_ORDER.iter().position(|o| o == k);
                    (rank.unwrap_or(usize::MAX), k.as_str())
                });
                let mut out = serializer.serialize_map(Some(keys.len()))?;
                for key in keys {
                    let value = &map[key];
                    let address = match value {
                        Value::String(s) if ADDRESS_KEYS.contains(&key.as_str()) => {
                            s.parse::<Address>().ok()
                        }
                        _ => None,
                    };
                    match address {
                        Some(address) => {
                            out.serialize_entry(key, &address.to_checksum(None))?;
                        }
                        None => out.serialize_entry(key, &Ordered(value))?,
                    }
                }
                out.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(Ordered)),
            other => other.serialize(serializer),
        }
    }
}

fn pretty(value: &Value) -> String {
    pretty_json(&Ordered(value))
}

// ---- paths-tuple.json -----------------------------------------------------------------------

/// Named tuple components: `params.tokenIn` on SwapRouter02's `exactInputSingle`, and the same
/// bounds through index-headed paths (`0.amountIn`) on the original SwapRouter, whose tuple
/// carries a deadline.
fn paths_tuple() -> Generated {
    let session = json!({
        "name": "v3-single-swaps",
        "description": "Uniswap V3 single-pool swaps into WETH from USDC or USDT, at the 0.05 % or 0.3 % pools, at most 5,000 a swap, output to the account, no price limit; on the original SwapRouter only USDC at 0.05 %, at most 1,000 USDC, with a deadline within January 2026",
        "chain_id": 1,
        "actions": [
            action("router02-swap", ROUTER02, EIS02_SIG, vec![
                leaf("params.tokenIn", "one_of", json!([a(USDC), a(USDT)])),
                leaf("params.tokenOut", "eq", a(WETH)),
                leaf("params.fee", "one_of", json!([500, 3000])),
                leaf("params.recipient", "eq", a(ACCOUNT)),
                leaf("params.amountIn", "lte", q(usdc(5_000))),
                leaf("params.sqrtPriceLimitX96", "eq", json!(0)),
            ]),
            action("router-swap", ROUTER, EIS01_SIG, vec![
                leaf("0.tokenIn", "eq", a(USDC)),
                leaf("0.tokenOut", "eq", a(WETH)),
                leaf("0.fee", "eq", json!(500)),
                leaf("0.recipient", "eq", a(ACCOUNT)),
                leaf("0.deadline", "lte", json!(JAN_END)),
                leaf("0.amountIn", "lte", q(usdc(1_000))),
            ]),
        ]
    });
    let mut p = Plan::starting(at(4, 9, 0));
    let deadline = at(4, 9, 30);
    p.allow(
        buy_weth(usdc(2_500), milli(770)).tx(),
        "2,500 USDC → WETH at the 0.05 % pool to the account: every field of `params` is within its rule",
    )
    .allow(
        swap(USDT, WETH, 3000, usdc(5_000), milli(1_540)).tx(),
        "5,000 USDT → WETH at the 0.3 % pool: USDT is one of the two input tokens, and 5,000 is the bound itself (lte)",
    )
    .deny(
        swap(DAI, WETH, 500, dai(1_000), milli(300)).tx(),
        why("condition"),
        "DAI → WETH: `params.tokenIn` is DAI, not one of [USDC, USDT]",
    )
    .deny(
        swap(USDC, PEPE, 3000, usdc(1_000), U256::ZERO).tx(),
        why("condition"),
        "USDC → PEPE: `params.tokenOut` must be WETH",
    )
    .deny(
        swap(USDC, WETH, 10_000, usdc(1_000), milli(300)).tx(),
        why("condition"),
        "USDC → WETH at the 1 % pool: `params.fee` 10000 is not one of [500, 3000]",
    )
    .deny(
        buy_weth(usdc(1_000), milli(300)).to(OTHER).tx(),
        why("condition"),
        "the WETH would go to vitalik.eth: `params.recipient` must be the account",
    )
    .deny(
        buy_weth(U256::from(5_000_000_001u64), milli(1_500)).tx(),
        why("condition"),
        "5,000.000001 USDC: `params.amountIn` is one unit above the bound 5,000",
    )
    .deny(
        Swap {
            price_limit: U256::from(1u8) << 96,
            ..buy_weth(usdc(1_000), milli(300))
        }
        .tx(),
        why("condition"),
        "a swap with a price limit: `params.sqrtPriceLimitX96` (a uint160 component) must be 0",
    )
    .deny(
        call(
            ROUTER02,
            with_word(
                buy_weth(usdc(1_000), milli(300)).data(),
                4 + 2 * 32,
                U256::from(500u32) | two_pow(24),
            ),
        ),
        why("dirty_word"),
        "the `fee` word of the tuple has bit 24 set: 500 + 2^24 is no uint24, Solidity's decoder reverts, so the call is denied before any condition",
    )
    .deny(
        call(
            ROUTER02,
            dirty_address_at(buy_weth(usdc(1_000), milli(300)).data(), 4 + 3 * 32),
        ),
        why("dirty_word"),
        "the `recipient` word of the tuple has a non-zero upper byte: no valid address",
    )
    .allow(
        buy_weth(usdc(1_000), milli(300)).legacy(deadline),
        "the original SwapRouter: 1,000 USDC → WETH at 0.05 %, deadline 09:30 today; `0.amountIn` is the component `amountIn` of parameter 0, which sits one word later here than on SwapRouter02 (after `deadline`)",
    )
    .deny(
        buy_weth(usdc(1_500), milli(450)).legacy(deadline),
        why("condition"),
        "the original SwapRouter: 1,500 USDC is above its own bound of 1,000 (`0.amountIn`)",
    )
    .deny(
        buy_weth(usdc(1_000), milli(300)).legacy(JAN_END + 1),
        why("condition"),
        "the original SwapRouter with a deadline one second after January: `0.deadline` must be ≤ the session's end",
    )
    .deny(
        swap(USDT, WETH, 500, usdc(1_000), milli(300)).legacy(deadline),
        why("condition"),
        "the original SwapRouter: USDT is allowed on SwapRouter02 only; `0.tokenIn` must be USDC here",
    )
    .allow(
        vec![
            buy_weth(usdc(1_000), milli(300)).tx(),
            buy_weth(usdc(500), milli(150)).legacy(deadline),
        ],
        "a batch: 1,000 USDC through SwapRouter02 and 500 USDC through the original SwapRouter, each within its action",
    )
    .deny(
        vec![
            buy_weth(usdc(1_000), milli(300)).tx(),
            buy_weth(usdc(500), milli(150)).to(OTHER).legacy(deadline),
        ],
        why("condition"),
        "a batch whose second swap pays vitalik.eth: the whole batch is denied",
    );
    scenario(
        "paths-tuple.json",
        "Parameter paths into a static tuple: `params.tokenIn`, `params.fee`, `params.recipient`, `params.amountIn`, `params.sqrtPriceLimitX96` of SwapRouter02's exactInputSingle, and index-headed paths (`0.amountIn`, `0.deadline`) on the original SwapRouter, whose tuple has a deadline; dirty words inside the tuple are denied",
        session,
        p,
    )
}

// ---- paths-arrays.json ----------------------------------------------------------------------

/// `address[] path` of a Uniswap V2 swap: a fixed index, every element, the length; strict
/// offsets and lengths.
fn paths_arrays() -> Generated {
    let session = json!({
        "name": "v2-swaps-from-usdc",
        "description": "Uniswap V2 swaps that start in USDC, hop only through USDC, WETH, DAI and WBTC, take at most 3 tokens, send the output to the account and sell at most 10,000 USDC",
        "chain_id": 1,
        "actions": [action("v2-swap", V2_ROUTER, V2_SWAP_SIG, vec![
            leaf("path[0]", "eq", a(USDC)),
            leaf("path[*]", "one_of", json!([a(USDC), a(WETH), a(DAI), a(WBTC)])),
            leaf("path.length", "lte", json!(3)),
            leaf("to", "eq", a(ACCOUNT)),
            leaf("amountIn", "lte", q(usdc(10_000))),
        ])]
    });
    let start = at(4, 10, 0);
    let deadline = start + 20 * 60;
    let v2 = |amount: u64, path: &[Address]| {
        call(
            V2_ROUTER,
            v2_swap(usdc(amount), U256::from(1u8), path, ACCOUNT, deadline),
        )
    };
    let good = v2(2_000, &[USDC, WETH]).data;
    // Head: amountIn, amountOutMin, offset of path, to, deadline; then path's length, elements.
    let offset_at = 4 + 2 * 32;
    assert_eq!(word_at(&good, offset_at), 5 * 32);
    let (length_at, elements) = array_at(&good, 4, offset_at);
    let bad = |data: Vec<u8>| call(V2_ROUTER, data);
    let mut p = Plan::starting(start);
    p.allow(
        v2(2_000, &[USDC, WETH]),
        "2,000 USDC → WETH: `path[0]` is USDC, every hop is in the set, 2 tokens ≤ 3",
    )
    .allow(
        v2(5_000, &[USDC, WETH, WBTC]),
        "5,000 USDC → WETH → WBTC: 3 tokens, the bound of `path.length` itself",
    )
    .allow(v2(800, &[USDC, DAI]), "800 USDC → DAI")
    .deny(
        call(V2_ROUTER, v2_swap(dai(1_000), U256::from(1u8), &[DAI, WETH], ACCOUNT, deadline)),
        why("condition"),
        "DAI → WETH: DAI is in the hop set, but `path[0]` must be USDC (and 1,000 DAI, 10^21 units, is also far above `amountIn` ≤ 10^10)",
    )
    .deny(
        v2(1_000, &[USDC, WETH, PEPE]),
        why("condition").param("path[2]"),
        "USDC → WETH → PEPE: under `every`, `path[2]` (PEPE) is not one of the four tokens",
    )
    .deny(
        v2(1_000, &[USDC, PEPE]),
        why("condition").param("path[1]"),
        "USDC → PEPE: `path[1]` is not one of the four tokens",
    )
    .deny(
        v2(1_000, &[USDC, DAI, WETH, WBTC]),
        why("condition"),
        "USDC → DAI → WETH → WBTC: every hop is allowed, but `path.length` 4 is above 3",
    )
    .deny(
        call(V2_ROUTER, v2_swap(usdc(1_000), U256::from(1u8), &[], ACCOUNT, deadline)),
        why("bad_encoding").error("index_out_of_bounds"),
        "an empty path: `path[0]` is out of bounds (`path[*]` and `path.length` alone would pass an empty array)",
    )
    .deny(
        call(V2_ROUTER, v2_swap(usdc(12_000), U256::from(1u8), &[USDC, WETH], ACCOUNT, deadline)),
        why("condition"),
        "12,000 USDC: `amountIn` is above 10,000",
    )
    .deny(
        call(V2_ROUTER, v2_swap(usdc(1_000), U256::from(1u8), &[USDC, WETH], OTHER, deadline)),
        why("condition"),
        "the output would go to vitalik.eth: `to` must be the account",
    )
    .deny(
        bad(with_word(good.clone(), offset_at, U256::from(5 * 32 + 1))),
        why("bad_encoding"),
        "the offset of `path` is 0xa1: not a multiple of 32",
    )
    .deny(
        bad(with_word(good.clone(), offset_at, U256::from(2 * 32))),
        why("bad_encoding"),
        "the offset of `path` is 0x40: it points into the head (5 words), at the offset word itself",
    )
    .deny(
        bad(with_word(good.clone(), offset_at, U256::from(good.len() - 4))),
        why("bad_encoding"),
        "the offset of `path` points at the end of the calldata: its length word is past the end",
    )
    .deny(
        bad(with_word(good.clone(), length_at, two_pow(64))),
        why("bad_encoding"),
        "the length of `path` is 2^64: its elements would run far past the end",
    )
    .deny(
        bad(with_word(good.clone(), length_at, U256::from(3u8))),
        why("bad_encoding"),
        "the length of `path` is 3 where 2 elements follow: the third runs past the end",
    )
    .deny(
        bad(dirty_address_at(good.clone(), elements + 32)),
        why("dirty_word"),
        "`path[1]` (WETH) with a non-zero upper byte: a dirty address inside the array",
    )
    .allow(
        vec![v2(1_000, &[USDC, WETH]), v2(1_000, &[USDC, DAI])],
        "a batch of two swaps, each within the rules",
    )
    .deny(
        vec![v2(1_000, &[USDC, WETH]), v2(1_000, &[USDC, WETH, PEPE])],
        why("condition").param("path[2]"),
        "a batch whose second swap ends in PEPE: the whole batch is denied",
    );
    scenario(
        "paths-arrays.json",
        "Parameter paths into a dynamic array (`address[] path` of Uniswap V2 swapExactTokensForTokens): a fixed index `path[0]`, every element `path[*]` (the violation names the element), `path.length`; an out-of-bounds index and malformed offsets and lengths are denied by the strict decoder",
        session,
        p,
    )
}

// ---- paths-bytes.json -----------------------------------------------------------------------

const IPFS_PREFIX: [u8; 6] = [0xe3, 0x01, 0x01, 0x70, 0x12, 0x20];
const SWARM_PREFIX: [u8; 7] = [0xe4, 0x01, 0x01, 0xfa, 0x01, 0x1b, 0x20];

fn alice() -> B256 {
    namehash("alice.eth")
}

fn set_text(node: B256, key: &str, value: &str) -> Tx {
    let data = setTextCall {
        node,
        key: key.to_owned(),
        value: value.to_owned(),
    }
    .abi_encode();
    call(ENS_RESOLVER, data)
}

fn set_contenthash(prefix: &[u8], site: &str) -> Tx {
    let mut hash = prefix.to_vec();
    hash.extend_from_slice(keccak256(site).as_slice());
    let data = setContenthashCall {
        node: alice(),
        hash: hash.into(),
    }
    .abi_encode();
    call(ENS_RESOLVER, data)
}

/// `bytes` and `string` leaves: equality, one_of and prefix, on a slice or the whole content,
/// and length bounds.
fn paths_bytes() -> Generated {
    let fee = |f: u32| hex(&f.to_be_bytes()[1..]);
    let session = json!({
        "name": "v3-paths-and-ens-records",
        "description": "Uniswap V3 multi-hop swaps from USDC with a first pool of 0.05 % or 0.3 % and one or two hops, to the account, at most 5,000 USDC; the url text record and an IPFS contenthash of alice.eth",
        "chain_id": 1,
        "actions": [
            action("router02-exact-input", ROUTER02, EXACT_INPUT_SIG, vec![
                with(leaf("params.path", "eq", json!(hex(USDC.as_slice()))), "slice", json!([0, 20])),
                with(leaf("params.path", "one_of", json!([fee(500), fee(3000)])), "slice", json!([20, 23])),
                leaf("params.path.length", "in_range", json!([43, 66])),
                leaf("params.recipient", "eq", a(ACCOUNT)),
                leaf("params.amountIn", "lte", q(usdc(5_000))),
            ]),
            action("ens-url", ENS_RESOLVER, SET_TEXT_SIG, vec![
                leaf("node", "eq", json!(alice())),
                leaf("key", "eq", json!("url")),
                leaf("value", "prefix", json!("https://")),
                leaf("value.length", "lte", json!(100)),
            ]),
            action("ens-contenthash", ENS_RESOLVER, SET_CONTENTHASH_SIG, vec![
                leaf("node", "eq", json!(alice())),
                leaf("hash", "prefix", json!(hex(&IPFS_PREFIX))),
                leaf("hash.length", "eq", json!(38)),
            ]),
        ]
    });
    let swap_path = |path: Vec<u8>, amount: u64| {
        call(
            ROUTER02,
            exact_input(path, ACCOUNT, usdc(amount), U256::from(1u8)),
        )
    };
    let one_hop = route(&[USDC, WETH], &[500]);
    assert_eq!(one_hop.len(), 43);
    let good = swap_path(one_hop.clone(), 1_000).data;
    // exactInput((bytes,address,uint256,uint256)): the tuple's offset, then its head, whose
    // first word is the offset of `path` within the tuple.
    let tuple = 4 + word_at(&good, 4);
    let (_, content) = array_at(&good, tuple, tuple);
    let mut dirty_padding = good.clone();
    dirty_padding[content + 63] = 0x01;
    let text = set_text(alice(), "url", "https://alice.example").data;
    let value_length_at = 4 + word_at(&text, 4 + 2 * 32);
    let mut p = Plan::starting(at(5, 9, 0));
    p.allow(
        swap_path(one_hop.clone(), 1_000),
        "USDC →0.05 %→ WETH: the path's bytes [0, 20) are USDC, bytes [20, 23) the fee 0x0001f4, 43 bytes long",
    )
    .allow(
        swap_path(route(&[USDC, WETH, WBTC], &[3000, 500]), 2_000),
        "USDC →0.3 %→ WETH →0.05 %→ WBTC: two hops, 66 bytes, the upper length bound",
    )
    .deny(
        swap_path(route(&[DAI, WETH], &[500]), 1_000),
        why("bytes_condition"),
        "a path that starts with DAI: the slice [0, 20) is not USDC",
    )
    .deny(
        swap_path(route(&[USDC, WETH], &[10_000]), 1_000),
        why("bytes_condition"),
        "USDC →1 %→ WETH: the slice [20, 23) is 0x002710, not one of the two fee tiers",
    )
    .deny(
        swap_path(route(&[USDC, WETH, WBTC, USDT], &[500, 3000, 3000]), 1_000),
        why("condition"),
        "three hops: `params.path.length` 89 is outside [43, 66]",
    )
    .deny(
        swap_path(USDC.to_vec(), 1_000),
        why("slice_out_of_range"),
        "a path of USDC alone (20 bytes): the slice [20, 23) runs past its end, so the fee cannot be read (the length 20 is outside [43, 66] too)",
    )
    .deny(
        call(ROUTER02, dirty_padding),
        why("bad_encoding"),
        "the 21 bytes of padding after the 43-byte path end in 0x01: non-zero padding",
    )
    .deny(
        call(
            ROUTER02,
            exact_input(one_hop.clone(), OTHER, usdc(1_000), U256::from(1u8)),
        ),
        why("condition"),
        "the output would go to vitalik.eth: `params.recipient`, a static word after the dynamic `path`, must be the account",
    )
    .deny(
        swap_path(one_hop.clone(), 6_000),
        why("condition"),
        "6,000 USDC: `params.amountIn` is above 5,000",
    )
    .allow(
        set_text(alice(), "url", "https://alice.example"),
        "alice.eth's url text record set to https://alice.example: `key` equals \"url\", `value` starts with https://, 21 characters",
    )
    .deny(
        set_text(alice(), "avatar", "https://alice.example/me.png"),
        why("bytes_condition"),
        "the avatar text record: the string `key` must equal \"url\"",
    )
    .deny(
        set_text(alice(), "url", "http://alice.example"),
        why("bytes_condition"),
        "a plain-http url: `value` does not start with https://",
    )
    .deny(
        set_text(alice(), "url", &format!("https://{}.example", "a".repeat(100))),
        why("condition"),
        "a url of 116 characters: `value.length` is above 100",
    )
    .deny(
        set_text(namehash("bob.eth"), "url", "https://alice.example"),
        why("condition"),
        "bob.eth's record: `node` must be the namehash of alice.eth",
    )
    .deny(
        call(ENS_RESOLVER, with_word(text.clone(), value_length_at, two_pow(64))),
        why("bad_encoding"),
        "the length of the string `value` is 2^64: it runs past the end",
    )
    .allow(
        set_contenthash(&IPFS_PREFIX, "alice.example v1"),
        "an IPFS contenthash: it starts with 0xe30101701220 (ipfs-ns, CIDv1, dag-pb, sha2-256) and is 38 bytes",
    )
    .deny(
        set_contenthash(&SWARM_PREFIX, "alice.example v1"),
        why("bytes_condition"),
        "a Swarm contenthash: `hash` starts with 0xe40101fa011b20, not the IPFS prefix (and is 39 bytes)",
    )
    .allow(
        vec![
            set_text(alice(), "url", "https://alice.example/v2"),
            set_contenthash(&IPFS_PREFIX, "alice.example v2"),
        ],
        "a batch updating both records",
    )
    .deny(
        vec![
            set_contenthash(&IPFS_PREFIX, "alice.example v3"),
            set_text(alice(), "url", "ipfs://alice"),
        ],
        why("bytes_condition"),
        "a batch whose url is not https: the whole batch is denied",
    );
    scenario(
        "paths-bytes.json",
        "`bytes` and `string` leaves: a Uniswap V3 path compared on byte slices (token, fee) and bounded in length, ENS text records compared as strings (eq, prefix, length) and an ENS contenthash by prefix and length; content shorter than a slice cannot be read, dirty padding and a huge length are denied",
        session,
        p,
    )
}

// ---- operators.json -------------------------------------------------------------------------

// ENS NameWrapper fuses.
const CANNOT_UNWRAP: u16 = 1;
const CANNOT_TRANSFER: u16 = 4;
const CANNOT_SET_TTL: u16 = 16;
const CANNOT_CREATE_SUBDOMAIN: u16 = 32;

fn set_fuses(fuses: u16) -> Tx {
    let data = setFusesCall {
        node: alice(),
        ownerControlledFuses: fuses,
    }
    .abi_encode();
    call(NAME_WRAPPER, data)
}

fn contributors() -> [Address; 3] {
    [named("alice"), named("bob"), named("carol")]
}

/// `bits_all` / `bits_any` on a `uint16` fuse mask; `every`, `some`, `none` and `count` over
/// arrays.
fn operators() -> Generated {
    let session = json!({
        "name": "fuses-and-payouts",
        "description": "Burning alice.eth's fuses: CANNOT_UNWRAP always, with CANNOT_SET_TTL or CANNOT_CREATE_SUBDOMAIN; USDC payouts through Disperse: at most 1,000 USDC each, no zero-value payment, at least one of 10 USDC or more, at most two above 500 USDC, never to the zero address, the token or Disperse itself",
        "chain_id": 1,
        "actions": [
            action("ens-fuses", NAME_WRAPPER, SET_FUSES_SIG, vec![
                leaf("node", "eq", json!(alice())),
                leaf("ownerControlledFuses", "bits_all", json!(CANNOT_UNWRAP)),
                leaf("ownerControlledFuses", "bits_any", json!(format!("0x{:x}", CANNOT_SET_TTL | CANNOT_CREATE_SUBDOMAIN))),
            ]),
            action("disperse-usdc", DISPERSE, DISPERSE_SIG, vec![
                leaf("token", "eq", a(USDC)),
                with(leaf("values[*]", "lte", q(usdc(1_000))), "quantifier", json!("every")),
                with(leaf("values[*]", "eq", json!(0)), "quantifier", json!("none")),
                with(leaf("values[*]", "gte", q(usdc(10))), "quantifier", json!("some")),
                with(leaf("values[*]", "gt", q(usdc(500))), "count", json!([0, 2])),
                with(
                    leaf("recipients[*]", "one_of", json!([a(Address::ZERO), a(USDC), a(DISPERSE)])),
                    "quantifier",
                    json!("none"),
                ),
            ]),
        ]
    });
    let [alice, bob, carol] = contributors();
    let fuses = set_fuses(CANNOT_UNWRAP | CANNOT_CREATE_SUBDOMAIN).data;
    let mut p = Plan::starting(at(6, 14, 0));
    p.allow(
        set_fuses(CANNOT_UNWRAP | CANNOT_CREATE_SUBDOMAIN),
        "fuses 0x21 (CANNOT_UNWRAP | CANNOT_CREATE_SUBDOMAIN): bit 0 is set (bits_all 0x1) and one of 0x30 is set (bits_any)",
    )
    .allow(
        set_fuses(CANNOT_UNWRAP | CANNOT_SET_TTL),
        "fuses 0x11 (CANNOT_UNWRAP | CANNOT_SET_TTL)",
    )
    .allow(
        set_fuses(CANNOT_UNWRAP | CANNOT_SET_TTL | CANNOT_CREATE_SUBDOMAIN),
        "fuses 0x31: both bits of the bits_any mask are set, which it allows",
    )
    .deny(
        set_fuses(CANNOT_CREATE_SUBDOMAIN),
        why("condition"),
        "fuses 0x20 without CANNOT_UNWRAP: bits_all 0x1 fails (the NameWrapper would revert too)",
    )
    .deny(
        set_fuses(CANNOT_UNWRAP | CANNOT_TRANSFER),
        why("condition"),
        "fuses 0x05 (CANNOT_UNWRAP | CANNOT_TRANSFER): no bit of 0x30 is set, bits_any fails",
    )
    .deny(
        set_fuses(0),
        why("condition"),
        "fuses 0: both bit conditions fail",
    )
    .deny(
        call(NAME_WRAPPER, with_word(fuses, 4 + 32, U256::from(0x1_0021u32))),
        why("dirty_word"),
        "the fuse word is 0x10021: bit 16 set in a uint16",
    )
    .allow(
        disperse(USDC, &[(alice, usdc(200)), (bob, usdc(350)), (carol, usdc(800))]),
        "200, 350 and 800 USDC: every value ≤ 1,000, none is 0, some ≥ 10, one above 500 (count within [0, 2]), no forbidden recipient",
    )
    .allow(
        disperse(USDC, &[(alice, usdc(600)), (bob, usdc(900))]),
        "600 and 900 USDC: two values above 500, the count's maximum",
    )
    .deny(
        disperse(USDC, &[(alice, usdc(200)), (bob, usdc(1_200)), (carol, usdc(50))]),
        why("condition").param("values[1]"),
        "200, 1,200 and 50 USDC: under `every`, `values[1]` is above 1,000",
    )
    .deny(
        disperse(USDC, &[(alice, usdc(600)), (bob, usdc(700)), (carol, usdc(800))]),
        why("count"),
        "600, 700 and 800 USDC: three values above 500, the count [0, 2] fails (matched 3 of 3)",
    )
    .deny(
        disperse(USDC, &[(alice, usdc(250)), (bob, U256::ZERO)]),
        why("count"),
        "250 and 0 USDC: a zero-value transfer (the address-poisoning pattern), `none` fails (matched 1 of 2)",
    )
    .deny(
        disperse(USDC, &[(alice, usdc(1)), (bob, usdc(2)), (carol, usdc(3))]),
        why("count"),
        "1, 2 and 3 USDC: dust only, `some` ≥ 10 USDC fails (matched 0 of 3)",
    )
    .deny(
        disperse(USDC, &[]),
        why("count"),
        "an empty payout: `every`, `none` and the count pass an empty array, `some` fails it",
    )
    .deny(
        disperse(USDC, &[(alice, usdc(100)), (USDC, usdc(100))]),
        why("count"),
        "100 USDC to alice and 100 USDC to the USDC contract itself: `none` of the recipients may be the token (it would burn the payment)",
    )
    .deny(
        disperse(USDT, &[(alice, usdc(100))]),
        why("condition"),
        "a USDT payout: `token` must be USDC",
    )
    .allow(
        vec![
            set_fuses(CANNOT_UNWRAP | CANNOT_SET_TTL),
            disperse(USDC, &[(carol, usdc(40))]),
        ],
        "a batch: fuses 0x11 and a 40 USDC payout",
    )
    .deny(
        vec![
            disperse(USDC, &[(carol, usdc(40))]),
            disperse(USDC, &[(Address::ZERO, usdc(40))]),
        ],
        why("count"),
        "a batch whose second payout goes to the zero address: the whole batch is denied",
    );
    scenario(
        "operators.json",
        "Bit conditions (bits_all, bits_any) on ENS NameWrapper fuses, and quantifiers over Disperse payouts: every (the violation names the element), none, some (an empty array fails), count [min, max]",
        session,
        p,
    )
}

// ---- trees.json -----------------------------------------------------------------------------

const TREASURY_LABEL: &str = "dao treasury";

/// `all`, `any`, `not`; `all: []` allows, `any: []` denies; `not(not(r))` is `r`; a budget on a
/// leaf under `all`.
fn trees() -> Generated {
    let treasury = named(TREASURY_LABEL);
    let session = json!({
        "name": "approvals-and-treasury",
        "description": "USDC approvals of Permit2 (any amount but unlimited) or of the Uniswap V2 router (at most 10,000 USDC); DAI to the treasury only, more than 0 and at most 5,000 a transfer, 12,000 in all; wrapping ETH freely; unwrapping disabled",
        "chain_id": 1,
        "actions": [
            action("approve-usdc", USDC, APPROVE_SIG, vec![
                json!({ "any": [
                    leaf("spender", "eq", a(PERMIT2)),
                    { "all": [
                        leaf("spender", "eq", a(V2_ROUTER)),
                        leaf("amount", "lte", q(usdc(10_000))),
                    ] },
                ] }),
                json!({ "not": leaf("amount", "eq", q(U256::MAX)) }),
            ]),
            action("dai-to-treasury", DAI, TRANSFER_SIG, vec![
                json!({ "not": { "not": leaf("to", "eq", a(treasury)) } }),
                json!({ "not": { "any": [
                    leaf("amount", "eq", json!(0)),
                    leaf("amount", "gt", q(dai(5_000))),
                ] } }),
                json!({ "all": [ { "param": "amount", "budget": q(dai(12_000)) } ] }),
            ]),
            action("wrap-eth", WETH, DEPOSIT_SIG, vec![json!({ "all": [] })]),
            action("unwrap-weth", WETH, WITHDRAW_SIG, vec![json!({ "any": [] })]),
        ]
    });
    let dai_to = |to: Address, amount: U256| call(DAI, transfer(to, amount));
    let wrap = |m: u64| call(WETH, depositCall {}.abi_encode()).with_value(milli(m));
    let unwrap = |m: u64| call(WETH, withdrawCall { wad: milli(m) }.abi_encode());
    let mut p = Plan::starting(at(7, 11, 0));
    p.allow(
        call(USDC, approve(PERMIT2, usdc(50_000))),
        "approve Permit2 for 50,000 USDC: the first branch of rules[0].any holds; rules[1] `not (amount = 2^256-1)` holds",
    )
    .allow(
        call(USDC, approve(V2_ROUTER, usdc(10_000))),
        "approve the V2 router for 10,000 USDC: the second branch, an `all` of spender and amount ≤ 10,000, holds",
    )
    .deny(
        call(USDC, approve(V2_ROUTER, usdc(20_000))),
        why("tree_failed").source("actions[0].rules[0].any"),
        "approve the V2 router for 20,000 USDC: neither branch of the `any` holds",
    )
    .deny(
        call(USDC, approve(PERMIT2, U256::MAX)),
        why("tree_failed").source("actions[0].rules[1].not"),
        "an unlimited approval of Permit2: the `any` holds, the `not` does not",
    )
    .deny(
        call(USDC, approve(OTHER, usdc(100))),
        why("tree_failed").source("actions[0].rules[0].any"),
        "approve vitalik.eth: no branch of the `any` names it",
    )
    .allow(
        dai_to(treasury, dai(5_000)),
        "5,000 DAI to the treasury: not(not(to = treasury)) is to = treasury; not(amount = 0 or amount > 5,000) holds; the budget leaf under `all` counts 5,000 of 12,000",
    )
    .allow(
        dai_to(treasury, dai(5_000)),
        "5,000 DAI more: 10,000 of 12,000",
    )
    .deny(
        dai_to(OTHER, dai(100)),
        why("tree_failed").source("actions[1].rules[0].not"),
        "100 DAI to vitalik.eth: the inner `not` holds, so the outer `not` fails",
    )
    .deny(
        dai_to(treasury, U256::ZERO),
        why("tree_failed").source("actions[1].rules[1].not"),
        "0 DAI: `amount = 0` holds, so the `any` holds and its `not` fails",
    )
    .deny(
        dai_to(treasury, dai(5_001)),
        why("tree_failed").source("actions[1].rules[1].not"),
        "5,001 DAI: `amount > 5,000` holds, so the `not` fails",
    )
    .deny(
        dai_to(treasury, dai(2_500)),
        why("limit_exceeded"),
        "2,500 DAI: 10,000 + 2,500 would pass the 12,000 budget; a leaf under `all` reports its own reason",
    )
    .allow(
        dai_to(treasury, dai(2_000)),
        "2,000 DAI: exactly 12,000 in all",
    )
    .allow(
        wrap(500),
        "wrap 0.5 ETH: the only rule is `all: []`, which holds",
    )
    .deny(
        unwrap(100),
        why("tree_failed").source("actions[3].rules[0].any"),
        "unwrap 0.1 WETH: the only rule is `any: []`, which never holds",
    )
    .allow(
        vec![
            call(USDC, approve(PERMIT2, usdc(1_000))),
            wrap(250),
        ],
        "a batch: approve Permit2 for 1,000 USDC and wrap 0.25 ETH",
    )
    .deny(
        vec![wrap(250), unwrap(250)],
        why("tree_failed").source("actions[3].rules[0].any"),
        "a batch that wraps and unwraps 0.25 ETH: the unwrap is denied, so the whole batch is",
    );
    scenario(
        "trees.json",
        "Rule trees: any of (Permit2, all of (router, amount ≤ 10,000)) and not(unlimited) on USDC approvals; not(not(to = treasury)), not(any of (amount = 0, amount > 5,000)) and a budget on a leaf under all on DAI transfers; `all: []` allows and `any: []` denies; violations name the failing node",
        session,
        p,
    )
}

// ---- strict-decoding.json -------------------------------------------------------------------

/// Where the parts of `multicall(bytes[])` calldata are, in bytes from the start of the calldata.
struct BytesArray {
    /// The word holding the array's offset.
    offset_at: usize,
    /// The array's length word.
    length_at: usize,
    /// The first element offset word; element offsets count from here.
    elements: usize,
}

impl BytesArray {
    fn of_first_param(data: &[u8]) -> Self {
        let (length_at, elements) = array_at(data, 4, 4);
        Self {
            offset_at: 4,
            length_at,
            elements,
        }
    }

    /// The length word of element `i`.
    fn element(&self, data: &[u8], i: usize) -> usize {
        self.elements + word_at(data, self.elements + 32 * i)
    }
}

/// Each refusal of the strict decoder, on `bytes[]` and on an array of tuples.
fn strict_decoding() -> Generated {
    let eis_selector = router02::exactInputSingleCall::SELECTOR;
    let session = json!({
        "name": "strict-decoding",
        "description": "SwapRouter02 multicalls of at most 4 exactInputSingle calls (checked by their selector only), and Multicall3 batches that accrue interest on Compound's cUSDC and cDAI without allowing failure",
        "chain_id": 1,
        "actions": [
            action("router-multicall", ROUTER02, MULTICALL_SIG, vec![
                leaf("data[*]", "prefix", json!(hex(&eis_selector))),
                leaf("data.length", "lte", json!(4)),
            ]),
            action("multicall3-accrue", MULTICALL3, AGGREGATE3_SIG, vec![
                leaf("calls[*].target", "one_of", json!([a(CUSDC), a(CDAI)])),
                leaf("calls[*].allowFailure", "eq", json!(false)),
                leaf("calls[*].callData", "eq", json!(hex(&accrue()))),
            ]),
        ]
    });
    let swaps = multicall(&[
        buy_weth(usdc(1_000), milli(300)).data(),
        buy_weth(usdc(500), milli(150)).data(),
    ]);
    let layout = BytesArray::of_first_param(&swaps);
    assert_eq!(word_at(&swaps, layout.offset_at), 32);
    let first = layout.element(&swaps, 0);
    let second = layout.element(&swaps, 1);
    // exactInputSingle calldata is 4 + 7 × 32 = 228 bytes, padded to 256.
    assert_eq!(word_at(&swaps, second), 228);
    let router = |data: Vec<u8>| call(ROUTER02, data);
    let mut swapped = swaps.clone();
    let (off0, off1) = (
        U256::from(word_at(&swaps, layout.elements)),
        U256::from(word_at(&swaps, layout.elements + 32)),
    );
    swapped = with_word(swapped, layout.elements, off1);
    swapped = with_word(swapped, layout.elements + 32, off0);
    let mut padded = swaps.clone();
    padded[second + 32 + 255] = 0x01;

    let accrue_both = aggregate(&[(CUSDC, false, accrue()), (CDAI, false, accrue())]);
    let calls = BytesArray::of_first_param(&accrue_both);
    // Each element is a tuple (target, allowFailure, offset of callData) and its tail.
    let tuple0 = calls.element(&accrue_both, 0);
    let tuple1 = calls.element(&accrue_both, 1);
    assert_eq!(word_at(&accrue_both, tuple0 + 64), 3 * 32);
    let mut call_data_padding = accrue_both.clone();
    call_data_padding[tuple1 + 3 * 32 + 32 + 31] = 0x01;
    let multicall3 = |data: Vec<u8>| call(MULTICALL3, data);

    let mut p = Plan::starting(at(8, 9, 0));
    p.allow(
        router(swaps.clone()),
        "a well-formed multicall of two exactInputSingle calls: every element starts with 0x04e45aaf, 2 elements ≤ 4",
    )
    .allow(
        multicall3(accrue_both.clone()),
        "a well-formed aggregate3: accrueInterest() on cUSDC and cDAI, allowFailure false",
    )
    .deny(
        router(with_word(swaps.clone(), layout.offset_at, U256::from(0x21u8))),
        why("bad_encoding"),
        "the offset of `data` is 0x21: misaligned",
    )
    .deny(
        router(with_word(swaps.clone(), layout.offset_at, U256::ZERO)),
        why("bad_encoding"),
        "the offset of `data` is 0: it points into the head (the offset word itself)",
    )
    .deny(
        router(with_word(swaps.clone(), layout.offset_at, U256::from(swaps.len() - 4))),
        why("bad_encoding"),
        "the offset of `data` is the calldata's length: past the end",
    )
    .deny(
        router(swapped),
        why("bad_encoding"),
        "the two element offsets swapped: the elements' offsets are not increasing (Solidity would accept this aliasing; the strict decoder does not)",
    )
    .deny(
        router(with_word(swaps.clone(), layout.elements + 32, off1 + U256::from(1u8))),
        why("bad_encoding"),
        "the second element's offset is one byte off: misaligned",
    )
    .deny(
        router(with_word(swaps.clone(), layout.elements, U256::from(32u8))),
        why("bad_encoding"),
        "the first element's offset is 0x20: it points into the array's head of two offset words",
    )
    .deny(
        router(with_word(swaps.clone(), layout.length_at, two_pow(64))),
        why("bad_encoding"),
        "the array's length is 2^64: huge",
    )
    .deny(
        router(with_word(swaps.clone(), layout.length_at, U256::from(1025u32))),
        why("bad_encoding"),
        "the array's length is 1025: above the 1024 elements a [*] may visit (and past the end)",
    )
    .deny(
        router(with_word(swaps.clone(), first, two_pow(64))),
        why("bad_encoding"),
        "the first element's length is 2^64: its content runs past the end",
    )
    .deny(
        router(padded),
        why("bad_encoding"),
        "the second element's 28 bytes of padding end in 0x01: dirty padding",
    )
    .deny(
        router(swaps[..swaps.len() - 32].to_vec()),
        why("bad_encoding"),
        "the calldata cut 32 bytes short: the second element's padded content runs past the end",
    )
    .deny(
        router(multicall(&[
            buy_weth(usdc(1_000), milli(300)).data(),
            sweep_token(WETH, ACCOUNT),
        ])),
        why("bytes_condition").param("data[1]"),
        "well-formed, but `data[1]` is a sweepToken call: under `every`, it does not start with 0x04e45aaf",
    )
    .deny(
        router(multicall(&vec![buy_weth(usdc(100), milli(30)).data(); 5])),
        why("condition"),
        "well-formed, five swaps: `data.length` 5 is above 4",
    )
    .deny(
        multicall3(dirty_address_at(accrue_both.clone(), tuple1)),
        why("dirty_word"),
        "`calls[1].target` with a non-zero upper byte: a dirty address inside a tuple inside an array",
    )
    .deny(
        multicall3(with_word(accrue_both.clone(), tuple0 + 32, U256::from(2u8))),
        why("dirty_word"),
        "`calls[0].allowFailure` is 2: no bool",
    )
    .deny(
        multicall3(with_word(accrue_both.clone(), tuple0 + 64, U256::from(32u8))),
        why("bad_encoding"),
        "the offset of `calls[0].callData` is 0x20: it points into the tuple's head of three words",
    )
    .deny(
        multicall3(call_data_padding),
        why("bad_encoding"),
        "the padding after `calls[1].callData` (4 bytes of content) ends in 0x01",
    )
    .deny(
        multicall3(aggregate(&[(CUSDC, false, accrue()), (CETH, false, accrue())])),
        why("condition").param("calls[1].target"),
        "well-formed, but `calls[1].target` is cETH: not one of cUSDC, cDAI",
    )
    .allow(
        vec![router(swaps.clone()), multicall3(accrue_both.clone())],
        "a batch of the two well-formed calls",
    )
    .deny(
        vec![router(swaps), multicall3(dirty_address_at(accrue_both, tuple0))],
        why("dirty_word"),
        "a batch whose second call has a dirty target word: the whole batch is denied",
    );
    scenario(
        "strict-decoding.json",
        "The strict, lazy ABI decoder behind parameter paths: misaligned offsets, offsets into a head, past the end, element offsets out of order in bytes[], huge lengths, lengths above the cap, dirty padding after bytes, a truncated tail, and dirty words inside a tuple in an array are each denied; well-formed calls with the same shape pass",
        session,
        p,
    )
}

// ---- nested.json ----------------------------------------------------------------------------

/// The rules of a USDC → WETH swap on SwapRouter02, to the account.
fn swap_rules(max_in: U256) -> Vec<Value> {
    vec![
        leaf("params.tokenIn", "eq", a(USDC)),
        leaf("params.tokenOut", "eq", a(WETH)),
        leaf("params.fee", "one_of", json!([500, 3000])),
        leaf("params.recipient", "eq", a(ACCOUNT)),
        leaf("params.amountIn", "lte", q(max_in)),
    ]
}

fn shared_usage(name: &str) -> Value {
    json!([{ "type": "usage_limit", "limit": { "shared": name } }])
}

/// Router multicalls, Multicall3 with a target per element, a module's execute; limits across
/// the tree; the depth limit.
fn nested() -> Generated {
    let session = json!({
        "name": "nested-calls",
        "description": "Swaps USDC → WETH on SwapRouter02 (single-pool or by path), directly or inside the router's multicall, 6 swaps in all; Multicall3 batches accruing interest on cUSDC and cDAI; an executor module's execute paying USDC (at most 1,000) or ETH (at most 0.1 ETH) to the payee",
        "chain_id": 1,
        "budgets": { "swaps": { "limit": 6 } },
        "actions": [
            {
                "name": "router-multicall",
                "target": a(ROUTER02),
                "selector": MULTICALL_SIG,
                "nested": { "calldata": "data[*]" }
            },
            with(action("swap", ROUTER02, EIS02_SIG, swap_rules(usdc(2_000))), "policies", shared_usage("swaps")),
            with(
                action("swap-path", ROUTER02, EXACT_INPUT_SIG, vec![
                    with(leaf("params.path", "eq", json!(hex(USDC.as_slice()))), "slice", json!([0, 20])),
                    leaf("params.recipient", "eq", a(ACCOUNT)),
                    leaf("params.amountIn", "lte", q(usdc(2_000))),
                ]),
                "policies",
                shared_usage("swaps"),
            ),
            {
                "name": "multicall3",
                "target": a(MULTICALL3),
                "selector": AGGREGATE3_SIG,
                "nested": { "calldata": "calls[*].callData", "target": "calls[*].target" },
                "rules": [leaf("calls[*].allowFailure", "eq", json!(false))]
            },
            { "name": "accrue-cusdc", "target": a(CUSDC), "selector": ACCRUE_SIG, "policies": [{ "type": "max_value", "limit": 0 }] },
            { "name": "accrue-cdai", "target": a(CDAI), "selector": ACCRUE_SIG, "policies": [{ "type": "max_value", "limit": 0 }] },
            {
                "name": "module-execute",
                "target": a(module()),
                "selector": EXECUTE_SIG,
                "nested": { "calldata": "data", "target": "to", "value": "value" },
                "policies": [{ "type": "max_value", "limit": 0 }]
            },
            action("pay-usdc", USDC, TRANSFER_SIG, vec![
                leaf("to", "eq", a(payee())),
                leaf("amount", "lte", q(usdc(1_000))),
            ]),
            {
                "name": "eth-to-payee",
                "target": a(payee()),
                "selector": "native",
                "policies": [{ "type": "max_value", "limit": q(milli(100)) }]
            },
        ]
    });
    let eis = |amount: u64| buy_weth(usdc(amount), milli(amount * 3 / 10)).data();
    let by_path = |amount: u64| {
        exact_input(
            route(&[USDC, WETH], &[3000]),
            ACCOUNT,
            usdc(amount),
            milli(amount * 3 / 10),
        )
    };
    let router = |inner: &[Vec<u8>]| call(ROUTER02, multicall(inner));
    let wrapped =
        |levels: usize, inner: Vec<u8>| (0..levels).fold(inner, |data, _| multicall(&[data]));
    let multicall3 = |calls: &[(Address, bool, Vec<u8>)]| call(MULTICALL3, aggregate(calls));
    let mut p = Plan::starting(at(9, 9, 0));
    p.allow(
        router(&[eis(1_000), by_path(500)]),
        "multicall of an exactInputSingle of 1,000 USDC and an exactInput of 500 USDC: the outer call matches `router-multicall`, each element is matched as a call to the router and passes its action; both charge the shared `swaps` usage limit: 2 of 6",
    )
    .allow(
        call(ROUTER02, eis(2_000)),
        "a direct exactInputSingle of 2,000 USDC, the same action outside a multicall: 3 of 6",
    )
    .deny(
        router(&[eis(1_000), buy_weth(usdc(1_000), milli(300)).to(OTHER).data()]),
        why("condition").inner(&[1]),
        "a multicall whose second swap pays vitalik.eth: inner call 1 breaks `params.recipient`; nothing is charged",
    )
    .deny(
        router(&[eis(1_000), sweep_token(WETH, OTHER)]),
        why("no_action").inner(&[1]),
        "a multicall whose second element is sweepToken(WETH, 0, vitalik.eth): no action allows it on the router",
    )
    .deny(
        router(&[eis(2_500)]),
        why("condition").inner(&[0]),
        "a multicall of one swap of 2,500 USDC: inner call 0 is above 2,000",
    )
    .allow(
        call(ROUTER02, wrapped(4, eis(100))),
        "a swap of 100 USDC inside four nested multicalls (the router's multicall may call itself): 4 levels of nesting, the limit; 4 of 6",
    )
    .deny(
        call(ROUTER02, wrapped(5, eis(100))),
        why("nesting_too_deep"),
        "the same swap inside five nested multicalls: beyond 4 levels",
    )
    .deny(
        router(&[eis(100), eis(100), eis(100)]),
        why("limit_exceeded").inner(&[2]),
        "a multicall of three swaps with 2 uses left: the limits add up across the tree, so the third inner call passes the limit of 6 and the whole call is denied",
    )
    .allow(
        router(&[eis(100), by_path(100)]),
        "a multicall of two swaps, one of each action: both count under the one shared budget, 6 of 6",
    )
    .deny(
        call(ROUTER02, by_path(100)),
        why("limit_exceeded"),
        "a direct exactInput: the shared `swaps` budget is used up",
    )
    .allow(
        multicall3(&[(CUSDC, false, accrue()), (CDAI, false, accrue())]),
        "aggregate3 accruing interest on cUSDC and cDAI: each element's callData is matched as a call to that element's target",
    )
    .deny(
        multicall3(&[(CUSDC, false, accrue()), (CETH, false, accrue())]),
        why("no_action").inner(&[1]),
        "aggregate3 whose second element targets cETH: no action allows accrueInterest() there",
    )
    .deny(
        multicall3(&[(CUSDC, false, accrue()), (CDAI, true, accrue())]),
        why("condition").param("calls[1].allowFailure"),
        "aggregate3 with allowFailure true on the second element: the outer call's own rule fails",
    )
    .allow(
        module_execute(USDC, U256::ZERO, transfer(payee(), usdc(500))),
        "the module's execute(USDC, 0, transfer(payee, 500 USDC)): the inner call goes to `to` with `value` and passes `pay-usdc`",
    )
    .allow(
        module_execute(payee(), milli(50), Vec::new()),
        "the module's execute(payee, 0.05 ETH, 0x): an inner native transfer, within the payee's 0.1 ETH per call",
    )
    .deny(
        module_execute(USDC, U256::ZERO, transfer(OTHER, usdc(500))),
        why("condition"),
        "execute(USDC, 0, transfer(vitalik.eth, 500 USDC)): the inner transfer breaks `to`",
    )
    .deny(
        module_execute(payee(), milli(200), Vec::new()),
        why("value_too_high"),
        "execute(payee, 0.2 ETH, 0x): the inner call's value, read from the `value` parameter, is above 0.1 ETH",
    )
    .deny(
        module_execute(USDC, U256::ZERO, approve(OTHER, usdc(500))),
        why("no_action"),
        "execute(USDC, 0, approve(vitalik.eth, 500 USDC)): no action allows approve on USDC",
    )
    .deny(
        module_execute(ROUTER02, U256::ZERO, multicall(&[eis(100)])),
        why("limit_exceeded"),
        "execute(router, 0, multicall([swap of 100 USDC])): two levels deep, the swap itself is fine but the shared `swaps` budget is used up",
    )
    .allow(
        vec![
            module_execute(USDC, U256::ZERO, transfer(payee(), usdc(200))),
            multicall3(&[(CDAI, false, accrue())]),
        ],
        "a batch of a module payment and an aggregate3",
    )
    .deny(
        vec![
            multicall3(&[(CDAI, false, accrue())]),
            module_execute(USDC, U256::ZERO, transfer(payee(), usdc(1_500))),
        ],
        why("condition"),
        "a batch whose module payment is 1,500 USDC: above 1,000, the whole batch is denied",
    );
    scenario(
        "nested.json",
        "Nested calldata: the router's multicall(bytes[]) (each element a call to the router), Multicall3's aggregate3 (each element a call to its own target), a module's execute(to, value, data); inner calls are matched like top-level calls, violations carry `inner`, a shared usage limit counts inner calls across the whole tree, and nesting beyond 4 levels is denied",
        session,
        p,
    )
}

// ---- relations.json -------------------------------------------------------------------------

/// ETH at 3,200 USDC: one USDC unit (10^-6 USDC) buys 312,500,000 wei.
const WEI_PER_USDC_UNIT: &str = "312500000";
/// ETH at 3,200 USDC: one wei buys 0.0000000032 USDC units.
const USDC_UNITS_PER_WEI: &str = "0.0000000032";
/// 1 % slippage.
const SLIPPAGE: &str = "0.99";

/// The least WETH (wei) a swap of `usdc_units` may accept: × 312,500,000 × 0.99, exact.
fn min_weth_for(usdc_units: U256) -> U256 {
    let scaled = usdc_units * U256::from(312_500_000u64) * U256::from(99u8);
    assert!((scaled % U256::from(100u8)).is_zero());
    scaled / U256::from(100u8)
}

/// The exact bound of a WETH → USDC swap, × 0.0000000032 × 0.99 = × 3168 / 10^12, as
/// (floor, whether it is a whole number).
fn min_usdc_for(wei: U256) -> (U256, bool) {
    let scaled = wei * U256::from(3_168u32);
    let unit = U256::from(10u8).pow(U256::from(12u8));
    (scaled / unit, (scaled % unit).is_zero())
}

fn fill(repayment_chain: u64, origin_chain: u64, output: U256) -> Tx {
    let relay = V3RelayData {
        depositor: named("across depositor"),
        recipient: named("across recipient"),
        exclusiveRelayer: Address::ZERO,
        inputToken: OP_USDC,
        outputToken: USDC,
        inputAmount: output + usdc(2),
        outputAmount: output,
        originChainId: U256::from(origin_chain),
        depositId: 1_482_771,
        fillDeadline: u32::try_from(at(10, 14, 0)).unwrap(),
        exclusivityDeadline: 0,
        message: Bytes::new(),
    };
    let data = fillV3RelayCall {
        relayData: relay,
        repaymentChainId: U256::from(repayment_chain),
    }
    .abi_encode();
    call(SPOKE_POOL, data)
}

fn relations_session(with_account: bool) -> Value {
    let mut actions = vec![
        action(
            "buy-weth",
            ROUTER02,
            EIS02_SIG,
            vec![
                leaf("params.tokenIn", "eq", a(USDC)),
                leaf("params.tokenOut", "eq", a(WETH)),
                leaf("params.recipient", "eq", context("account")),
                leaf(
                    "params.amountOutMinimum",
                    "gte",
                    relation("params.amountIn", &[WEI_PER_USDC_UNIT, SLIPPAGE]),
                ),
            ],
        ),
        action(
            "relay-fill",
            SPOKE_POOL,
            FILL_SIG,
            vec![
                leaf("repaymentChainId", "eq", context("chain_id")),
                leaf("relayData.originChainId", "ne", context("chain_id")),
                leaf("relayData.outputToken", "eq", a(USDC)),
                leaf("relayData.outputAmount", "lte", q(usdc(25_000))),
            ],
        ),
    ];
    if with_account {
        actions.push(with(
            action(
                "sell-eth",
                ROUTER02,
                EIS02_SIG,
                vec![
                    leaf("params.tokenIn", "eq", a(WETH)),
                    leaf("params.tokenOut", "eq", a(USDC)),
                    leaf("params.recipient", "eq", context("account")),
                    leaf("params.amountIn", "eq", context("value")),
                    leaf(
                        "params.amountOutMinimum",
                        "gte",
                        relation("params.amountIn", &[USDC_UNITS_PER_WEI, SLIPPAGE]),
                    ),
                ],
            ),
            "policies",
            json!([{ "type": "max_value", "limit": q(milli(2_000)) }]),
        ));
        actions.push(action(
            "disperse-usdc",
            DISPERSE,
            DISPERSE_SIG,
            vec![
                leaf("token", "eq", a(USDC)),
                leaf("recipients.length", "eq", relation("values.length", &[])),
                leaf("values[*]", "lte", q(usdc(1_000))),
            ],
        ));
    }
    let name = match with_account {
        true => "relations",
        false => "relations-without-account",
    };
    json!({
        "name": name,
        "description": "USDC → WETH swaps to the account with at most 1 % slippage at 3,200 USDC per ETH; ETH → USDC swaps paid with exactly the call's value, same price and slippage; Across fills repaid on this chain for deposits from another chain, at most 25,000 USDC; Disperse payouts whose two arrays have the same length",
        "chain_id": 1,
        "actions": actions,
    })
}

/// Relations to the context (account, chain id, value) and to another parameter, exact.
fn relations() -> Generated {
    let [alice, bob, carol] = contributors();
    let a3200 = usdc(3_200);
    let bound = min_weth_for(a3200);
    assert_eq!(bound, milli(990));
    let odd = U256::from(1_234_567_891u64);
    let odd_bound = min_weth_for(odd);
    let sell = |wei: U256, min_out: U256| swap(WETH, USDC, 500, wei, min_out).tx().with_value(wei);
    let half = milli(500);
    let (half_bound, whole) = min_usdc_for(half);
    assert!(whole && half_bound == U256::from(1_584_000_000u64));
    let odd_wei = U256::from(123_456_789_012_345_678u64);
    let (odd_floor, whole) = min_usdc_for(odd_wei);
    assert!(!whole, "the bound must be a fraction");
    let payout = |recipients: &[Address], values: &[u64]| {
        let data = disperseTokenCall {
            token: USDC,
            recipients: recipients.to_vec(),
            values: values.iter().map(|v| usdc(*v)).collect(),
        }
        .abi_encode();
        call(DISPERSE, data)
    };
    let mut p = Plan::starting(at(10, 9, 0));
    p.allow(
        buy_weth(a3200, bound + U256::from(1u8)).tx(),
        "3,200 USDC → WETH, minimum out 0.99 WETH + 1 wei: the bound is amountIn × 312500000 × 0.99 = 0.99 WETH, and the minimum is just above it",
    )
    .allow(
        buy_weth(a3200, bound).tx(),
        "3,200 USDC with a minimum of exactly 0.99 WETH: gte holds at the bound",
    )
    .deny(
        buy_weth(a3200, bound - U256::from(1u8)).tx(),
        why("condition"),
        "3,200 USDC with a minimum of 0.99 WETH − 1 wei: just below the bound, more than 1 % slippage",
    )
    .allow(
        buy_weth(odd, odd_bound).tx(),
        &format!("1,234.567891 USDC with a minimum of {odd_bound} wei: exactly 1234567891 × 312500000 × 0.99"),
    )
    .deny(
        buy_weth(a3200, bound).to(OTHER).tx(),
        why("condition"),
        "3,200 USDC to vitalik.eth: `params.recipient` must equal the context's account",
    )
    .allow(
        sell(half, half_bound),
        "0.5 ETH → USDC paying 0.5 ETH: `params.amountIn` equals the call's value; the minimum 1,584 USDC is exactly 5·10^17 × 0.0000000032 × 0.99",
    )
    .deny(
        swap(WETH, USDC, 500, half, half_bound).tx().with_value(milli(400)),
        why("condition"),
        "a swap of 0.5 ETH paying only 0.4 ETH: `params.amountIn` must equal the value",
    )
    .allow(
        sell(odd_wei, odd_floor + U256::from(1u8)),
        &format!("0.123456789012345678 ETH: the bound {odd_floor}.59… USDC units is no whole number; the minimum {} is above it (compared exactly, no rounding)", odd_floor + U256::from(1u8)),
    )
    .deny(
        sell(odd_wei, odd_floor),
        why("condition"),
        &format!("the same swap with a minimum of {odd_floor}: below the exact bound {odd_floor}.59… (rounding it down would wrongly allow this)"),
    )
    .allow(
        fill(1, 10, usdc(5_000)),
        "an Across fill of 5,000 USDC for a deposit from Optimism (chain 10), repaid on chain 1: `repaymentChainId` equals the context's chain id, `relayData.originChainId` differs from it",
    )
    .deny(
        fill(42_161, 10, usdc(5_000)),
        why("condition"),
        "the same fill repaid on Arbitrum (42161): `repaymentChainId` must equal the chain id 1",
    )
    .deny(
        fill(1, 1, usdc(5_000)),
        why("condition"),
        "a fill whose origin is chain 1 itself: `relayData.originChainId` must differ from the chain id",
    )
    .deny(
        fill(1, 10, usdc(30_000)),
        why("condition"),
        "a fill of 30,000 USDC: `relayData.outputAmount` (a word after the tuple's offset) is above 25,000",
    )
    .allow(
        payout(&[alice, bob, carol], &[100, 200, 300]),
        "a payout of three recipients and three values: `recipients.length` equals `values.length`",
    )
    .deny(
        payout(&[alice, bob, carol], &[100, 200]),
        why("condition"),
        "three recipients and two values: the lengths differ",
    )
    .allow(
        vec![buy_weth(usdc(1_000), min_weth_for(usdc(1_000))).tx(), fill(1, 8_453, usdc(2_000))],
        "a batch: a 1,000 USDC swap at the bound and a fill for a deposit from Base",
    )
    .deny(
        vec![sell(half, half_bound), fill(1, 1, usdc(2_000))],
        why("condition"),
        "a batch whose fill claims chain 1 as its origin: the whole batch is denied",
    );
    scenario(
        "relations.json",
        "Relations: `params.recipient` equals the context's account; `repaymentChainId` equals and `originChainId` differs from the context's chain id; `params.amountIn` equals the call's value; `params.amountOutMinimum` ≥ `params.amountIn` × price × slippage, exact (just above, exactly at and just below the bound, and a fractional bound); `recipients.length` equals `values.length`",
        relations_session(true),
        p,
    )
}

/// Without an account in the context a relation to it denies; other rules still decide.
fn relations_without_account() -> Generated {
    let mut p = Plan::starting(at(10, 12, 0));
    p.deny(
        buy_weth(usdc(3_200), milli(990)).tx(),
        why("needs_account"),
        "the account is unknown: `params.recipient` eq {\"context\": \"account\"} cannot be decided, so it denies",
    )
    .allow(
        fill(1, 10, usdc(5_000)),
        "an Across fill: its rules do not read the account",
    )
    .deny(
        vec![fill(1, 10, usdc(1_000)), buy_weth(usdc(1_000), milli(330)).tx()],
        why("needs_account"),
        "a batch of a fill and a swap to the account: the swap needs the account, the whole batch is denied",
    );
    scenario_for(
        "relations-no-account.json",
        "A relation to the account when the context has none (the scenario gives no account): needs_account; rules that do not read the account still allow",
        relations_session(false),
        None,
        p,
    )
}

// ---- budgets.json ---------------------------------------------------------------------------

/// Monday 2026-01-05 00:00 UTC: the start of the weekly ETH windows.
const MONDAY: u64 = T0 + 4 * DAY;
const WEEK: u64 = 7 * DAY;

fn claim() -> Tx {
    call(COMPTROLLER, claimCompCall { holder: ACCOUNT }.abi_encode())
}

/// Fixed windows (epoch-aligned and from a start), a refilling budget, a rate limit and a
/// shared budget, on one timeline.
fn budgets() -> Generated {
    let payee = payee();
    let session = json!({
        "name": "budgets-over-time",
        "description": "DAI to the payee, 1,000 a day (UTC days); claiming COMP at most 3 times a day and 10 minutes apart; USDT to the payee from a 500 USDT allowance that refills 100 an hour; ETH to the payee, 1 ETH a week from Monday 2026-01-05; USDC and Aave aEthUSDC transfers to the payee and approvals of Permit2 sharing one budget of 1,500",
        "chain_id": 1,
        "budgets": { "usdc": { "limit": q(usdc(1_500)) } },
        "actions": [
            action("dai-daily", DAI, TRANSFER_SIG, vec![
                leaf("to", "eq", a(payee)),
                json!({ "param": "amount", "budget": { "limit": q(dai(1_000)), "period": DAY } }),
            ]),
            with(
                action("claim-comp", COMPTROLLER, CLAIM_SIG, vec![leaf("holder", "eq", a(ACCOUNT))]),
                "policies",
                json!([{ "type": "rate_limit", "min_spacing": 600, "max_calls": 3, "period": DAY }]),
            ),
            with(
                action("usdt-allowance", USDT, TRANSFER_SIG, vec![leaf("to", "eq", a(payee))]),
                "policies",
                json!([{
                    "type": "spend_limit",
                    "token": a(USDT),
                    "limit": { "limit": q(usdc(500)), "period": HOUR, "refill": q(usdc(100)) }
                }]),
            ),
            {
                "name": "eth-weekly",
                "target": a(payee),
                "selector": "native",
                "policies": [{
                    "type": "value_limit",
                    "limit": { "limit": q(milli(1_000)), "period": WEEK, "start": MONDAY }
                }]
            },
            action("usdc-transfer", USDC, TRANSFER_SIG, vec![
                leaf("to", "eq", a(payee)),
                json!({ "param": "amount", "budget": { "shared": "usdc" } }),
            ]),
            action("usdc-approve", USDC, APPROVE_SIG, vec![
                leaf("spender", "eq", a(PERMIT2)),
                json!({ "param": "amount", "budget": { "shared": "usdc" } }),
            ]),
            action("ausdc-transfer", AUSDC, TRANSFER_SIG, vec![
                leaf("to", "eq", a(payee)),
                json!({ "param": "amount", "budget": { "shared": "usdc" } }),
            ]),
            action("ausdc-approve", AUSDC, APPROVE_SIG, vec![
                leaf("spender", "eq", a(PERMIT2)),
                json!({ "param": "amount", "budget": { "shared": "usdc" } }),
            ]),
        ]
    });
    let dai_to = |amount: U256| call(DAI, transfer(payee, amount));
    let usdt = |whole: u64| call(USDT, transfer(payee, usdc(whole)));
    let usdt_units = |units: u64| call(USDT, transfer(payee, U256::from(units)));
    let eth = |m: u64| call(payee, Vec::new()).with_value(milli(m));
    let usdc_to = |token: Address, whole: u64| call(token, transfer(payee, usdc(whole)));
    let usdc_approve = |token: Address, whole: u64| call(token, approve(PERMIT2, usdc(whole)));

    let mut p = Plan::starting(at(0, 9, 0));
    // DAI: windows [n·day, (n+1)·day), aligned to the epoch, so to UTC midnight.
    p.allow(
        dai_to(dai(600)),
        "Jan 1 09:00, 600 DAI: 600 of today's 1,000 (the rule has a budget and no condition)",
    )
    .at(at(0, 15, 30))
    .allow(
        dai_to(dai(400)),
        "Jan 1 15:30, 400 DAI: exactly 1,000 today",
    )
    .at(at(0, 20, 0))
    .deny(
        dai_to(dai(1)),
        why("limit_exceeded").resets_at(at(1, 0, 0)),
        "Jan 1 20:00, 1 DAI: today's 1,000 are used; the next window opens at Jan 2 00:00 UTC",
    )
    .at(at(1, 0, 0) - 1)
    .deny(
        dai_to(dai(1) / U256::from(2u8)),
        why("limit_exceeded").resets_at(at(1, 0, 0)),
        "Jan 1 23:59:59, 0.5 DAI: still Jan 1's window",
    )
    .at(at(1, 0, 0))
    .allow(
        dai_to(dai(1_000)),
        "Jan 2 00:00:00, 1,000 DAI: a fresh window opens at its first second",
    )
    .at(at(1, 10, 0))
    .deny(
        dai_to(dai(1) / U256::from(100u8)),
        why("limit_exceeded").resets_at(at(2, 0, 0)),
        "Jan 2 10:00, 0.01 DAI: Jan 2's 1,000 are used",
    );
    // COMP claims: 10 minutes apart, 3 per UTC day.
    p.at(at(1, 10, 5))
        .allow(claim(), "Jan 2 10:05, claimComp(account): the first claim")
        .at(at(1, 10, 10))
        .deny(
            claim(),
            why("too_soon").next_at(at(1, 10, 15)),
            "Jan 2 10:10: 5 minutes after the last claim; min_spacing is 600 seconds, so the next is allowed at 10:15",
        )
        .at(at(1, 10, 15))
        .allow(claim(), "Jan 2 10:15:00: exactly 600 seconds after the last allowed claim (the denied one does not count)")
        .at(at(1, 11, 0))
        .allow(claim(), "Jan 2 11:00: the third claim today")
        .at(at(1, 12, 0))
        .deny(
            claim(),
            why("limit_exceeded").resets_at(at(2, 0, 0)),
            "Jan 2 12:00: a fourth claim today; max_calls 3 per day, the next window opens at Jan 3 00:00",
        )
        .at(at(2, 0, 0))
        .allow(claim(), "Jan 3 00:00: a new day, a new window of 3 claims");
    // USDT: a bucket of 500 that starts full and gains 100 per whole hour since the last refill.
    p.at(at(2, 10, 0))
        .allow(usdt(300), "Jan 3 10:00, 300 USDT: the allowance starts full at 500; 200 left")
        .at(at(2, 10, 20))
        .allow(usdt(200), "Jan 3 10:20, 200 USDT: 0 left")
        .at(at(2, 10, 40))
        .deny(
            usdt(50),
            why("limit_exceeded").resets_at(at(2, 11, 0)),
            "Jan 3 10:40, 50 USDT: nothing left, no whole hour has passed; the next refill is at 11:00",
        )
        .at(at(2, 11, 0))
        .allow(usdt(100), "Jan 3 11:00, 100 USDT: one whole period since 10:00 refilled 100")
        .at(at(2, 12, 0) - 1)
        .deny(
            usdt_units(1),
            why("limit_exceeded").resets_at(at(2, 12, 0)),
            "Jan 3 11:59:59, 0.000001 USDT: the hour since 11:00 is not whole yet",
        )
        .at(at(2, 15, 0))
        .allow(usdt(400), "Jan 3 15:00, 400 USDT: four whole hours since 11:00 refilled 400")
        .at(at(3, 3, 0))
        .deny(
            usdt(600),
            why("limit_exceeded"),
            "Jan 4 03:00, 600 USDT: twelve hours would refill 1,200, but the allowance never holds more than 500",
        )
        .allow(usdt(500), "Jan 4 03:01, 500 USDT: the full allowance");
    // ETH: weekly windows from Monday Jan 5, not from the epoch's Thursdays.
    p.at(at(3, 12, 0))
        .deny(
            eth(100),
            why("not_yet_valid"),
            "Sunday Jan 4 12:00, 0.1 ETH: before the budget's start, Monday Jan 5 00:00",
        )
        .at(MONDAY)
        .allow(eth(600), "Monday Jan 5 00:00, 0.6 ETH: the first weekly window opens")
        .at(at(5, 9, 0))
        .allow(eth(400), "Tuesday Jan 6, 0.4 ETH: 1 ETH this week")
        .at(at(6, 9, 0))
        .deny(
            eth(100),
            why("limit_exceeded").resets_at(MONDAY + WEEK),
            "Wednesday Jan 7, 0.1 ETH: this week's 1 ETH is used; the next window opens Monday Jan 12",
        )
        .at(at(7, 12, 0))
        .deny(
            eth(100),
            why("limit_exceeded").resets_at(MONDAY + WEEK),
            "Thursday Jan 8 12:00, 0.1 ETH: an epoch-aligned week would have started at Jan 8 00:00, but these windows start on Mondays",
        )
        .at(MONDAY + WEEK)
        .allow(eth(1_000), "Monday Jan 12 00:00, 1 ETH: a fresh week");
    // USDC and aEthUSDC: one shared budget of 1,500 for transfers and approvals on both tokens.
    p.at(at(11, 9, 0))
        .allow(
            usdc_to(USDC, 500),
            "500 USDC to the payee: 500 of the shared 1,500",
        )
        .allow(
            usdc_approve(USDC, 400),
            "approve Permit2 for 400 USDC: 900 of 1,500",
        )
        .allow(
            usdc_to(AUSDC, 400),
            "400 aEthUSDC to the payee, another token on the same budget: 1,300 of 1,500",
        )
        .deny(
            usdc_approve(AUSDC, 300),
            why("limit_exceeded"),
            "approve Permit2 for 300 aEthUSDC: 200 left",
        )
        .deny(
            vec![usdc_to(USDC, 100), usdc_to(AUSDC, 150)],
            why("limit_exceeded"),
            "a batch of 100 USDC and 150 aEthUSDC: together 250, more than the 200 left",
        )
        .allow(
            vec![usdc_to(USDC, 100), usdc_approve(AUSDC, 100)],
            "a batch of 100 USDC and an approval of 100 aEthUSDC: exactly 1,500",
        )
        .deny(
            usdc_approve(USDC, 1),
            why("limit_exceeded"),
            "approve Permit2 for 1 USDC: the shared budget is used up",
        );
    scenario(
        "budgets.json",
        "Budgets over time on one timeline: daily windows aligned to the epoch, weekly windows from a start (not yet valid before it), a refilling allowance (refills per whole period, never above its limit), a rate limit (min_spacing, max_calls per day), and one shared budget charged by transfer and approve rules on USDC and aEthUSDC; the ledger carries over between steps",
        session,
        p,
    )
}

// ---- examples -------------------------------------------------------------------------------

/// A sample transaction for the CLI: `tx-allow.json` or `tx-deny-<why>.json`.
struct TxFile {
    name: &'static str,
    input: Input,
    why: Option<Why>,
}

fn tx_allow(input: impl Into<Input>) -> TxFile {
    TxFile {
        name: "tx-allow.json",
        input: input.into(),
        why: None,
    }
}

fn tx_deny(name: &'static str, input: impl Into<Input>, why: Why) -> TxFile {
    TxFile {
        name,
        input: input.into(),
        why: Some(why),
    }
}

impl TxFile {
    /// The JSON-RPC shape, sent from the account.
    fn text(&self) -> String {
        let doc = |tx: &Tx| CallDocument {
            from: Some(ACCOUNT),
            ..tx.doc()
        };
        let value = match &self.input {
            Input::One(tx) => serde_json::to_value(doc(tx)).unwrap(),
            Input::Batch(txs) => json!({ "calls": txs.iter().map(doc).collect::<Vec<_>>() }),
        };
        pretty(&value)
    }
}

/// One example folder.
struct Example {
    dir: &'static str,
    session: Value,
    scenario: Generated,
    txs: Vec<TxFile>,
    readme: String,
}

impl Example {
    fn files(&self) -> Vec<(String, String)> {
        let mut files = vec![
            ("session.json".to_owned(), pretty(&self.session)),
            ("scenario.json".to_owned(), self.scenario.text.clone()),
            ("README.md".to_owned(), self.readme.clone()),
        ];
        files.extend(self.txs.iter().map(|t| (t.name.to_owned(), t.text())));
        files
    }

    /// The first step's time: the CLI commands and the tx files' check use it.
    fn now(&self) -> u64 {
        Scenario::from_json(&self.scenario.text).unwrap().steps[0].now
    }
}

fn time_window_january() -> Value {
    json!({ "type": "time_window", "valid_after": T0, "valid_until": JAN_END })
}

fn no_eth() -> Value {
    json!({ "type": "max_value", "limit": 0 })
}

/// The swap rules of both Uniswap examples: USDC → WETH, the 0.05 % or 0.3 % pool, to the
/// account, at most 2,000 USDC a swap and 5,000 a UTC day, at most 1 % below 3,200 USDC per ETH.
fn bounded_swap() -> Value {
    action(
        "swap-usdc-for-weth",
        ROUTER02,
        EIS02_SIG,
        vec![
            leaf("params.tokenIn", "eq", a(USDC)),
            leaf("params.tokenOut", "eq", a(WETH)),
            leaf("params.fee", "one_of", json!([500, 3000])),
            leaf("params.recipient", "eq", context("account")),
            with(
                leaf("params.amountIn", "lte", q(usdc(2_000))),
                "budget",
                json!({ "limit": q(usdc(5_000)), "period": DAY }),
            ),
            leaf(
                "params.amountOutMinimum",
                "gte",
                relation("params.amountIn", &[WEI_PER_USDC_UNIT, SLIPPAGE]),
            ),
        ],
    )
}

/// A swap of `whole` USDC at the 0.05 % pool accepting exactly the least output the rules allow.
fn fair_swap(whole: u64) -> Swap {
    buy_weth(usdc(whole), min_weth_for(usdc(whole)))
}

fn uniswap_v3_swap() -> Example {
    let session = json!({
        "name": "uniswap-v3-swap",
        "description": "A swap bot for January 2026: USDC → WETH through Uniswap's SwapRouter02 exactInputSingle at the 0.05 % or 0.3 % pool, output to the account, at most 2,000 USDC a swap and 5,000 USDC a UTC day, accepting at most 1 % less than 3,200 USDC per ETH; never with ETH attached",
        "chain_id": 1,
        "policies": [time_window_january(), no_eth()],
        "actions": [bounded_swap()]
    });
    let mut p = Plan::starting(at(4, 9, 0));
    p.allow(
        fair_swap(1_000).tx(),
        "1,000 USDC → WETH accepting at least 0.309375 WETH, exactly 1,000 USDC at 3,200 less 1 %: 1,000 of today's 5,000",
    )
    .at(at(4, 9, 30))
    .allow(
        buy_weth(usdc(2_000), milli(620)).tx(),
        "2,000 USDC, the most per swap, accepting at least 0.62 WETH (the bound is 0.61875): 3,000 of 5,000",
    )
    .at(at(4, 10, 0))
    .deny(
        fair_swap(1_000).to(OTHER).tx(),
        why("condition"),
        "the WETH would go to vitalik.eth: `params.recipient` must be the account the session belongs to",
    )
    .deny(
        buy_weth(usdc(1_000), milli(300)).tx(),
        why("condition"),
        "1,000 USDC accepting 0.3 WETH: below the 0.309375 WETH that 1 % slippage at 3,200 allows",
    )
    .deny(
        fair_swap(2_500).tx(),
        why("condition"),
        "2,500 USDC in one swap: above 2,000",
    )
    .at(at(4, 11, 0))
    .allow(
        vec![fair_swap(1_000).tx(), swap(USDC, WETH, 3000, usdc(1_000), min_weth_for(usdc(1_000))).tx()],
        "a batch of two swaps of 1,000 USDC, at the 0.05 % and the 0.3 % pool: exactly 5,000 today",
    )
    .at(at(4, 15, 0))
    .deny(
        fair_swap(500).tx(),
        why("limit_exceeded").resets_at(at(5, 0, 0)),
        "500 USDC more today: the daily 5,000 are used; the next window opens at Jan 6 00:00 UTC",
    )
    .at(at(5, 0, 0))
    .allow(fair_swap(2_000).tx(), "Jan 6 00:00: a new day, 2,000 of a fresh 5,000")
    .at(at(5, 9, 0))
    .deny(
        vec![fair_swap(1_000).tx(), swap(USDC, PEPE, 3000, usdc(1_000), U256::ZERO).tx()],
        why("condition"),
        "a batch whose second swap buys PEPE: `params.tokenOut` must be WETH, so the whole batch is denied",
    )
    .deny(
        swap(USDC, WETH, 10_000, usdc(1_000), min_weth_for(usdc(1_000))).tx(),
        why("condition"),
        "the 1 % pool: `params.fee` 10000 is not one of [500, 3000]",
    )
    .deny(
        fair_swap(1_000).tx().with_value(milli(100)),
        why("value_too_high"),
        "0.1 ETH attached to the swap: the session allows no ETH",
    )
    .at(JAN_END + 1)
    .deny(
        fair_swap(1_000).tx(),
        why("expired"),
        "Feb 1 00:00: the session ended with January",
    );
    let scenario = scenario(
        "scenario.json",
        "A January swap bot on Uniswap V3: tokens, pools, recipient (the account, from the context), per-swap cap, a daily budget that opens afresh at UTC midnight, and slippage bounded by a price relation",
        session.clone(),
        p,
    );
    let txs = vec![
        tx_allow(fair_swap(1_000).tx()),
        tx_deny(
            "tx-deny-wrong-recipient.json",
            fair_swap(1_000).to(OTHER).tx(),
            why("condition"),
        ),
        tx_deny(
            "tx-deny-slippage.json",
            buy_weth(usdc(1_000), milli(300)).tx(),
            why("condition"),
        ),
        tx_deny(
            "tx-deny-over-cap.json",
            fair_swap(2_500).tx(),
            why("condition"),
        ),
    ];
    let readme = format!(
        r#"# Uniswap V3 swaps with a recipient, a daily budget and slippage

A swap bot may sell USDC for WETH through Uniswap's SwapRouter02
(`{router}`) in January 2026. `session.json` has one action on
`exactInputSingle((address tokenIn,address tokenOut,uint24 fee,address recipient,uint256 amountIn,uint256 amountOutMinimum,uint160 sqrtPriceLimitX96) params)`,
whose rules reach into the tuple with paths such as `params.amountIn`:

| rule | means |
|---|---|
| `params.tokenIn` eq USDC, `params.tokenOut` eq WETH | only USDC → WETH |
| `params.fee` one_of [500, 3000] | the 0.05 % or the 0.3 % pool |
| `params.recipient` eq `{{"context": "account"}}` | the output goes to the account the session belongs to, whichever it is |
| `params.amountIn` lte 2,000 USDC, `budget` `{{"limit": 5,000 USDC, "period": 86400}}` | at most 2,000 USDC a swap and 5,000 USDC a UTC day (windows aligned to the epoch, so to midnight UTC) |
| `params.amountOutMinimum` gte `{{"param": "params.amountIn", "ratio": ["312500000", "0.99"]}}` | at a stated price of 3,200 USDC per ETH one USDC unit (10^-6 USDC) is worth 312,500,000 wei; the swap must accept no less than 99 % of that (1 % slippage), compared exactly |

Session policies: valid from 2026-01-01 to 2026-01-31 inclusive, and no ETH attached.

`scenario.json` replays two days: swaps within the bounds, a wrong recipient, too much slippage, a
swap over the cap, a batch that fills the day's budget exactly, the budget running out (the
verdict says when the next window opens) and opening again at midnight, a batch with one bad swap
denied whole, another pool, ETH attached, and the session's end.

## Try it

```sh
cargo run -q -p sessiongate-cli -- test examples/uniswap-v3-swap
cargo run -q -p sessiongate-cli -- check --session examples/uniswap-v3-swap/session.json --tx examples/uniswap-v3-swap/tx-allow.json --now {now}
```

The transactions are sent `from` the account `{account}`, which the CLI takes as the
account. `tx-allow.json` swaps 1,000 USDC accepting at least 0.309375 WETH;
`tx-deny-wrong-recipient.json` sends the WETH elsewhere, `tx-deny-slippage.json` accepts 0.3 WETH,
`tx-deny-over-cap.json` swaps 2,500 USDC. All calldata is real ABI encoding (alloy).
"#,
        router = ROUTER02.to_checksum(None),
        account = ACCOUNT.to_checksum(None),
        now = at(4, 9, 0),
    );
    Example {
        dir: "uniswap-v3-swap",
        session,
        scenario,
        txs,
        readme,
    }
}

const SALARIES: [u64; 5] = [6_500, 7_200, 5_800, 8_000, 4_700];
/// 30-day payroll windows from 2026-01-01.
const PAYROLL_PERIOD: u64 = 30 * DAY;

fn payroll_batch() -> Example {
    let staff = employees();
    let session = json!({
        "name": "payroll-batch",
        "description": "Payroll in USDC for 2026 through the team's payroll contract: batchTransfer to the five employees only, at most 50 per batch, each amount at most 10,000 USDC, at most 45,000 USDC per 30-day period from 2026-01-01; approvals of the payroll contract up to 50,000 USDC; never with ETH attached",
        "chain_id": 1,
        "policies": [
            { "type": "time_window", "valid_after": T0, "valid_until": T0 + 365 * DAY - 1 },
            no_eth(),
        ],
        "actions": [
            action("approve-payroll", USDC, APPROVE_SIG, vec![
                leaf("spender", "eq", a(payroll())),
                leaf("amount", "lte", q(usdc(50_000))),
            ]),
            action("run-payroll", payroll(), BATCH_TRANSFER_SIG, vec![
                leaf("token", "eq", a(USDC)),
                leaf("recipients[*]", "one_of", Value::Array(staff.iter().map(|e| a(*e)).collect())),
                leaf("recipients.length", "lte", json!(50)),
                leaf("recipients.length", "eq", relation("amounts.length", &[])),
                with(
                    leaf("amounts[*]", "lte", q(usdc(10_000))),
                    "budget",
                    json!({ "limit": q(usdc(45_000)), "period": PAYROLL_PERIOD, "start": T0 }),
                ),
            ]),
        ]
    });
    let salaries: Vec<U256> = SALARIES.iter().map(|s| usdc(*s)).collect();
    let total: u64 = SALARIES.iter().sum();
    assert_eq!(total, 32_200);
    let run = pay_all(&staff, &salaries);
    let approve_payroll = |whole: u64| call(USDC, approve(payroll(), usdc(whole)));
    let unknown = pay_all(&[staff[0], staff[1], OTHER], &[usdc(1_000); 3]);
    let over_cap = pay_all(&[staff[0], staff[1]], &[usdc(1_000), usdc(12_000)]);
    let mismatch = pay_all(&[staff[0], staff[1], staff[2]], &[usdc(1_000), usdc(1_000)]);
    let crowd: Vec<Address> = (0..51).map(|i| staff[i % 5]).collect();
    let too_many = pay_all(&crowd, &[usdc(10); 51]);
    let window_end = T0 + PAYROLL_PERIOD;
    let mut p = Plan::starting(at(29, 9, 0));
    p.allow(
        vec![approve_payroll(total), run.clone()],
        "Jan 30 payday, a batch: approve the payroll contract for 32,200 USDC, then pay the five salaries (6,500 + 7,200 + 5,800 + 8,000 + 4,700): every recipient is an employee, 5 ≤ 50 recipients, as many amounts, each ≤ 10,000; 32,200 of the period's 45,000",
    )
    .at(at(29, 9, 30))
    .allow(
        pay_all(&[staff[0], staff[3]], &[usdc(3_000), usdc(5_000)]),
        "bonuses of 3,000 and 5,000 USDC: 40,200 of 45,000",
    )
    .at(at(29, 10, 0))
    .deny(
        unknown.clone(),
        why("condition").param("recipients[2]"),
        "1,000 USDC each to two employees and to vitalik.eth: `recipients[2]` is not an employee",
    )
    .deny(
        over_cap.clone(),
        why("condition").param("amounts[1]"),
        "1,000 and 12,000 USDC: `amounts[1]` is above the 10,000 cap",
    )
    .deny(
        mismatch.clone(),
        why("condition"),
        "three recipients and two amounts: `recipients.length` must equal `amounts.length`",
    )
    .deny(
        pay_all(&[staff[2], staff[4]], &[usdc(2_500), usdc(2_500)]),
        why("limit_exceeded").resets_at(window_end),
        "2,500 + 2,500 USDC: the sum of the amounts, 5,000, is more than the 4,800 left this period; the next period starts Jan 31 00:00 UTC",
    )
    .deny(
        too_many.clone(),
        why("condition"),
        "51 payments of 10 USDC to employees: `recipients.length` 51 is above 50",
    )
    .deny(
        vec![approve_payroll(1_000), pay_all(&[staff[0], OTHER], &[usdc(500), usdc(500)])],
        why("condition").param("recipients[1]"),
        "a batch of an approval and a payout that includes vitalik.eth: the whole batch is denied",
    )
    .allow(
        pay_all(&[staff[1]], &[usdc(4_800)]),
        "4,800 USDC: exactly the 45,000 of the period",
    )
    .at(at(57, 9, 0))
    .allow(
        vec![approve_payroll(total), run.clone()],
        "Feb 27 payday: the period from Jan 31 has a fresh 45,000",
    )
    .deny(
        call(USDC, approve(OTHER, usdc(1_000))),
        why("condition"),
        "approve vitalik.eth: only the payroll contract may be approved",
    );
    let scenario = scenario(
        "scenario.json",
        "A payroll run through a batchTransfer contract: every recipient an employee (a violation names the element), at most 50 per batch, as many amounts as recipients, each amount capped, and the sum of all amounts under a budget per 30-day period",
        session.clone(),
        p,
    );
    let txs = vec![
        tx_allow(run),
        tx_deny(
            "tx-deny-unknown-recipient.json",
            unknown,
            why("condition").param("recipients[2]"),
        ),
        tx_deny(
            "tx-deny-over-cap.json",
            over_cap,
            why("condition").param("amounts[1]"),
        ),
        tx_deny("tx-deny-length-mismatch.json", mismatch, why("condition")),
        tx_deny(
            "tx-deny-too-many-recipients.json",
            too_many,
            why("condition"),
        ),
    ];
    let readme = format!(
        r#"# Payroll batches: every recipient, every amount, and their sum

A treasury key runs payroll in USDC through the team's payroll contract `{payroll}` (an
invented address), whose
`batchTransfer(address token, address[] recipients, uint256[] amounts)` pays each recipient its
amount. `session.json` bounds it with paths over the two arrays:

| rule | means |
|---|---|
| `token` eq USDC | payroll is paid in USDC |
| `recipients[*]` one_of the five employees | every recipient is on the list; a violation names the first that is not, e.g. `recipients[2]` |
| `recipients.length` lte 50 | at most 50 payments a batch |
| `recipients.length` eq `{{"param": "amounts.length"}}` | as many amounts as recipients |
| `amounts[*]` lte 10,000 USDC, `budget` `{{"limit": 45,000 USDC, "period": 2592000, "start": 1767225600}}` | each amount at most 10,000 USDC; the sum of every amount of every batch at most 45,000 USDC per 30-day period from 2026-01-01 |

Fixed periods are counted in seconds, so "monthly" is 30 days here: the periods are
[Jan 1, Jan 31), [Jan 31, Mar 2), … A second action lets the key approve the payroll contract
for up to 50,000 USDC; the session is valid in 2026 and never sends ETH.

`scenario.json` replays the January payday (an approve + payroll batch, bonuses), an unknown
recipient, an amount over the cap, mismatched arrays, a batch over what is left of the period
(the verdict says when the next period starts), 51 recipients, a batch with a bad payout denied
whole, and the February payday in a fresh period.

## Try it

```sh
cargo run -q -p sessiongate-cli -- test examples/payroll-batch
cargo run -q -p sessiongate-cli -- check --session examples/payroll-batch/session.json --tx examples/payroll-batch/tx-allow.json --now {now}
```

`tx-allow.json` pays the five salaries, 32,200 USDC; `tx-deny-unknown-recipient.json` pays
someone who is not an employee, `tx-deny-over-cap.json` pays 12,000 USDC to one employee,
`tx-deny-length-mismatch.json` has three recipients and two amounts,
`tx-deny-too-many-recipients.json` has 51 recipients. All calldata is real ABI encoding (alloy).
"#,
        payroll = payroll().to_checksum(None),
        now = at(29, 9, 0),
    );
    Example {
        dir: "payroll-batch",
        session,
        scenario,
        txs,
        readme,
    }
}

fn multicall_swap() -> Example {
    let session = json!({
        "name": "multicall-swap",
        "description": "Swaps inside SwapRouter02's multicall(deadline, data) in January 2026: up to 4 inner calls, a deadline within January; each inner call must be a bounded USDC → WETH exactInputSingle (0.05 % or 0.3 % pool, to the account, at most 2,000 USDC a swap and 5,000 USDC a UTC day, at most 1 % below 3,200 USDC per ETH); approvals of the router up to 10,000 USDC; never with ETH attached",
        "chain_id": 1,
        "policies": [time_window_january(), no_eth()],
        "actions": [
            action("approve-router", USDC, APPROVE_SIG, vec![
                leaf("spender", "eq", a(ROUTER02)),
                leaf("amount", "lte", q(usdc(10_000))),
            ]),
            with(
                action("multicall", ROUTER02, MULTICALL_DEADLINE_SIG, vec![
                    leaf("deadline", "lte", json!(JAN_END)),
                    leaf("data.length", "lte", json!(4)),
                ]),
                "nested",
                json!({ "calldata": "data[*]" }),
            ),
            bounded_swap(),
        ]
    });
    let mc = |deadline: u64, inner: &[Vec<u8>]| call(ROUTER02, multicall_until(deadline, inner));
    let fair = |whole: u64| fair_swap(whole).data();
    let at_3000 =
        |whole: u64| swap(USDC, WETH, 3000, usdc(whole), min_weth_for(usdc(whole))).data();
    let approve_router = |whole: u64| call(USDC, approve(ROUTER02, usdc(whole)));
    let d0 = at(4, 9, 20);
    let first = mc(d0, &[fair(1_000), at_3000(1_500)]);
    let wrong_recipient = mc(d0, &[fair(300), fair_swap(300).to(OTHER).data()]);
    let sweep = mc(d0, &[fair(300), sweep_token(WETH, OTHER)]);
    let slippage = mc(d0, &[buy_weth(usdc(500), milli(150)).data()]);
    let mut p = Plan::starting(at(4, 9, 0));
    p.allow(
        vec![approve_router(5_000), first.clone()],
        "a batch: approve the router for 5,000 USDC, then multicall(deadline 09:20, [swap 1,000 USDC at 0.05 %, swap 1,500 USDC at 0.3 %]); the outer call passes `multicall` (deadline in January, 2 ≤ 4 calls) and each inner call is checked as a call to the router and passes `swap-usdc-for-weth`: 2,500 of today's 5,000",
    )
    .at(at(4, 9, 30))
    .allow(
        mc(at(4, 9, 50), &[fair(2_000)]),
        "a multicall of one swap of 2,000 USDC: 4,500 of 5,000",
    )
    .at(at(4, 10, 0))
    .deny(
        wrong_recipient.clone(),
        why("condition").inner(&[1]),
        "a multicall whose second swap sends the WETH to vitalik.eth: inner call 1 breaks `params.recipient`",
    )
    .deny(
        sweep.clone(),
        why("no_action").inner(&[1]),
        "a multicall whose second call is sweepToken(WETH, 0, vitalik.eth): no action allows it",
    )
    .deny(
        slippage.clone(),
        why("condition").inner(&[0]),
        "a multicall of 500 USDC accepting 0.15 WETH: below 0.1546875 WETH, more than 1 % slippage",
    )
    .deny(
        mc(at(4, 10, 30), &[fair(300), fair(300)]),
        why("limit_exceeded").inner(&[1]).resets_at(at(5, 0, 0)),
        "a multicall of two swaps of 300 USDC: the budget counts inner calls in order, 4,500 + 300 fits, the second 300 would pass 5,000",
    )
    .allow(
        mc(at(4, 10, 30), &[fair(300), fair(200)]),
        "a multicall of 300 and 200 USDC: exactly 5,000 today",
    )
    .deny(
        mc(at(4, 10, 40), &vec![fair(10); 5]),
        why("condition"),
        "a multicall of five swaps: `data.length` 5 is above 4",
    )
    .deny(
        mc(JAN_END + 1, &[fair(10)]),
        why("condition"),
        "a multicall whose deadline is in February: `deadline` must be within January",
    )
    .at(at(5, 0, 0))
    .allow(
        mc(at(5, 0, 20), &[fair(2_000), at_3000(2_000)]),
        "Jan 6 00:00: two swaps of 2,000 USDC, 4,000 of a fresh 5,000",
    )
    .at(at(5, 9, 0))
    .deny(
        vec![
            approve_router(1_000),
            mc(at(5, 9, 20), &[swap(USDC, PEPE, 3000, usdc(1_000), U256::ZERO).data()]),
        ],
        why("condition").inner(&[0]),
        "a batch of an approval and a multicall that buys PEPE: the inner swap breaks `params.tokenOut`, the whole batch is denied",
    );
    let scenario = scenario(
        "scenario.json",
        "Swaps wrapped in SwapRouter02's multicall(deadline, data): the outer call is bounded by its own rules, every inner call is matched as a call to the router and bounded like a direct swap; violations name the inner call; the daily budget adds up across inner calls",
        session.clone(),
        p,
    );
    let txs = vec![
        tx_allow(first),
        tx_deny(
            "tx-deny-inner-recipient.json",
            wrong_recipient,
            why("condition").inner(&[1]),
        ),
        tx_deny(
            "tx-deny-unknown-inner-call.json",
            sweep,
            why("no_action").inner(&[1]),
        ),
        tx_deny(
            "tx-deny-slippage.json",
            slippage,
            why("condition").inner(&[0]),
        ),
        tx_deny(
            "tx-deny-over-daily-budget.json",
            mc(d0, &[fair(2_000), fair(2_000), at_3000(1_500)]),
            why("limit_exceeded").inner(&[2]),
        ),
    ];
    let readme = format!(
        r#"# Swaps inside a router multicall

Uniswap's SwapRouter02 (`{router}`) batches its own functions with
`multicall(uint256 deadline, bytes[] data)`. A session that allowed `multicall` with rules on its
own parameters alone would let any router call through; this one declares the calldata nested:

```json
{{ "name": "multicall", "target": "{router}",
  "selector": "multicall(uint256 deadline, bytes[] data)",
  "nested": {{ "calldata": "data[*]" }},
  "rules": [ {{ "param": "deadline", "condition": "lte", "value": {jan_end} }},
             {{ "param": "data.length", "condition": "lte", "value": 4 }} ] }}
```

The outer call must pass its own rules (a deadline within January, at most 4 inner calls); then
each element of `data` is checked as a call to the router, against the session's actions as a
direct call would be. The only action an inner call can match is the bounded swap of the
`uniswap-v3-swap` example: USDC → WETH through `exactInputSingle` at the 0.05 % or 0.3 % pool, to
the account (`{{"context": "account"}}`), at most 2,000 USDC a swap and 5,000 USDC a UTC day, and
`amountOutMinimum` at least `amountIn` × 312,500,000 × 0.99 (3,200 USDC per ETH, 1 % slippage).
Limits add up across inner calls, and a violation says which inner call failed (`"inner": [1]`).
A second action lets the key approve the router for up to 10,000 USDC. The session is valid in
January 2026 and never sends ETH.

## Try it

```sh
cargo run -q -p sessiongate-cli -- test examples/multicall-swap
cargo run -q -p sessiongate-cli -- check --session examples/multicall-swap/session.json --tx examples/multicall-swap/tx-allow.json --now {now}
```

`tx-allow.json` is a multicall of two swaps (1,000 and 1,500 USDC);
`tx-deny-inner-recipient.json` sends the second swap's WETH elsewhere,
`tx-deny-unknown-inner-call.json` hides a `sweepToken` among the swaps, `tx-deny-slippage.json`
accepts too little WETH, `tx-deny-over-daily-budget.json` swaps 5,500 USDC in three inner calls.
All calldata is real ABI encoding (alloy).
"#,
        router = ROUTER02.to_checksum(None),
        jan_end = JAN_END,
        now = at(4, 9, 0),
    );
    Example {
        dir: "multicall-swap",
        session,
        scenario,
        txs,
        readme,
    }
}

// ---- files ----------------------------------------------------------------------------------

fn rule_files() -> Vec<Generated> {
    vec![
        paths_tuple(),
        paths_arrays(),
        paths_bytes(),
        operators(),
        trees(),
        strict_decoding(),
        nested(),
        relations(),
        relations_without_account(),
        budgets(),
    ]
}

fn examples() -> Vec<Example> {
    vec![uniswap_v3_swap(), payroll_batch(), multicall_swap()]
}

fn scenario_dir() -> PathBuf {
    common::repo("tests/scenarios/rules")
}

fn example_dir(example: &Example) -> PathBuf {
    common::repo("examples").join(example.dir)
}

// Writing comes first and asserts nothing about verdicts: the files are written even while the
// engine does not yet support what they show.
#[test]
fn files_match_the_generator() {
    let files: Vec<(String, String)> = rule_files().into_iter().map(|g| (g.name, g.text)).collect();
    sync(&scenario_dir(), &files);
    assert_only(&scenario_dir(), &files, ".json");
    for example in examples() {
        let (dir, files) = (example_dir(&example), example.files());
        sync(&dir, &files);
        assert_only(&dir, &files, "");
    }
}

// ---- checks that need no engine -------------------------------------------------------------

/// The canonical form of a signature with names: each parameter's type without its name (after
/// a tuple's `)`, only an array suffix such as `[]` is type).
fn strip_names(signature: &str) -> String {
    let mut out = String::new();
    let mut segment = String::new();
    let mut after_tuple = false;
    let flush = |segment: &str, after_tuple: bool, out: &mut String| {
        let first = segment.split_whitespace().next().unwrap_or("");
        if !after_tuple || first.starts_with('[') {
            out.push_str(first);
        }
    };
    for c in signature.chars() {
        if matches!(c, '(' | ')' | ',') {
            flush(&segment, after_tuple, &mut out);
            out.push(c);
            segment.clear();
            after_tuple = c == ')';
        } else {
            segment.push(c);
        }
    }
    flush(&segment, after_tuple, &mut out);
    out
}

#[test]
fn session_signatures_are_the_encodings_signatures() {
    let pairs = [
        (EIS02_SIG, router02::exactInputSingleCall::SIGNATURE),
        (EIS01_SIG, router01::exactInputSingleCall::SIGNATURE),
        (EXACT_INPUT_SIG, router02::exactInputCall::SIGNATURE),
        (MULTICALL_SIG, multicall_plain::multicallCall::SIGNATURE),
        (
            MULTICALL_DEADLINE_SIG,
            multicall_deadline::multicallCall::SIGNATURE,
        ),
        (V2_SWAP_SIG, swapExactTokensForTokensCall::SIGNATURE),
        (TRANSFER_SIG, transferCall::SIGNATURE),
        (APPROVE_SIG, approveCall::SIGNATURE),
        (SET_TEXT_SIG, setTextCall::SIGNATURE),
        (SET_CONTENTHASH_SIG, setContenthashCall::SIGNATURE),
        (SET_FUSES_SIG, setFusesCall::SIGNATURE),
        (DISPERSE_SIG, disperseTokenCall::SIGNATURE),
        (AGGREGATE3_SIG, aggregate3Call::SIGNATURE),
        (ACCRUE_SIG, accrueInterestCall::SIGNATURE),
        (EXECUTE_SIG, single::executeCall::SIGNATURE),
        (FILL_SIG, fillV3RelayCall::SIGNATURE),
        (CLAIM_SIG, claimCompCall::SIGNATURE),
        (BATCH_TRANSFER_SIG, batchTransferCall::SIGNATURE),
        (DEPOSIT_SIG, depositCall::SIGNATURE),
        (WITHDRAW_SIG, withdrawCall::SIGNATURE),
    ];
    for (named, canonical) in pairs {
        assert_eq!(strip_names(named), canonical, "{named}");
    }
    // Selectors the notes quote.
    assert_eq!(hex(&router02::exactInputSingleCall::SELECTOR), "0x04e45aaf");
    assert_eq!(hex(&accrueInterestCall::SELECTOR), "0xa6afed95");
    assert_eq!(hex(&router01::exactInputSingleCall::SELECTOR), "0x414bf389");
}

#[test]
fn files_are_scenarios_with_allow_and_deny_steps() {
    for g in rule_files() {
        let scenario = Scenario::from_json(&g.text).unwrap_or_else(|e| panic!("{}: {e}", g.name));
        assert_eq!(scenario.steps.len(), g.whys.len(), "{}", g.name);
        let allow = g.whys.iter().filter(|w| w.is_none()).count();
        let deny = g.whys.len() - allow;
        let small = g.name == "relations-no-account.json";
        assert!(
            allow >= if small { 1 } else { 3 },
            "{}: {allow} allow steps",
            g.name
        );
        assert!(
            deny >= if small { 2 } else { 3 },
            "{}: {deny} deny steps",
            g.name
        );
        assert!(
            scenario.steps.windows(2).all(|w| w[0].now <= w[1].now),
            "{}: time goes back",
            g.name
        );
        for (step, why) in scenario.steps.iter().zip(&g.whys) {
            assert_eq!(step.expect == Expect::Deny, why.is_some(), "{}", g.name);
            assert!(
                step.note.as_deref().is_some_and(|n| n.len() > 10),
                "{}",
                g.name
            );
        }
        assert_eq!(scenario.chain_id, Some(1));
        assert_eq!(scenario.account.is_some(), !small, "{}", g.name);
    }
}

/// What `tests/examples.rs` requires of every example, checked here before the engine runs.
#[test]
fn examples_have_the_shape_the_examples_test_requires() {
    for example in examples() {
        let scenario = Scenario::from_json(&example.scenario.text).unwrap();
        let name = example.dir;
        assert_eq!(scenario.session, example.session, "{name}");
        let count = |e: Expect| scenario.steps.iter().filter(|s| s.expect == e).count();
        assert!(count(Expect::Allow) >= 4, "{name}: allow steps");
        assert!(count(Expect::Deny) >= 4, "{name}: deny steps");
        for e in [Expect::Allow, Expect::Deny] {
            assert!(
                scenario
                    .steps
                    .iter()
                    .any(|s| s.expect == e && s.calls.is_some()),
                "{name}: no {e:?} batch"
            );
        }
        assert_eq!(scenario.chain_id, Some(1));
        assert_eq!(scenario.account, Some(ACCOUNT));
        assert!(example.txs.iter().any(|t| t.name == "tx-allow.json"));
        for tx in &example.txs {
            assert_eq!(
                tx.why.is_none(),
                tx.name == "tx-allow.json",
                "{name}/{}",
                tx.name
            );
            assert!(tx.name == "tx-allow.json" || tx.name.starts_with("tx-deny-"));
            let parsed = Transaction::from_json(&tx.text()).unwrap();
            assert_eq!(parsed.from().unwrap(), Some(ACCOUNT));
        }
        assert!(example.readme.contains(&format!("--now {}", example.now())));
    }
}

// ---- verdicts (need the engine of issue 5) --------------------------------------------------

/// Whether a verdict is the expected one, for the expected reason; the failure text if not.
fn judge(verdict: &sessiongate::Verdict<'_>, why: Option<&Why>) -> Result<(), String> {
    let violations: Vec<Value> = verdict
        .violations
        .iter()
        .map(|v| serde_json::to_value(v).unwrap())
        .collect();
    match why {
        None if verdict.is_allow() => Ok(()),
        None => Err(format!("expected allow, got {verdict}")),
        Some(why) if verdict.is_allow() => {
            Err(format!("expected deny ({}), got allow", why.describe()))
        }
        Some(why) if violations.iter().any(|v| why.matches(v)) => Ok(()),
        Some(why) => Err(format!(
            "expected deny ({}), got {}",
            why.describe(),
            Value::Array(violations)
        )),
    }
}

#[test]
fn every_step_gets_its_verdict_for_its_reason() {
    let mut failures = Vec::new();
    let mut steps = 0;
    let files = rule_files()
        .into_iter()
        .chain(examples().into_iter().map(|e| Generated {
            name: format!("examples/{}/scenario.json", e.dir),
            ..e.scenario
        }));
    for g in files {
        let scenario = Scenario::from_json(&g.text).unwrap();
        let outcomes = match scenario.run() {
            Ok(outcomes) => outcomes,
            Err(e) => {
                failures.push(format!("{}: the session does not load: {e}", g.name));
                continue;
            }
        };
        assert_eq!(outcomes.len(), g.whys.len(), "{}", g.name);
        for (outcome, why) in outcomes.iter().zip(&g.whys) {
            steps += 1;
            let result = match (&outcome.verdict, &outcome.error) {
                (Some(verdict), None) => judge(verdict, why.as_ref()),
                (_, error) => Err(format!("error {error:?}")),
            };
            if let Err(e) = result {
                failures.push(format!(
                    "{} step {}: {e} ({})",
                    g.name,
                    outcome.index,
                    outcome.note.as_deref().unwrap_or_default()
                ));
            }
        }
    }
    assert!(steps > 150, "only {steps} steps");
    assert!(
        failures.is_empty(),
        "{} failing steps:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn example_transactions_get_their_verdict_for_their_reason() {
    let mut failures = Vec::new();
    for example in examples() {
        let session = match Session::from_value(example.session.clone()) {
            Ok(session) => session,
            Err(e) => {
                failures.push(format!("{}: the session does not load: {e}", example.dir));
                continue;
            }
        };
        let ctx = common::context(example.now(), Some(ACCOUNT));
        for tx in &example.txs {
            let parsed = Transaction::from_json(&tx.text()).unwrap();
            let verdict = session.explain(&parsed.as_calls(), &MemoryLedger::new(), &ctx);
            if let Err(e) = judge(&verdict, tx.why.as_ref()) {
                failures.push(format!("{}/{}: {e}", example.dir, tx.name));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
