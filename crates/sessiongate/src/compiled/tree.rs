use super::Rule;
use alloc::boxed::Box;

/// One node of a rule tree; children and rules are indices into the tree's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TreeNode {
    Rule(u16),
    Not(u16),
    And(u16, u16),
    Or(u16, u16),
}

/// Rules combined by and / or / not with short-circuit evaluation, as Smart Sessions' `ArgPolicy`
/// evaluates them: a limited rule that passes adds to its budget even under a `not`, and a rule
/// that fails only because of its budget is simply false.
#[derive(Clone, Debug)]
pub(crate) struct RuleTree {
    pub(crate) rules: Box<[Rule]>,
    pub(crate) nodes: Box<[TreeNode]>,
    pub(crate) root: u16,
}

/// Node visits allowed per evaluation. Trees may share nodes (a DAG) or even loop; on chain both
/// end in running out of gas, here in a deny.
pub(crate) const MAX_VISITS: u32 = 4096;
/// Nesting allowed per evaluation: deeper means a loop, since a tree has at most 256 nodes.
pub(crate) const MAX_DEPTH: u32 = 256;
