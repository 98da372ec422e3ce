//! A structure-aware Smart Sessions session in the SDK's JSON shape (actions on a few targets and
//! selectors, every policy type including arg-policy trees, user-operation policies), with calls
//! and a context drawn from the same pools, so calls mostly reach an action's policies.

use crate::Amount;
use crate::account::{Encoding, Mutation, OwnedCall};
use alloy_primitives::{Address, U256, address};
use arbitrary::Arbitrary;
use serde_json::{Value, json};
use sessiongate::Context;
use sessiongate::formats::smart_sessions::onchain::{
    LEGACY_POLICIES, SMART_SESSION_V2, V2_POLICIES,
};

/// Targets, tokens, recipients and accounts: the module and address zero are refused as action
/// targets, `address(1)` is the fallback target.
const ADDRESSES: [Address; 6] = [
    address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"),
    address!("d8da6bf26964af9d7eed9e03e53415d37aa96045"),
    address!("74059d37f9e803c276805a3c83c7602d978583b0"),
    Address::with_last_byte(1),
    SMART_SESSION_V2,
    Address::ZERO,
];

/// transfer, approve, transferFrom, increaseAllowance, the fallback and admin flags, the
/// short-calldata selector, ERC-7579 execute.
const SELECTORS: [[u8; 4]; 8] = [
    [0xa9, 0x05, 0x9c, 0xbb],
    [0x09, 0x5e, 0xa7, 0xb3],
    [0x23, 0xb8, 0x72, 0xdd],
    [0x39, 0x50, 0x93, 0x51],
    [0, 0, 0, 1],
    [0, 0, 0, 2],
    [0xff, 0xff, 0xff, 0xff],
    [0xe9, 0xae, 0x5c, 0x53],
];

/// 2026-01-01T00:00:00Z: time frames and clocks sit around it.
const T0: u64 = 1_767_225_600;
/// Seconds from T0 that time frames and `now` are drawn from, so they meet at the edges.
const SECONDS: [u64; 5] = [0, 59, 60, 61, 3600];

const CONDITIONS: [&str; 7] = [
    "equal",
    "greaterThan",
    "lessThan",
    "greaterThanOrEqual",
    "lessThanOrEqual",
    "notEqual",
    "inRange",
];

fn pick<T: Copy>(pool: &[T], i: u8) -> T {
    pool[usize::from(i) % pool.len()]
}

fn hex(bytes: &[u8]) -> String {
    alloy_primitives::hex::encode_prefixed(bytes)
}

/// A quantity, written as the SDK JSON allows: decimal or hex string, or a JSON number.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub struct Q {
    amount: Amount,
    form: u8,
}

impl Q {
    fn json(self) -> Value {
        quantity(self.amount.get(), self.form)
    }
}

fn quantity(n: U256, form: u8) -> Value {
    match (form % 3, u64::try_from(n)) {
        (0, Ok(small)) => json!(small),
        (1, _) => json!(format!("{n:#x}")),
        _ => json!(n.to_string()),
    }
}

/// A time in ms: near T0 mostly, sometimes anything (too large for uint48 seconds).
#[derive(Arbitrary, Clone, Copy, Debug)]
enum Millis {
    Zero,
    Near(u8),
    Any(Q),
}

impl Millis {
    fn json(self) -> Value {
        match self {
            Self::Zero => json!(0),
            Self::Near(i) => json!((T0 + pick(&SECONDS, i)) * 1000),
            Self::Any(q) => q.json(),
        }
    }
}

/// A word a rule compares with, or a call passes: an address from the pool, or a number.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Word {
    Address(u8),
    Number(Amount),
}

impl Word {
    fn get(self) -> U256 {
        match self {
            Self::Address(i) => U256::from_be_slice(pick(&ADDRESSES, i).as_slice()),
            Self::Number(a) => a.get(),
        }
    }
}

#[derive(Arbitrary, Clone, Copy, Debug)]
struct Rule {
    condition: u8,
    /// Word index (offset 32 × i), an unaligned offset, or one too large for uint64.
    offset: Result<u8, Q>,
    reference: Word,
    reference_form: u8,
    usage_limit: Option<Q>,
}

impl Rule {
    fn json(self) -> Value {
        let offset = match self.offset {
            Ok(i) if i < 128 => json!(32 * u64::from(i % 4)),
            Ok(i) => json!(u64::from(i)),
            Err(q) => q.json(),
        };
        let mut rule = json!({
            "condition": pick(&CONDITIONS, self.condition),
            "calldataOffset": offset,
            "referenceValue": quantity(self.reference.get(), self.reference_form),
        });
        if let Some(limit) = self.usage_limit {
            rule["usageLimit"] = limit.json();
        }
        rule
    }
}

/// One step of a postfix arg-policy expression; steps that lack operands are skipped.
#[derive(Arbitrary, Clone, Copy, Debug)]
enum Step {
    Rule(Rule),
    Not,
    And,
    Or,
}

/// The expression from postfix steps; what is left on the stack is ANDed, and an empty one is a
/// single `equal 0` rule at offset 0.
fn expression(steps: &[Step]) -> Value {
    let mut stack: Vec<Value> = Vec::new();
    for step in steps.iter().take(12) {
        match *step {
            Step::Rule(rule) => stack.push(json!({"type": "rule", "rule": rule.json()})),
            Step::Not => {
                if let Some(child) = stack.pop() {
                    stack.push(json!({"type": "not", "child": child}));
                }
            }
            Step::And | Step::Or => {
                if stack.len() >= 2 {
                    let right = stack.pop().unwrap_or_default();
                    let left = stack.pop().unwrap_or_default();
                    let ty = if matches!(step, Step::And) {
                        "and"
                    } else {
                        "or"
                    };
                    stack.push(json!({"type": ty, "left": left, "right": right}));
                }
            }
        }
    }
    let leaf = json!({"type": "rule", "rule": {
        "condition": "equal", "calldataOffset": "0", "referenceValue": "0"
    }});
    let mut rest = stack.into_iter();
    let first = rest.next().unwrap_or(leaf);
    rest.fold(
        first,
        |left, right| json!({"type": "and", "left": left, "right": right}),
    )
}

#[derive(Arbitrary, Clone, Debug)]
enum PolicyDesc {
    Sudo,
    UniversalAction {
        value_limit_per_use: Option<Q>,
        rules: Vec<Rule>,
    },
    ArgPolicy {
        value_limit_per_use: Option<Q>,
        steps: Vec<Step>,
    },
    SpendingLimits(Vec<(u8, Q)>),
    TimeFrame {
        valid_until: Millis,
        valid_after: Millis,
    },
    UsageLimit(Q),
    ValueLimit(Q),
}

impl PolicyDesc {
    fn json(&self) -> Value {
        match self {
            Self::Sudo => json!({"type": "sudo"}),
            Self::UniversalAction {
                value_limit_per_use,
                rules,
            } => {
                // Up to 17 rules: one more than the contract holds.
                let rules: Vec<Value> = rules.iter().take(17).map(|r| r.json()).collect();
                let mut policy = json!({"type": "universal-action", "rules": rules});
                if let Some(v) = value_limit_per_use {
                    policy["valueLimitPerUse"] = v.json();
                }
                policy
            }
            Self::ArgPolicy {
                value_limit_per_use,
                steps,
            } => {
                let mut policy = json!({"type": "arg-policy", "expression": expression(steps)});
                if let Some(v) = value_limit_per_use {
                    policy["valueLimitPerUse"] = v.json();
                }
                policy
            }
            Self::SpendingLimits(limits) => {
                let limits: Vec<Value> = limits
                    .iter()
                    .take(3)
                    .map(|(t, q)| json!({"token": pick(&ADDRESSES, *t), "amount": q.json()}))
                    .collect();
                json!({"type": "spending-limits", "limits": limits})
            }
            Self::TimeFrame {
                valid_until,
                valid_after,
            } => json!({
                "type": "time-frame",
                "validUntil": valid_until.json(),
                "validAfter": valid_after.json(),
            }),
            Self::UsageLimit(q) => json!({"type": "usage-limit", "limit": q.json()}),
            Self::ValueLimit(q) => json!({"type": "value-limit", "limit": q.json()}),
        }
    }
}

fn policies(list: &[PolicyDesc]) -> Value {
    Value::Array(list.iter().take(4).map(PolicyDesc::json).collect())
}

#[derive(Arbitrary, Clone, Debug)]
struct Action {
    target: Option<u8>,
    selector: Option<u8>,
    policies: Option<Vec<PolicyDesc>>,
}

impl Action {
    fn json(&self) -> Value {
        let mut action = json!({});
        if let Some(t) = self.target {
            action["target"] = json!(pick(&ADDRESSES, t));
        }
        if let Some(s) = self.selector {
            action["selector"] = json!(hex(&pick(&SELECTORS, s)));
        }
        if let Some(list) = &self.policies {
            action["policies"] = policies(list);
        }
        action
    }
}

/// An entry of `policyContracts`: a known deployment's address given another kind or version,
/// which changes how its init data reads (and may drop a kind's default).
#[derive(Arbitrary, Clone, Copy, Debug)]
struct Contract {
    address: u8,
    kind: u8,
    legacy: bool,
}

const KINDS: [&str; 7] = [
    "sudo",
    "universal-action",
    "arg-policy",
    "spending-limits",
    "time-frame",
    "usage-limit",
    "value-limit",
];

impl Contract {
    fn json(self) -> Value {
        let known: Vec<Address> = V2_POLICIES
            .iter()
            .chain(&LEGACY_POLICIES)
            .map(|c| c.address)
            .collect();
        json!({
            "address": pick(&known, self.address),
            "kind": pick(&KINDS, self.kind),
            "version": if self.legacy { "legacy" } else { "v2" },
        })
    }
}

/// A call drawn from the pools: a selector and words mostly, so rules read real parameters.
#[derive(Arbitrary, Clone, Debug)]
pub struct CallDesc {
    /// Take target and selector from this action, when it names them.
    like: Option<u8>,
    to: u8,
    /// Zero when absent: most calls carry no value, and most policies refuse one.
    value: Option<Amount>,
    selector: Option<u8>,
    words: Vec<Word>,
    tail: Vec<u8>,
}

impl CallDesc {
    fn owned(&self, actions: &[Action]) -> OwnedCall {
        let like = match (self.like, actions.len()) {
            (Some(i), n) if n > 0 => actions.get(usize::from(i) % n),
            _ => None,
        };
        let to = like.and_then(|a| a.target).unwrap_or(self.to);
        let selector = like.and_then(|a| a.selector).or(self.selector);
        let mut data = Vec::new();
        if let Some(s) = selector {
            data.extend(pick(&SELECTORS, s));
        }
        for word in self.words.iter().take(4) {
            data.extend(word.get().to_be_bytes::<32>());
        }
        data.extend(self.tail.iter().take(8));
        OwnedCall {
            to: pick(&ADDRESSES, to),
            value: self.value.map_or(U256::ZERO, Amount::get),
            data,
        }
    }
}

/// The account calldata the session is also asked about.
#[derive(Arbitrary, Clone, Debug)]
pub enum AccountData {
    /// None: only the plain calls.
    None,
    /// The calls through an account's execute (ERC-7579 is what a Smart Sessions session reads).
    Encoded(Encoding),
    /// The same, mutated.
    Mutated(Encoding, Vec<Mutation>),
    /// Any bytes.
    Raw(Vec<u8>),
}

/// A session, a batch, a context and how often the batch is repeated.
#[derive(Arbitrary, Clone, Debug)]
pub struct Input {
    name: bool,
    chain_id: Option<bool>,
    contract: Option<Contract>,
    user_op_policies: Vec<PolicyDesc>,
    actions: Vec<Action>,
    calls: Vec<CallDesc>,
    /// The account calldata to evaluate besides the calls.
    pub account_data: AccountData,
    now: Result<u8, u64>,
    other_chain: bool,
    account: Option<u8>,
    /// How many more times the batch is evaluated after an allow.
    pub repeat: u8,
}

impl Input {
    /// The SDK JSON of the session.
    pub fn session(&self) -> Value {
        let actions: Vec<Value> = self.actions.iter().take(4).map(Action::json).collect();
        let mut doc = json!({"format": "smart-sessions", "actions": actions});
        if self.name {
            doc["name"] = json!("fuzz");
        }
        if let Some(mainnet) = self.chain_id {
            doc["chainId"] = json!(if mainnet { 1 } else { 10 });
        }
        if let Some(contract) = self.contract {
            doc["policyContracts"] = json!([contract.json()]);
        }
        if !self.user_op_policies.is_empty() {
            doc["policies"] = policies(&self.user_op_policies);
        }
        doc
    }

    /// The batch (at most 3 calls).
    pub fn calls(&self) -> Vec<OwnedCall> {
        let actions = self
            .actions
            .get(..self.actions.len().min(4))
            .unwrap_or_default();
        self.calls
            .iter()
            .take(3)
            .map(|c| c.owned(actions))
            .collect()
    }

    /// The context: a clock near the time frames, mainnet or not, an account from the pool.
    pub fn context(&self) -> Context {
        Context {
            now: match self.now {
                Ok(i) => (T0 + pick(&SECONDS, i)).saturating_sub(u64::from(i % 2)),
                Err(any) => any,
            },
            chain_id: if self.other_chain { 10 } else { 1 },
            account: self.account.map(|i| pick(&ADDRESSES, i)),
        }
    }
}
