//! Calls to the account itself. ERC-7579 accounts admit `execute` from themselves
//! (`onlyEntryPointOrSelf`) and Coinbase's `execute` admits `msg.sender == address(this)`, so a
//! self-call judged as one opaque call would let the calls inside it escape every limit. An
//! execute sent to the account is therefore unwrapped as the top level is, with the same
//! refusals (delegatecall, try mode, `executeUserOp`, …), and each call inside is judged like an
//! inner call of nested calldata: bounded by the nesting depth and the inner-call cap, adding up
//! with every other call. Any other function of the account needs an action that names it.

use super::{At, Evaluator};
use crate::account::{self, UnwrapError, Unwrapped};
use crate::call::Call;
use crate::calldata::CallKind;
use crate::ledger::Ledger;
use crate::verdict::Reason;
use alloc::borrow::Cow;

/// What `allowed_by` says for a top-level call that is the account's own execute.
const SELF_EXECUTE: &str = "(the account's own execute)";

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    /// Judges a call whose target is the account itself.
    #[inline(never)]
    pub(super) fn self_call(&mut self, index: usize, call: &Call<'_>, kind: CallKind) -> bool {
        if !matches!(kind, CallKind::Function(_)) {
            return self.alternatives(index, call, kind, true);
        }
        let at = At {
            call: index,
            action: None,
        };
        let unwrapped = match self.account_kind {
            Some(kind) => account::unwrap(kind, call.data),
            None => account::detect(call.data).and_then(|kind| account::unwrap(kind, call.data)),
        };
        match unwrapped {
            Ok(Unwrapped::Calls(calls)) => {
                let top = self.inner.is_empty();
                let ok = self.inner_calls_of(at, &calls);
                if ok && top {
                    self.out.allowed_by.push(Cow::Borrowed(SELF_EXECUTE));
                }
                ok
            }
            Ok(Unwrapped::AccountCall(_)) | Err(UnwrapError::UnknownSelector { .. }) => {
                self.alternatives(index, call, kind, true)
            }
            Err(error) => self.fail(at, (None, None), Reason::Unwrap { error }),
        }
    }

    /// Judges unwrapped calls one level deeper; true when all are allowed.
    fn inner_calls_of(&mut self, at: At<'s>, calls: &[Call<'_>]) -> bool {
        let mut ok = true;
        for (i, inner) in calls.iter().enumerate() {
            let index = u32::try_from(i).unwrap_or(u32::MAX);
            match self.inner_call(at, index, inner) {
                Some(true) => {}
                Some(false) if self.mode == super::Mode::Explain => ok = false,
                _ => return false,
            }
        }
        ok
    }

    /// Whether a call with a wildcard-target action could be the account executing through
    /// itself, unnoticed because the account is not known.
    #[inline]
    pub(super) fn maybe_self_execute(&self, kind: CallKind) -> bool {
        self.ctx.account.is_none()
            && matches!(kind, CallKind::Function(selector) if account::is_execute(selector))
    }
}
