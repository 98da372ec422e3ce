//! Biconomy leaves compiled into a native document: one action per leaf (the native actions are
//! alternatives, as leaves are), the leaf's time bounds under the EntryPoint v0.6 rule as the
//! action's time window.
//!
//! The native document cannot say "this action never allows". A leaf the module reverts on for
//! every call (header too short, an unknown condition code, `rulesCount` past the encoded rules,
//! bounds the EntryPoint never validates) gets a rule no word can pass: `uint256 < 0`.

// Public to tests and fuzzing under `test-util`; crate-internal otherwise.
#![cfg_attr(not(feature = "test-util"), allow(unreachable_pub))]

use super::document::{AbiLeaf, AbiSvmDocument, Erc20Leaf, Erc20SvmDocument};
use super::packed::{AbiRule, AbiSessionKeyData, Erc20SessionKeyData};
use crate::compiled::Session;
use crate::document::{
    self, ActionDocument, Condition, LoadError, PolicyDocument, Quantity, RuleDocument, RuleValue,
    Scalar, SessionDocument, Target,
};
use alloc::{format, string::String, vec, vec::Vec};
use alloy_primitives::{B256, Bytes, U256};

type Result<T> = core::result::Result<T, LoadError>;

/// The largest uint48: the EntryPoint's `validUntil` when the leaf says 0.
pub const UINT48_MAX: u64 = (1 << 48) - 1;

/// What the EntryPoint v0.6 makes of a leaf's `(validUntil, validAfter)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeBounds {
    /// Both zero: validationData is 0 and the EntryPoint checks no time.
    Unbounded,
    /// `valid_after <= now <= valid_until`, `validUntil` 0 read as 2^48-1.
    Window {
        /// First valid second.
        valid_after: u64,
        /// Last valid second.
        valid_until: u64,
    },
    /// `validAfter > validUntil != 0`: no second is valid.
    Never,
}

impl TimeBounds {
    /// Applies `_getValidationData` / `_parseValidationData` of EntryPoint v0.6.
    pub fn of(valid_until: u64, valid_after: u64) -> Self {
        if valid_until == 0 && valid_after == 0 {
            return Self::Unbounded;
        }
        let valid_until = if valid_until == 0 {
            UINT48_MAX
        } else {
            valid_until
        };
        if valid_after > valid_until {
            return Self::Never;
        }
        Self::Window {
            valid_after,
            valid_until,
        }
    }
}

/// The leaf's bounds, refused when they do not fit the leaf's uint48s.
fn bounds(valid_until: u64, valid_after: u64, path: &str) -> Result<TimeBounds> {
    for (field, value) in [("validUntil", valid_until), ("validAfter", valid_after)] {
        if value > UINT48_MAX {
            let message = format!("{value} does not fit the leaf's uint48 (max {UINT48_MAX})");
            return Err(LoadError::invalid(format!("{path}.{field}"), message));
        }
    }
    Ok(TimeBounds::of(valid_until, valid_after))
}

/// Refuses readable fields beside `sessionKeyData`.
fn exclusive(path: &str, present: &[(&str, bool)]) -> Result<()> {
    match present.iter().find(|(_, set)| *set) {
        Some((field, _)) => Err(LoadError::invalid(
            format!("{path}.{field}"),
            "give sessionKeyData or the readable fields, not both",
        )),
        None => Ok(()),
    }
}

fn required<T: Copy>(value: Option<T>, path: &str, field: &str) -> Result<T> {
    value.ok_or_else(|| {
        LoadError::invalid(
            format!("{path}.{field}"),
            "missing: a leaf needs sessionKeyData or every readable field",
        )
    })
}

/// The `sessionKeyData` bytes of an ABI SVM leaf, encoding the readable fields when given.
pub fn abi_leaf_data(leaf: &AbiLeaf, path: &str) -> Result<Bytes> {
    if let Some(data) = &leaf.session_key_data {
        exclusive(
            path,
            &[
                ("sessionKey", leaf.session_key.is_some()),
                ("destination", leaf.destination.is_some()),
                ("selector", leaf.selector.is_some()),
                ("valueLimit", leaf.value_limit.is_some()),
                ("rulesCount", leaf.rules_count.is_some()),
                ("rules", leaf.rules.is_some()),
            ],
        )?;
        return Ok(data.clone());
    }
    let value_limit = required(leaf.value_limit, path, "valueLimit")?;
    let value_limit = u128::try_from(value_limit.0).map_err(|_| {
        LoadError::invalid(
            format!("{path}.valueLimit"),
            format!("{value_limit} does not fit the module's uint128"),
        )
    })?;
    let rules: Vec<AbiRule> = leaf
        .rules
        .iter()
        .flatten()
        .map(|r| AbiRule {
            offset: r.offset,
            condition: r.condition.0,
            reference: B256::from(r.reference_value.0),
        })
        .collect();
    let rules_count = match leaf.rules_count {
        Some(count) => count,
        None => u16::try_from(rules.len()).map_err(|_| {
            let message = format!("{} rules; rulesCount is a uint16", rules.len());
            LoadError::invalid(format!("{path}.rules"), message)
        })?,
    };
    let data = AbiSessionKeyData {
        session_key: required(leaf.session_key, path, "sessionKey")?,
        destination: required(leaf.destination, path, "destination")?,
        selector: required(leaf.selector, path, "selector")?,
        value_limit,
        rules_count,
        rules,
        trailing: Bytes::new(),
    };
    Ok(data.encode().into())
}

/// The `sessionKeyData` bytes of an ERC20 SVM leaf, encoding the readable fields when given.
pub fn erc20_leaf_data(leaf: &Erc20Leaf, path: &str) -> Result<Bytes> {
    if let Some(data) = &leaf.session_key_data {
        exclusive(
            path,
            &[
                ("sessionKey", leaf.session_key.is_some()),
                ("token", leaf.token.is_some()),
                ("recipient", leaf.recipient.is_some()),
                ("maxAmount", leaf.max_amount.is_some()),
            ],
        )?;
        return Ok(data.clone());
    }
    let data = Erc20SessionKeyData {
        session_key: required(leaf.session_key, path, "sessionKey")?,
        token: required(leaf.token, path, "token")?,
        recipient: required(leaf.recipient, path, "recipient")?,
        max_amount: required(leaf.max_amount, path, "maxAmount")?.0,
    };
    Ok(data.encode().into())
}

#[cfg(feature = "test-util")]
/// The same document with every leaf given as `sessionKeyData` bytes.
pub fn abi_packed_form(doc: &AbiSvmDocument) -> Result<AbiSvmDocument> {
    let sessions = doc
        .sessions
        .iter()
        .enumerate()
        .map(|(i, leaf)| {
            Ok(AbiLeaf {
                valid_until: leaf.valid_until,
                valid_after: leaf.valid_after,
                session_key_data: Some(abi_leaf_data(leaf, &format!("sessions[{i}]"))?),
                ..AbiLeaf::default()
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(AbiSvmDocument {
        sessions,
        ..doc.clone()
    })
}

#[cfg(feature = "test-util")]
/// The same document with every leaf given as `sessionKeyData` bytes.
pub fn erc20_packed_form(doc: &Erc20SvmDocument) -> Result<Erc20SvmDocument> {
    let sessions = doc
        .sessions
        .iter()
        .enumerate()
        .map(|(i, leaf)| {
            Ok(Erc20Leaf {
                valid_until: leaf.valid_until,
                valid_after: leaf.valid_after,
                session_key_data: Some(erc20_leaf_data(leaf, &format!("sessions[{i}]"))?),
                ..Erc20Leaf::default()
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Erc20SvmDocument {
        sessions,
        ..doc.clone()
    })
}

/// A rule no 32-byte word passes; it also fails when the word is not in the calldata.
fn never(offset: u16) -> RuleDocument {
    raw_rule(offset, "uint256", Condition::Lt, Scalar::Int(0))
}

fn raw_rule(offset: u16, ty: &str, condition: Condition, value: Scalar) -> RuleDocument {
    RuleDocument {
        param: None,
        offset: Some(offset.into()),
        ty: Some(ty.into()),
        condition: Some(condition),
        value: Some(RuleValue::One(value)),
        ..RuleDocument::default()
    }
}

fn hex_word(word: U256) -> Scalar {
    Scalar::Text(format!("{word:#x}"))
}

/// The module's condition codes 0 to 5 in the engine's terms.
fn condition(code: u8) -> Option<Condition> {
    Some(match code {
        0 => Condition::Eq,
        1 => Condition::Lte,
        2 => Condition::Lt,
        3 => Condition::Gte,
        4 => Condition::Gt,
        5 => Condition::Ne,
        _ => return None,
    })
}

/// The counted rules in order, stopping at the first one that fails every call: an unknown code,
/// or a rule past the encoded ones (the module's slice reverts).
fn abi_rules(data: &AbiSessionKeyData) -> Vec<RuleDocument> {
    let mut rules = Vec::new();
    for k in 0..usize::from(data.rules_count) {
        let Some(rule) = data.rules.get(k) else {
            rules.push(never(0));
            break;
        };
        match condition(rule.condition) {
            Some(c) => rules.push(raw_rule(
                rule.offset,
                "uint256",
                c,
                hex_word(rule.reference.into()),
            )),
            None => {
                rules.push(never(rule.offset));
                break;
            }
        }
    }
    rules
}

/// The leaf's time window as an action policy; a never-valid leaf gets a failing rule instead.
fn time_policy(time: TimeBounds, rules: &mut Vec<RuleDocument>) -> Option<PolicyDocument> {
    match time {
        TimeBounds::Unbounded => None,
        TimeBounds::Never => {
            rules.push(never(0));
            None
        }
        TimeBounds::Window {
            valid_after,
            valid_until,
        } => Some(PolicyDocument::TimeWindow {
            valid_after: (valid_after > 0).then_some(valid_after),
            valid_until: Some(valid_until),
        }),
    }
}

/// An action that matches every call and allows none: a leaf whose data makes the module revert.
fn reverting(name: String) -> ActionDocument {
    ActionDocument {
        name: Some(name),
        target: Target::Any,
        selector: "*".into(),
        rules: vec![never(0)],
        policies: Vec::new(),
        nested: None,
    }
}

fn abi_action(name: String, data: &[u8], time: TimeBounds) -> ActionDocument {
    let Ok(data) = AbiSessionKeyData::decode(data) else {
        return reverting(name);
    };
    let mut rules = abi_rules(&data);
    let mut policies = vec![PolicyDocument::MaxValue {
        limit: Quantity(U256::from(data.value_limit)),
    }];
    policies.extend(time_policy(time, &mut rules));
    ActionDocument {
        name: Some(name),
        target: Target::Address(data.destination),
        selector: format!("{}", data.selector),
        rules,
        policies,
        nested: None,
    }
}

fn erc20_action(name: String, data: &[u8], time: TimeBounds) -> ActionDocument {
    let Ok(data) = Erc20SessionKeyData::decode(data) else {
        return reverting(name);
    };
    // `abi.decode(data[4:], (address, uint256))`: any selector, a clean address word, 68 bytes.
    let recipient = Scalar::Text(format!("{}", data.recipient));
    let mut rules = vec![
        raw_rule(0, "address", Condition::Eq, recipient),
        raw_rule(32, "uint256", Condition::Lte, hex_word(data.max_amount)),
    ];
    let mut policies = vec![PolicyDocument::MaxValue {
        limit: Quantity(U256::ZERO),
    }];
    policies.extend(time_policy(time, &mut rules));
    ActionDocument {
        name: Some(name),
        target: Target::Address(data.token),
        selector: "*".into(),
        rules,
        policies,
        nested: None,
    }
}

fn no_leaves() -> LoadError {
    LoadError::invalid("sessions", "no leaves: the session allows nothing")
}

/// The native document an ABI SVM session compiles to: one action per leaf, named `leaf-<i>`.
pub fn abi_to_native(doc: &AbiSvmDocument) -> Result<SessionDocument> {
    if doc.sessions.is_empty() {
        return Err(no_leaves());
    }
    let mut actions = Vec::with_capacity(doc.sessions.len());
    for (i, leaf) in doc.sessions.iter().enumerate() {
        let path = format!("sessions[{i}]");
        let time = bounds(leaf.valid_until, leaf.valid_after, &path)?;
        let data = abi_leaf_data(leaf, &path)?;
        actions.push(abi_action(format!("leaf-{i}"), &data, time));
    }
    Ok(native(
        doc.name.clone(),
        doc.description.clone(),
        doc.chain_id,
        actions,
    ))
}

/// The native document an ERC20 SVM session compiles to: one action per leaf, named `leaf-<i>`.
pub fn erc20_to_native(doc: &Erc20SvmDocument) -> Result<SessionDocument> {
    if doc.sessions.is_empty() {
        return Err(no_leaves());
    }
    let mut actions = Vec::with_capacity(doc.sessions.len());
    for (i, leaf) in doc.sessions.iter().enumerate() {
        let path = format!("sessions[{i}]");
        let time = bounds(leaf.valid_until, leaf.valid_after, &path)?;
        let data = erc20_leaf_data(leaf, &path)?;
        actions.push(erc20_action(format!("leaf-{i}"), &data, time));
    }
    Ok(native(
        doc.name.clone(),
        doc.description.clone(),
        doc.chain_id,
        actions,
    ))
}

fn native(
    name: Option<String>,
    description: Option<String>,
    chain_id: Option<u64>,
    actions: Vec<ActionDocument>,
) -> SessionDocument {
    SessionDocument {
        budgets: Default::default(),
        format: None,
        name,
        description,
        chain_id,
        policies: Vec::new(),
        actions,
    }
}

/// Compiles an ABI SVM session, with the importer's warnings.
pub fn compile_abi(doc: &AbiSvmDocument) -> Result<Session> {
    let session = single_execute(&abi_to_native(doc)?, super::abi_warnings(doc))?;
    document::fingerprinted(session, "biconomy-abi-svm", doc)
}

/// Compiles an ERC20 SVM session, with the importer's warnings.
pub fn compile_erc20(doc: &Erc20SvmDocument) -> Result<Session> {
    let session = single_execute(&erc20_to_native(doc)?, super::erc20_warnings(doc))?;
    document::fingerprinted(session, "biconomy-erc20-svm", doc)
}

/// Both modules' `validateSessionUserOp` read only the Biconomy account's `execute` and
/// `execute_ncC` (one call); any other account calldata reverts "Not Execute Selector".
fn single_execute(native: &SessionDocument, warnings: Vec<String>) -> Result<Session> {
    let mut parts = document::compile_parts(native)?;
    parts.account_kind = Some(crate::account::AccountKind::Biconomy);
    parts.account_selectors = Some(&[[0xb6, 0x1d, 0x27, 0xf6], [0x00, 0x00, 0x18, 0x9a]]);
    parts.warnings = warnings.into();
    Ok(Session::new(parts)?)
}
