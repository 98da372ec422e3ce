//! Validation of a native document into a [`Session`]: every error carries the path of its field.

use super::{
    ActionDocument, Condition, LoadError, ParamRef, PolicyDocument, RuleDocument, RuleValue,
    Scalar, SessionDocument, parse_u256,
};
use crate::calldata::{Selector, Signature, WordType};
use crate::index::ActionIndex;
use crate::limits::{Limit, Policy, PolicyKind};
use crate::rules::{Check, Rule};
use crate::session::{Action, Dispatch, SelectorMatch, Session};
use alloc::{
    boxed::Box,
    format,
    string::{String, ToString},
    vec::Vec,
};
use alloy_primitives::{I256, U256, hex, map::HashMap};

/// Raw offsets beyond this are refused: no calldata is that long, and it keeps `4 + offset`
/// far from overflow on every target.
const MAX_OFFSET: u64 = 1 << 24;
/// `one_of` sets beyond this are refused: a linear scan stays fast.
const MAX_ONE_OF: usize = 256;

type Result<T> = core::result::Result<T, LoadError>;

pub(crate) fn compile(doc: &SessionDocument) -> Result<Session> {
    if doc.actions.is_empty() {
        return Err(LoadError::invalid(
            "actions",
            "the session has no actions, so it allows nothing",
        ));
    }
    let policies = policies(&doc.policies, "policies", "session")?;
    let mut actions = Vec::with_capacity(doc.actions.len());
    let mut names: HashMap<&str, usize> = HashMap::default();
    for (i, action_doc) in doc.actions.iter().enumerate() {
        if let Some(name) = &action_doc.name
            && let Some(first) = names.insert(name.as_str(), i)
        {
            let message = format!("`{name}` is already the name of actions[{first}]");
            return Err(LoadError::invalid(format!("actions[{i}].name"), message));
        }
        actions.push(action(i, action_doc)?);
    }
    let index = ActionIndex::build(&actions)?;
    Ok(Session {
        name: doc.name.as_deref().map(Box::from),
        chain_id: doc.chain_id,
        policies,
        tx_policies: Box::default(),
        actions: actions.into(),
        index,
        account_kind: None,
        warnings: Box::default(),
        account_selectors: None,
        dispatch: Dispatch::Alternatives,
    })
}

fn action(i: usize, doc: &ActionDocument) -> Result<Action> {
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
    if doc.rules.is_empty() && doc.policies.is_empty() {
        return Err(LoadError::invalid(
            path,
            "an action with no rules and no policies allows nothing; \
             add {\"type\": \"sudo\"} to allow every call it matches",
        ));
    }
    let rules = doc
        .rules
        .iter()
        .enumerate()
        .map(|(r, rule_doc)| rule(&path, &key_scope, r, rule_doc, selector, signature.as_ref()))
        .collect::<Result<Vec<_>>>()?;
    let policies = policies(&doc.policies, &format!("{path}.policies"), &key_scope)?;
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
    Ok(Action {
        label,
        target: doc.target,
        selector,
        min_len,
        head,
        rules: rules.into(),
        policies,
    })
}

/// Names become ledger keys, so they are kept to characters that need no escaping.
fn check_name(name: &str) -> core::result::Result<(), String> {
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

/// Where a rule reads: byte offset after the selector, the word's type, and its label.
struct Slot {
    offset: usize,
    ty: WordType,
    label: String,
    /// The action's signature head check already validates this word.
    in_head: bool,
}

fn rule(
    action_path: &str,
    key_scope: &str,
    r: usize,
    doc: &RuleDocument,
    selector: SelectorMatch,
    signature: Option<&Signature>,
) -> Result<Rule> {
    let path = format!("{action_path}.rules[{r}]");
    let at = |field: &str| format!("{path}.{field}");
    if selector == SelectorMatch::Native {
        return Err(LoadError::invalid(
            path,
            "a native transfer has no calldata for rules to read",
        ));
    }
    let slot = slot(doc, signature).map_err(|(field, m)| LoadError::invalid(at(field), m))?;
    let check = check(doc, slot.ty).map_err(|m| LoadError::invalid(at("value"), m))?;
    let budget = match &doc.budget {
        Some(_) if !matches!(slot.ty, WordType::Uint(_)) => {
            let message = format!(
                "a budget sums the parameter, so it must be unsigned, not {}",
                slot.ty
            );
            return Err(LoadError::invalid(at("budget"), message));
        }
        Some(cap) => Some(Limit::new(format!("{key_scope}/rules[{r}]"), cap.0)),
        None => None,
    };
    Ok(Rule {
        path: path.as_str().into(),
        param: slot.label.as_str().into(),
        at: slot.offset.saturating_add(4),
        ty: slot.ty,
        validate: !slot.in_head && !slot.ty.accepts_any_word(),
        check,
        budget,
    })
}

/// Resolves a rule's parameter reference; errors name the field (`param`, `offset`, `type`).
fn slot(
    doc: &RuleDocument,
    signature: Option<&Signature>,
) -> core::result::Result<Slot, (&'static str, String)> {
    let raw_type = || match &doc.ty {
        None => Ok(WordType::Uint(256)),
        Some(name) => WordType::parse(name).ok_or_else(|| {
            (
                "type",
                format!("`{name}` is not an elementary static ABI type such as uint256 or address"),
            )
        }),
    };
    match (&doc.param, doc.offset) {
        (Some(_), Some(_)) => Err(("offset", "give `param` or `offset`, not both".into())),
        (None, None) => Err((
            "param",
            "a rule needs `param` (name or index) or `offset`".into(),
        )),
        (None, Some(offset)) if offset > MAX_OFFSET => Err((
            "offset",
            format!("offset {offset} is beyond any calldata (max {MAX_OFFSET})"),
        )),
        (None, Some(offset)) => Ok(Slot {
            offset: usize::try_from(offset).map_err(|_| ("offset", "offset too large".into()))?,
            ty: raw_type()?,
            label: format!("offset {offset}"),
            in_head: false,
        }),
        (Some(param), None) => match signature {
            Some(sig) => signature_slot(sig, param, doc.ty.is_some()),
            None => match param {
                ParamRef::Index(i) if *i < MAX_OFFSET / 32 => Ok(Slot {
                    offset: usize::try_from(i.saturating_mul(32)).unwrap_or(usize::MAX),
                    ty: raw_type()?,
                    label: format!("param {i}"),
                    in_head: false,
                }),
                ParamRef::Index(i) => Err(("param", format!("index {i} is too large"))),
                ParamRef::Name(name) => Err((
                    "param",
                    format!(
                        "parameter `{name}` needs a selector written as a signature with names, \
                         such as `transfer(address to, uint256 amount)`"
                    ),
                )),
            },
        },
    }
}

fn signature_slot(
    sig: &Signature,
    param: &ParamRef,
    has_type: bool,
) -> core::result::Result<Slot, (&'static str, String)> {
    if has_type {
        return Err((
            "type",
            "the signature gives the parameter's type; remove `type`".into(),
        ));
    }
    let found = match param {
        ParamRef::Name(name) => sig.param_by_name(name),
        ParamRef::Index(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| sig.params().get(i).map(|p| (i, p))),
    };
    let Some((index, p)) = found else {
        let names: Vec<String> = sig
            .params()
            .iter()
            .enumerate()
            .map(|(i, p)| p.name.clone().unwrap_or_else(|| format!("#{i}")))
            .collect();
        let wanted = match param {
            ParamRef::Name(n) => format!("no parameter named `{n}`"),
            ParamRef::Index(i) => format!("no parameter at index {i}"),
        };
        return Err((
            "param",
            format!(
                "`{}` has {wanted}; its parameters are [{}]",
                sig.canonical(),
                names.join(", ")
            ),
        ));
    };
    let Some(ty) = WordType::from_dyn(&p.ty) else {
        return Err((
            "param",
            format!(
                "parameter {} is `{}`; rules read elementary static parameters \
                 (address, bool, uintN, intN, bytesN)",
                p.name.as_deref().unwrap_or("#"),
                p.ty
            ),
        ));
    };
    let label = p.name.clone().unwrap_or_else(|| format!("param {index}"));
    Ok(Slot {
        offset: p.offset,
        ty,
        label,
        in_head: true,
    })
}

fn check(doc: &RuleDocument, ty: WordType) -> core::result::Result<Check, String> {
    let ordering = matches!(
        doc.condition,
        Condition::Gt | Condition::Gte | Condition::Lt | Condition::Lte | Condition::InRange
    );
    if ordering && !ty.is_numeric() {
        return Err(format!(
            "{:?} compares numbers, but the parameter is {ty}",
            doc.condition
        )
        .to_lowercase());
    }
    let one = || match &doc.value {
        RuleValue::One(v) => word(v, ty),
        RuleValue::Many(_) => Err("this condition takes one value, not a list".into()),
    };
    Ok(match doc.condition {
        Condition::Eq => Check::Eq(one()?),
        Condition::Ne => Check::Ne(one()?),
        Condition::Gt => Check::Gt(one()?),
        Condition::Gte => Check::Gte(one()?),
        Condition::Lt => Check::Lt(one()?),
        Condition::Lte => Check::Lte(one()?),
        Condition::InRange => {
            let RuleValue::Many(pair) = &doc.value else {
                return Err("in_range takes a list [min, max]".into());
            };
            let [lo, hi] = pair.as_slice() else {
                return Err(format!(
                    "in_range takes [min, max], not {} values",
                    pair.len()
                ));
            };
            let (lo, hi) = (word(lo, ty)?, word(hi, ty)?);
            if crate::rules::compare_words(&lo, &hi, ty.is_signed()).is_gt() {
                return Err("min is above max: no value could pass".into());
            }
            Check::InRange(lo, hi)
        }
        Condition::OneOf => {
            let RuleValue::Many(set) = &doc.value else {
                return Err("one_of takes a list of values".into());
            };
            if set.is_empty() || set.len() > MAX_ONE_OF {
                return Err(format!(
                    "one_of takes 1 to {MAX_ONE_OF} values, not {}",
                    set.len()
                ));
            }
            Check::OneOf(
                set.iter()
                    .map(|v| word(v, ty))
                    .collect::<core::result::Result<_, _>>()?,
            )
        }
    })
}

/// Encodes a reference value as the 32-byte word a valid parameter of type `ty` would be.
fn word(value: &Scalar, ty: WordType) -> core::result::Result<U256, String> {
    let encoded = match (ty, value) {
        (WordType::Bool, Scalar::Bool(b)) => U256::from(u8::from(*b)),
        (WordType::Bool, Scalar::Text(t)) if t == "true" || t == "false" => {
            U256::from(u8::from(t == "true"))
        }
        (WordType::Address, Scalar::Text(t)) => {
            let address = super::target::parse_address(t)?;
            U256::from_be_slice(address.as_slice())
        }
        (WordType::FixedBytes(len), Scalar::Text(t)) => fixed_bytes(t, len)?,
        (WordType::Uint(_), Scalar::Int(i)) => {
            U256::try_from(*i).map_err(|_| format!("{i} is negative, but the parameter is {ty}"))?
        }
        (WordType::Uint(_), Scalar::Text(t)) => parse_u256(t).map_err(|e| e.to_string())?,
        (WordType::Int(_), Scalar::Int(i)) => {
            I256::try_from(*i).map_err(|e| e.to_string())?.into_raw()
        }
        (WordType::Int(_), Scalar::Text(t)) => signed(t)?,
        (ty, value) => return Err(format!("`{value}` is not a {ty} value")),
    };
    if !ty.is_valid(&encoded) {
        return Err(format!("`{value}` is out of range for {ty}"));
    }
    Ok(encoded)
}

/// A decimal integer, optionally negative, or a 0x-hex raw two's-complement word.
fn signed(text: &str) -> core::result::Result<U256, String> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = parse_u256(digits).map_err(|e| e.to_string())?;
    if !negative {
        return Ok(magnitude);
    }
    if digits.starts_with("0x") {
        return Err(format!("`{text}`: write negative numbers in decimal"));
    }
    let magnitude = I256::checked_from_sign_and_abs(alloy_primitives::Sign::Negative, magnitude)
        .ok_or_else(|| format!("`{text}` is below the smallest int256"))?;
    Ok(magnitude.into_raw())
}

/// `bytesN` values are exactly N bytes of hex, left-aligned in the word as the ABI does.
fn fixed_bytes(text: &str, len: u8) -> core::result::Result<U256, String> {
    let bytes = hex::decode(text).map_err(|e| format!("`{text}` is not hex: {e}"))?;
    if bytes.len() != usize::from(len) || !text.starts_with("0x") {
        return Err(format!("`{text}` is not 0x and {len} bytes of hex"));
    }
    let mut word = [0u8; 32];
    for (slot, byte) in word.iter_mut().zip(bytes) {
        *slot = byte;
    }
    Ok(U256::from_be_bytes(word))
}

fn policies(docs: &[PolicyDocument], path: &str, key_scope: &str) -> Result<Box<[Policy]>> {
    docs.iter()
        .enumerate()
        .map(|(p, doc)| {
            let path = format!("{path}[{p}]");
            let key = || format!("{key_scope}/policies[{p}]").into_boxed_str();
            let kind = match doc {
                PolicyDocument::Sudo => PolicyKind::Sudo,
                PolicyDocument::TimeWindow {
                    valid_after: Some(a),
                    valid_until: Some(u),
                } if a > u => {
                    let message = format!(
                        "valid_after {a} is after valid_until {u}: no call could ever pass"
                    );
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
                PolicyDocument::ValueLimit { limit } => {
                    PolicyKind::ValueLimit(Limit::new(key(), limit.0))
                }
                PolicyDocument::UsageLimit { limit } => {
                    PolicyKind::UsageLimit(Limit::new(key(), limit.0))
                }
                PolicyDocument::SpendLimit { token, limit } => PolicyKind::SpendLimit {
                    token: *token,
                    limit: Limit::new(key(), limit.0),
                },
                PolicyDocument::Paymaster { allowed } => {
                    PolicyKind::Paymaster(allowed.clone().into())
                }
                PolicyDocument::UserOpGas { max_gas, max_cost } => PolicyKind::UserOpGas {
                    max_gas: max_gas.map(|q| q.0),
                    max_cost: max_cost.map(|q| q.0),
                },
            };
            Ok(Policy {
                path: path.as_str().into(),
                kind,
            })
        })
        .collect()
}
