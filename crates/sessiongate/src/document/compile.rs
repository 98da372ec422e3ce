//! Validation of a native document into a [`Session`]: every error carries the path of its field.

use super::budgets::Budgets;
use super::rules::{self, Scope};
use super::{ActionDocument, LoadError, NestedDocument, PolicyDocument, SessionDocument};
use crate::calldata::{LeafKind, ParamPath, Selector, Signature, WordType};
use crate::compiled::{
    Action, Limit, Nested, Parts, Policy, PolicyKind, SelectorMatch, Session, Spacing, Window,
};
use alloc::{
    boxed::Box,
    format,
    string::{String, ToString},
    vec::Vec,
};
use alloy_primitives::{hex, map::HashMap};

use crate::ledger::Fingerprint;

type Result<T> = core::result::Result<T, LoadError>;

/// Validates a native document into a session.
pub(crate) fn compile(doc: &SessionDocument) -> Result<Session> {
    fingerprinted(Session::new(compile_parts(doc)?)?, "sessiongate", doc)
}

/// Namespaces a compiled session's ledger counters by the fingerprint of the typed document it
/// came from: every loader of every format ends here.
pub(crate) fn fingerprinted<T: serde::Serialize>(
    session: Session,
    format: &str,
    doc: &T,
) -> Result<Session> {
    let fingerprint = Fingerprint::of_document(format, doc)
        .map_err(|e| LoadError::invalid("", alloc::format!("cannot fingerprint: {e}")))?;
    Ok(session.with_fingerprint(fingerprint))
}

/// Validates a native document into the parts of a session, for importers that compile onto
/// the native document and add what their module fixes (account encoding, warnings).
pub(crate) fn compile_parts(doc: &SessionDocument) -> Result<Parts> {
    if doc.actions.is_empty() {
        return Err(LoadError::invalid(
            "actions",
            "the session has no actions, so it allows nothing",
        ));
    }
    let budgets = Budgets::compile(&doc.budgets)?;
    let policies = policies(&doc.policies, "policies", "session", &budgets)?;
    let mut actions = Vec::with_capacity(doc.actions.len());
    let mut names: HashMap<&str, usize> = HashMap::default();
    for (i, action_doc) in doc.actions.iter().enumerate() {
        if let Some(name) = &action_doc.name
            && let Some(first) = names.insert(name.as_str(), i)
        {
            let message = format!("`{name}` is already the name of actions[{first}]");
            return Err(LoadError::invalid(format!("actions[{i}].name"), message));
        }
        actions.push(action(i, action_doc, &budgets)?);
    }
    Ok(Parts {
        name: doc.name.as_deref().map(Box::from),
        chain_id: doc.chain_id,
        policies,
        actions,
        ..Parts::default()
    })
}

fn action(i: usize, doc: &ActionDocument, budgets: &Budgets) -> Result<Action> {
    let path = format!("actions[{i}]");
    let key_scope = match &doc.name {
        Some(name) => {
            check_name(name).map_err(|m| LoadError::invalid(format!("{path}.name"), m))?;
            format!("actions/{name}")
        }
        None => format!("actions/{i}"),
    };
    let label: Box<str> = doc
        .name
        .as_deref()
        .map_or_else(|| Box::from(path.as_str()), Box::from);
    let (selector, signature) =
        selector(&doc.selector).map_err(|m| LoadError::invalid(format!("{path}.selector"), m))?;
    if doc.rules.is_empty() && doc.policies.is_empty() && doc.nested.is_none() {
        return Err(LoadError::invalid(
            path,
            "an action with no rules and no policies allows nothing; \
             add {\"type\": \"sudo\"} to allow every call it matches",
        ));
    }
    let scope = Scope {
        action_path: &path,
        key_scope: &key_scope,
        selector,
        signature: signature.as_ref(),
        budgets,
    };
    let (rules, exprs) = rules::compile(&scope, &doc.rules)?;
    let policies = policies(
        &doc.policies,
        &format!("{path}.policies"),
        &key_scope,
        budgets,
    )?;
    let nested = match &doc.nested {
        Some(nested_doc) => Some(Box::new(
            nested(nested_doc, signature.as_ref())
                .map_err(|(field, m)| LoadError::invalid(format!("{path}.nested.{field}"), m))?,
        )),
        None => None,
    };
    let (min_len, head) = match &signature {
        Some(sig) => {
            // Words every bit pattern satisfies cannot be dirty: checking them would only cost time.
            let checked = sig
                .head()
                .iter()
                .filter(|w| !w.ty.accepts_any_word())
                .copied();
            (sig.head_len().saturating_add(4), checked.collect())
        }
        None => (0, Box::default()),
    };
    let mut action = Action::new(label, doc.target, selector);
    action.min_len = min_len;
    action.head = head;
    action.rules = rules.into();
    action.exprs = exprs.into();
    action.policies = policies;
    action.nested = nested;
    Ok(action)
}

/// Where an action's calldata holds inner calls.
fn nested(
    doc: &NestedDocument,
    signature: Option<&Signature>,
) -> core::result::Result<Nested, (&'static str, String)> {
    let Some(sig) = signature else {
        let message = "nested calldata needs a selector written as a signature with names";
        return Err(("calldata", message.into()));
    };
    let parse = |field: &'static str, text: &str| {
        ParamPath::parse(sig, text).map_err(|e| (field, e.to_string()))
    };
    let calldata = parse("calldata", &doc.calldata)?;
    if calldata.leaf_kind() != LeafKind::Bytes {
        return Err((
            "calldata",
            format!("`{}` is not a `bytes` parameter", doc.calldata),
        ));
    }
    if calldata.wildcards() > 1 {
        let message = "inner calls come from one array: use at most one `[*]`";
        return Err(("calldata", message.into()));
    }
    let beside = |field: &'static str, text: &str, want: fn(WordType) -> bool, what: &str| {
        let path = parse(field, text)?;
        if !matches!(path.leaf_kind(), LeafKind::Word(ty) if want(ty)) {
            return Err((field, format!("`{text}` is not {what}")));
        }
        if path.wildcards() != calldata.wildcards() || !path.same_wildcard(&calldata) {
            let message = format!("`{text}` must take its `[*]` from the same array as `calldata`");
            return Err((field, message));
        }
        Ok(path)
    };
    let target = match &doc.target {
        Some(text) => Some(beside(
            "target",
            text,
            |t| t == WordType::Address,
            "an address",
        )?),
        None => None,
    };
    let value = match &doc.value {
        Some(text) => Some(beside(
            "value",
            text,
            |t| matches!(t, WordType::Uint(_)),
            "an unsigned integer",
        )?),
        None => None,
    };
    Ok(Nested {
        calldata,
        target,
        value,
    })
}

/// Names become ledger keys, so they are kept to characters that need no escaping.
pub(super) fn check_name(name: &str) -> core::result::Result<(), String> {
    let valid = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if name.is_empty() || !valid || name.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "`{name}` is not a valid action name: use letters, digits, `_`, `.` or `-`, not only digits"
        ));
    }
    Ok(())
}

fn selector(text: &str) -> core::result::Result<(SelectorMatch, Option<Signature>), String> {
    match text {
        "*" => Ok((SelectorMatch::Any, None)),
        "native" => Ok((SelectorMatch::Native, None)),
        hex_text if hex_text.starts_with("0x") => {
            let bytes = hex::decode(hex_text)
                .map_err(|e| format!("`{hex_text}` is not a hex selector: {e}"))?;
            let selector = <[u8; 4]>::try_from(bytes.as_slice())
                .map_err(|_| format!("`{hex_text}` has {} bytes; a selector has 4", bytes.len()))?;
            Ok((SelectorMatch::Function(Selector::from(selector)), None))
        }
        signature => {
            let sig = Signature::parse(signature).map_err(|e| e.to_string())?;
            Ok((SelectorMatch::Function(sig.selector()), Some(sig)))
        }
    }
}

fn policies(
    docs: &[PolicyDocument],
    path: &str,
    key_scope: &str,
    budgets: &Budgets,
) -> Result<Box<[Policy]>> {
    let mut out = Vec::with_capacity(docs.len());
    for (p, doc) in docs.iter().enumerate() {
        let path = format!("{path}[{p}]");
        let key = || format!("{key_scope}/policies[{p}]").into_boxed_str();
        let kind = match doc {
            PolicyDocument::Sudo => PolicyKind::Sudo,
            PolicyDocument::TimeWindow {
                valid_after: Some(a),
                valid_until: Some(u),
            } if a > u => {
                let message =
                    format!("valid_after {a} is after valid_until {u}: no call could ever pass");
                return Err(LoadError::invalid(path, message));
            }
            PolicyDocument::TimeWindow {
                valid_after,
                valid_until,
            } => PolicyKind::TimeWindow {
                valid_after: *valid_after,
                valid_until: *valid_until,
            },
            PolicyDocument::MaxValue { limit } => PolicyKind::MaxValue(limit.0),
            PolicyDocument::ValueLimit { limit } => PolicyKind::ValueLimit(budgets.limit(
                limit,
                key().into(),
                &format!("{path}.limit"),
            )?),
            PolicyDocument::UsageLimit { limit } => PolicyKind::UsageLimit(budgets.limit(
                limit,
                key().into(),
                &format!("{path}.limit"),
            )?),
            PolicyDocument::SpendLimit { token, limit } => PolicyKind::SpendLimit {
                token: *token,
                limit: budgets.limit(limit, key().into(), &format!("{path}.limit"))?,
            },
            PolicyDocument::RateLimit {
                min_spacing,
                max_calls,
                period,
                start,
            } => {
                // Spacing and calls per window are two policies under one path.
                let (spacing, calls) =
                    rate_limit(*min_spacing, *max_calls, *period, *start, key(), &path)?;
                if let Some(spacing) = spacing {
                    out.push(Policy {
                        path: path.as_str().into(),
                        kind: spacing,
                    });
                }
                match calls {
                    Some(calls) => calls,
                    None => continue,
                }
            }
            PolicyDocument::Paymaster { allowed } => PolicyKind::Paymaster(allowed.clone().into()),
            PolicyDocument::UserOpGas { max_gas, max_cost } => PolicyKind::UserOpGas {
                max_gas: max_gas.map(|q| q.0),
                max_cost: max_cost.map(|q| q.0),
            },
        };
        out.push(Policy {
            path: path.as_str().into(),
            kind,
        });
    }
    Ok(out.into())
}

/// A rate limit: a minimum spacing, a number of calls per fixed window, or both.
fn rate_limit(
    min_spacing: Option<u64>,
    max_calls: Option<super::Quantity>,
    period: Option<u64>,
    start: Option<u64>,
    key: Box<str>,
    path: &str,
) -> Result<(Option<PolicyKind>, Option<PolicyKind>)> {
    let spacing = match min_spacing {
        Some(0) => {
            let message = "a spacing of 0 seconds limits nothing";
            return Err(LoadError::invalid(format!("{path}.min_spacing"), message));
        }
        Some(seconds) => Some(PolicyKind::Spacing(Spacing {
            key: format!("{key}/next").into(),
            seconds,
        })),
        None => None,
    };
    let calls = match (max_calls, period) {
        (None, None) if start.is_none() => None,
        (Some(_), Some(0)) => {
            let message = "a period of 0 seconds would never end";
            return Err(LoadError::invalid(format!("{path}.period"), message));
        }
        (Some(calls), Some(period)) => Some(PolicyKind::UsageLimit(Limit {
            window: Some(Window {
                period,
                start: start.unwrap_or(0),
            }),
            ..Limit::new(key, calls.0)
        })),
        _ => {
            let message = "`max_calls` needs a `period` (and an optional `start`)";
            return Err(LoadError::invalid(path, message));
        }
    };
    if spacing.is_none() && calls.is_none() {
        let message = "a rate limit takes `min_spacing`, or `max_calls` with `period`, or both";
        return Err(LoadError::invalid(path, message));
    }
    Ok((spacing, calls))
}
