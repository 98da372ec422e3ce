//! Input errors of the command line: each names the file (or flag) at fault, then what is wrong,
//! so `error: session.json: actions[0].selector: …` points straight at the field.

use sessiongate::LoadError;
use std::{io, path::Path};

/// Why a command could not run on its input.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
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
    /// Something that is not a file's content: a verdict that cannot be printed, effects that
    /// cannot be applied.
    #[error("{0}")]
    Other(String),
}

impl CliError {
    /// An I/O failure on `path`.
    pub fn io(path: &Path, source: io::Error) -> Self {
        Self::Io {
            file: path.display().to_string(),
            source,
        }
    }

    /// A content error in `path`.
    pub fn load(path: &Path, source: impl Into<LoadError>) -> Self {
        Self::Load {
            file: path.display().to_string(),
            source: source.into(),
        }
    }
}

/// Whether the error's message starts with a field path (the root prints none).
/// Reads a whole file as text.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| CliError::io(path, e))
}
