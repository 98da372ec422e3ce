//! `sessiongate ids`: the identifiers Smart Sessions derives for a session (permissionId,
//! actionId per action, configId per action and for the user-operation policies), to find its
//! state on chain or compare with what a wallet enabled.

use crate::error::{CliError, read_text};
use alloy_primitives::Address;
use clap::Args;
use sessiongate::formats::smart_sessions;
use std::io::{self, Write};
use std::path::PathBuf;

/// Arguments of `sessiongate ids`.
#[derive(Debug, Args)]
pub(crate) struct IdsArgs {
    /// A session in `smart-sessions` or `smart-sessions-onchain` format; it needs
    /// `sessionValidator` (and its init data and salt, zero when absent) for the permissionId.
    #[arg(long, value_name = "FILE")]
    session: PathBuf,
    /// The smart account: config ids are per account.
    #[arg(long, value_name = "ADDRESS")]
    account: Option<Address>,
}

/// Prints the identifiers as JSON.
pub(crate) fn run(args: &IdsArgs) -> Result<(), CliError> {
    let text = read_text(&args.session)?;
    let onchain =
        smart_sessions::onchain_from_json(&text).map_err(|e| CliError::load(&args.session, e))?;
    let ids = smart_sessions::identifiers(&onchain, args.account);
    let json = serde_json::to_string_pretty(&ids)
        .map_err(|e| CliError::Other(format!("cannot print the identifiers: {e}")))?;
    let _ = writeln!(io::stdout().lock(), "{json}");
    Ok(())
}
