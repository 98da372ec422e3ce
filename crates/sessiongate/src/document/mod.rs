//! The native session document: what a session key may do, as JSON. [`crate::Session::compile`]
//! validates it once into a compiled session; every field that can be wrong is reported with its
//! path, e.g. `actions[2].rules[0].value`.

mod budget;
mod budgets;
mod compile;
mod error;
mod operands;
mod quantity;
mod rules;
mod target;
mod unique;

pub use crate::compiled::Target;
pub use crate::condition::Condition;
pub use budget::{BudgetDocument, BudgetSpec};
pub use error::{InvalidField, JsonError, LoadError};
pub use quantity::{Quantity, QuantityError, Scalar, parse_u256};

pub(crate) use compile::{compile, compile_parts, fingerprinted};
pub(crate) use error::{from_json as from_json_text, from_value as from_json_value};

/// Reads JSON text as strictly as every document of the crate is read: a key given twice in any
/// object is an error, and an error names the path of the field at fault (with `std`). For files
/// that embed a session, such as the scenario files of `sessiongate-scenario`.
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, LoadError> {
    Ok(from_json_text(text)?)
}

use alloc::{boxed::Box, collections::BTreeMap, string::String, vec::Vec};
use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

/// A native session document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionDocument {
    /// `"sessiongate"`, or absent: other formats have importers of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<NativeFormat>,
    /// A name for people and logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the session is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When set, calls on any other chain are denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// Policies every call must pass, whichever action it matches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyDocument>,
    /// Budgets defined once and shared by every rule or policy that names them with
    /// `{"shared": "<name>"}`; each counts under the ledger key `budgets/<name>`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub budgets: BTreeMap<String, BudgetSpec>,
    /// What the key may call: alternatives, tried most specific first.
    pub actions: Vec<ActionDocument>,
}

/// The native format's tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum NativeFormat {
    /// The native format.
    #[serde(rename = "sessiongate")]
    Sessiongate,
}

/// One thing the key may call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ActionDocument {
    /// A unique name; used in verdicts and ledger keys instead of `actions[i]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The contract called: an address, or `"*"` for any.
    pub target: Target,
    /// The function: a signature such as `"transfer(address to, uint256 amount)"`, a 4-byte hex
    /// selector such as `"0xa9059cbb"`, `"*"` for any call, or `"native"` for a plain native
    /// transfer with empty calldata.
    pub selector: String,
    /// Conditions on parameters; all must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleDocument>,
    /// Policies of this action; all must hold, as well as the session's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<PolicyDocument>,
    /// A `bytes` parameter that is itself calldata: each inner call is matched against the
    /// session's actions like a top-level call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nested: Option<NestedDocument>,
}

/// Where an action's calldata holds inner calls, e.g. `{"calldata": "data[*]"}` for a router's
/// `multicall(bytes[] data)` or `{"calldata": "calls[*].callData", "target": "calls[*].target"}`
/// for Multicall3's `aggregate3`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NestedDocument {
    /// Path to the `bytes` holding each inner call's calldata.
    pub calldata: String,
    /// Path to each inner call's target address; the outer call's target when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Path to each inner call's native value; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A condition on the call's parameters: a leaf on one parameter, or exactly one of `all`,
/// `any`, `not` over other rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleDocument {
    /// The parameter: its index, or a path such as `amount`, `params.recipient`, `path[0]`,
    /// `recipients[*]` or `data.length`. Exclusive with `offset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<ParamRef>,
    /// A raw byte offset after the selector (not necessarily aligned), as Smart Sessions does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// The word's ABI type, for `offset` rules or index rules on a bare hex selector;
    /// `uint256` when absent.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// The comparison; may be absent when the rule only counts toward a `budget`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
    /// The reference: one value, a `[min, max]` pair for `in_range`, a list for `one_of`, or a
    /// relation such as `{"context": "account"}` or `{"param": "amountIn", "ratio": "0.97"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<RuleValue>,
    /// A cumulative budget: the sum of this parameter (of every element, for `[*]` paths) over
    /// all allowed calls may not exceed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<BudgetDocument>,
    /// For `bytes`: compare only the content's bytes `[start, end)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slice: Option<[u64; 2]>,
    /// For paths with `[*]`: how many elements must satisfy the condition (`every` by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantifier: Option<Quantifier>,
    /// For paths with `[*]`: the number of elements that satisfy is within `[min, max]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<[u64; 2]>,
    /// Every rule holds (an empty list holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<RuleDocument>>,
    /// At least one rule holds (an empty list does not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<RuleDocument>>,
    /// The rule does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<RuleDocument>>,
}

/// How many elements of a `[*]` path must satisfy the condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Quantifier {
    /// All of them (an empty array passes).
    Every,
    /// At least one (an empty array fails).
    Some,
    /// None of them.
    None,
}

/// A parameter by name or by index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ParamRef {
    /// Position in the signature, from 0.
    Index(u64),
    /// Name in the signature.
    Name(String),
}

/// A rule's reference value as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum RuleValue {
    /// One value.
    One(Scalar),
    /// Several values.
    Many(Vec<Scalar>),
    /// Another value of the call or its context.
    Relation(RelationDocument),
}

/// What a parameter is compared with, besides a constant: `{"context": "account"}`, or another
/// parameter times a ratio, `{"param": "params.amountIn", "ratio": ["0.97", "3000"]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelationDocument {
    /// A fact of the call's context. Exclusive with `param`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ContextValue>,
    /// Another parameter of the same call, by path (no `[*]`). Exclusive with `context`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// Exact decimal factors multiplied into `param`, e.g. `"0.97"` or `["0.97", "3000"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<Ratio>,
}

/// A fact of the call's context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContextValue {
    /// The smart account the session acts for.
    Account,
    /// The chain id.
    ChainId,
    /// The call's native value, wei.
    Value,
}

/// One decimal factor or several, multiplied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Ratio {
    /// One factor, e.g. `"0.97"`.
    One(String),
    /// Factors multiplied, e.g. `["0.97", "3000"]`.
    Many(Vec<String>),
}

/// A policy, at session level or on an action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PolicyDocument {
    /// Allows everything it is asked about: the explicit way to say "no further limits".
    Sudo,
    /// Valid from `valid_after` to `valid_until`, unix seconds, both included; either may be absent.
    TimeWindow {
        /// First second at which calls are allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_after: Option<u64>,
        /// Last second at which calls are allowed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        valid_until: Option<u64>,
    },
    /// The native value of each call may not exceed `limit` (wei).
    MaxValue {
        /// Largest value per call.
        limit: Quantity,
    },
    /// The native value of all allowed calls together may not exceed `limit` (wei).
    ValueLimit {
        /// Largest cumulative value: a cap, a windowed or refilling budget, or a shared one.
        limit: BudgetDocument,
    },
    /// At most `limit` allowed calls.
    UsageLimit {
        /// Largest number of calls: a cap, a windowed or refilling budget, or a shared one.
        limit: BudgetDocument,
    },
    /// A rate limit: at least `min_spacing` seconds between allowed calls, and/or at most
    /// `max_calls` per fixed window of `period` seconds from `start`.
    RateLimit {
        /// Seconds required between two allowed calls.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_spacing: Option<u64>,
        /// Calls allowed per window.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_calls: Option<Quantity>,
        /// Window length, seconds (with `max_calls`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        period: Option<u64>,
        /// When the first window opens, unix seconds; the epoch when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start: Option<u64>,
    },
    /// ERC-20 spend of `token` may not exceed `limit`: counts `transfer`, `transferFrom` from the
    /// account, `approve` and `increaseAllowance`; any other function on the token is denied.
    SpendLimit {
        /// The token contract.
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        #[serde(deserialize_with = "target::deserialize_address")]
        token: Address,
        /// Largest cumulative amount, in the token's smallest unit: a cap, a windowed or
        /// refilling budget, or a shared one.
        limit: BudgetDocument,
    },
    /// Which paymasters a user operation may name: none but these (an empty list forbids any
    /// paymaster). Plain calls, with no user operation, pass.
    Paymaster {
        /// The paymasters allowed.
        #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
        allowed: Vec<Address>,
    },
    /// Caps what one user operation may use: its total gas limits and its largest cost in wei
    /// (total gas × maxFeePerGas). Checked only on user operations; plain calls, which carry no
    /// gas fields, are denied.
    UserOpGas {
        /// Largest sum of the operation's gas limits.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_gas: Option<Quantity>,
        /// Largest `max_gas × maxFeePerGas`, wei.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_cost: Option<Quantity>,
    },
}
