//! Policy configurations exactly as the deployed Smart Sessions policy contracts hold them after
//! `initializeWithMultiplexer`. Both the SDK's JSON and the on-chain init data reduce to these,
//! which is what makes the two forms give identical verdicts.

// Public to tests and fuzzing under `test-util`; crate-internal otherwise.
#![cfg_attr(not(feature = "test-util"), allow(unreachable_pub))]

use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

/// Which policy contract a configuration belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKindId {
    /// `SudoPolicy`: allows everything.
    Sudo,
    /// `UniActionPolicy`: up to 16 parameter rules, ANDed.
    UniversalAction,
    /// `ArgPolicy`: parameter rules in an and/or/not tree.
    ArgPolicy,
    /// `ERC20SpendingLimitPolicy`.
    SpendingLimits,
    /// `TimeFramePolicy`.
    TimeFrame,
    /// `UsageLimitPolicy`.
    UsageLimit,
    /// `ValueLimitPolicy`.
    ValueLimit,
}

/// Which generation of a policy's source is deployed at an address; init data layouts and some
/// checks differ between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyVersion {
    /// smartsessions HEAD (Aug 2025), at the addresses the Rhinestone SDKs use by default.
    V2,
    /// The older sources: tag v1.0.0 (sudo, universal action, spending limits) and the Oct-2024
    /// commit (time frame, usage limit, value limit).
    Legacy,
}

/// A deployed policy contract: its address, what it is and which source it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyContract {
    /// Where it is deployed.
    pub address: Address,
    /// What it is.
    pub kind: PolicyKindId,
    /// Which source it runs.
    pub version: PolicyVersion,
}

/// `ParamCondition` of `UniActionPolicy` and `ArgPolicy`, in the contracts' enum order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamCondition {
    /// 0: `param == ref`.
    Equal,
    /// 1: `param > ref`, unsigned.
    GreaterThan,
    /// 2: `param < ref`, unsigned.
    LessThan,
    /// 3: `param >= ref`, unsigned.
    GreaterThanOrEqual,
    /// 4: `param <= ref`, unsigned.
    LessThanOrEqual,
    /// 5: `param != ref`.
    NotEqual,
    /// 6: `ref >> 128 <= param <= ref & (2^128 - 1)`.
    InRange,
}

impl ParamCondition {
    /// The condition with this enum index, as Solidity decodes it (above 6 reverts).
    pub fn from_index(index: u8) -> Option<Self> {
        Some(match index {
            0 => Self::Equal,
            1 => Self::GreaterThan,
            2 => Self::LessThan,
            3 => Self::GreaterThanOrEqual,
            4 => Self::LessThanOrEqual,
            5 => Self::NotEqual,
            6 => Self::InRange,
            _ => return None,
        })
    }

    /// The enum index.
    pub fn index(self) -> u8 {
        self as u8
    }
}

/// One `ParamRule`: read the 32-byte word at `4 + offset`, compare it, optionally add it to a
/// cumulative usage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParamRule {
    /// The comparison.
    pub condition: ParamCondition,
    /// Byte offset after the selector; need not be aligned.
    pub offset: u64,
    /// Whether the word is added to `used` and capped by `limit`.
    pub is_limited: bool,
    /// The reference word.
    pub reference: B256,
    /// The cap on the running sum, when limited.
    pub limit: U256,
    /// The running sum the config starts from (0 from the SDKs).
    pub used: U256,
}

/// One node of an `ArgPolicy` tree, as its packed `uint256` says (children are node indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum ArgNode {
    /// Type 0: the rule with this index.
    Rule {
        /// Index into the rules.
        rule: u8,
    },
    /// Type 1: the negation of a node.
    Not {
        /// The child node.
        child: u8,
    },
    /// Type 2: both children, short-circuit.
    And {
        /// Left child node.
        left: u8,
        /// Right child node.
        right: u8,
    },
    /// Type 3: either child, short-circuit.
    Or {
        /// Left child node.
        left: u8,
        /// Right child node.
        right: u8,
    },
}

/// How an `ERC20SpendingLimitPolicy` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpendingSemantics {
    /// HEAD: approve and increaseAllowance accumulate, transfer counts, transferFrom counts
    /// unless it pays the account; one budget for spent + approved.
    V2,
    /// v1.0.0: approve, transfer and transferFrom add their last argument; increaseAllowance
    /// fails.
    V1,
}

/// A policy's configuration as its contract stores it for one config id.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum PolicyConfig {
    /// Allows every check.
    Sudo,
    /// `UniActionPolicy`'s `ActionConfig`: `rules` holds the first `length` rules. Zero rules is
    /// a config that enables and then reverts on every check.
    UniversalAction {
        /// Largest native value per call.
        value_limit_per_use: U256,
        /// The rules, ANDed in order.
        rules: Vec<ParamRule>,
    },
    /// `ArgPolicy`'s config: rules referenced from a node tree.
    ArgPolicy {
        /// Largest native value per call.
        value_limit_per_use: U256,
        /// The rule table.
        rules: Vec<ParamRule>,
        /// The node table.
        nodes: Vec<ArgNode>,
        /// Index of the root node.
        root: u8,
    },
    /// `ERC20SpendingLimitPolicy`: per token limits; a token listed twice keeps the later amount.
    SpendingLimits {
        /// `(token, limit)` in the order given.
        limits: Vec<(Address, U256)>,
        /// How the deployed source counts.
        semantics: SpendingSemantics,
    },
    /// `TimeFramePolicy`: both ends inclusive (EntryPoint v0.7), 0 unbounded; (0, 0) reverts
    /// on every check.
    TimeFrame {
        /// Last valid second; 0 means no expiry.
        valid_until: u64,
        /// First valid second.
        valid_after: u64,
    },
    /// `UsageLimitPolicy`: at most `limit` checks. A zero limit (legacy only) reverts on use.
    UsageLimit {
        /// The cap (uint128 on chain).
        limit: u128,
    },
    /// `ValueLimitPolicy`: the cumulative native value. A zero limit (legacy only) reverts on use.
    ValueLimit {
        /// The cap.
        limit: U256,
    },
}

impl PolicyConfig {
    /// Which policy contract kind holds this config.
    pub fn kind(&self) -> PolicyKindId {
        match self {
            Self::Sudo => PolicyKindId::Sudo,
            Self::UniversalAction { .. } => PolicyKindId::UniversalAction,
            Self::ArgPolicy { .. } => PolicyKindId::ArgPolicy,
            Self::SpendingLimits { .. } => PolicyKindId::SpendingLimits,
            Self::TimeFrame { .. } => PolicyKindId::TimeFrame,
            Self::UsageLimit { .. } => PolicyKindId::UsageLimit,
            Self::ValueLimit { .. } => PolicyKindId::ValueLimit,
        }
    }
}
