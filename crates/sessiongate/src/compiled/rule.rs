use super::{Check, Limit};
use crate::calldata::WordType;
use alloc::boxed::Box;

/// A compiled parameter rule: read the word at `at`, check it is a valid `ty`, compare it, and
/// optionally add it to a cumulative budget.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    /// Document path of the rule, e.g. `actions[0].rules[1]`.
    pub(crate) path: Box<str>,
    /// The parameter as people name it: `amount`, `param 1`, or `offset 36`.
    pub(crate) param: Box<str>,
    /// Absolute byte index of the word in the calldata (selector included).
    pub(crate) at: usize,
    pub(crate) ty: WordType,
    /// False when the signature's head check already validates this word, or any word is valid.
    pub(crate) validate: bool,
    pub(crate) check: Check,
    pub(crate) budget: Option<Limit>,
}
