//! Importers for the session formats of the systems people already run. Each one loads its own
//! JSON shape and compiles it onto the engine with the exact semantics of its contracts.

pub mod biconomy;
pub mod smart_sessions;
pub mod thirdweb;

use crate::document::{self, LoadError};
use crate::session::Session;
use alloc::format;
use serde::Deserialize;

/// The formats a session document may declare in `"format"`.
pub const FORMATS: &[&str] = &[
    "sessiongate",
    "smart-sessions",
    "smart-sessions-onchain",
    "thirdweb",
    "biconomy-abi-svm",
    "biconomy-erc20-svm",
];

/// Only the `format` field; everything else is read by the format's own loader.
#[derive(Deserialize)]
struct Peek {
    #[serde(default)]
    format: Option<serde_json::Value>,
}

/// Which loader a document needs.
fn loader(format: Option<&serde_json::Value>) -> Result<&str, LoadError> {
    match format {
        None => Ok("sessiongate"),
        Some(serde_json::Value::String(name)) if FORMATS.contains(&name.as_str()) => Ok(name),
        Some(other) => Err(LoadError::invalid(
            "format",
            format!(
                "{other} is not a known format; the formats are {}",
                FORMATS.join(", ")
            ),
        )),
    }
}

/// Loads a session document of any format from JSON text. The text is read itself, never through
/// a JSON value, and a key given twice in any object is an error.
pub fn load_json(text: &str) -> Result<Session, LoadError> {
    let peek: Peek = document::from_json_text(text)?;
    match loader(peek.format.as_ref())? {
        "sessiongate" => Session::compile(&document::from_json_text(text)?),
        "smart-sessions" => smart_sessions::compile_sdk(&document::from_json_text(text)?),
        "smart-sessions-onchain" => {
            smart_sessions::compile_onchain(&document::from_json_text(text)?)
        }
        "thirdweb" => thirdweb::compile(&document::from_json_text(text)?),
        "biconomy-abi-svm" => abi_svm(&document::from_json_text(text)?),
        "biconomy-erc20-svm" => erc20_svm(&document::from_json_text(text)?),
        other => Err(unsupported(other)),
    }
}

/// Loads a session document of any format from a parsed JSON value. The value has already kept
/// only the last of any repeated key: load the text with [`load_json`] to have repeats refused.
pub fn load_value(value: serde_json::Value) -> Result<Session, LoadError> {
    let format = value.get("format").cloned();
    match loader(format.as_ref())? {
        "sessiongate" => Session::compile(&document::from_json_value(value)?),
        "smart-sessions" => smart_sessions::compile_sdk(&document::from_json_value(value)?),
        "smart-sessions-onchain" => {
            smart_sessions::compile_onchain(&document::from_json_value(value)?)
        }
        "thirdweb" => thirdweb::compile(&document::from_json_value(value)?),
        "biconomy-abi-svm" => abi_svm(&document::from_json_value(value)?),
        "biconomy-erc20-svm" => erc20_svm(&document::from_json_value(value)?),
        other => Err(unsupported(other)),
    }
}

/// A Biconomy ABI session, with the importer's warnings attached.
fn abi_svm(doc: &biconomy::document::AbiSvmDocument) -> Result<Session, LoadError> {
    let mut session = biconomy::compile_abi(doc)?;
    session.warnings = biconomy::abi_warnings(doc).into();
    Ok(session)
}

/// A Biconomy ERC-20 session, with the importer's warnings attached.
fn erc20_svm(doc: &biconomy::document::Erc20SvmDocument) -> Result<Session, LoadError> {
    let mut session = biconomy::compile_erc20(doc)?;
    session.warnings = biconomy::erc20_warnings(doc).into();
    Ok(session)
}

/// A name in [`FORMATS`] without a loader: a bug, reported rather than loaded as another format.
fn unsupported(format: &str) -> LoadError {
    LoadError::invalid("format", format!("`{format}` has no loader in this build"))
}
