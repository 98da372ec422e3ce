//! Compiled policies: checks on a call as a whole (time, value, usage, spend, rule trees, user
//! operation fields), each with the document path it came from.

use super::{Limit, RuleTree, Spacing, TokenLimits};
use alloc::boxed::Box;
use alloy_primitives::{Address, U256};

/// A compiled policy with the document path it came from.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub(crate) path: Box<str>,
    pub(crate) kind: PolicyKind,
}

#[derive(Clone, Debug)]
pub(crate) enum PolicyKind {
    Sudo,
    TimeWindow {
        valid_after: Option<u64>,
        valid_until: Option<u64>,
    },
    MaxValue(U256),
    ValueLimit(Limit),
    UsageLimit(Limit),
    /// A minimum time between allowed calls.
    Spacing(Spacing),
    SpendLimit {
        token: Address,
        limit: Limit,
    },
    /// Per-token budgets with a contract's own counting (Smart Sessions spending limits).
    TokenLimits(Box<TokenLimits>),
    /// Parameter rules in an and/or/not tree.
    Tree(Box<RuleTree>),
    /// A configuration that enables but never allows, with the reason.
    Unusable(&'static str),
    /// The paymasters a user operation may name.
    Paymaster(Box<[Address]>),
    /// Caps on one user operation's gas and cost; denies without a user operation.
    UserOpGas {
        max_gas: Option<U256>,
        max_cost: Option<U256>,
    },
    /// Smart Sessions' paymaster rule: an operation with a paymaster needs the session's
    /// `permitERC4337Paymaster` and at least one user-operation policy.
    SmartPaymaster {
        /// None when an operation with a paymaster passes; else why the module reverts.
        refusal: Option<&'static str>,
    },
}
