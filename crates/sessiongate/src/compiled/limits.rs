//! One walk over every limit of a compiled session, for everything that lists budgets: a new
//! kind of rule or policy that holds a limit is added here once, and the match arms have no
//! wildcard, so forgetting it is a compile error.

use super::{Action, Expr, Limit, Policy, PolicyKind, Session, Spacing};

impl Session {
    /// Calls `visit` on every limit, in document order: each action's word rules, rule trees
    /// and policies (per-token budgets and rule-tree leaves included), then the session's and
    /// the transaction's policies. A shared budget is visited at each place that names it.
    pub(crate) fn for_each_limit<'s>(&'s self, visit: &mut impl FnMut(&'s Limit)) {
        each_limit(&self.actions, &self.policies, &self.tx_policies, visit);
    }

    /// Calls `visit` on every minimum spacing: they live only in policy lists.
    pub(crate) fn for_each_spacing<'s>(&'s self, visit: &mut impl FnMut(&'s Spacing)) {
        let lists = self.actions.iter().map(|a| &*a.policies);
        for list in lists.chain([&*self.policies, &*self.tx_policies]) {
            for policy in list {
                if let PolicyKind::Spacing(spacing) = &policy.kind {
                    visit(spacing);
                }
            }
        }
    }
}

/// The walk itself, over a session's parts (so [`Session::new`] can check them before building).
pub(super) fn each_limit<'s>(
    actions: &'s [Action],
    policies: &'s [Policy],
    tx_policies: &'s [Policy],
    visit: &mut impl FnMut(&'s Limit),
) {
    for action in actions {
        action_limits(action, visit);
    }
    policy_limits(policies, visit);
    policy_limits(tx_policies, visit);
}

fn action_limits<'s>(action: &'s Action, visit: &mut impl FnMut(&'s Limit)) {
    action
        .rules
        .iter()
        .filter_map(|r| r.budget.as_ref())
        .for_each(&mut *visit);
    for expr in action.exprs.iter() {
        expr_limits(expr, visit);
    }
    policy_limits(&action.policies, visit);
}

fn expr_limits<'s>(expr: &'s Expr, visit: &mut impl FnMut(&'s Limit)) {
    match expr {
        Expr::Word(rule) => rule.budget.iter().for_each(&mut *visit),
        Expr::Path(rule) => rule.budget.iter().for_each(&mut *visit),
        Expr::All(of) | Expr::Any { of, .. } => of.iter().for_each(|e| expr_limits(e, visit)),
        Expr::Not { of, .. } => expr_limits(of, visit),
    }
}

fn policy_limits<'s>(list: &'s [Policy], visit: &mut impl FnMut(&'s Limit)) {
    for policy in list {
        match &policy.kind {
            PolicyKind::ValueLimit(limit)
            | PolicyKind::UsageLimit(limit)
            | PolicyKind::SpendLimit { limit, .. } => visit(limit),
            PolicyKind::TokenLimits(tokens) => tokens.tokens.iter().for_each(|(_, l)| visit(l)),
            PolicyKind::Tree(tree) => {
                tree.rules
                    .iter()
                    .filter_map(|r| r.budget.as_ref())
                    .for_each(&mut *visit);
            }
            PolicyKind::Sudo
            | PolicyKind::TimeWindow { .. }
            | PolicyKind::MaxValue(_)
            | PolicyKind::Spacing(_)
            | PolicyKind::Unusable(_)
            | PolicyKind::Paymaster(_)
            | PolicyKind::UserOpGas { .. }
            | PolicyKind::SmartPaymaster { .. } => {}
        }
    }
}
