//! `sessiongate check`: one transaction against one session, with an optional ledger of usage
//! so far; on allow with `--commit`, the effects are written back to that ledger.

use crate::error::{CliError, agree, read_text};
use alloy_primitives::Address;
use clap::Args;
use sessiongate::account::AccountKind;
use sessiongate::{Context, MemoryLedger, Mode, Session, Transaction, UserOperation, Verdict};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Arguments of `sessiongate check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The session document, in any format (its `"format"` field says which).
    #[arg(long, value_name = "FILE")]
    session: PathBuf,
    /// The transaction (or give --user-op): `{"to","value","data"}` or `{"calls":[...]}` for an atomic batch. When `to`
    /// is the account, `data` is the account's own calldata (e.g. ERC-7579 `execute`) and is
    /// unwrapped into the calls it makes.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "user_op",
        conflicts_with = "user_op"
    )]
    tx: Option<PathBuf>,
    /// An ERC-4337 user operation in its JSON-RPC shape (v0.6 or v0.7/v0.8): its callData is
    /// unwrapped for the account kind and its calls are checked as one batch, with its sender
    /// as the account.
    #[arg(long, value_name = "FILE")]
    user_op: Option<PathBuf>,
    /// How the account encodes its calls: erc7579, simple-account, biconomy, coinbase, thirdweb,
    /// safe [default: the session's own, else detected from the selector].
    #[arg(long, value_name = "KIND")]
    account_kind: Option<AccountKind>,
    /// Usage so far, as a JSON object of counter to amount; a missing file reads as empty.
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// On allow, add the verdict's effects to the ledger file (atomically); needs --ledger.
    #[arg(long, requires = "ledger")]
    commit: bool,
    /// The time to decide at, in unix seconds [default: the system clock].
    #[arg(long, value_name = "UNIX")]
    now: Option<u64>,
    /// The chain id [default: the transaction's chainId, else 1]. A transaction that names
    /// another chain is bad input, as are calls of one batch that name different chains.
    #[arg(long, value_name = "N")]
    chain_id: Option<u64>,
    /// The smart account the session key acts for [default: the transaction's from, or the
    /// user operation's sender]. A transaction or user operation that names another is bad
    /// input, as are calls of one batch that name different senders.
    #[arg(long, value_name = "ADDRESS")]
    account: Option<Address>,
    /// Collect every violation instead of stopping at the first (same decision).
    #[arg(long)]
    explain: bool,
}

/// Loads the inputs, decides, prints the verdict (JSON on stdout, one sentence on stderr) and
/// commits the effects when asked. Returns the verdict; errors are bad input.
pub fn run(args: &CheckArgs) -> Result<Verdict<'static>, CliError> {
    let session = Session::from_json(&read_text(&args.session)?)
        .map_err(|e| CliError::load(&args.session, e))?;
    for warning in session.warnings() {
        let _ = writeln!(io::stderr().lock(), "warning: {warning}");
    }
    let mut ledger = match &args.ledger {
        Some(path) => load_ledger(path)?,
        None => MemoryLedger::new(),
    };
    let mode = match args.explain {
        true => Mode::Explain,
        false => Mode::Fast,
    };
    let verdict = match (&args.tx, &args.user_op) {
        (_, Some(path)) => {
            let op =
                UserOperation::from_json(&read_text(path)?).map_err(|e| CliError::load(path, e))?;
            let account = agree(path, "sender", Some(op.sender), "--account", args.account)?;
            let ctx = Context {
                now: args.now.unwrap_or_else(system_now),
                chain_id: args.chain_id.unwrap_or(1),
                account,
            };
            session.evaluate_user_op(&op, args.account_kind, &ledger, &ctx, mode)
        }
        (Some(path), None) => {
            let tx =
                Transaction::from_json(&read_text(path)?).map_err(|e| CliError::load(path, e))?;
            let load = |e| CliError::load(path, e);
            let chain_id = tx.chain_id().map_err(load)?;
            let from = tx.from().map_err(load)?;
            let ctx = Context {
                now: args.now.unwrap_or_else(system_now),
                chain_id: agree(path, "chainId", chain_id, "--chain-id", args.chain_id)?
                    .unwrap_or(1),
                account: agree(path, "from", from, "--account", args.account)?,
            };
            let calls = tx.as_calls();
            match calls.as_slice() {
                // A call to the account itself carries the account's own calldata (a user
                // operation's callData): unwrap it into the calls the account would make.
                [call] if Some(call.to) == ctx.account => session.evaluate_account_calldata(
                    call.data,
                    args.account_kind,
                    &ledger,
                    &ctx,
                    mode,
                ),
                _ => session.evaluate(&calls, &ledger, &ctx, mode),
            }
        }
        (None, None) => return Err(CliError::Other("give --tx or --user-op".into())),
    };
    print_verdict(&verdict)?;
    if let (true, true, Some(path)) = (args.commit, verdict.is_allow(), &args.ledger) {
        ledger
            .apply(&verdict.effects)
            .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?;
        save_ledger(path, &ledger)?;
    }
    Ok(verdict.into_owned())
}

pub(crate) fn system_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn print_verdict(verdict: &Verdict) -> Result<(), CliError> {
    let json = serde_json::to_string_pretty(verdict)
        .map_err(|e| CliError::Other(format!("cannot print the verdict: {e}")))?;
    // A closed pipe is not an input error; the exit code still carries the decision.
    let _ = writeln!(io::stdout().lock(), "{json}");
    let _ = writeln!(io::stderr().lock(), "{verdict}");
    Ok(())
}

/// Reads a ledger; a file that does not exist is an empty ledger (nothing used yet).
pub(crate) fn load_ledger(path: &Path) -> Result<MemoryLedger, CliError> {
    match std::fs::read_to_string(path) {
        Ok(text) => MemoryLedger::from_json(&text).map_err(|e| CliError::load(path, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(MemoryLedger::new()),
        Err(e) => Err(CliError::io(path, e)),
    }
}

/// Writes the ledger beside its final place, then renames it over: a reader never sees half a
/// file, and a failed write leaves the old ledger as it was.
fn save_ledger(path: &Path, ledger: &MemoryLedger) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(ledger)
        .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?;
    text.push('\n');
    let name = path
        .file_name()
        .map_or_else(|| "ledger".into(), |n| n.to_string_lossy());
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = write_synced(&temp, text.as_bytes()).and_then(|()| std::fs::rename(&temp, path));
    written.map_err(|e| {
        // Best effort: the temp file is ours and useless after a failure.
        let _ = std::fs::remove_file(&temp);
        CliError::io(path, e)
    })
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
