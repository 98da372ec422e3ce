//! `ArgPolicy`: parameter rules combined by a packed expression tree, validated as
//! `ArgPolicyTreeLib.validateExpressionTree` does.

use super::rule_words::RuleWords;
use super::{InitError, TreeError};
use crate::formats::smart_sessions::model::{ArgNode, ParamRule, PolicyConfig};
use alloc::string::ToString;
use alloc::vec::Vec;
use alloy_primitives::U256;
use alloy_sol_types::{SolValue, sol};

sol! {
    /// `ArgPolicy`'s `ParamRule` with every field as its raw word, so this crate applies (and
    /// names) the decoder's range checks itself.
    struct ArgRuleWords {
        uint256 condition;
        uint256 offset;
        uint256 isLimited;
        bytes32 reference;
        uint256 limit;
        uint256 used;
    }
    /// `ArgPolicy`'s `ParamRules`, raw words.
    struct ArgRulesWords {
        uint256 rootNodeIndex;
        ArgRuleWords[] rules;
        uint256[] packedNodes;
    }
    /// `ArgPolicy`'s `ActionConfig`, raw words.
    struct ArgConfigWords {
        uint256 valueLimitPerUse;
        ArgRulesWords paramRules;
    }
}

/// Node type tags of the packed node word.
const NODE_RULE: u64 = 0;
const NODE_NOT: u64 = 1;
const NODE_AND: u64 = 2;
/// Bit positions of the packed node word.
const RULE_SHIFT: u32 = 2;
const LEFT_SHIFT: u32 = 10;
const RIGHT_SHIFT: u32 = 18;
/// `ArgPolicyTreeLib.MAX_RULES`.
pub(crate) const MAX_ARG_RULES: usize = 128;
/// Nodes a `uint8` loop counter can visit.
pub(crate) const MAX_ARG_NODES: usize = 255;

/// Unpacks a node word as `ArgPolicyTreeLib` reads it; bits above 25 are ignored.
fn unpack_node(word: U256) -> ArgNode {
    let bits = word.wrapping_to::<u64>();
    let byte = |shift: u32| u8::try_from((bits >> shift) & 0xff).unwrap_or_default();
    match bits & 0x3 {
        NODE_RULE => ArgNode::Rule {
            rule: byte(RULE_SHIFT),
        },
        NODE_NOT => ArgNode::Not {
            child: byte(LEFT_SHIFT),
        },
        NODE_AND => ArgNode::And {
            left: byte(LEFT_SHIFT),
            right: byte(RIGHT_SHIFT),
        },
        _ => ArgNode::Or {
            left: byte(LEFT_SHIFT),
            right: byte(RIGHT_SHIFT),
        },
    }
}

/// Packs a node as `ArgPolicyTreeLib.create*Node` does.
fn pack_node(node: ArgNode) -> U256 {
    let (tag, rule, left, right) = match node {
        ArgNode::Rule { rule } => (NODE_RULE, rule, 0, 0),
        ArgNode::Not { child } => (NODE_NOT, 0, child, 0),
        ArgNode::And { left, right } => (NODE_AND, 0, left, right),
        ArgNode::Or { left, right } => (3, 0, left, right),
    };
    U256::from(
        tag | u64::from(rule) << RULE_SHIFT
            | u64::from(left) << LEFT_SHIFT
            | u64::from(right) << RIGHT_SHIFT,
    )
}

/// `abi.decode(initData, (ActionConfig))` then `validateExpressionTree`.
pub(super) fn decode_arg_policy(data: &[u8]) -> Result<PolicyConfig, InitError> {
    let raw = <ArgConfigWords as SolValue>::abi_decode(data).map_err(|e| InitError::Abi {
        layout: "ActionConfig(uint256,(uint8,ParamRule[],uint256[]))",
        reason: e.to_string(),
    })?;
    let params = raw.paramRules;
    let root = u8::try_from(params.rootNodeIndex).map_err(|_| InitError::BadRootIndex {
        value: params.rootNodeIndex,
    })?;
    let rules = params
        .rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            RuleWords {
                condition: r.condition,
                offset: r.offset,
                is_limited: r.isLimited,
                reference: r.reference,
                limit: r.limit,
                used: r.used,
            }
            .validate(i)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let nodes: Vec<ArgNode> = params.packedNodes.into_iter().map(unpack_node).collect();
    validate_tree(root, rules.len(), &nodes)?;
    Ok(PolicyConfig::ArgPolicy {
        value_limit_per_use: raw.valueLimitPerUse,
        rules,
        nodes,
        root,
    })
}

/// `ArgPolicyTreeLib.validateExpressionTree`, in its order of checks.
fn validate_tree(root: u8, rules: usize, nodes: &[ArgNode]) -> Result<(), TreeError> {
    let count = nodes.len();
    if count == 0 {
        return Err(TreeError::Empty);
    }
    if usize::from(root) >= count {
        return Err(TreeError::RootOutOfRange { root, nodes: count });
    }
    if rules > MAX_ARG_RULES {
        return Err(TreeError::TooManyRules { rules });
    }
    if count > MAX_ARG_NODES.saturating_add(1) {
        return Err(TreeError::TooManyNodes { nodes: count });
    }
    for (index, node) in nodes.iter().enumerate() {
        check_node(index, *node, rules, count)?;
    }
    if count > MAX_ARG_NODES {
        return Err(TreeError::TooManyNodes { nodes: count });
    }
    Ok(())
}

fn check_node(node: usize, packed: ArgNode, rules: usize, nodes: usize) -> Result<(), TreeError> {
    let child_ok = |child: u8| {
        if usize::from(child) < nodes {
            Ok(())
        } else {
            Err(TreeError::ChildOutOfRange { node, child, nodes })
        }
    };
    match packed {
        ArgNode::Rule { rule } if usize::from(rule) >= rules => {
            Err(TreeError::RuleOutOfRange { node, rule, rules })
        }
        ArgNode::Rule { .. } => Ok(()),
        ArgNode::Not { child } => child_ok(child),
        ArgNode::And { left, right } | ArgNode::Or { left, right } => {
            child_ok(left).and_then(|()| child_ok(right))
        }
    }
}

pub(super) fn encode_arg_policy(
    value_limit_per_use: U256,
    rules: &[ParamRule],
    nodes: &[ArgNode],
    root: u8,
) -> Vec<u8> {
    let rules = rules
        .iter()
        .map(|rule| {
            let w = RuleWords::from_rule(rule);
            ArgRuleWords {
                condition: w.condition,
                offset: w.offset,
                isLimited: w.is_limited,
                reference: w.reference,
                limit: w.limit,
                used: w.used,
            }
        })
        .collect();
    ArgConfigWords {
        valueLimitPerUse: value_limit_per_use,
        paramRules: ArgRulesWords {
            rootNodeIndex: U256::from(root),
            rules,
            packedNodes: nodes.iter().copied().map(pack_node).collect(),
        },
    }
    .abi_encode()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    #[test]
    fn node_packing_matches_the_tree_lib_layout() {
        // createAndNode(3, 5) = 2 | 3 << 10 | 5 << 18.
        let and = ArgNode::And { left: 3, right: 5 };
        assert_eq!(pack_node(and), U256::from(2u64 | 3 << 10 | 5 << 18));
        assert_eq!(
            pack_node(ArgNode::Rule { rule: 200 }),
            U256::from(200u64 << 2)
        );
        for node in [
            and,
            ArgNode::Or {
                left: 255,
                right: 0,
            },
            ArgNode::Not { child: 9 },
            ArgNode::Rule { rule: 127 },
        ] {
            assert_eq!(unpack_node(pack_node(node)), node);
        }
        // Bits above 25 and a NOT node's right child are ignored.
        let dirty = pack_node(ArgNode::Not { child: 1 }) | U256::from(7u64 << 18) | U256::MAX << 26;
        assert_eq!(unpack_node(dirty), ArgNode::Not { child: 1 });
    }
}
