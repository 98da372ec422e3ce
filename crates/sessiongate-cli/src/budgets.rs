//! `sessiongate budgets`: every budget of a session against a ledger — what is used and left
//! now, and when it next grows — as a wallet would show it before the next call.

use crate::check::load_ledger;
use crate::error::{CliError, read_text};
use clap::Args;
use sessiongate::{MemoryLedger, Session};
use std::io::{self, Write};
use std::path::PathBuf;

/// Arguments of `sessiongate budgets`.
#[derive(Debug, Args)]
pub(crate) struct BudgetsArgs {
    /// The session document.
    #[arg(long, value_name = "FILE")]
    session: PathBuf,
    /// Usage so far (as `check --commit` writes it); none used when absent.
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// Unix time in seconds; the system clock when absent.
    #[arg(long)]
    now: Option<u64>,
}

/// Prints the session's budgets as JSON.
pub(crate) fn run(args: &BudgetsArgs) -> Result<(), CliError> {
    let session = Session::from_json(&read_text(&args.session)?)
        .map_err(|e| CliError::load(&args.session, e))?;
    let ledger = match &args.ledger {
        Some(path) => load_ledger(path)?,
        None => MemoryLedger::new(),
    };
    let now = args.now.unwrap_or_else(crate::check::system_now);
    // A memory ledger always answers.
    let budgets = session
        .budgets(&ledger, now)
        .map_err(|e| CliError::Other(e.to_string()))?;
    let json = serde_json::to_string_pretty(&budgets)
        .map_err(|e| CliError::Other(format!("cannot print the budgets: {e}")))?;
    let _ = writeln!(io::stdout().lock(), "{json}");
    Ok(())
}
