use super::unique::Refused;
use crate::compiled::{MAX_ALTERNATIVES, ModelError};
use alloc::string::{String, ToString};
use core::fmt;

/// Why a session document could not be loaded. Messages follow one shape: the path of the field
/// at fault, a colon, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The text is not JSON, or not of the document's shape.
    #[error(transparent)]
    Json(#[from] JsonError),
    /// The JSON has the right shape, but a value in it is wrong.
    #[error(transparent)]
    Invalid(#[from] InvalidField),
}

impl LoadError {
    /// The path of the field at fault, e.g. `actions[2].rules[0].value`; empty for the whole document.
    pub fn path(&self) -> &str {
        match self {
            Self::Json(e) => &e.path,
            Self::Invalid(e) => &e.path,
        }
    }

    /// The same error with its path placed under `prefix`, for a document nested in another one
    /// (a scenario's `session`): `actions[0]` becomes `session.actions[0]`.
    pub fn within(self, prefix: &str) -> Self {
        let nest = |path: String| match path.as_str() {
            "" | "." => prefix.to_string(),
            inner if inner.starts_with('[') => alloc::format!("{prefix}{inner}"),
            inner => alloc::format!("{prefix}.{inner}"),
        };
        match self {
            Self::Json(e) => Self::Json(JsonError {
                path: nest(e.path),
                ..e
            }),
            Self::Invalid(e) => Self::Invalid(InvalidField {
                path: nest(e.path),
                ..e
            }),
        }
    }

    pub(crate) fn invalid(path: impl Into<String>, message: impl fmt::Display) -> Self {
        Self::Invalid(InvalidField {
            path: path.into(),
            message: message.to_string(),
        })
    }
}

/// Malformed JSON, or JSON that does not fit the document: a missing or unknown field, a wrong type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    path: String,
    message: String,
    line: usize,
    column: usize,
}

impl JsonError {
    /// Builds one from serde_json's error and the path where it happened (`""` if unknown).
    pub fn new(path: impl Into<String>, error: &serde_json::Error) -> Self {
        let full = error.to_string();
        // serde_json appends " at line L column C"; we report those separately.
        let message = match full.rfind(" at line ") {
            Some(at) if error.line() > 0 => full.get(..at).unwrap_or(&full).to_string(),
            _ => full,
        };
        // serde_path_to_error names the document root `.`; we name it with the empty path.
        let path = path.into();
        let path = if path == "." { String::new() } else { path };
        Self {
            path,
            message,
            line: error.line(),
            column: error.column(),
        }
    }

    /// The field path, e.g. `actions[0].target`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// 1-based line of the error in the text; 0 when not known.
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

impl core::error::Error for JsonError {}

/// A value that parsed as JSON but means nothing valid, with the path of its field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct InvalidField {
    path: String,
    message: String,
}

impl InvalidField {
    /// The field path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Deserializes `T` from JSON text, reporting the path of the field at fault where std allows.
/// A key repeated within any object is an error, naming the key and the object's path.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    match super::unique::refuse_duplicate_keys(text) {
        Ok(()) => parse(text),
        Err(Refused::Duplicate(e)) => Err(e),
        // The typed parse names the field at fault better; should it pass, the walk's error stands.
        Err(Refused::NotJson(e)) => parse::<T>(text).and(Err(e)),
    }
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    #[cfg(feature = "std")]
    {
        // Tracking the path allocates a segment per key read: only a document that fails pays
        // for it, parsed a second time to name the field at fault.
        if let Ok(value) = serde_json::from_str(text) {
            return Ok(value);
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let value = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| JsonError::new(e.path().to_string(), e.inner()))?;
        // Trailing characters after the document are an error too.
        de.end().map_err(|e| JsonError::new("", &e))?;
        Ok(value)
    }
    #[cfg(not(feature = "std"))]
    {
        serde_json::from_str(text).map_err(|e| JsonError::new("", &e))
    }
}

/// Deserializes `T` from a JSON value, reporting the path where std allows.
pub(crate) fn from_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, JsonError> {
    #[cfg(feature = "std")]
    {
        serde_path_to_error::deserialize(value)
            .map_err(|e| JsonError::new(e.path().to_string(), e.inner()))
    }
    #[cfg(not(feature = "std"))]
    {
        serde_json::from_value(value).map_err(|e| JsonError::new("", &e))
    }
}

impl From<ModelError> for LoadError {
    fn from(error: ModelError) -> Self {
        match error {
            ModelError::TooManyActions => Self::invalid("actions", "too many actions"),
            ModelError::TooManyAlternatives { action } => Self::invalid(
                alloc::format!("actions[{action}]"),
                alloc::format!(
                    "more than {MAX_ALTERNATIVES} actions have this action's target and \
                     selector; each is tried on every call they match: merge them with `any` \
                     rule trees"
                ),
            ),
            ModelError::AmbiguousCounter { id } => Self::invalid(
                "",
                alloc::format!(
                    "the ledger counter `{id}` ends in `@` and digits, as a window's counter \
                     does: rename the budget"
                ),
            ),
        }
    }
}
