//! Conditions on calldata parameters, compiled to 32-byte words so evaluation compares words.

mod check;
mod expr;
mod rule;

pub(crate) use check::{Check, compare as compare_words};
pub(crate) use expr::{BytesCheck, Expr, Operand, PathRule, Quant, Test};
pub(crate) use rule::Rule;
mod tree;

pub(crate) use tree::{MAX_DEPTH, MAX_VISITS, RuleTree, TreeNode};
