//! Installed Smart Sessions policies compiled onto the engine: each action becomes one engine
//! action reached by exact (target, selector) or as the fallback, each policy config becomes the
//! engine's rules and policies with the contract's semantics, user-operation policies are checked
//! once per transaction.

use super::ids::{ADMIN_FALLBACK_SELECTOR, FALLBACK_SELECTOR, FALLBACK_TARGET, VALUE_SELECTOR};
use super::onchain::SMART_SESSION_DEPLOYMENTS;
use super::{
    ArgNode, ParamCondition, ParamRule, PolicyConfig, PolicyContract, PolicyKindId,
    SpendingSemantics,
};
use crate::calldata::{Selector, WordType};
use crate::compiled::{
    Action, Check, Dispatch, Erc20Counting, ExactDispatch, Limit, Parts, Policy, PolicyKind, Rule,
    RuleTree, SelectorMatch, Session, Target, TokenLimits, TransferFrom, TreeNode,
};
use crate::document::LoadError;
use alloc::{boxed::Box, format, string::String, vec::Vec};
use alloy_primitives::{Address, U256};

type Result<T> = core::result::Result<T, LoadError>;

/// One installed policy: its contract, its config, and the document path it came from.
#[derive(Clone, Debug)]
pub(crate) struct Installed {
    pub(crate) contract: PolicyContract,
    pub(crate) config: PolicyConfig,
    pub(crate) path: String,
}

/// The policies of one action id, after merging: one entry per contract, in first-seen order,
/// holding the config its last init wrote (the module keeps a set and re-initializes).
#[derive(Clone, Debug)]
pub(crate) struct InstalledAction {
    pub(crate) target: Address,
    pub(crate) selector: Selector,
    pub(crate) policies: Vec<Installed>,
}

/// Adds a policy to a set the way `ConfigLib.enable` does.
pub(crate) fn install(set: &mut Vec<Installed>, policy: Installed) {
    match set
        .iter_mut()
        .find(|p| p.contract.address == policy.contract.address)
    {
        Some(existing) => {
            existing.config = policy.config;
            existing.path = policy.path;
        }
        None => set.push(policy),
    }
}

/// Adds an action's policies under its action id, merging with an earlier entry of the same id.
pub(crate) fn install_action(
    actions: &mut Vec<InstalledAction>,
    target: Address,
    selector: Selector,
    policies: Vec<Installed>,
) {
    let index = actions
        .iter()
        .position(|a| a.target == target && a.selector == selector);
    let action = match index.and_then(|i| actions.get_mut(i)) {
        Some(action) => action,
        None => {
            actions.push(InstalledAction {
                target,
                selector,
                policies: Vec::new(),
            });
            match actions.last_mut() {
                Some(action) => action,
                None => return,
            }
        }
    };
    for policy in policies {
        install(&mut action.policies, policy);
    }
}

/// What the compiler needs besides the installed policies.
pub(crate) struct Frame {
    pub(crate) name: Option<String>,
    pub(crate) chain_id: Option<u64>,
    pub(crate) module: Address,
    pub(crate) permit_paymaster: bool,
}

/// Builds the engine session.
pub(crate) fn session(
    frame: Frame,
    user_op: &[Installed],
    installed: &[InstalledAction],
) -> Result<Session> {
    // An operation with a paymaster needs the permit and at least one user-operation policy.
    let mut tx_policies = alloc::vec![Policy {
        path: "permitERC4337Paymaster".into(),
        kind: PolicyKind::SmartPaymaster {
            refusal: match (frame.permit_paymaster, user_op.is_empty()) {
                (false, _) => Some(
                    "the session does not set permitERC4337Paymaster \
                     (PaymasterValidationNotEnabled)",
                ),
                (true, true) => Some(
                    "permitERC4337Paymaster needs at least one user-operation policy \
                     (NoPoliciesSet)",
                ),
                (true, false) => None,
            },
        },
    }];
    for policy in user_op {
        if !matches!(
            policy.contract.kind,
            PolicyKindId::Sudo
                | PolicyKindId::TimeFrame
                | PolicyKindId::UsageLimit
                | PolicyKindId::ValueLimit
        ) {
            let message = format!(
                "{} is an action policy; the module refuses it as a user-operation policy",
                kind_name(policy.contract.kind)
            );
            return Err(LoadError::invalid(policy.path.as_str(), message));
        }
        let (rules, mut policies) = compile_policy(policy, "session", user_op)?;
        debug_assert!(rules.is_empty());
        tx_policies.append(&mut policies);
    }
    let mut actions = Vec::new();
    let mut warnings = Vec::new();
    for action in installed.iter().filter(|a| !a.policies.is_empty()) {
        check_target(action, frame.module)?;
        if SMART_SESSION_DEPLOYMENTS.contains(&action.target) {
            warnings.push(format!(
                "action {} targets another SmartSession deployment: its calls also need the \
                 admin fallback action (0x…01, 0x00000002), a fail-closed deviation from the \
                 module, which would dispatch them as ordinary calls",
                label(action)
            ));
        }
        actions.push(compile_action(action)?);
    }
    // The first action of the flag target and selector, as the index would find it.
    let find = |selector: Selector| {
        let flag = (
            Target::Address(FALLBACK_TARGET),
            SelectorMatch::Function(selector),
        );
        let at = actions
            .iter()
            .position(|a| (a.target, a.selector) == flag)?;
        u32::try_from(at).ok()
    };
    let dispatch = Dispatch::ExactOrFallback(ExactDispatch {
        short_selector: VALUE_SELECTOR.0,
        self_execute: crate::account::erc7579::EXECUTE.0,
        reserved_target: FALLBACK_TARGET,
        module: frame.module,
        fallback: find(FALLBACK_SELECTOR),
        admin: find(ADMIN_FALLBACK_SELECTOR),
        deployments: &SMART_SESSION_DEPLOYMENTS,
    });
    Ok(Session::new(Parts {
        name: frame.name.map(Box::from),
        chain_id: frame.chain_id,
        tx_policies: tx_policies.into(),
        actions,
        account_kind: Some(crate::account::AccountKind::Erc7579),
        warnings: warnings.into(),
        dispatch,
        ..Parts::default()
    })?)
}

/// `enableSessions` refuses these action ids.
fn check_target(action: &InstalledAction, module: Address) -> Result<()> {
    let path = action
        .policies
        .first()
        .map(|p| p.path.as_str())
        .unwrap_or_default();
    let why = if action.target.is_zero() {
        "an action on address zero"
    } else if action.target == module {
        "an action on the SmartSession module itself (use the admin fallback, target 0x…01 with \
         selector 0x00000002)"
    } else {
        return Ok(());
    };
    let message = format!("the module refuses {why} at enable (InvalidActionId)");
    Err(LoadError::invalid(path, message))
}

/// The action's label: `fallback`, `admin-fallback`, or `target:selector`.
fn label(action: &InstalledAction) -> String {
    match (action.target == FALLBACK_TARGET, action.selector) {
        (true, s) if s == FALLBACK_SELECTOR => String::from("fallback"),
        (true, s) if s == ADMIN_FALLBACK_SELECTOR => String::from("admin-fallback"),
        _ => format!("{}:{}", action.target, action.selector),
    }
}

fn compile_action(action: &InstalledAction) -> Result<Action> {
    let label = label(action);
    let scope = format!("actions/{label}");
    let mut rules = Vec::new();
    let mut policies = Vec::new();
    for policy in &action.policies {
        let (mut r, mut p) = compile_policy(policy, &scope, &action.policies)?;
        rules.append(&mut r);
        policies.append(&mut p);
    }
    let target = Target::Address(action.target);
    let mut compiled = Action::new(label, target, SelectorMatch::Function(action.selector));
    compiled.rules = rules.into();
    compiled.policies = policies.into();
    Ok(compiled)
}

/// The ledger key prefix of a policy: its kind, and its contract when the set holds another
/// contract of the same kind (each contract keeps its own state).
fn key_prefix(scope: &str, policy: &Installed, set: &[Installed]) -> String {
    let kind = policy.contract.kind;
    let shared = set.iter().filter(|p| p.contract.kind == kind).count() > 1;
    match shared {
        true => format!("{scope}/{}@{}", kind_name(kind), policy.contract.address),
        false => format!("{scope}/{}", kind_name(kind)),
    }
}

fn kind_name(kind: PolicyKindId) -> &'static str {
    match kind {
        PolicyKindId::Sudo => "sudo",
        PolicyKindId::UniversalAction => "universal-action",
        PolicyKindId::ArgPolicy => "arg-policy",
        PolicyKindId::SpendingLimits => "spending-limits",
        PolicyKindId::TimeFrame => "time-frame",
        PolicyKindId::UsageLimit => "usage-limit",
        PolicyKindId::ValueLimit => "value-limit",
    }
}

/// One installed policy as engine rules and policies.
fn compile_policy(
    installed: &Installed,
    scope: &str,
    set: &[Installed],
) -> Result<(Vec<Rule>, Vec<Policy>)> {
    let key = key_prefix(scope, installed, set);
    let path = installed.path.as_str();
    let policy = |kind| Policy {
        path: path.into(),
        kind,
    };
    let limit = |suffix: &str, cap| Limit::new(format!("{key}{suffix}"), cap);
    let one = |kind| Ok((Vec::new(), alloc::vec![policy(kind)]));
    match &installed.config {
        PolicyConfig::Sudo => one(PolicyKind::Sudo),
        PolicyConfig::UniversalAction {
            value_limit_per_use,
            rules,
        } => {
            if rules.is_empty() {
                return one(PolicyKind::Unusable(
                    "a universal action with no rules reverts PolicyNotInitialized",
                ));
            }
            let compiled = rules
                .iter()
                .enumerate()
                .map(|(i, r)| param_rule(r, &format!("{path}.rules[{i}]"), &key, i))
                .collect::<Option<Vec<_>>>();
            match compiled {
                Some(rules) => Ok((
                    rules,
                    alloc::vec![policy(PolicyKind::MaxValue(*value_limit_per_use))],
                )),
                None => one(PolicyKind::Unusable(UNREACHABLE_RULE)),
            }
        }
        PolicyConfig::ArgPolicy {
            value_limit_per_use,
            rules,
            nodes,
            root,
        } => {
            if rules.is_empty() || nodes.is_empty() {
                return one(PolicyKind::Unusable(
                    "an arg policy with no rules or no nodes reverts PolicyNotInitialized",
                ));
            }
            let compiled = rules
                .iter()
                .enumerate()
                .map(|(i, r)| param_rule(r, &format!("{path}.rules[{i}]"), &key, i))
                .collect::<Option<Vec<_>>>();
            let Some(compiled) = compiled else {
                return one(PolicyKind::Unusable(UNREACHABLE_RULE));
            };
            let tree = RuleTree {
                rules: compiled.into(),
                nodes: nodes.iter().map(|n| tree_node(*n)).collect(),
                root: u16::from(*root),
            };
            Ok((
                Vec::new(),
                alloc::vec![
                    policy(PolicyKind::MaxValue(*value_limit_per_use)),
                    policy(PolicyKind::Tree(Box::new(tree))),
                ],
            ))
        }
        PolicyConfig::SpendingLimits { limits, semantics } => {
            // A token listed twice keeps its later amount, as the contract's storage does.
            let mut tokens: Vec<(Address, Limit)> = Vec::new();
            for (token, amount) in limits {
                tokens.retain(|(t, _)| t != token);
                tokens.push((*token, limit(&format!("/{token}"), *amount)));
            }
            one(PolicyKind::TokenLimits(Box::new(TokenLimits {
                tokens: tokens.into(),
                unlisted: limit("/unlisted", U256::ZERO),
                counting: counting(*semantics),
            })))
        }
        PolicyConfig::TimeFrame {
            valid_until: 0,
            valid_after: 0,
        } => one(PolicyKind::Unusable(
            "a time frame of (0, 0) reverts PolicyNotInitialized",
        )),
        PolicyConfig::TimeFrame {
            valid_until,
            valid_after,
        } => one(PolicyKind::TimeWindow {
            valid_after: Some(*valid_after).filter(|a| *a != 0),
            valid_until: Some(*valid_until).filter(|u| *u != 0),
        }),
        PolicyConfig::UsageLimit { limit: 0 } => {
            one(PolicyKind::Unusable("a usage limit of 0 reverts on use"))
        }
        PolicyConfig::UsageLimit { limit: cap } => {
            one(PolicyKind::UsageLimit(limit("", U256::from(*cap))))
        }
        PolicyConfig::ValueLimit { limit: cap } if cap.is_zero() => {
            one(PolicyKind::Unusable("a value limit of 0 reverts on use"))
        }
        PolicyConfig::ValueLimit { limit: cap } => one(PolicyKind::ValueLimit(limit("", *cap))),
    }
}

const UNREACHABLE_RULE: &str = "a rule whose offset overflows `4 + offset` (uint64), or whose usage already exceeds its \
     limit, can never pass";

/// A `ParamRule` as an engine rule over the raw word: unsigned, never validated, unaligned.
/// `None` when the rule can never pass.
fn param_rule(rule: &ParamRule, path: &str, key: &str, index: usize) -> Option<Rule> {
    let at = rule.offset.checked_add(4)?;
    let reference = U256::from_be_bytes(rule.reference.0);
    let check = match rule.condition {
        ParamCondition::Equal => Check::Eq(reference),
        ParamCondition::GreaterThan => Check::Gt(reference),
        ParamCondition::LessThan => Check::Lt(reference),
        ParamCondition::GreaterThanOrEqual => Check::Gte(reference),
        ParamCondition::LessThanOrEqual => Check::Lte(reference),
        ParamCondition::NotEqual => Check::Ne(reference),
        ParamCondition::InRange => {
            let mask = U256::from(u128::MAX);
            Check::InRange(reference.wrapping_shr(128), reference & mask)
        }
    };
    let budget = match rule.is_limited {
        // The running sum starts at `used`, so `limit - used` is what is left for the ledger.
        true => Some(Limit::new(
            format!("{key}/rules[{index}]"),
            rule.limit.checked_sub(rule.used)?,
        )),
        false => None,
    };
    Some(Rule {
        path: path.into(),
        param: format!("offset {}", rule.offset).into(),
        // An offset beyond the address space is past the end of any calldata.
        at: usize::try_from(at).unwrap_or(usize::MAX),
        ty: WordType::Uint(256),
        validate: false,
        check,
        budget,
    })
}

fn tree_node(node: ArgNode) -> TreeNode {
    match node {
        ArgNode::Rule { rule } => TreeNode::Rule(rule.into()),
        ArgNode::Not { child } => TreeNode::Not(child.into()),
        ArgNode::And { left, right } => TreeNode::And(left.into(), right.into()),
        ArgNode::Or { left, right } => TreeNode::Or(left.into(), right.into()),
    }
}

/// How each deployment of `ERC20SpendingLimitPolicy` counts a call to a token.
fn counting(semantics: SpendingSemantics) -> Erc20Counting {
    let v2 = semantics == SpendingSemantics::V2;
    Erc20Counting {
        // HEAD accumulates increaseAllowance; v1.0.0 fails on it.
        increase_allowance: v2,
        decrease_allowance: false,
        // HEAD does not count tokens pulled into the account itself; v1.0.0 counts them.
        transfer_from: if v2 {
            TransferFrom::NotToAccount
        } else {
            TransferFrom::Always
        },
        // Calldata without a selector fails `abi.decode`: short.
        selectorless_is_native: false,
    }
}
