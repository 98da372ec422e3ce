//! Budget documents compiled into limits: the session's shared budgets first, then each cap
//! where a rule or policy gives it.

use super::{BudgetDocument, BudgetSpec, LoadError};
use crate::compiled::{Limit, Refill, Window};
use alloc::{boxed::Box, collections::BTreeMap, format, string::String, vec::Vec};

type Result<T> = core::result::Result<T, LoadError>;

/// The session's shared budgets by name, compiled.
#[derive(Debug, Default)]
pub(super) struct Budgets {
    named: BTreeMap<String, Limit>,
}

impl Budgets {
    /// Compiles the session's `budgets`; each counts under `budgets/<name>`.
    pub(super) fn compile(specs: &BTreeMap<String, BudgetSpec>) -> Result<Self> {
        let mut named = BTreeMap::new();
        for (name, spec) in specs {
            let path = format!("budgets.{name}");
            super::compile::check_name(name).map_err(|m| LoadError::invalid(&path, m))?;
            if spec.shared.is_some() {
                let message = "a shared budget is defined here; it cannot name another";
                return Err(LoadError::invalid(format!("{path}.shared"), message));
            }
            let limit = spec_limit(spec, format!("budgets/{name}"), &path)?;
            named.insert(name.clone(), limit);
        }
        Ok(Self { named })
    }

    /// The limit a rule or policy gives at `path`, counted under `key` unless it is shared.
    pub(super) fn limit(&self, doc: &BudgetDocument, key: String, path: &str) -> Result<Limit> {
        match doc {
            BudgetDocument::Cap(cap) => Ok(Limit::new(key, cap.0)),
            BudgetDocument::Spec(BudgetSpec {
                shared: Some(name),
                limit,
                period,
                start,
                refill,
            }) => {
                if limit.is_some() || period.is_some() || start.is_some() || refill.is_some() {
                    let message = "`shared` names a session budget; its shape is given there";
                    return Err(LoadError::invalid(path, message));
                }
                self.named.get(name).cloned().ok_or_else(|| {
                    let known: Vec<&str> = self.named.keys().map(String::as_str).collect();
                    let message = format!(
                        "no budget named `{name}` in the session's `budgets` (it has [{}])",
                        known.join(", ")
                    );
                    LoadError::invalid(format!("{path}.shared"), message)
                })
            }
            BudgetDocument::Spec(spec) => spec_limit(spec, key, path),
        }
    }
}

fn spec_limit(spec: &BudgetSpec, key: String, path: &str) -> Result<Limit> {
    let at = |field: &str| format!("{path}.{field}");
    let Some(cap) = spec.limit else {
        return Err(LoadError::invalid(
            at("limit"),
            "a budget needs `limit` (or `shared` with a session budget's name)",
        ));
    };
    let Some(period) = spec.period else {
        if spec.start.is_some() || spec.refill.is_some() {
            let message = "`start` and `refill` need a `period`";
            return Err(LoadError::invalid(at("period"), message));
        }
        return Ok(Limit::new(key, cap.0));
    };
    if period == 0 {
        let message = "a period of 0 seconds would never end; omit `period` for a lifetime cap";
        return Err(LoadError::invalid(at("period"), message));
    }
    let every = Window {
        period,
        start: spec.start.unwrap_or(0),
    };
    match spec.refill {
        None => Ok(Limit {
            window: Some(every),
            ..Limit::new(key, cap.0)
        }),
        Some(amount) if amount.0.is_zero() => Err(LoadError::invalid(
            at("refill"),
            "a refill of 0 never refills; omit `refill` and `period` for a lifetime cap",
        )),
        Some(amount) => Ok(Limit {
            refill: Some(Box::new(Refill {
                every,
                amount: amount.0,
                refilled_key: format!("{key}/refilled").into(),
                periods_key: format!("{key}/periods").into(),
            })),
            ..Limit::new(format!("{key}/used"), cap.0)
        }),
    }
}
