//! The loading face: text in, checked values out. A session document of any format is read by
//! one loader that sniffs its `"format"`; a ledger reads as JSON too. Every error names the field
//! at fault, and a key given twice in any object is an error.

mod ledger;

use crate::compiled::Session;
use crate::document::{self, LoadError, SessionDocument};
use crate::formats::{FORMATS, biconomy, smart_sessions, thirdweb};
use alloc::format;
use serde::Deserialize;
use serde::de::DeserializeOwned;

impl Session {
    /// Parses and compiles a session document from JSON. Errors name the path of the field at
    /// fault, e.g. `actions[2].rules[0].value: …`. The document's `"format"` picks the loader:
    /// native when absent, or one of [`FORMATS`](crate::formats::FORMATS).
    ///
    /// ```
    /// use sessiongate::Session;
    /// let e = Session::from_json(r#"{"actions": [{"target": "0x12", "selector": "native"}]}"#)
    ///     .unwrap_err();
    /// assert!(e.to_string().starts_with("actions[0].target: `0x12` is not an address"));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        load(&Source::Text(text))
    }

    /// Compiles a session from an already parsed JSON value. The value has already kept only the
    /// last of any repeated key: load the text with [`from_json`](Self::from_json) to have
    /// repeats refused.
    pub fn from_value(value: serde_json::Value) -> Result<Self, LoadError> {
        load(&Source::Value(value))
    }

    /// Validates a native document and builds the compiled session.
    pub fn compile(doc: &SessionDocument) -> Result<Self, LoadError> {
        document::compile(doc)
    }
}

/// Where a document comes from.
enum Source<'a> {
    Text(&'a str),
    Value(serde_json::Value),
}

impl Source<'_> {
    /// The document as `T`: from the text itself (never through a JSON value, so repeated keys
    /// are refused), or from the value.
    fn parse<T: DeserializeOwned>(&self) -> Result<T, LoadError> {
        Ok(match self {
            Self::Text(text) => document::from_json_text(text)?,
            Self::Value(value) => document::from_json_value(value.clone())?,
        })
    }
}

/// Only the `format` field; everything else is read by the format's own loader.
#[derive(Deserialize)]
struct Peek {
    #[serde(default)]
    format: Option<serde_json::Value>,
}

/// The one loader: sniffs the format, then reads the document as that format's shape.
fn load(source: &Source<'_>) -> Result<Session, LoadError> {
    let format = match source {
        // Sniffed without the duplicate-key walk, which the typed parse runs anyway; a text
        // that does not even peek takes the full path, for the same error.
        Source::Text(text) => match serde_json::from_str::<Peek>(text) {
            Ok(peek) => peek.format,
            Err(_) => source.parse::<Peek>()?.format,
        },
        Source::Value(value) => value.get("format").cloned(),
    };
    match loader(format.as_ref())? {
        "sessiongate" => Session::compile(&source.parse()?),
        "smart-sessions" => smart_sessions::compile_sdk(&source.parse()?),
        "smart-sessions-onchain" => smart_sessions::compile_onchain(&source.parse()?),
        "thirdweb" => thirdweb::compile(&source.parse()?),
        "biconomy-abi-svm" => biconomy::compile_abi(&source.parse()?),
        "biconomy-erc20-svm" => biconomy::compile_erc20(&source.parse()?),
        // A name in FORMATS without a loader: a bug, reported rather than loaded as another.
        other => Err(LoadError::invalid(
            "format",
            format!("`{other}` has no loader in this build"),
        )),
    }
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
