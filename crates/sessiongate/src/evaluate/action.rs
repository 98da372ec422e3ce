//! One action against one call: the signature's head, word rules, rule trees and paths, the
//! action's and the session's policies, then nested calls; each check records its own violation.

use super::{At, Evaluator, Mode};
use crate::call::Call;
use crate::calldata::{CallKind, MAX_WORK, WordType, limbs, word_at};
use crate::compiled::{Action, Erc20Counting, Policy, PolicyKind, Rule, TokenSpend, token_spend};
use crate::ledger::Ledger;
use crate::verdict::{Reason, Value};
use alloy_primitives::{B256, U256};

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    /// Checks one action and the session's policies against a call; true when all pass.
    #[inline]
    pub(super) fn action(
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
            if let Some(bytes) = word_at(data, start).filter(|b| !word.ty.is_valid_at(b)) {
                let value = U256::from_be_bytes(*bytes);
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

    #[inline(always)]
    pub(super) fn rule(&mut self, at: At<'s>, rule: &'s Rule, data: &[u8]) -> bool {
        let here = (Some(&*rule.path), Some(&*rule.param));
        let bytes = match rule_bytes(rule, data) {
            Ok(bytes) => bytes,
            Err(unreadable) => return self.fail(at, here, unreadable.reason(rule, data)),
        };
        if !rule.check.holds_at(bytes, rule.ty.is_signed()) {
            let expected = rule.check.expected(rule.ty);
            let reason = Reason::Condition {
                expected,
                actual: Value::of(rule.ty, U256::from_be_bytes(*bytes)),
            };
            return self.fail(at, here, reason);
        }
        match &rule.budget {
            Some(limit) => self.charge(at, here, limit, U256::from_limbs(limbs(bytes))),
            None => true,
        }
    }

    #[inline(always)]
    pub(super) fn policy(
        &mut self,
        at: At<'s>,
        policy: &'s Policy,
        call: &Call<'_>,
        kind: CallKind,
    ) -> bool {
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
                match token_spend(call.data, kind, Erc20Counting::NATIVE, self.ctx.account) {
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
            PolicyKind::Spacing(_)
            | PolicyKind::TokenLimits(_)
            | PolicyKind::Tree(_)
            | PolicyKind::Unusable(_)
            | PolicyKind::Paymaster(_)
            | PolicyKind::UserOpGas { .. }
            | PolicyKind::SmartPaymaster { .. } => {
                return self.rarer_policy(at, here, policy, call);
            }
        };
        self.fail(at, here, reason)
    }
}

/// The word a word rule reads, native or in a rule tree. Calldata that cannot give it (too short,
/// or dirty for its type) is an error that denies wherever the rule sits, under `any` and `not`
/// too: on chain the read reverts.
#[inline(always)]
pub(super) fn rule_word(rule: &Rule, data: &[u8]) -> Result<U256, Unreadable> {
    rule_bytes(rule, data).map(|bytes| U256::from_limbs(limbs(bytes)))
}

/// [`rule_word`] as the word lies in calldata.
#[inline(always)]
fn rule_bytes<'d>(rule: &Rule, data: &'d [u8]) -> Result<&'d [u8; 32], Unreadable> {
    let bytes = word_at(data, rule.at).ok_or(Unreadable::Short)?;
    // A word the signature's head already validated needs no second look.
    if rule.validate && !rule.ty.is_valid_at(bytes) {
        return Err(Unreadable::Dirty(U256::from_be_bytes(*bytes)));
    }
    Ok(bytes)
}

/// Why a rule's word cannot be read.
#[derive(Clone, Copy)]
pub(super) enum Unreadable {
    Short,
    Dirty(U256),
}

impl Unreadable {
    #[cold]
    pub(super) fn reason(self, rule: &Rule, data: &[u8]) -> Reason {
        match self {
            Self::Short => Reason::ShortCalldata {
                needed: rule.at.saturating_add(32),
                len: data.len(),
            },
            Self::Dirty(word) => dirty(rule.ty, rule.at.saturating_sub(4), word),
        }
    }
}

pub(super) fn dirty(ty: WordType, offset: usize, word: U256) -> Reason {
    Reason::DirtyWord {
        ty,
        offset,
        word: B256::from(word),
    }
}
