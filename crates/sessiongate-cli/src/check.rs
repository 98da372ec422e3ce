//! `sessiongate check`: one transaction against one session, with an optional ledger of usage
//! so far; on allow with `--commit`, the effects are written back to that ledger.

use crate::error::{CliError, agree, read_text};
use alloy_primitives::Address;
use clap::Args;
use sessiongate::account::AccountKind;
use sessiongate::{
    Context, Input, MemoryLedger, Mode, Session, Transaction, UserOperation, Verdict,
};
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Arguments of `sessiongate check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
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
    /// On allow, add the verdict's effects to the ledger file; needs --ledger. Concurrent commits
    /// to one ledger take turns on `<ledger>.lock`, and the file is replaced atomically.
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
pub(crate) fn run(args: &CheckArgs) -> Result<Verdict<'static>, CliError> {
    let session = Session::from_json(&read_text(&args.session)?)
        .map_err(|e| CliError::load(&args.session, e))?;
    for warning in session.warnings() {
        let _ = writeln!(io::stderr().lock(), "warning: {warning}");
    }
    // A commit holds the ledger's lock from this read to the rename, so concurrent commits
    // each see the others' effects instead of all spending the same budget.
    let _lock = match (args.commit, &args.ledger) {
        (true, Some(path)) => Some(lock_ledger(path)?),
        _ => None,
    };
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
            let input = Input::UserOp {
                op: &op,
                kind: args.account_kind,
            };
            session.decide(input, &ledger, &ctx, mode)
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
            let input = Input::Transaction {
                calls: &calls,
                kind: args.account_kind,
            };
            session.decide(input, &ledger, &ctx, mode)
        }
        (None, None) => return Err(CliError::Other("give --tx or --user-op".into())),
    };
    // Committed before printing: an allow is never shown for effects that were not recorded.
    if let (true, true, Some(path)) = (args.commit, verdict.is_allow(), &args.ledger) {
        // Under the ledger's lock nothing else writes, so the reads still hold; checked anyway.
        ledger
            .commit(&verdict.reads, &verdict.effects)
            .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?;
        save_ledger(path, &ledger)?;
    }
    print_verdict(&verdict)?;
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
    match fs::read_to_string(path) {
        Ok(text) => MemoryLedger::from_json(&text).map_err(|e| CliError::load(path, e)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(MemoryLedger::new()),
        Err(e) => Err(CliError::io(path, e)),
    }
}

/// Takes the exclusive lock of the ledger at `path`: a sidecar `<ledger>.lock`, since the ledger
/// itself is replaced by rename. It is held until the returned file is dropped, and the system
/// releases it when the process dies, even by `kill -9`. The lock file is left in place:
/// removing it would let two processes hold locks on two different files.
fn lock_ledger(path: &Path) -> Result<File, CliError> {
    let lock_path = sibling(path, "", ".lock")?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(|e| CliError::io(&lock_path, e))?;
    file.lock().map_err(|e| CliError::io(&lock_path, e))?;
    Ok(file)
}

/// Replaces the ledger, under its lock: writes `.<ledger>.tmp` beside it, syncs it, renames it
/// over the ledger and syncs the directory, so a reader never sees half a file and a crash leaves
/// the old ledger or the new one. The temp name is fixed and used only under the lock, so a
/// temp file left by a killed process is overwritten by the next commit; on any failure the
/// temp file is removed and the old ledger stays as it was.
fn save_ledger(path: &Path, ledger: &MemoryLedger) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(ledger)
        .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?;
    text.push('\n');
    let temp = sibling(path, ".", ".tmp")?;
    let replaced = write_synced(&temp, text.as_bytes()).and_then(|()| fs::rename(&temp, path));
    if let Err(e) = replaced {
        // Best effort: the temp file is ours and useless after a failure.
        let _ = fs::remove_file(&temp);
        return Err(CliError::io(path, e));
    }
    // Without this the rename itself may not survive a crash, and a payment recorded as made
    // could be forgotten.
    sync_dir(path).map_err(|e| CliError::io(path, e))
}

/// `<prefix><ledger's name><suffix>` in the ledger's directory.
fn sibling(path: &Path, prefix: &str, suffix: &str) -> Result<PathBuf, CliError> {
    let name = path
        .file_name()
        .ok_or_else(|| CliError::Other(format!("--ledger {}: not a file name", path.display())))?;
    let mut sibling = OsString::from(prefix);
    sibling.push(name);
    sibling.push(suffix);
    Ok(path.with_file_name(sibling))
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Syncs the directory holding `path`, where a rename is recorded.
#[cfg(unix)]
fn sync_dir(path: &Path) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

/// Other systems cannot open a directory to sync it; their rename is as durable as it gets.
#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}
