//! Call(s) + compiled session + ledger + context → verdict. A transaction goes through these
//! phases, each in its own file:
//!
//! 1. **Transaction policies** (here): the batch as a whole — size, chain, policies checked once
//!    against the sum of its values.
//! 2. **Dispatch** ([`dispatch`]): each call finds its action(s) the session's way; a call to the
//!    account itself is unwrapped ([`self_call`]).
//! 3. **Action** ([`action`]): the signature's head, word rules, then paths and trees
//!    ([`paths`]; rule trees of imported formats in [`policies`]), the action's and the
//!    session's policies, limits charged against the ledger plus pending effects ([`budgets`]),
//!    and inner calls ([`nested`]).
//! 4. **Fold effects** (here): an allowed call's effects fold into the batch's, one per counter.
//! 5. **Decision** (here): allow with effects, or deny with the violations [`record`] kept.
//!
//! Never panics; an allow over static parameters allocates nothing once the verdict's buffers
//! have grown, and touches no reference count: the verdict borrows every name and key from the
//! session. Every input is decided in bounded work: one [`Work`] budget per transaction counts
//! elements decoded, candidate actions tried (with their rules and policies) and inner calls
//! walked, and running out denies. Explain mode never decides on its own: it explains what check
//! decided, so the two cannot disagree.

#![deny(clippy::wildcard_enum_match_arm)]

mod action;
mod budgets;
mod dispatch;
mod nested;
mod paths;
mod policies;
mod record;
mod self_call;

use crate::account::AccountKind;
use crate::call::{Call, Context};
use crate::calldata::{CallKind, MAX_WORK, Work};
use crate::compiled::{PolicyKind, Session};
use crate::ledger::{Effect, Ledger, Op};
use crate::verdict::{Decision, InnerPath, Reason, Verdict};
use alloc::vec::Vec;
use alloy_primitives::U256;
use record::Log;

/// Calls one transaction may have, at top level; more are denied.
pub const MAX_CALLS: usize = 256;

/// How much a verdict explains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Stop at the first violation.
    #[default]
    Fast,
    /// Collect every violation of every call. Reaches the same decision as `Fast`.
    Explain,
}

/// Where a transaction's calls came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Calls the account makes: given directly, or unwrapped from its `execute`.
    #[default]
    Executions,
    /// One call to a function of the account itself that is not an `execute` (e.g.
    /// `installModule`); Smart Sessions matches it to (account, selector) with no fallback.
    AccountCall,
}

/// What policies may read of a user operation besides its calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OpFacts {
    /// The paymaster field as given, address 0 included: the EntryPoint reads 0 as no paymaster,
    /// Smart Sessions a non-empty paymasterAndData as one.
    pub(crate) paymaster: Option<alloy_primitives::Address>,
    /// Sum of the gas limits; `None` when it overflows.
    pub(crate) max_gas: Option<U256>,
    /// `max_gas × maxFeePerGas`; `None` when it overflows.
    pub(crate) max_cost: Option<U256>,
}

pub(crate) struct Evaluator<'s, 'o, L: ?Sized> {
    op: Option<OpFacts>,
    /// Where the call being judged sits in nested calldata (empty at top level).
    inner: InnerPath,
    /// Inner calls judged so far in this transaction.
    inner_calls: usize,
    /// Steps left for this transaction.
    work: &'o Work,
    /// What has been recorded, kept in the verdict or not.
    log: Log,
    /// How the account encodes its calls, when known, for calls to the account itself.
    account_kind: Option<AccountKind>,
    session: &'s Session,
    ledger: &'o L,
    ctx: &'o Context,
    mode: Mode,
    out: &'o mut Verdict<'s>,
}

/// Where a violation happened, before its reason is known.
#[derive(Clone, Copy)]
struct At<'s> {
    call: usize,
    action: Option<&'s str>,
}

/// The rule or policy path and the parameter a check is about.
type Here<'s> = (Option<&'s str>, Option<&'s str>);

impl<'s, 'o, L: Ledger + ?Sized> Evaluator<'s, 'o, L> {
    pub(crate) fn new(
        session: &'s Session,
        ledger: &'o L,
        ctx: &'o Context,
        mode: Mode,
        out: &'o mut Verdict<'s>,
        work: &'o Work,
    ) -> Self {
        Self {
            op: None,
            inner: InnerPath::default(),
            inner_calls: 0,
            work,
            log: Log::default(),
            account_kind: session.account_kind,
            session,
            ledger,
            ctx,
            mode,
            out,
        }
    }

    /// Evaluates the calls of this user operation, so policies can read its other fields.
    pub(crate) fn with_op(mut self, op: Option<OpFacts>) -> Self {
        self.op = op;
        self
    }

    /// Reads calls to the account itself with this encoding (when the session does not fix one).
    pub(crate) fn with_account_kind(mut self, kind: Option<AccountKind>) -> Self {
        self.account_kind = self.account_kind.or(kind);
        self
    }

    pub(crate) fn run(self, calls: &[Call<'_>]) {
        self.run_from(calls, Origin::Executions);
    }

    /// Decides, then, in explain mode and on deny only, walks again collecting every violation.
    /// The decision is always the first walk's.
    pub(crate) fn run_from(mut self, calls: &[Call<'_>], origin: Origin) {
        let explain = self.mode == Mode::Explain;
        self.mode = Mode::Fast;
        let allowed = self.pass(calls, origin);
        if explain && !allowed {
            self.mode = Mode::Explain;
            if self.pass(calls, origin) {
                // Cannot happen: explain finds at least what check found. Keep check's reasons.
                self.mode = Mode::Fast;
                self.pass(calls, origin);
            }
        }
        if allowed {
            self.out.decision = Decision::Allow;
            // One entry per counter already (folded per call); key order makes output stable.
            if self.out.effects.len() > 1 {
                self.out.effects.sort_unstable_by(|a, b| a.key.cmp(&b.key));
            }
            if self.out.reads.len() > 1 {
                self.out.reads.sort_unstable_by(|a, b| a.key.cmp(&b.key));
            }
        } else {
            self.out.decision = Decision::Deny;
            self.out.effects.clear();
            self.out.reads.clear();
            self.out.allowed_by.clear();
            self.out.omitted = self.omitted();
        }
    }

    /// One walk over the calls from a clean state; true when nothing was recorded.
    fn pass(&mut self, calls: &[Call<'_>], origin: Origin) -> bool {
        self.out.clear();
        self.log = Log::default();
        self.work.reset(MAX_WORK);
        self.inner_calls = 0;
        self.inner = InnerPath::default();
        let whole = At {
            call: 0,
            action: None,
        };
        if calls.is_empty() {
            self.push(whole, (None, None), Reason::EmptyBatch);
        } else if calls.len() > MAX_CALLS {
            let reason = Reason::TooManyCalls {
                calls: calls.len(),
                max: MAX_CALLS,
            };
            self.push(whole, (None, None), reason);
        } else if let Some(expected) = self.session.chain_id.filter(|c| *c != self.ctx.chain_id) {
            let reason = Reason::WrongChain {
                expected,
                actual: self.ctx.chain_id,
            };
            self.push(whole, (None, None), reason);
        } else if self.transaction(calls) || self.mode == Mode::Explain {
            for (index, call) in calls.iter().enumerate() {
                self.start_call();
                let ok = self.dispatch(index, call, origin);
                if !ok && self.mode == Mode::Fast {
                    break;
                }
            }
        }
        self.clean()
    }

    /// Denies the whole transaction before any call is looked at.
    pub(crate) fn refuse(mut self, reason: Reason) {
        self.out.clear();
        self.log = Log::default();
        let whole = At {
            call: 0,
            action: None,
        };
        self.push(whole, (None, None), reason);
        self.out.decision = Decision::Deny;
    }

    /// The policies checked once per transaction, against the sum of its calls' values.
    #[inline]
    fn transaction(&mut self, calls: &[Call<'_>]) -> bool {
        self.session.tx_policies.is_empty() || self.tx_policies(calls)
    }

    #[inline(never)]
    fn tx_policies(&mut self, calls: &[Call<'_>]) -> bool {
        let session = self.session;
        let whole = At {
            call: 0,
            action: None,
        };
        let total = calls
            .iter()
            .try_fold(U256::ZERO, |sum, c| sum.checked_add(c.value));
        let tx = Call {
            to: self.ctx.account.unwrap_or_default(),
            value: total.unwrap_or(U256::MAX),
            data: &[],
        };
        let mut ok = true;
        for policy in session.tx_policies.iter() {
            if !ok && self.mode == Mode::Fast {
                return false;
            }
            ok &= match (&policy.kind, total) {
                // The sum itself overflows: the value limit's checked addition reverts.
                (PolicyKind::ValueLimit(_), None) => {
                    let reason = Reason::LimitOverflow {
                        used: U256::ZERO,
                        requested: U256::MAX,
                    };
                    self.fail(whole, (Some(&*policy.path), None), reason)
                }
                _ => self.policy(whole, policy, &tx, CallKind::Native),
            };
        }
        ok
    }

    /// Records a violation; returns false so a check can end with `return self.fail(…)`.
    #[cold]
    fn fail(&mut self, at: At<'s>, (source, param): Here<'s>, reason: Reason) -> bool {
        self.push(at, (source, param), reason);
        false
    }
}

/// Folds the effects from `mark` on (one allowed call's) into earlier effects on the same
/// counter (all of one session), so the list holds one entry per counter and pending values stay a short scan in long
/// batches. A counter is only ever added to or only ever set, so an addition folds into an
/// addition and a later set replaces an earlier one.
#[inline]
pub(super) fn fold_into_earlier(effects: &mut Vec<Effect<'_>>, mark: usize) {
    if mark == 0 || effects.len() <= mark {
        return;
    }
    let (earlier, later) = effects.split_at_mut(mark);
    let mut folded = false;
    for new in later.iter_mut() {
        let Some(old) = earlier
            .iter_mut()
            .find(|old| old.key.same_in_session(&new.key))
        else {
            continue;
        };
        // Cannot overflow: the total was checked against the cap while charging.
        old.op = match (old.op, new.op) {
            (Op::Add(a), Op::Add(b)) => Op::Add(a.saturating_add(b)),
            (Op::Add(_) | Op::Set(_), later) => later,
        };
        old.expires_at = new.expires_at;
        // An addition of zero is never recorded, so it marks an entry folded away.
        new.op = Op::Add(U256::ZERO);
        folded = true;
    }
    if folded {
        effects.retain(|e| e.op != Op::Add(U256::ZERO));
    }
}
