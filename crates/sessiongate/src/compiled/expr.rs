use super::{Check, Limit, Rule};
use crate::calldata::{ParamPath, WordType};
use crate::condition::Condition;
use alloc::boxed::Box;
use alloy_primitives::U256;

/// A native rule beyond a static word at a fixed offset: a path into dynamic data, a quantifier
/// over array elements, a relation, or an all / any / not tree of rules.
#[derive(Clone, Debug)]
pub(crate) enum Expr {
    /// A static word at a fixed offset, inside a tree.
    Word(Rule),
    /// A rule that decodes a path.
    Path(Box<PathRule>),
    /// Every rule holds; short-circuits.
    All(Box<[Expr]>),
    /// At least one rule holds; `path` names the node in violations.
    Any { path: Box<str>, of: Box<[Expr]> },
    /// The rule does not hold.
    Not { path: Box<str>, of: Box<Expr> },
}

/// A rule on what a parameter path reaches.
#[derive(Clone, Debug)]
pub(crate) struct PathRule {
    /// Document path of the rule, e.g. `actions[0].rules[1]`.
    pub(crate) path: Box<str>,
    /// The parameter path as written, e.g. `recipients[*]`.
    pub(crate) param: Box<str>,
    pub(crate) at: ParamPath,
    pub(crate) test: Test,
    pub(crate) quantifier: Quant,
    /// Sums every leaf reached (they are unsigned words).
    pub(crate) budget: Option<Limit>,
}

/// What each leaf must satisfy.
#[derive(Clone, Debug)]
pub(crate) enum Test {
    /// Nothing: the rule only counts toward its budget.
    Pass,
    /// A static word (or a length) compared with constants.
    Word { ty: WordType, check: Check },
    /// `bytes` or `string` content, or a slice of it.
    Bytes {
        slice: Option<(usize, usize)>,
        check: BytesCheck,
        text: bool,
    },
    /// A static word compared with another value of the call or its context.
    Relation {
        ty: WordType,
        op: Condition,
        with: Operand,
    },
}

/// A comparison of byte strings.
#[derive(Clone, Debug)]
pub(crate) enum BytesCheck {
    Eq(Box<[u8]>),
    Ne(Box<[u8]>),
    OneOf(Box<[Box<[u8]>]>),
    Prefix(Box<[u8]>),
}

impl BytesCheck {
    pub(crate) fn holds(&self, content: &[u8]) -> bool {
        match self {
            Self::Eq(v) => **v == *content,
            Self::Ne(v) => **v != *content,
            Self::OneOf(set) => set.iter().any(|v| **v == *content),
            Self::Prefix(p) => content.starts_with(p),
        }
    }

    /// Steps [`holds`](Self::holds) takes on `len` bytes of content: a word compared per step,
    /// for each value.
    pub(crate) fn cost(&self, len: usize) -> usize {
        self.values()
            .iter()
            .map(|v| (v.len().min(len) / 32).saturating_add(1))
            .fold(0usize, usize::saturating_add)
    }

    pub(crate) fn op(&self) -> Condition {
        match self {
            Self::Eq(_) => Condition::Eq,
            Self::Ne(_) => Condition::Ne,
            Self::OneOf(_) => Condition::OneOf,
            Self::Prefix(_) => Condition::Prefix,
        }
    }

    /// The reference byte strings.
    pub(crate) fn values(&self) -> &[Box<[u8]>] {
        match self {
            Self::Eq(v) | Self::Ne(v) | Self::Prefix(v) => core::slice::from_ref(v),
            Self::OneOf(set) => set,
        }
    }
}

/// The other side of a relation.
#[derive(Clone, Debug)]
pub(crate) enum Operand {
    /// The context's account.
    Account,
    /// The context's chain id.
    ChainId,
    /// The call's native value.
    Value,
    /// Another parameter of the call times `num / den`.
    Param { at: ParamPath, num: U256, den: U256 },
}

/// How many leaves of a `[*]` path must pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quant {
    Every,
    Some,
    None,
    Count(u64, u64),
}
