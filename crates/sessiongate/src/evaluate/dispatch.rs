//! Dispatch: how a call finds the action(s) that judge it, the session's way — alternatives tried
//! most specific first (native), the exact action else the fallback (Smart Sessions), or the first
//! match alone (thirdweb) — and what an allowed call leaves in the verdict.

use super::{At, Evaluator, Mode, Origin, fold_into_earlier};
use crate::call::Call;
use crate::calldata::{CallKind, Selector};
use crate::compiled::{Action, Dispatch, ExactDispatch, SelectorMatch, Target, Tier};
use crate::ledger::Ledger;
use crate::verdict::Reason;
use alloc::borrow::Cow;

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    /// Finds the action(s) for a call the session's way, top level or inner.
    #[inline]
    pub(super) fn dispatch(&mut self, index: usize, call: &Call<'_>, origin: Origin) -> bool {
        match self.session.dispatch {
            Dispatch::Alternatives => self.call(index, call),
            Dispatch::FirstMatch => self.first_match(index, call),
            Dispatch::ExactOrFallback(exact) => self.exact_call(index, call, exact, origin),
        }
    }

    /// Exact-or-fallback dispatch (Smart Sessions' `PolicyLib.checkSingle7579Exec`): the exact
    /// action when it has policies, else the fallback action; the one found decides, with no
    /// second try.
    #[inline(never)]
    fn exact_call(
        &mut self,
        index: usize,
        call: &Call<'_>,
        smart: ExactDispatch,
        origin: Origin,
    ) -> bool {
        let here = At {
            call: index,
            action: None,
        };
        let selector = Selector::from(
            call.data
                .first_chunk::<4>()
                .copied()
                .unwrap_or(smart.short_selector),
        );
        let executions = origin == Origin::Executions;
        if executions && selector.0 == smart.self_execute && Some(call.to) == self.ctx.account {
            return self.fail(here, (None, None), Reason::SelfExecute);
        }
        if executions && call.to == smart.reserved_target {
            let reason = Reason::ReservedTarget { target: call.to };
            return self.fail(here, (None, None), reason);
        }
        let session = self.session;
        if executions && call.to != smart.module && smart.deployments.contains(&call.to) {
            // Deliberate fail-closed deviation: the module itself checks only `address(this)`,
            // so another deployment is an ordinary target on chain. Here the admin action must
            // allow the call too (its counters count it), and the chain's action then decides.
            let Some(admin) = smart.admin.and_then(|i| session.actions.get(i as usize)) else {
                let reason = Reason::SessionModuleCall { module: call.to };
                return self.fail(here, (None, None), reason);
            };
            let effects = self.out.effects.len();
            if !self.action(index, admin, call, CallKind::of(call.data)) {
                self.out.effects.truncate(effects);
                return false;
            }
            fold_into_earlier(&mut self.out.effects, effects);
        }
        let found = if executions && call.to == smart.module {
            smart.admin
        } else {
            let exact = session
                .index
                .exact(call.to, SelectorMatch::Function(selector));
            exact.or(if executions { smart.fallback } else { None })
        };
        let Some(action) = found.and_then(|i| session.actions.get(i as usize)) else {
            let reason = Reason::NoAction {
                target: call.to,
                selector: Some(selector),
            };
            return self.fail(here, (None, None), reason);
        };
        self.decide(index, action, call, CallKind::of(call.data))
    }

    /// The most specific candidate decides alone.
    #[inline(never)]
    fn first_match(&mut self, index: usize, call: &Call<'_>) -> bool {
        let kind = CallKind::of(call.data);
        if self.ctx.account.is_some_and(|account| account == call.to) {
            return self.self_call(index, call, kind);
        }
        let session = self.session;
        let Some(action) = session.candidates(call.to, kind).next() else {
            let selector = match kind {
                CallKind::Function(s) => Some(s),
                CallKind::Native | CallKind::Truncated(_) => None,
            };
            let reason = Reason::NoAction {
                target: call.to,
                selector,
            };
            let here = At {
                call: index,
                action: None,
            };
            return self.fail(here, (None, None), reason);
        };
        self.decide(index, action, call, kind)
    }

    /// One action decides the call: on allow its effects fold into the batch's.
    fn decide(
        &mut self,
        index: usize,
        action: &'s Action,
        call: &Call<'_>,
        kind: CallKind,
    ) -> bool {
        let effects = self.out.effects.len();
        if self.action(index, action, call, kind) {
            if self.inner.is_empty() {
                self.out.allowed_by.push(Cow::Borrowed(&action.label));
            }
            fold_into_earlier(&mut self.out.effects, effects);
            return true;
        }
        self.out.effects.truncate(effects);
        false
    }

    /// Tries the call's candidate actions in order; true when one allows it. A call to the
    /// account itself is unwrapped when it is an execute, and needs a named action otherwise.
    fn call(&mut self, index: usize, call: &Call<'_>) -> bool {
        let kind = CallKind::of(call.data);
        if let CallKind::Truncated(len) = kind {
            let here = At {
                call: index,
                action: None,
            };
            self.push(here, (None, None), Reason::TruncatedSelector { len });
            return false;
        }
        if self.ctx.account.is_some_and(|account| account == call.to) {
            return self.self_call(index, call, kind);
        }
        self.alternatives(index, call, kind, false)
    }

    /// Tries the candidates; with `named_only`, only those whose target is an address. Inlined
    /// into the plain call's path, which it is most of.
    #[inline(always)]
    pub(super) fn alternatives(
        &mut self,
        index: usize,
        call: &Call<'_>,
        kind: CallKind,
        named_only: bool,
    ) -> bool {
        let session = self.session;
        let first = self.mark();
        let inner_calls = self.inner_calls;
        let (mut tried, mut skipped) = (false, false);
        for tier in Tier::ALL {
            for action in session.tier(tier, call.to, kind) {
                if action.target == Target::Any && (named_only || self.maybe_self_execute(kind)) {
                    skipped = true;
                    continue;
                }
                tried = true;
                let effects = self.out.effects.len();
                let before = self.mark();
                if self.action(index, action, call, kind) {
                    // Earlier candidates' failures do not matter once one allows the call.
                    self.rewind(first);
                    if self.inner.is_empty() {
                        self.out.allowed_by.push(Cow::Borrowed(&action.label));
                    }
                    fold_into_earlier(&mut self.out.effects, effects);
                    return true;
                }
                self.out.effects.truncate(effects);
                // A failed alternative's inner calls are not made on chain: they use no allowance.
                self.inner_calls = inner_calls;
                if self.mode == Mode::Fast && self.recorded_between(first, before) {
                    self.rewind(before);
                }
            }
        }
        if !tried {
            self.no_action(index, call, kind, named_only, skipped);
        }
        false
    }

    /// Why no candidate was tried: none matched, or only wildcard targets, which were `skipped`.
    #[cold]
    fn no_action(
        &mut self,
        index: usize,
        call: &Call<'_>,
        kind: CallKind,
        named_only: bool,
        skipped: bool,
    ) {
        let here = At {
            call: index,
            action: None,
        };
        let selector = match kind {
            CallKind::Function(s) => Some(s),
            CallKind::Native | CallKind::Truncated(_) => None,
        };
        let reason = match selector {
            Some(selector) if named_only && skipped => Reason::SelfCallNotNamed { selector },
            // Only wildcard targets matched an account execute function, and the account is
            // unknown: the call could be the account calling itself.
            _ if skipped => Reason::NeedsAccount,
            _ => Reason::NoAction {
                target: call.to,
                selector,
            },
        };
        self.push(here, (None, None), reason);
    }
}
