//! Call(s) + compiled session + ledger + context → verdict. Never panics; an allow over static
//! parameters allocates nothing once the verdict's buffers have grown, and touches no reference
//! count: the verdict borrows every name and key from the session.
//!
//! Every input is decided in bounded work: one [`Work`] budget per transaction counts elements
//! decoded, candidate actions tried (with their rules and policies) and inner calls walked, and
//! running out denies. Explain mode never decides on its own: it explains what check decided, so
//! the two cannot disagree.
mod budgets;
mod nested;
mod paths;
mod policies;
mod record;
mod self_call;

use crate::account::{AccountKind, ERC7579_EXECUTE};
use crate::calldata::Selector;
use crate::calldata::{CallKind, MAX_WORK, WordType, Work, read_word};
use crate::document::Target;
use crate::limits::{Effect, Ledger, Policy, PolicyKind, TokenSpend, same_key, token_spend};
use crate::rules::Rule;
use crate::session::{Action, Call, Context, Dispatch, SelectorMatch, Session, SmartDispatch};
use crate::verdict::{Decision, InnerPath, Reason, Value, Verdict};
use alloc::{borrow::Cow, vec::Vec};
use alloy_primitives::{B256, U256};
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

/// Smart Sessions' selector for calldata shorter than 4 bytes.
const VALUE_SELECTOR: [u8; 4] = [0xff; 4];
/// Smart Sessions' fallback flag address, 0x…01.
const FLAG_TARGET: alloy_primitives::Address = alloy_primitives::Address::with_last_byte(1);

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
        } else {
            self.out.decision = Decision::Deny;
            self.out.effects.clear();
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

    /// Finds the action(s) for a call the session's way, top level or inner.
    #[inline]
    fn dispatch(&mut self, index: usize, call: &Call<'_>, origin: Origin) -> bool {
        match self.session.dispatch {
            Dispatch::Alternatives => self.call(index, call),
            Dispatch::FirstMatch => self.first_match(index, call),
            Dispatch::SmartSessions(smart) => self.smart_call(index, call, smart, origin),
        }
    }

    /// Smart Sessions' dispatch (`PolicyLib.checkSingle7579Exec`): the exact action when it has
    /// policies, else the fallback action; the one found decides, with no second try.
    #[inline(never)]
    fn smart_call(
        &mut self,
        index: usize,
        call: &Call<'_>,
        smart: SmartDispatch,
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
                .unwrap_or(VALUE_SELECTOR),
        );
        let executions = origin == Origin::Executions;
        if executions && selector == ERC7579_EXECUTE && Some(call.to) == self.ctx.account {
            return self.fail(here, (None, None), Reason::SelfExecute);
        }
        if executions && call.to == FLAG_TARGET {
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
                _ => None,
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
    fn alternatives(
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
        for action in session.candidates(call.to, kind) {
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
            _ => None,
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

    /// Checks one action and the session's policies against a call; true when all pass.
    fn action(
        &mut self,
        index: usize,
        action: &'s Action,
        call: &Call<'_>,
        kind: CallKind,
    ) -> bool {
        let at = At {
            call: index,
            action: Some(&action.label),
        };
        let session = self.session;
        if !self.work.spend(action.cost) {
            return self.fail(at, (None, None), Reason::WorkExhausted { max: MAX_WORK });
        }
        let mut ok = self.head(at, action, call.data);
        for rule in action.rules.iter() {
            if !ok && self.mode == Mode::Fast {
                return false;
            }
            ok &= self.rule(at, rule, call.data);
        }
        if !action.exprs.is_empty() {
            ok &= (ok || self.mode == Mode::Explain) && self.exprs(at, &action.exprs, call);
        }
        for policy in action.policies.iter().chain(session.policies.iter()) {
            if !ok && self.mode == Mode::Fast {
                return false;
            }
            ok &= self.policy(at, policy, call, kind);
        }
        if let Some(nested) = &action.nested {
            ok &= (ok || self.mode == Mode::Explain) && self.nested(at, nested, call);
        }
        ok
    }

    /// The static head of a signature: long enough, and every word valid for its type.
    fn head(&mut self, at: At<'s>, action: &'s Action, data: &[u8]) -> bool {
        if data.len() < action.min_len {
            let reason = Reason::ShortCalldata {
                needed: action.min_len,
                len: data.len(),
            };
            return self.fail(at, (None, None), reason);
        }
        let mut ok = true;
        for word in action.head.iter() {
            let start = word.offset.saturating_add(4);
            if let Some(value) = read_word(data, start).filter(|v| !word.ty.is_valid(v)) {
                ok = self.fail(at, (None, None), dirty(word.ty, word.offset, value));
                if self.mode == Mode::Fast {
                    return false;
                }
            }
        }
        ok
    }

    // Checks record their own violation and return whether they passed, so the allow path moves
    // no large result values around.

    fn rule(&mut self, at: At<'s>, rule: &'s Rule, data: &[u8]) -> bool {
        let here = (Some(&*rule.path), Some(&*rule.param));
        let Some(word) = read_word(data, rule.at) else {
            let needed = rule.at.saturating_add(32);
            return self.fail(
                at,
                here,
                Reason::ShortCalldata {
                    needed,
                    len: data.len(),
                },
            );
        };
        // A word the signature's head already validated needs no second look.
        if rule.validate && !rule.ty.is_valid(&word) {
            let reason = dirty(rule.ty, rule.at.saturating_sub(4), word);
            return self.fail(at, here, reason);
        }
        if !rule.check.holds(&word, rule.ty.is_signed()) {
            let expected = rule.check.expected(rule.ty);
            let reason = Reason::Condition {
                expected,
                actual: Value::of(rule.ty, word),
            };
            return self.fail(at, here, reason);
        }
        match &rule.budget {
            Some(limit) => self.charge(at, here, limit, word),
            None => true,
        }
    }

    fn policy(&mut self, at: At<'s>, policy: &'s Policy, call: &Call<'_>, kind: CallKind) -> bool {
        let here = (Some(&*policy.path), None);
        let now = self.ctx.now;
        let reason = match &policy.kind {
            PolicyKind::Sudo => return true,
            PolicyKind::TimeWindow {
                valid_after,
                valid_until,
            } => {
                match (
                    valid_after.filter(|a| now < *a),
                    valid_until.filter(|u| now > *u),
                ) {
                    (Some(valid_after), _) => Reason::NotYetValid { valid_after, now },
                    (_, Some(valid_until)) => Reason::Expired { valid_until, now },
                    _ => return true,
                }
            }
            PolicyKind::MaxValue(max) if call.value > *max => Reason::ValueTooHigh {
                max: *max,
                value: call.value,
            },
            PolicyKind::MaxValue(_) => return true,
            PolicyKind::ValueLimit(limit) => return self.charge(at, here, limit, call.value),
            PolicyKind::UsageLimit(limit) => {
                return self.charge(at, here, limit, U256::from(1u8));
            }
            PolicyKind::SpendLimit { token, .. } if *token != call.to => return true,
            PolicyKind::SpendLimit { token, limit } => {
                match token_spend(call.data, kind, self.ctx.account) {
                    TokenSpend::Amount(amount) => return self.charge(at, here, limit, amount),
                    TokenSpend::Short { needed } => Reason::ShortCalldata {
                        needed,
                        len: call.data.len(),
                    },
                    TokenSpend::Dirty { offset, word } => dirty(WordType::Address, offset, word),
                    TokenSpend::Unknown(selector) => Reason::UnknownTokenFunction {
                        token: *token,
                        selector,
                    },
                }
            }
            _ => return self.rarer_policy(at, here, policy, call),
        };
        self.fail(at, here, reason)
    }

    /// Records a violation; returns false so a check can end with `return self.fail(…)`.
    #[cold]
    fn fail(&mut self, at: At<'s>, (source, param): Here<'s>, reason: Reason) -> bool {
        self.push(at, (source, param), reason);
        false
    }
}

pub(super) fn dirty(ty: WordType, offset: usize, word: U256) -> Reason {
    Reason::DirtyWord {
        ty,
        offset,
        word: B256::from(word),
    }
}

/// Adds the effects from `mark` on (one allowed call's) into earlier effects on the same counter,
/// so the list holds one entry per counter and pending sums stay a short scan in long batches.
#[inline]
fn fold_into_earlier(effects: &mut Vec<Effect<'_>>, mark: usize) {
    if mark == 0 || effects.len() <= mark {
        return;
    }
    let (earlier, later) = effects.split_at_mut(mark);
    let mut folded = false;
    for new in later.iter_mut() {
        let same = |old: &&mut Effect<'_>| same_key(old.key.as_str(), new.key.as_str());
        if let Some(old) = earlier.iter_mut().find(same) {
            // Cannot overflow: the total was checked against the cap while charging.
            old.add = old.add.saturating_add(new.add);
            // Charging never records zero, so zero marks an entry folded away.
            new.add = U256::ZERO;
            folded = true;
        }
    }
    if folded {
        effects.retain(|e| !e.add.is_zero());
    }
}
