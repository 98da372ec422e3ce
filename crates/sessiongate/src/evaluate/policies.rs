//! The policies of imported formats and user operations (Smart Sessions spending limits and
//! ArgPolicy rule trees, paymasters, gas caps, rate spacing), kept out of the native hot path so it
//! stays small enough to inline.

use super::action::{dirty, rule_word};
use super::budgets::Shortfall;
use super::{At, Evaluator, Here, OpFacts};
use crate::call::Call;
use crate::calldata::{CallKind, MAX_WORK, WordType};
use crate::compiled::{MAX_DEPTH, MAX_VISITS, Rule, RuleTree, TreeNode};
use crate::compiled::{Policy, PolicyKind, TokenLimits, TokenSpend, token_spend};
use crate::ledger::Ledger;
use crate::verdict::Reason;
use alloc::{borrow::Cow, boxed::Box};
use alloy_primitives::U256;

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    /// The policies of imported formats and user operations, kept out of [`Self::policy`] so the
    /// native hot path stays small enough to inline.
    #[inline(never)]
    pub(super) fn rarer_policy(
        &mut self,
        at: At<'s>,
        here: Here<'s>,
        policy: &'s Policy,
        call: &Call<'_>,
    ) -> bool {
        let reason = match &policy.kind {
            PolicyKind::TokenLimits(limits) => return self.token_limits(at, here, limits, call),
            PolicyKind::Tree(tree) => return self.tree(at, here, tree, call.data),
            PolicyKind::Unusable(why) => Reason::Unusable {
                why: Cow::Borrowed(why),
            },
            PolicyKind::Spacing(spacing) => return self.space(at, here, spacing),
            PolicyKind::Paymaster(allowed) if !self.work.spend_count(allowed.len()) => {
                Reason::WorkExhausted { max: MAX_WORK }
            }
            // Address 0 is no paymaster to the EntryPoint: the account pays, as without one.
            PolicyKind::Paymaster(allowed) => match self.op.and_then(|op| op.paymaster) {
                Some(paymaster) if paymaster.is_zero() => return true,
                Some(paymaster) if !allowed.contains(&paymaster) => {
                    Reason::PaymasterNotAllowed { paymaster }
                }
                _ => return true,
            },
            // Any paymaster field, address 0 too: the module tests paymasterAndData's length.
            PolicyKind::SmartPaymaster { refusal } => {
                match (self.op.and_then(|op| op.paymaster), refusal) {
                    (Some(paymaster), Some(why)) => {
                        Reason::PaymasterNotPermitted {
                            paymaster,
                            why: Cow::Borrowed(why),
                        }
                    }
                    _ => return true,
                }
            }
            PolicyKind::UserOpGas { max_gas, max_cost } => match self.op {
                None => Reason::NeedsUserOp,
                Some(op) => match gas_excess(&op, *max_gas, *max_cost) {
                    Some(reason) => reason,
                    None => return true,
                },
            },
            PolicyKind::Sudo
            | PolicyKind::TimeWindow { .. }
            | PolicyKind::MaxValue(_)
            | PolicyKind::ValueLimit(_)
            | PolicyKind::UsageLimit(_)
            // Handled by `policy` itself; answered the same way if ever routed here.
            | PolicyKind::SpendLimit { .. } => {
                return self.policy(at, policy, call, CallKind::of(call.data));
            }
        };
        self.fail(at, here, reason)
    }

    /// A Smart Sessions spending limit: the call's target is the token.
    fn token_limits(
        &mut self,
        at: At<'s>,
        here: Here<'s>,
        limits: &'s TokenLimits,
        call: &Call<'_>,
    ) -> bool {
        if !call.value.is_zero() {
            let reason = Reason::ValueTooHigh {
                max: U256::ZERO,
                value: call.value,
            };
            return self.fail(at, here, reason);
        }
        if !self.work.spend_count(limits.tokens.len()) {
            return self.fail(at, here, Reason::WorkExhausted { max: MAX_WORK });
        }
        let reason = match token_spend(
            call.data,
            CallKind::of(call.data),
            limits.counting,
            self.ctx.account,
        ) {
            TokenSpend::Amount(amount) => {
                return self.charge(at, here, limits.limit(call.to), amount);
            }
            TokenSpend::Short { needed } => Reason::ShortCalldata {
                needed,
                len: call.data.len(),
            },
            TokenSpend::Dirty { offset, word } => dirty(WordType::Address, offset, word),
            TokenSpend::Unknown(selector) => Reason::UnknownTokenFunction {
                token: call.to,
                selector,
            },
        };
        self.fail(at, here, reason)
    }

    /// A rule tree. Leaves record no violation of their own: a false leaf under `or` or `not` is
    /// not a failure. A leaf that cannot be read reverts the whole tree, as on chain.
    pub(super) fn tree(
        &mut self,
        at: At<'s>,
        here: Here<'s>,
        tree: &'s RuleTree,
        data: &[u8],
    ) -> bool {
        let mut visits = 0u32;
        let decided = self.node(tree, tree.root, data, 0, &mut visits);
        if !self.work.spend(visits) {
            return self.fail(at, here, Reason::WorkExhausted { max: MAX_WORK });
        }
        match decided {
            Ok(true) => true,
            Ok(false) => self.fail(at, here, Reason::TreeFailed),
            Err(reason) => self.fail(at, here, *reason),
        }
    }

    fn node(
        &mut self,
        tree: &'s RuleTree,
        index: u16,
        data: &[u8],
        depth: u32,
        visits: &mut u32,
    ) -> Result<bool, Box<Reason>> {
        *visits = visits.saturating_add(1);
        if depth > MAX_DEPTH || *visits > MAX_VISITS {
            return Err(Box::new(Reason::Unusable {
                why: Cow::Borrowed(
                    "the rule tree loops or is too large to evaluate (on chain: out of gas)",
                ),
            }));
        }
        let deeper = depth.saturating_add(1);
        let node = tree.nodes.get(usize::from(index)).copied();
        match node {
            Some(TreeNode::Rule(rule)) => match tree.rules.get(usize::from(rule)) {
                Some(rule) => self.leaf(rule, data),
                None => Err(Box::new(Reason::TreeFailed)),
            },
            Some(TreeNode::Not(child)) => Ok(!self.node(tree, child, data, deeper, visits)?),
            Some(TreeNode::And(left, right)) => Ok(self.node(tree, left, data, deeper, visits)?
                && self.node(tree, right, data, deeper, visits)?),
            Some(TreeNode::Or(left, right)) => Ok(self.node(tree, left, data, deeper, visits)?
                || self.node(tree, right, data, deeper, visits)?),
            None => Err(Box::new(Reason::TreeFailed)),
        }
    }

    /// A rule inside a tree: false when its condition or its budget fails, an error when the
    /// contract would revert (word past the end, running sum overflowing).
    fn leaf(&mut self, rule: &'s Rule, data: &[u8]) -> Result<bool, Box<Reason>> {
        let word = rule_word(rule, data).map_err(|e| Box::new(e.reason(rule, data)))?;
        if !rule.check.holds(&word, rule.ty.is_signed()) {
            return Ok(false);
        }
        match &rule.budget {
            None => Ok(true),
            Some(limit) => match self.try_charge(limit, word) {
                Ok(()) => Ok(true),
                Err(Shortfall::Exceeded { .. }) => Ok(false),
                Err(short) => Err(Box::new(short.reason(limit, word, self.ctx.now))),
            },
        }
    }
}

/// Which cap of a user operation's gas or cost is passed, if any.
fn gas_excess(op: &OpFacts, max_gas: Option<U256>, max_cost: Option<U256>) -> Option<Reason> {
    let over = |what: &'static str, max: Option<U256>, actual: Option<U256>| match (max, actual) {
        (Some(max), Some(actual)) if actual > max => Some(Reason::GasTooHigh {
            what: Cow::Borrowed(what),
            max,
            actual: Some(actual),
        }),
        (Some(max), None) => Some(Reason::GasTooHigh {
            what: Cow::Borrowed(what),
            max,
            actual: None,
        }),
        _ => None,
    };
    over("gas", max_gas, op.max_gas).or_else(|| over("cost", max_cost, op.max_cost))
}
