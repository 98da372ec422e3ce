//! The SDK's policies reduced to the configs the contracts store, as the SDK's
//! `encodeSessionPolicy` would encode them: values that do not fit the on-chain types are refused
//! here, as the SDK refuses to encode them.

use super::document::{SdkExpression, SdkPolicy, SdkRule};
// The SDK refuses what the contracts would: their limits, from the codecs that apply them.
use super::onchain::{MAX_ARG_NODES, MAX_ARG_RULES, UNI_SLOTS as MAX_UNI_RULES};
use super::{ArgNode, ParamRule, PolicyConfig, SpendingSemantics};
use crate::document::Quantity;
use alloc::{format, string::String, vec::Vec};
use alloy_primitives::{B256, U256};

type Result<T> = core::result::Result<T, (String, String)>;

/// The config a policy installs; the error is (field path under the policy, message).
pub(crate) fn config(policy: &SdkPolicy) -> Result<PolicyConfig> {
    Ok(match policy {
        SdkPolicy::Sudo => PolicyConfig::Sudo,
        SdkPolicy::UniversalAction {
            value_limit_per_use,
            rules,
        } => {
            if rules.len() > MAX_UNI_RULES {
                let message = format!(
                    "{} rules; the universal action policy holds at most {MAX_UNI_RULES}",
                    rules.len()
                );
                return Err((String::from("rules"), message));
            }
            let rules = rules
                .iter()
                .enumerate()
                .map(|(i, r)| rule(r).map_err(|(f, m)| (format!("rules[{i}].{f}"), m)))
                .collect::<Result<Vec<_>>>()?;
            PolicyConfig::UniversalAction {
                value_limit_per_use: per_use(value_limit_per_use.as_ref()),
                rules,
            }
        }
        SdkPolicy::ArgPolicy {
            value_limit_per_use,
            expression,
        } => {
            let mut tree = Tree::default();
            let root = tree.walk(expression, "expression")?;
            tree.check()?;
            PolicyConfig::ArgPolicy {
                value_limit_per_use: per_use(value_limit_per_use.as_ref()),
                rules: tree.rules,
                nodes: tree.nodes,
                root,
            }
        }
        SdkPolicy::SpendingLimits { limits } => PolicyConfig::SpendingLimits {
            limits: limits.iter().map(|l| (l.token, l.amount.0)).collect(),
            semantics: SpendingSemantics::V2,
        },
        SdkPolicy::TimeFrame {
            valid_until,
            valid_after,
        } => PolicyConfig::TimeFrame {
            valid_until: seconds(valid_until, "validUntil")?,
            valid_after: seconds(valid_after, "validAfter")?,
        },
        SdkPolicy::UsageLimit { limit } => PolicyConfig::UsageLimit {
            limit: u128::try_from(limit.0).map_err(|_| {
                (
                    String::from("limit"),
                    format!("{} does not fit the policy's uint128", limit.0),
                )
            })?,
        },
        SdkPolicy::ValueLimit { limit } => PolicyConfig::ValueLimit { limit: limit.0 },
    })
}

fn per_use(value: Option<&Quantity>) -> U256 {
    value.map_or(U256::ZERO, |q| q.0)
}

/// Milliseconds floored to seconds, which must fit the policy's uint48.
fn seconds(ms: &Quantity, field: &str) -> Result<u64> {
    let secs = ms.0.checked_div(U256::from(1000u16)).unwrap_or_default();
    match u64::try_from(secs) {
        Ok(s) if s < (1u64 << 48) => Ok(s),
        _ => Err((
            String::from(field),
            format!(
                "{} ms is {secs} s, which does not fit the policy's uint48",
                ms.0
            ),
        )),
    }
}

/// A rule as `encodeActionParamRule` builds it; the error is (field, message).
pub(crate) fn rule(rule: &SdkRule) -> Result<ParamRule> {
    let offset = u64::try_from(rule.calldata_offset.0).map_err(|_| {
        (
            String::from("calldataOffset"),
            format!("{} does not fit the rule's uint64", rule.calldata_offset.0),
        )
    })?;
    Ok(ParamRule {
        condition: rule.condition,
        offset,
        is_limited: rule.usage_limit.is_some(),
        reference: B256::from(rule.reference_value.0),
        limit: rule.usage_limit.as_ref().map_or(U256::ZERO, |q| q.0),
        used: U256::ZERO,
    })
}

/// The expression flattened as the SDK's `compileArgPolicyExpression` does: a post-order walk,
/// children before parents, so a parent's indices always point at earlier slots.
#[derive(Default)]
struct Tree {
    rules: Vec<ParamRule>,
    nodes: Vec<ArgNode>,
}

impl Tree {
    fn walk(&mut self, expr: &SdkExpression, path: &str) -> Result<u8> {
        let node = match expr {
            SdkExpression::Rule { rule: r } => {
                let parsed = rule(r).map_err(|(f, m)| (format!("{path}.rule.{f}"), m))?;
                let index = self.index(self.rules.len(), path)?;
                self.rules.push(parsed);
                ArgNode::Rule { rule: index }
            }
            SdkExpression::Not { child } => ArgNode::Not {
                child: self.walk(child, &format!("{path}.child"))?,
            },
            SdkExpression::And { left, right } => ArgNode::And {
                left: self.walk(left, &format!("{path}.left"))?,
                right: self.walk(right, &format!("{path}.right"))?,
            },
            SdkExpression::Or { left, right } => ArgNode::Or {
                left: self.walk(left, &format!("{path}.left"))?,
                right: self.walk(right, &format!("{path}.right"))?,
            },
        };
        let index = self.index(self.nodes.len(), path)?;
        self.nodes.push(node);
        Ok(index)
    }

    /// Indices are packed into 8 bits.
    fn index(&self, position: usize, path: &str) -> Result<u8> {
        u8::try_from(position).map_err(|_| {
            let message = String::from("the expression has more than 255 nodes or rules");
            (String::from(path), message)
        })
    }

    fn check(&self) -> Result<()> {
        if self.rules.len() > MAX_ARG_RULES || self.nodes.len() > MAX_ARG_NODES {
            let message = format!(
                "{} rules and {} nodes; the arg policy takes at most {MAX_ARG_RULES} rules and \
                 {MAX_ARG_NODES} nodes",
                self.rules.len(),
                self.nodes.len()
            );
            return Err((String::from("expression"), message));
        }
        Ok(())
    }
}
