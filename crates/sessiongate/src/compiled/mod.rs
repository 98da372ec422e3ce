//! The compiled model evaluation reads: a [`Session`] of actions indexed by target and selector,
//! with their rules (words, paths, trees), policies, limits and the dispatch that finds a call's
//! action. Importers build it through constructors ([`Session::new`], [`Action::new`]); nothing
//! here parses text or knows a format.

#![deny(clippy::wildcard_enum_match_arm)]

mod action;
mod check;
mod dispatch;
mod erc20;
mod error;
mod expr;
mod index;
mod limit;
mod limits;
mod policy;
mod rule;
mod session;
mod tree;

pub use action::Target;
pub use session::Session;

pub(crate) use action::{Action, Nested, SelectorMatch};
pub(crate) use check::{Check, compare as compare_words};
pub(crate) use dispatch::{Dispatch, ExactDispatch};
pub(crate) use erc20::{Erc20Counting, TokenLimits, TokenSpend, TransferFrom, token_spend};
pub(crate) use error::ModelError;
pub(crate) use expr::{BytesCheck, Expr, Operand, PathRule, Quant, Test};
pub(crate) use index::{ActionIndex, MAX_ALTERNATIVES, Tier};
pub(crate) use limit::{Limit, Refill, Spacing, Window};
pub(crate) use policy::{Policy, PolicyKind};
pub(crate) use rule::Rule;
pub(crate) use session::Parts;
pub(crate) use tree::{MAX_DEPTH, MAX_VISITS, RuleTree, TreeNode};
