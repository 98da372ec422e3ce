//! Input errors of the command line: each names the file (or flag) at fault, then what is wrong,
//! so `error: session.json: actions[0].selector: …` points straight at the field.

use sessiongate::LoadError;
use std::{io, path::Path};

/// Why a command could not run on its input.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// A file could not be read or written.
    #[error("{file}: {source}")]
    Io {
        /// The file, as given on the command line.
        file: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A file was read but its content is not valid; the core error carries the field path.
    #[error("{file}: {source}")]
    Load {
        /// The file, as given on the command line.
        file: String,
        /// The core's reason, with the path of the field at fault.
        source: LoadError,
    },
    /// A flag and a file name different values for one fact, e.g. `--chain-id` and the
    /// transaction's `chainId`: a verdict for either could be wrong, so neither wins.
    #[error("{file}: {field} is {found}, but {flag} is {given}; they must agree")]
    Conflict {
        /// The file, as given on the command line.
        file: String,
        /// The field of the file, e.g. `chainId`.
        field: &'static str,
        /// The file's value.
        found: String,
        /// The flag, e.g. `--chain-id`.
        flag: &'static str,
        /// The flag's value.
        given: String,
    },
    /// Something that is not a file's content: a verdict that cannot be printed, effects that
    /// cannot be applied.
    #[error("{0}")]
    Other(String),
}

impl CliError {
    /// An I/O failure on `path`.
    pub(crate) fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            file: path.display().to_string(),
            source,
        }
    }

    /// A content error in `path`.
    pub(crate) fn load(path: &Path, source: impl Into<LoadError>) -> Self {
        Self::Load {
            file: path.display().to_string(),
            source: source.into(),
        }
    }
}

/// `given` (a flag's value) or else `found` (a file's), refusing the two when they differ.
pub(crate) fn agree<T: PartialEq + std::fmt::Display>(
    file: &Path,
    field: &'static str,
    found: Option<T>,
    flag: &'static str,
    given: Option<T>,
) -> Result<Option<T>, CliError> {
    sessiongate::transaction::agree(found, given).map_err(|d| CliError::Conflict {
        file: file.display().to_string(),
        field,
        found: d.found.to_string(),
        flag,
        given: d.given.to_string(),
    })
}

/// Reads a whole file as text.
pub(crate) fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))
}
