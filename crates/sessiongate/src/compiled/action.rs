//! A compiled action: what one call must be to be allowed by it (target, selector, head layout,
//! rules, policies, inner calls).

use super::{Expr, Policy, Rule};
use crate::calldata::{HeadWord, ParamPath, Selector};
use alloc::boxed::Box;
use alloy_primitives::Address;
use core::fmt;

/// The contract an action applies to: one address, or any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// Any contract (`"*"`).
    Any,
    /// This contract.
    Address(Address),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("*"),
            Self::Address(a) => write!(f, "{a}"),
        }
    }
}

/// Which calldata an action matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum SelectorMatch {
    /// Any call, including a native transfer.
    Any,
    /// A plain native transfer: empty calldata.
    Native,
    /// Calldata starting with this selector.
    Function(Selector),
}

/// A compiled action.
#[derive(Clone, Debug)]
pub(crate) struct Action {
    /// Its name, or `actions[i]`.
    pub(crate) label: Box<str>,
    pub(crate) target: Target,
    pub(crate) selector: SelectorMatch,
    /// Minimum calldata length when a signature gives the head layout (else 0).
    pub(crate) min_len: usize,
    /// Static head words validated on every matched call (empty without a signature).
    pub(crate) head: Box<[HeadWord]>,
    /// Conditions on static words at fixed offsets: the fast path.
    pub(crate) rules: Box<[Rule]>,
    /// Every other rule: paths into dynamic data, quantifiers, relations, trees.
    pub(crate) exprs: Box<[Expr]>,
    pub(crate) policies: Box<[Policy]>,
    /// Where the calldata holds inner calls, matched against the session's actions in turn.
    pub(crate) nested: Option<Box<Nested>>,
    /// Work steps one try of the action takes before its paths, trees and nested calls: one,
    /// plus one per head word, word rule and policy, the session's included. Set by
    /// [`Session::new`](super::Session::new).
    pub(crate) cost: u32,
}

impl Action {
    /// An action that matches `target` and `selector` and checks nothing yet; the importer fills
    /// in what it checks.
    pub(crate) fn new(label: impl Into<Box<str>>, target: Target, selector: SelectorMatch) -> Self {
        Self {
            label: label.into(),
            target,
            selector,
            min_len: 0,
            head: Box::default(),
            rules: Box::default(),
            exprs: Box::default(),
            policies: Box::default(),
            nested: None,
            cost: 0,
        }
    }
}

/// Where an action's calldata holds inner calls: paths to each one's calldata and, when given,
/// its target and value (they share the calldata's `[*]`).
#[derive(Clone, Debug)]
pub(crate) struct Nested {
    pub(crate) calldata: ParamPath,
    pub(crate) target: Option<ParamPath>,
    pub(crate) value: Option<ParamPath>,
}
