//! Lint warnings: sessions that load and behave as the chain does, but not as their authors
//! likely meant. Each message starts with the path of its leaf.

// Public to tests and fuzzing under `test-util`; crate-internal otherwise.
#![cfg_attr(not(feature = "test-util"), allow(unreachable_pub))]

use super::compile::{TimeBounds, abi_leaf_data, erc20_leaf_data};
use super::document::{AbiSvmDocument, Erc20SvmDocument};
use super::packed::{AbiSessionKeyData, Erc20SessionKeyData};
use alloc::{format, string::String, vec::Vec};

/// The ERC20 SVM's unchecked selector, said once per leaf.
const ERC20_SELECTOR: &str = "the ERC20 SVM does not check the selector: any function of the \
    token whose first two arguments are (address, uint256) passes, so approve and \
    increaseAllowance to the recipient are allowed as if they were transfers, and \
    transferFrom(from, to, amount) is read as recipient = from, amount = to";

/// Warnings for an ABI SVM session. Leaves that do not load are skipped: loading reports them.
pub fn abi_warnings(doc: &AbiSvmDocument) -> Vec<String> {
    let mut out = Vec::new();
    for (i, leaf) in doc.sessions.iter().enumerate() {
        let path = format!("sessions[{i}]");
        let Ok(data) = abi_leaf_data(leaf, &path) else {
            continue;
        };
        let mut say = |message: String| out.push(format!("{path}: {message}"));
        time_warning(leaf.valid_until, leaf.valid_after, &mut say);
        match AbiSessionKeyData::decode(&data) {
            Ok(data) => abi_data_warnings(&data, &mut say),
            Err(e) => say(format!("{e}; the leaf allows nothing")),
        }
    }
    out
}

fn abi_data_warnings(data: &AbiSessionKeyData, say: &mut impl FnMut(String)) {
    let counted = usize::from(data.rules_count);
    let encoded = data.rules.len();
    for (k, rule) in data.rules.iter().enumerate().take(counted) {
        match rule.condition {
            0..=4 => {}
            5 => say(format!(
                "rules[{k}] is NOT_EQUAL, checked as the fixed module (6bed1c38) does; the ABI SVM \
                 built before commit 25a53006 let NOT_EQUAL pass every call"
            )),
            code => say(format!(
                "rules[{k}] has condition code {code}, which the module does not know: the rule \
                 fails every call, so the leaf allows nothing"
            )),
        }
    }
    if counted > encoded {
        say(format!(
            "rulesCount is {counted} but only {encoded} complete rules are encoded: reading a \
             missing rule reverts, so the leaf allows nothing"
        ));
    } else if encoded > counted {
        say(format!(
            "{} encoded rules after rulesCount ({counted}) are never read",
            encoded.saturating_sub(counted)
        ));
    }
    if !data.trailing.is_empty() {
        say(format!(
            "{} trailing bytes (not a whole 35-byte rule) are ignored",
            data.trailing.len()
        ));
    }
    if data.session_key.is_zero() {
        say("sessionKey is the zero address: no signature recovers it".into());
    }
}

fn time_warning(valid_until: u64, valid_after: u64, say: &mut impl FnMut(String)) {
    if TimeBounds::of(valid_until, valid_after) == TimeBounds::Never {
        say(format!(
            "validAfter {valid_after} is after validUntil {valid_until}: the EntryPoint never \
             validates the leaf, so it allows nothing"
        ));
    }
}

/// Warnings for an ERC20 SVM session: always the unchecked selector, once per leaf.
pub fn erc20_warnings(doc: &Erc20SvmDocument) -> Vec<String> {
    let mut out = Vec::new();
    for (i, leaf) in doc.sessions.iter().enumerate() {
        let path = format!("sessions[{i}]");
        let Ok(data) = erc20_leaf_data(leaf, &path) else {
            continue;
        };
        let mut say = |message: String| out.push(format!("{path}: {message}"));
        time_warning(leaf.valid_until, leaf.valid_after, &mut say);
        match Erc20SessionKeyData::decode(&data) {
            Ok(data) => {
                say(ERC20_SELECTOR.into());
                if data.session_key.is_zero() {
                    say("sessionKey is the zero address: no signature recovers it".into());
                }
            }
            Err(e) => say(format!("{e}; the leaf allows nothing")),
        }
    }
    out
}

#[cfg(feature = "test-util")]
/// Warnings for a session document of either Biconomy format given as JSON; empty for other
/// formats and for documents that do not parse (loading reports those).
pub fn warnings(value: &serde_json::Value) -> Vec<String> {
    let json = || value.clone();
    let found = match value.get("format").and_then(serde_json::Value::as_str) {
        Some(super::ABI_SVM) => crate::document::from_json_value(json())
            .ok()
            .map(|d| abi_warnings(&d)),
        Some(super::ERC20_SVM) => crate::document::from_json_value(json())
            .ok()
            .map(|d| erc20_warnings(&d)),
        _ => None,
    };
    found.unwrap_or_default()
}
