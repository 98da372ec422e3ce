//! Recording violations. A verdict keeps at most [`MAX_VIOLATIONS`], and at most
//! [`MAX_CALL_VIOLATIONS`] for one call, and counts the rest, so explaining a hostile batch costs
//! bounded memory. Decisions never read the kept list: they read counters of everything recorded,
//! which marks take back exactly when a failed alternative is forgotten.

use super::{At, Evaluator, Here};
use crate::ledger::Ledger;
use crate::verdict::{MAX_CALL_VIOLATIONS, MAX_VIOLATIONS, Reason, Violation};
use alloc::borrow::Cow;

/// Counters of what was recorded, kept or not.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Log {
    /// Violations recorded.
    total: usize,
    /// Of those, the ones that say the calldata could not be read or a fact was missing.
    unreadable: usize,
    /// Where the current top-level call's violations start in the kept list.
    call_start: usize,
}

/// The state of the record at one moment, to go back to.
#[derive(Clone, Copy, Debug)]
pub(super) struct Mark {
    total: usize,
    unreadable: usize,
    kept: usize,
}

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    pub(super) fn mark(&self) -> Mark {
        Mark {
            total: self.log.total,
            unreadable: self.log.unreadable,
            kept: self.out.violations.len(),
        }
    }

    /// Forgets everything recorded since `mark`.
    pub(super) fn rewind(&mut self, mark: Mark) {
        self.log.total = mark.total;
        self.log.unreadable = mark.unreadable;
        self.out.violations.truncate(mark.kept);
    }

    /// Whether anything was recorded between two marks, `from` taken first.
    pub(super) fn recorded_between(&self, from: Mark, to: Mark) -> bool {
        from.total < to.total
    }

    /// Whether a violation recorded since `mark` says the calldata could not be read (short,
    /// dirty, not a strict encoding, out of work) or a fact was missing: such a leaf is not false,
    /// it is an error, and no `any` or `not` above it may turn it into an allow.
    pub(super) fn unreadable_since(&self, mark: Mark) -> bool {
        self.log.unreadable > mark.unreadable
    }

    /// Whether nothing was recorded at all.
    pub(super) fn clean(&self) -> bool {
        self.log.total == 0
    }

    /// Starts the top-level call whose violations the per-call cap counts.
    pub(super) fn start_call(&mut self) {
        self.log.call_start = self.out.violations.len();
    }

    /// Violations recorded but not kept.
    pub(super) fn omitted(&self) -> usize {
        self.log.total.saturating_sub(self.out.violations.len())
    }

    /// Sets the parameter label of the violation recorded at `mark`, if it was kept.
    pub(super) fn label_since(&mut self, mark: Mark, param: alloc::string::String) {
        if let Some(violation) = self.out.violations.get_mut(mark.kept) {
            violation.param = Some(Cow::Owned(param));
        }
    }

    pub(super) fn push(&mut self, at: At<'s>, (source, param): Here<'s>, reason: Reason) {
        // Building a reason listed every value of a long `one_of`: that is work too, and a deny
        // of each of many alternatives would otherwise cost it again and again.
        self.work.spend_count(size(&reason));
        self.log.total = self.log.total.saturating_add(1);
        if unreadable(&reason) {
            self.log.unreadable = self.log.unreadable.saturating_add(1);
        }
        let kept = self.out.violations.len();
        let in_call = kept.saturating_sub(self.log.call_start);
        if kept >= MAX_VIOLATIONS || in_call >= MAX_CALL_VIOLATIONS {
            return;
        }
        self.out.violations.push(Violation {
            call: at.call,
            action: at.action.map(Cow::Borrowed),
            source: source.map(Cow::Borrowed),
            param: param.map(Cow::Borrowed),
            inner: self.inner,
            reason,
        });
    }
}

/// Work steps a reason took to build: one per value it lists.
fn size(reason: &Reason) -> usize {
    match reason {
        Reason::Condition { expected, .. } => expected.values.len(),
        Reason::BytesCondition { expected, .. } => expected
            .iter()
            .map(|value| value.len() / 64)
            .fold(expected.len(), usize::saturating_add),
        Reason::AccountFunctionRefused { allowed, .. } => allowed.len(),
        Reason::EmptyBatch
        | Reason::WrongChain { .. }
        | Reason::TruncatedSelector { .. }
        | Reason::NoAction { .. }
        | Reason::ShortCalldata { .. }
        | Reason::DirtyWord { .. }
        | Reason::NotYetValid { .. }
        | Reason::Expired { .. }
        | Reason::ValueTooHigh { .. }
        | Reason::LimitExceeded { .. }
        | Reason::Count { .. }
        | Reason::BadEncoding { .. }
        | Reason::NeedsAccount
        | Reason::NestingTooDeep { .. }
        | Reason::TooManyInnerCalls { .. }
        | Reason::TooSoon { .. }
        | Reason::LimitOverflow { .. }
        | Reason::UnknownTokenFunction { .. }
        | Reason::Unusable { .. }
        | Reason::TreeFailed
        | Reason::SelfExecute
        | Reason::ReservedTarget { .. }
        | Reason::PaymasterNotAllowed { .. }
        | Reason::PaymasterNotPermitted { .. }
        | Reason::GasTooHigh { .. }
        | Reason::NeedsUserOp
        | Reason::Unwrap { .. }
        | Reason::WorkExhausted { .. }
        | Reason::LedgerUnavailable
        | Reason::TooManyCalls { .. }
        | Reason::SelfCallNotNamed { .. }
        | Reason::SliceOutOfRange { .. }
        | Reason::SessionModuleCall { .. } => 1,
    }
}

fn unreadable(reason: &Reason) -> bool {
    matches!(
        reason,
        Reason::ShortCalldata { .. }
            | Reason::DirtyWord { .. }
            | Reason::BadEncoding { .. }
            | Reason::NeedsAccount
            | Reason::LimitOverflow { .. }
            | Reason::WorkExhausted { .. }
            | Reason::SliceOutOfRange { .. }
    )
}
