//! `sessiongate`: a thin command line over the sessiongate library. It reads files, calls the
//! core, prints, and sets the exit code: 0 allow / all passed, 1 deny / a step failed, 2 bad input.

mod budgets;
mod check;
mod error;
mod ids;
mod scenarios;
mod serve;

use clap::{Parser, Subcommand};
use std::io::{self, Write};
use std::process::ExitCode;

/// Decide off chain whether a session key may make a call, and explain why.
#[derive(Debug, Parser)]
#[command(name = "sessiongate", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a transaction against a session: verdict as JSON on stdout, one sentence on
    /// stderr; exit 0 allow, 1 deny, 2 bad input.
    Check(check::CheckArgs),
    /// Run scenario files (or directories of them); exit 0 if all steps pass, 1 if any
    /// fails, 2 if a file cannot be read or loaded or a path holds no scenario file.
    Test(scenarios::TestArgs),
    /// Print every budget of a session with what is used and left now, and when it next
    /// grows (the next window or refill).
    Budgets(budgets::BudgetsArgs),
    /// Print the JSON Schema of the native session document, or with --verdict of the verdict
    /// `check` prints.
    Schema(SchemaArgs),
    /// Print a Smart Sessions session's permissionId, actionIds and configIds as the module
    /// computes them.
    Ids(ids::IdsArgs),
    /// Serve checks over HTTP (JSON) against a shared usage store, for a relayer fleet; logs
    /// go to stderr. Stops on SIGINT or SIGTERM once requests in flight finish.
    Serve(serve::ServeArgs),
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// The schema of the verdict JSON instead of the session document's.
    #[arg(long)]
    verdict: bool,
}

const ALLOW: u8 = 0;
const DENY: u8 = 1;
const BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    // clap prints its own usage errors and exits with 2, the bad-input code.
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => match check::run(&args) {
            Ok(verdict) if verdict.is_allow() => ALLOW,
            Ok(_) => DENY,
            Err(e) => fail(&e),
        },
        Command::Test(args) => {
            let summary = scenarios::run(&args);
            match (summary.broken_files, summary.empty_paths, summary.failed) {
                (0, 0, 0) => ALLOW,
                (0, 0, _) => DENY,
                _ => BAD_INPUT,
            }
        }
        Command::Budgets(args) => match budgets::run(&args) {
            Ok(()) => ALLOW,
            Err(e) => fail(&e),
        },
        Command::Ids(args) => match ids::run(&args) {
            Ok(()) => ALLOW,
            Err(e) => fail(&e),
        },
        Command::Serve(args) => match serve::run(&args) {
            Ok(()) => ALLOW,
            Err(e) => fail(&e),
        },
        Command::Schema(args) => match schema(&args) {
            Ok(()) => ALLOW,
            Err(e) => fail(&e),
        },
    };
    ExitCode::from(code)
}

fn fail(error: &error::CliError) -> u8 {
    let _ = writeln!(io::stderr().lock(), "error: {error}");
    BAD_INPUT
}

fn schema(args: &SchemaArgs) -> Result<(), error::CliError> {
    let schema = if args.verdict {
        schemars::schema_for!(sessiongate::Verdict<'static>)
    } else {
        schemars::schema_for!(sessiongate::SessionDocument)
    };
    let text = serde_json::to_string_pretty(&schema)
        .map_err(|e| error::CliError::Other(format!("cannot print the schema: {e}")))?;
    let _ = writeln!(io::stdout().lock(), "{text}");
    Ok(())
}
