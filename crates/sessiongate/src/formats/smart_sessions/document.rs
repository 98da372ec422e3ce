//! The two JSON shapes of a Smart Sessions session: the Rhinestone SDK's (`"smart-sessions"`) and
//! the module's own `Session` struct with policy addresses and init data
//! (`"smart-sessions-onchain"`). Big integers are decimal or 0x strings, or JSON numbers.

use super::PolicyContract;
use crate::document::Quantity;
use alloc::{boxed::Box, string::String, vec::Vec};
use alloy_primitives::{Address, B256, Bytes};
use serde::{Deserialize, Serialize};

/// `"format": "smart-sessions"`: a session as the Rhinestone SDK describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SdkSession {
    /// Always `"smart-sessions"`.
    pub format: SdkTag,
    /// A name for people and logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the session is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When set, calls on any other chain are denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// The session validator; with its init data and salt it gives the `permissionId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_validator: Option<Address>,
    /// The session validator's init data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_validator_init_data: Option<Bytes>,
    /// The salt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<B256>,
    /// The SmartSession module deployment; the V2 address when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<Address>,
    /// Policy contracts to add to (or replace in) the table of known deployments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_contracts: Vec<PolicyContract>,
    /// Whether user operations with a paymaster are allowed (they also need at least one
    /// user-operation policy).
    #[serde(
        default,
        rename = "permitERC4337Paymaster",
        skip_serializing_if = "core::ops::Not::not"
    )]
    pub permit_erc4337_paymaster: bool,
    /// User-operation policies: checked once per transaction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<SdkPolicy>,
    /// What the key may call.
    pub actions: Vec<SdkAction>,
}

/// `"format": "smart-sessions-onchain"`: a session as `enableSessions` takes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OnChainSession {
    /// Always `"smart-sessions-onchain"`.
    pub format: OnChainTag,
    /// A name for people and logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the session is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When set, calls on any other chain are denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// The session validator; with its init data and salt it gives the `permissionId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_validator: Option<Address>,
    /// The session validator's init data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_validator_init_data: Option<Bytes>,
    /// The salt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<B256>,
    /// The SmartSession module deployment; the V2 address when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub module: Option<Address>,
    /// Policy contracts to add to (or replace in) the table of known deployments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_contracts: Vec<PolicyContract>,
    /// Whether user operations with a paymaster are allowed (they also need at least one
    /// user-operation policy).
    #[serde(
        default,
        rename = "permitERC4337Paymaster",
        skip_serializing_if = "core::ops::Not::not"
    )]
    pub permit_erc4337_paymaster: bool,
    /// `userOpPolicies`: checked once per transaction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_op_policies: Vec<PolicyData>,
    /// `actions`.
    pub actions: Vec<ActionData>,
    /// `erc7739Policies`: they govern ERC-1271 signatures, which sessiongate does not evaluate;
    /// accepted so a `Session` struct can be pasted whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub erc7739_policies: Option<serde_json::Value>,
}

/// The SDK format's tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SdkTag {
    /// `"smart-sessions"`.
    #[serde(rename = "smart-sessions")]
    SmartSessions,
}

/// The on-chain format's tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnChainTag {
    /// `"smart-sessions-onchain"`.
    #[serde(rename = "smart-sessions-onchain")]
    SmartSessionsOnChain,
}

/// An SDK action. Without `target` and `selector` it is the fallback action; without
/// `policies` the SDK installs it with the sudo policy, and with `"policies": []` it has none, so
/// its calls go to the fallback action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdkAction {
    /// The contract called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Address>,
    /// The 4-byte selector; `0xffffffff` for calls with less than 4 bytes of calldata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<alloy_primitives::FixedBytes<4>>,
    /// The action's policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<SdkPolicy>>,
}

/// An SDK policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum SdkPolicy {
    /// Allows everything.
    Sudo,
    /// Up to 16 parameter rules, all of which must hold.
    UniversalAction {
        /// Largest native value per call; 0 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value_limit_per_use: Option<Quantity>,
        /// The rules.
        rules: Vec<SdkRule>,
    },
    /// Parameter rules in an and/or/not expression.
    ArgPolicy {
        /// Largest native value per call; 0 when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value_limit_per_use: Option<Quantity>,
        /// The expression.
        expression: SdkExpression,
    },
    /// ERC-20 budgets of the action, per token.
    SpendingLimits {
        /// The tokens and amounts.
        limits: Vec<SdkLimit>,
    },
    /// A validity window, in milliseconds as the SDK writes them (it floors them to seconds).
    TimeFrame {
        /// End, ms; 0 for none.
        valid_until: Quantity,
        /// Start, ms.
        valid_after: Quantity,
    },
    /// At most `limit` checks.
    UsageLimit {
        /// The cap.
        limit: Quantity,
    },
    /// At most `limit` wei in total.
    ValueLimit {
        /// The cap.
        limit: Quantity,
    },
}

/// A parameter rule: the 32-byte word `calldataOffset` bytes after the selector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SdkRule {
    /// The comparison.
    pub condition: super::ParamCondition,
    /// Byte offset after the selector.
    pub calldata_offset: Quantity,
    /// The reference word (a hex string is left-padded to 32 bytes, as the SDK's `padHex`).
    pub reference_value: Quantity,
    /// When present, the rule is limited: the running sum of the word may not pass it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_limit: Option<Quantity>,
}

/// An arg-policy expression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum SdkExpression {
    /// A leaf.
    Rule {
        /// The rule.
        rule: SdkRule,
    },
    /// Negation.
    Not {
        /// The negated expression.
        child: Box<SdkExpression>,
    },
    /// Both.
    And {
        /// Evaluated first.
        left: Box<SdkExpression>,
        /// Evaluated when `left` holds.
        right: Box<SdkExpression>,
    },
    /// Either.
    Or {
        /// Evaluated first.
        left: Box<SdkExpression>,
        /// Evaluated when `left` does not hold.
        right: Box<SdkExpression>,
    },
}

/// One token budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SdkLimit {
    /// The token.
    pub token: Address,
    /// The budget, in the token's smallest unit.
    pub amount: Quantity,
}

/// `PolicyData`: a policy contract and its init data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PolicyData {
    /// The policy contract.
    pub policy: Address,
    /// What `initializeWithMultiplexer` receives.
    pub init_data: Bytes,
}

/// `ActionData`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ActionData {
    /// The selector.
    pub action_target_selector: alloy_primitives::FixedBytes<4>,
    /// The target.
    pub action_target: Address,
    /// The policies.
    pub action_policies: Vec<PolicyData>,
}
