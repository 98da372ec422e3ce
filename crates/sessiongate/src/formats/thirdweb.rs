//! thirdweb session keys (`"format": "thirdweb"`): the `SessionSpec` its MinimalAccount (ERC-7702)
//! takes in `createSessionWithSig`. The account's source is not public; the semantics are those of
//! the zksync-sso `SessionLib` its ABI names and orders (see the README), and are marked inferred.
//!
//! A call goes to the first call policy of exactly its target and selector (calldata shorter than
//! 4 bytes goes to the first transfer policy of its target); the one found decides. Its value may
//! not pass `maxValuePerUse`, then its value limit and every constraint (the word at
//! `4 + 32·index`, compared unsigned, then limit-checked) must hold. Limits are unlimited,
//! lifetime sums, or allowances per window of `period` seconds aligned to the epoch.

use crate::account::AccountKind;
use crate::calldata::{Selector, WordType};
use crate::compiled::{
    Action, Check, Dispatch, Limit, Parts, Policy, PolicyKind, Rule, SelectorMatch, Session,
    Target, Window,
};
use crate::document::{LoadError, Quantity};
use alloc::{format, string::String, vec::Vec};
use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

type Result<T> = core::result::Result<T, LoadError>;

/// `"format": "thirdweb"`: a `SessionSpec`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SessionSpec {
    /// Always `"thirdweb"`.
    pub format: ThirdwebTag,
    /// The session key.
    pub signer: Address,
    /// A wildcard signer may make any call until the session expires (inferred).
    #[serde(default)]
    pub is_wildcard: bool,
    /// Last valid second (unix), inclusive.
    pub expires_at: Quantity,
    /// Function calls, by exact target and selector.
    #[serde(default)]
    pub call_policies: Vec<CallSpec>,
    /// Plain value transfers (calldata shorter than 4 bytes), by exact target.
    #[serde(default)]
    pub transfer_policies: Vec<TransferSpec>,
}

/// The format's tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ThirdwebTag {
    /// `"thirdweb"`.
    #[serde(rename = "thirdweb")]
    Thirdweb,
}

/// `CallSpec`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CallSpec {
    /// The contract.
    pub target: Address,
    /// The function selector.
    pub selector: Selector,
    /// Largest value per call, wei.
    pub max_value_per_use: Quantity,
    /// The cumulative value limit.
    pub value_limit: UsageLimit,
    /// Conditions on parameters, all of which must hold.
    #[serde(default)]
    pub constraints: Vec<Constraint>,
}

/// `TransferSpec`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TransferSpec {
    /// The recipient.
    pub target: Address,
    /// Largest value per transfer, wei.
    pub max_value_per_use: Quantity,
    /// The cumulative value limit.
    pub value_limit: UsageLimit,
}

/// `UsageLimit`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UsageLimit {
    /// How the limit counts.
    pub limit_type: LimitType,
    /// The cap (ignored when unlimited).
    #[serde(default)]
    pub limit: Quantity,
    /// Window length in seconds, for allowances.
    #[serde(default)]
    pub period: Quantity,
}

/// `SessionLib.LimitType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LimitType {
    /// No tracking.
    Unlimited,
    /// A sum over the session's life.
    Lifetime,
    /// A sum per window of `period` seconds, windows aligned to the epoch.
    Allowance,
}

/// `Constraint`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Constraint {
    /// The comparison.
    pub condition: ConstraintCondition,
    /// The parameter number after the selector: the word at `4 + 32·index`.
    pub index: u64,
    /// The reference word.
    pub ref_value: B256,
    /// A limit on the sum of the parameter.
    pub limit: UsageLimit,
}

/// `SessionLib.Condition`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConstraintCondition {
    /// Any value.
    Unconstrained,
    /// `param == ref`.
    Equal,
    /// `param > ref`.
    Greater,
    /// `param < ref`.
    Less,
    /// `param >= ref`.
    GreaterOrEqual,
    /// `param <= ref`.
    LessOrEqual,
    /// `param != ref`.
    NotEqual,
}

/// Compiles a `SessionSpec` onto the engine.
pub(crate) fn compile(spec: &SessionSpec) -> Result<Session> {
    let expires_at = u64::try_from(spec.expires_at.0)
        .map_err(|_| LoadError::invalid("expiresAt", "does not fit 64 bits"))?;
    let mut actions = Vec::new();
    if spec.is_wildcard {
        actions.push(action(
            "wildcard",
            Target::Any,
            SelectorMatch::Any,
            Vec::new(),
            alloc::vec![policy("isWildcard", PolicyKind::Sudo)],
        ));
    } else {
        for (i, call) in spec.call_policies.iter().enumerate() {
            actions.push(call_action(i, call)?);
        }
        for (i, transfer) in spec.transfer_policies.iter().enumerate() {
            actions.push(transfer_action(i, transfer)?);
        }
    }
    let expiry = PolicyKind::TimeWindow {
        valid_after: None,
        valid_until: Some(expires_at),
    };
    let policies = alloc::vec![policy("expiresAt", expiry)];
    let session = Session::new(Parts {
        policies: policies.into(),
        actions,
        account_kind: Some(AccountKind::Thirdweb),
        dispatch: Dispatch::FirstMatch,
        ..Parts::default()
    })?;
    crate::document::fingerprinted(session, "thirdweb", spec)
}

fn policy(path: &str, kind: PolicyKind) -> Policy {
    Policy {
        path: path.into(),
        kind,
    }
}

fn action(
    label: &str,
    target: Target,
    selector: SelectorMatch,
    rules: Vec<Rule>,
    policies: Vec<Policy>,
) -> Action {
    let mut action = Action::new(label, target, selector);
    action.rules = rules.into();
    action.policies = policies.into();
    action
}

fn call_action(i: usize, call: &CallSpec) -> Result<Action> {
    let path = format!("callPolicies[{i}]");
    // State is keyed by (target, selector) as the contract keys it.
    let scope = format!("{}:{}", call.target, call.selector);
    let mut policies = alloc::vec![policy(
        &format!("{path}.maxValuePerUse"),
        PolicyKind::MaxValue(call.max_value_per_use.0),
    )];
    policies.extend(value_limit(&call.value_limit, &path, &scope)?);
    let rules = call
        .constraints
        .iter()
        .enumerate()
        .map(|(j, c)| {
            constraint(
                c,
                &format!("{path}.constraints[{j}]"),
                &format!("{scope}/constraints[{j}]"),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(action(
        &path,
        Target::Address(call.target),
        SelectorMatch::Function(call.selector),
        rules,
        policies,
    ))
}

fn transfer_action(i: usize, transfer: &TransferSpec) -> Result<Action> {
    let path = format!("transferPolicies[{i}]");
    let scope = format!("{}:transfer", transfer.target);
    let mut policies = alloc::vec![policy(
        &format!("{path}.maxValuePerUse"),
        PolicyKind::MaxValue(transfer.max_value_per_use.0),
    )];
    policies.extend(value_limit(&transfer.value_limit, &path, &scope)?);
    Ok(action(
        &path,
        Target::Address(transfer.target),
        SelectorMatch::Native,
        Vec::new(),
        policies,
    ))
}

/// The limit a `UsageLimit` sets, if it tracks anything.
fn limit(usage: &UsageLimit, path: &str, key: String) -> Result<Option<Limit>> {
    let window = match usage.limit_type {
        LimitType::Unlimited => return Ok(None),
        LimitType::Lifetime => None,
        LimitType::Allowance => {
            let period = u64::try_from(usage.period.0)
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| {
                    LoadError::invalid(
                        format!("{path}.period"),
                        "an allowance needs a period of 1 to 2^64-1 seconds",
                    )
                })?;
            Some(Window { period, start: 0 })
        }
    };
    let mut limit = Limit::new(key, usage.limit.0);
    limit.window = window;
    Ok(Some(limit))
}

fn value_limit(usage: &UsageLimit, path: &str, scope: &str) -> Result<Option<Policy>> {
    let path = format!("{path}.valueLimit");
    let limit = limit(usage, &path, format!("{scope}/value"))?;
    Ok(limit.map(|l| policy(&path, PolicyKind::ValueLimit(l))))
}

fn constraint(c: &Constraint, path: &str, key: &str) -> Result<Rule> {
    let at = c
        .index
        .checked_mul(32)
        .and_then(|o| o.checked_add(4))
        .and_then(|o| usize::try_from(o).ok())
        // Past any calldata: the read fails and the call is denied, as on chain.
        .unwrap_or(usize::MAX);
    let reference = U256::from_be_bytes(c.ref_value.0);
    let check = match c.condition {
        // Every word passes; only the limit (if any) applies.
        ConstraintCondition::Unconstrained => Check::Gte(U256::ZERO),
        ConstraintCondition::Equal => Check::Eq(reference),
        ConstraintCondition::Greater => Check::Gt(reference),
        ConstraintCondition::Less => Check::Lt(reference),
        ConstraintCondition::GreaterOrEqual => Check::Gte(reference),
        ConstraintCondition::LessOrEqual => Check::Lte(reference),
        ConstraintCondition::NotEqual => Check::Ne(reference),
    };
    Ok(Rule {
        path: path.into(),
        param: format!("param {}", c.index).into(),
        at,
        ty: WordType::Uint(256),
        validate: false,
        check,
        budget: limit(&c.limit, &format!("{path}.limit"), String::from(key))?,
    })
}
