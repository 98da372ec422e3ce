//! What is left of each budget of a session, for a wallet to show before the next call.

use super::{Ledger, Limit, Policy, PolicyKind};
use crate::rules::Expr;
use crate::session::Session;
use alloc::{string::String, vec::Vec};
use alloy_primitives::U256;
use serde::Serialize;

/// One budget as it stands: how much of it is used and left now, and when it grows again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetStatus {
    /// The budget's ledger key (for a windowed budget, without the window's `@start`).
    pub key: String,
    /// Its cap: per window, the bucket's size, or for all time.
    #[serde(serialize_with = "decimal")]
    pub limit: U256,
    /// Used now: in the current window, or taken from a refilling budget's balance.
    #[serde(serialize_with = "decimal")]
    pub used: U256,
    /// What one more call may use now.
    #[serde(serialize_with = "decimal")]
    pub left: U256,
    /// When more becomes available: the next window, or the next refill (none for a lifetime
    /// cap). Before a windowed budget's first window, when it opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resets_at: Option<u64>,
}

fn decimal<S: serde::Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

impl Limit {
    /// This budget's standing at `now` against what the ledger recorded.
    pub(crate) fn status<L: Ledger + ?Sized>(&self, ledger: &L, now: u64) -> BudgetStatus {
        let (used, left, resets_at) = match (&self.window, &self.refill) {
            (_, Some(refill)) => match refill.every.at(now) {
                None => (U256::ZERO, U256::ZERO, Some(refill.every.start)),
                Some((period, end)) => {
                    let bucket = refill.bucket(
                        self.cap,
                        ledger.used(&self.key),
                        ledger.used(&refill.refilled_key),
                        ledger.used(&refill.periods_key),
                        period,
                    );
                    (
                        self.cap.saturating_sub(bucket.balance),
                        bucket.balance,
                        Some(end),
                    )
                }
            },
            (Some(window), None) => match window.at(now) {
                None => (U256::ZERO, U256::ZERO, Some(window.start)),
                Some((index, end)) => {
                    let opens = index
                        .saturating_mul(window.period)
                        .saturating_add(window.start);
                    let used = ledger.used(&alloc::format!("{}@{opens}", self.key));
                    (used, self.cap.saturating_sub(used), Some(end))
                }
            },
            (None, None) => {
                let used = ledger.used(&self.key);
                (used, self.cap.saturating_sub(used), None)
            }
        };
        BudgetStatus {
            key: self.key.as_ref().into(),
            limit: self.cap,
            used,
            left,
            resets_at,
        }
    }
}

impl Session {
    /// Every budget of the session (rule budgets, value, usage and spend limits, shared budgets
    /// once) with what is used and left at `now`, and when it next grows.
    pub fn budgets<L: Ledger + ?Sized>(&self, ledger: &L, now: u64) -> Vec<BudgetStatus> {
        let mut limits: Vec<&Limit> = Vec::new();
        for action in self.actions.iter() {
            limits.extend(action.rules.iter().filter_map(|r| r.budget.as_ref()));
            for expr in action.exprs.iter() {
                expr_limits(expr, &mut limits);
            }
            policy_limits(&action.policies, &mut limits);
        }
        policy_limits(&self.policies, &mut limits);
        policy_limits(&self.tx_policies, &mut limits);
        let mut out: Vec<BudgetStatus> = Vec::new();
        for limit in limits {
            if !out.iter().any(|s| *s.key == *limit.key) {
                out.push(limit.status(ledger, now));
            }
        }
        out
    }
}

fn policy_limits<'a>(list: &'a [Policy], out: &mut Vec<&'a Limit>) {
    for policy in list {
        match &policy.kind {
            PolicyKind::ValueLimit(limit)
            | PolicyKind::UsageLimit(limit)
            | PolicyKind::SpendLimit { limit, .. } => out.push(limit),
            PolicyKind::TokenLimits(tokens) => {
                out.extend(tokens.tokens.iter().map(|(_, limit)| limit));
            }
            _ => {}
        }
    }
}

fn expr_limits<'a>(expr: &'a Expr, out: &mut Vec<&'a Limit>) {
    match expr {
        Expr::Word(rule) => out.extend(rule.budget.as_ref()),
        Expr::Path(rule) => out.extend(rule.budget.as_ref()),
        Expr::All(of) => of.iter().for_each(|e| expr_limits(e, out)),
        Expr::Any { .. } | Expr::Not { .. } => {}
    }
}
