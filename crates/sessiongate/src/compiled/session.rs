//! The compiled session: validated actions indexed by target and selector, rule references
//! decoded to words and every ledger key built, so evaluation only compares words.

use super::limits::each_limit;
use super::{Action, ActionIndex, Dispatch, ModelError, Policy, Tier};
use crate::account::AccountKind;
use crate::calldata::CallKind;
use crate::ledger::{Fingerprint, LedgerKey};
use alloc::{borrow::Cow, boxed::Box, string::String, vec::Vec};
use alloy_primitives::Address;

/// A validated session, ready to evaluate calls. Load one with [`Session::from_json`]; it is
/// immutable and can be shared between threads.
///
/// ```
/// let session = sessiongate::Session::from_json(r#"{
///     "actions": [{"target": "*", "selector": "native", "policies": [{"type": "sudo"}]}]
/// }"#)?;
/// assert_eq!(session.action_count(), 1);
/// # Ok::<(), sessiongate::LoadError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Session {
    pub(crate) name: Option<Box<str>>,
    pub(crate) chain_id: Option<u64>,
    /// Policies every call must pass.
    pub(crate) policies: Box<[Policy]>,
    /// Policies checked once per transaction, against the sum of its values (Smart Sessions'
    /// user-operation policies).
    pub(crate) tx_policies: Box<[Policy]>,
    pub(crate) actions: Box<[Action]>,
    pub(crate) index: ActionIndex,
    pub(crate) dispatch: Dispatch,
    /// The account encoding the session's module reads, when it reads only one (Smart Sessions:
    /// ERC-7579 `execute`); otherwise the caller's, or detected.
    pub(crate) account_kind: Option<AccountKind>,
    /// The only account functions the session's module accepts, when it restricts them.
    pub(crate) account_selectors: Option<&'static [[u8; 4]]>,
    /// What a reader of the document should know, e.g. that the module does not check the
    /// selector.
    pub(crate) warnings: Box<[String]>,
    /// The namespace of the session's ledger counters; set by the loader from the document.
    pub(crate) fingerprint: Fingerprint,
}

/// What an importer hands to [`Session::new`].
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub(crate) name: Option<Box<str>>,
    pub(crate) chain_id: Option<u64>,
    pub(crate) policies: Box<[Policy]>,
    pub(crate) tx_policies: Box<[Policy]>,
    pub(crate) actions: Vec<Action>,
    pub(crate) dispatch: Dispatch,
    pub(crate) account_kind: Option<AccountKind>,
    pub(crate) account_selectors: Option<&'static [[u8; 4]]>,
    pub(crate) warnings: Box<[String]>,
}

impl Session {
    /// The one way a session is built: indexes the actions, sets each one's work cost and
    /// refuses what the evaluator could not decide in bounded work.
    pub(crate) fn new(parts: Parts) -> Result<Self, ModelError> {
        let mut actions = parts.actions;
        let mut ambiguous = None;
        each_limit(
            &actions,
            &parts.policies,
            &parts.tx_policies,
            &mut |limit| {
                if ambiguous.is_none() && ends_like_a_window(&limit.key) {
                    ambiguous = Some(limit.key.name.clone());
                }
            },
        );
        if let Some(id) = ambiguous {
            return Err(ModelError::AmbiguousCounter { id });
        }
        let index = ActionIndex::build(&mut actions, parts.policies.len())?;
        if parts.dispatch == Dispatch::Alternatives
            && let Some(action) = index.first_past_cap()
        {
            return Err(ModelError::TooManyAlternatives { action });
        }
        Ok(Self {
            name: parts.name,
            chain_id: parts.chain_id,
            policies: parts.policies,
            tx_policies: parts.tx_policies,
            actions: actions.into(),
            index,
            dispatch: parts.dispatch,
            account_kind: parts.account_kind,
            account_selectors: parts.account_selectors,
            warnings: parts.warnings,
            fingerprint: Fingerprint::default(),
        })
    }

    /// The same session, its counters namespaced by `fingerprint`.
    pub(crate) fn with_fingerprint(mut self, fingerprint: Fingerprint) -> Self {
        self.fingerprint = fingerprint;
        self
    }

    /// The session's fingerprint: the hash of its canonical form, which namespaces its ledger
    /// counters. Editing what the session says makes a new fingerprint, and fresh counters.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The ledger key of one of this session's counters, by id (as [`budgets`](Self::budgets)
    /// lists them), outside any window.
    pub fn key(&self, counter: &str) -> LedgerKey<'static> {
        LedgerKey {
            session: self.fingerprint,
            counter: Cow::Owned(counter.into()),
            window: None,
        }
    }

    /// The document's name, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Warnings from loading: semantics of the source system a reader may not expect.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The account encoding this session's module reads, if it reads only one.
    pub fn account_kind(&self) -> Option<AccountKind> {
        self.account_kind
    }

    /// How many actions the session has.
    pub fn action_count(&self) -> usize {
        self.actions.len()
    }

    /// The actions a call may match, most specific first.
    pub(crate) fn candidates(&self, to: Address, kind: CallKind) -> impl Iterator<Item = &Action> {
        Tier::ALL
            .into_iter()
            .flat_map(move |tier| self.tier(tier, to, kind))
    }

    /// The actions of one tier a call may match, in document order.
    #[inline(always)]
    pub(crate) fn tier(
        &self,
        tier: Tier,
        to: Address,
        kind: CallKind,
    ) -> impl Iterator<Item = &Action> {
        let indices = self.index.tier(tier, to, kind).iter();
        indices.filter_map(|&i| self.actions.get(i as usize))
    }
}

/// Whether a counter id ends in `@` and digits, as a window's printed key does.
fn ends_like_a_window(id: &str) -> bool {
    let stem = id.trim_end_matches(|c: char| c.is_ascii_digit());
    stem.len() < id.len() && stem.ends_with('@')
}

#[cfg(test)]
mod tests {
    use super::ends_like_a_window;

    #[test]
    fn ids_that_print_like_a_window_are_spotted() {
        assert!(ends_like_a_window("budgets/daily@86400"));
        assert!(!ends_like_a_window("budgets/daily@"));
        assert!(!ends_like_a_window("actions/pay/rules[1]"));
        assert!(!ends_like_a_window("86400"));
    }
}
