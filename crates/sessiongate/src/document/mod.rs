//! The native session document: what a session key may do, as JSON. [`crate::Session::compile`]
//! validates it once into a compiled session; every field that can be wrong is reported with its
//! path, e.g. `actions[2].rules[0].value`.

mod compile;
mod error;
mod quantity;
mod target;

pub use error::{InvalidField, JsonError, LoadError};
pub use quantity::{Quantity, QuantityError, Scalar, parse_u256};
pub use target::Target;

pub(crate) use compile::compile;
pub(crate) use error::{from_json as from_json_text, from_value as from_json_value};

use alloc::{string::String, vec::Vec};
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
}

/// A condition on one parameter of the call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleDocument {
    /// The parameter: its name (when the signature names it) or its index. Exclusive with `offset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<ParamRef>,
    /// A raw byte offset after the selector (not necessarily aligned), as Smart Sessions does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// The word's ABI type, for `offset` rules or index rules on a bare hex selector;
    /// `uint256` when absent.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// The comparison.
    pub condition: Condition,
    /// The reference: one value, a `[min, max]` pair for `in_range`, a list for `one_of`.
    pub value: RuleValue,
    /// A cumulative budget: the sum of this parameter over all allowed calls may not exceed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Quantity>,
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

/// A rule's comparison. Ordering conditions compare as unsigned numbers, or signed for `intN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Equal to the value.
    Eq,
    /// Not equal to the value.
    Ne,
    /// Greater than the value.
    Gt,
    /// Greater than or equal to the value.
    Gte,
    /// Less than the value.
    Lt,
    /// Less than or equal to the value.
    Lte,
    /// Within `[min, max]`, both ends included.
    InRange,
    /// Equal to one of the values.
    OneOf,
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
        /// Largest cumulative value.
        limit: Quantity,
    },
    /// At most `limit` allowed calls.
    UsageLimit {
        /// Largest number of calls.
        limit: Quantity,
    },
    /// ERC-20 spend of `token` may not exceed `limit`: counts `transfer`, `transferFrom` from the
    /// account, `approve` and `increaseAllowance`; any other function on the token is denied.
    SpendLimit {
        /// The token contract.
        #[cfg_attr(feature = "schema", schemars(with = "String"))]
        #[serde(deserialize_with = "target::deserialize_address")]
        token: Address,
        /// Largest cumulative amount, in the token's smallest unit.
        limit: Quantity,
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
