//! Call(s) + compiled session + ledger + context → verdict. Never panics; an allow over static
//! parameters allocates nothing once the verdict's buffers have grown, and touches no reference
//! count: the verdict borrows every name and key from the session.
use crate::calldata::{CallKind, WordType, read_word};
use crate::limits::{
    Effect, Ledger, LedgerKey, Limit, Policy, PolicyKind, TokenSpend, same_key, token_spend,
};
use crate::rules::Rule;
use crate::session::{Action, Call, Context, Session};
use crate::verdict::{Decision, Reason, Value, Verdict, Violation};
use alloc::{borrow::Cow, vec::Vec};
use alloy_primitives::{B256, U256};

/// How much a verdict explains.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Stop at the first violation.
    #[default]
    Fast,
    /// Collect every violation of every call. Reaches the same decision as `Fast`.
    Explain,
}

pub(crate) struct Evaluator<'s, 'o, L: ?Sized> {
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
    ) -> Self {
        Self {
            session,
            ledger,
            ctx,
            mode,
            out,
        }
    }

    pub(crate) fn run(mut self, calls: &[Call<'_>]) {
        self.out.clear();
        let whole = At {
            call: 0,
            action: None,
        };
        if calls.is_empty() {
            self.push(whole, (None, None), Reason::EmptyBatch);
        } else if let Some(expected) = self.session.chain_id.filter(|c| *c != self.ctx.chain_id) {
            let reason = Reason::WrongChain {
                expected,
                actual: self.ctx.chain_id,
            };
            self.push(whole, (None, None), reason);
        } else {
            for (index, call) in calls.iter().enumerate() {
                if !self.call(index, call) && self.mode == Mode::Fast {
                    break;
                }
            }
        }
        if self.out.violations.is_empty() {
            self.out.decision = Decision::Allow;
            // One entry per counter already (folded per call); key order makes output stable.
            if self.out.effects.len() > 1 {
                self.out.effects.sort_unstable_by(|a, b| a.key.cmp(&b.key));
            }
        } else {
            self.out.decision = Decision::Deny;
            self.out.effects.clear();
            self.out.allowed_by.clear();
        }
    }

    /// Tries the call's candidate actions in order; true when one allows it.
    fn call(&mut self, index: usize, call: &Call<'_>) -> bool {
        let kind = CallKind::of(call.data);
        let here = At {
            call: index,
            action: None,
        };
        if let CallKind::Truncated(len) = kind {
            self.push(here, (None, None), Reason::TruncatedSelector { len });
            return false;
        }
        let session = self.session;
        let first = self.out.violations.len();
        let mut tried = false;
        for action in session.candidates(call.to, kind) {
            tried = true;
            let effects = self.out.effects.len();
            let before = self.out.violations.len();
            if self.action(index, action, call, kind) {
                // Earlier candidates' failures do not matter once one allows the call.
                self.out.violations.truncate(first);
                self.out.allowed_by.push(Cow::Borrowed(&action.label));
                fold_into_earlier(&mut self.out.effects, effects);
                return true;
            }
            self.out.effects.truncate(effects);
            if self.mode == Mode::Fast && before > first {
                self.out.violations.truncate(before);
            }
        }
        if !tried {
            let selector = match kind {
                CallKind::Function(s) => Some(s),
                _ => None,
            };
            let reason = Reason::NoAction {
                target: call.to,
                selector,
            };
            self.push(here, (None, None), reason);
        }
        false
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
        let mut ok = self.head(at, action, call.data);
        for rule in action.rules.iter() {
            if !ok && self.mode == Mode::Fast {
                return false;
            }
            ok &= self.rule(at, rule, call.data);
        }
        let session = self.session;
        for policy in action.policies.iter().chain(session.policies.iter()) {
            if !ok && self.mode == Mode::Fast {
                return false;
            }
            ok &= self.policy(at, policy, call, kind);
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
        };
        self.fail(at, here, reason)
    }

    /// Adds `amount` to a limit's counter as a pending effect, if the cap allows it. What is used
    /// is the ledger's amount plus what earlier calls of this batch already added.
    fn charge(&mut self, at: At<'s>, here: Here<'s>, limit: &'s Limit, amount: U256) -> bool {
        let pending = self
            .out
            .effects
            .iter()
            .filter(|e| same_key(e.key.as_str(), &limit.key))
            .try_fold(U256::ZERO, |sum, e| sum.checked_add(e.add));
        let recorded = self.ledger.used(&limit.key);
        let Some(used) = pending.and_then(|p| p.checked_add(recorded)) else {
            let reason = Reason::LimitOverflow {
                used: U256::MAX,
                requested: amount,
            };
            return self.fail(at, here, reason);
        };
        let reason = match used.checked_add(amount) {
            None => Reason::LimitOverflow {
                used,
                requested: amount,
            },
            Some(total) if total > limit.cap => Reason::LimitExceeded {
                limit: limit.cap,
                used,
                requested: amount,
                left: limit.cap.saturating_sub(used),
            },
            Some(_) => {
                if !amount.is_zero() {
                    let key = LedgerKey::borrowed(&limit.key);
                    self.out.effects.push(Effect { key, add: amount });
                }
                return true;
            }
        };
        self.fail(at, here, reason)
    }

    /// Records a violation; returns false so a check can end with `return self.fail(…)`.
    #[cold]
    fn fail(&mut self, at: At<'s>, (source, param): Here<'s>, reason: Reason) -> bool {
        self.push(at, (source, param), reason);
        false
    }

    fn push(&mut self, at: At<'s>, (source, param): Here<'s>, reason: Reason) {
        self.out.violations.push(Violation {
            call: at.call,
            action: at.action.map(Cow::Borrowed),
            source: source.map(Cow::Borrowed),
            param: param.map(Cow::Borrowed),
            reason,
        });
    }
}

fn dirty(ty: WordType, offset: usize, word: U256) -> Reason {
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
