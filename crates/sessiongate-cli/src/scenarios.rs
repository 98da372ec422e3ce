//! `sessiongate test`: runs scenario files and reports each failing step on one line, then a
//! closing `N passed, N failed` line. Finding, running and counting are `sessiongate-scenario`'s.

use clap::Args;
use sessiongate_scenario::{Event, SKIP_MARKER, StepOutcome, Summary, run_paths};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Arguments of `sessiongate test`.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Scenario files, or directories searched recursively for `*.json` scenario files (JSON files
    /// there without `steps`, such as sessions and transactions, are skipped, and so is a
    /// directory holding a `.sessiongate-skip` file). Symbolic links are followed, but each
    /// directory is searched once. A path with no scenario file is bad input.
    #[arg(value_name = "FILE|DIR", required = true)]
    paths: Vec<PathBuf>,
    /// Print passing steps too.
    #[arg(long, short)]
    verbose: bool,
}

/// Runs every scenario file under `args.paths` and prints the report.
pub(crate) fn run(args: &TestArgs) -> Summary {
    let mut out = io::stdout().lock();
    let summary = run_paths(&args.paths, |event| match event {
        Event::Ran { file, outcomes } => report(&mut out, file, outcomes, args.verbose),
        Event::Broken(error) => {
            let _ = writeln!(out, "{error}");
        }
        Event::Empty(path) => {
            let _ = writeln!(
                io::stderr().lock(),
                "error: {}: no scenario files here (a scenario file is a *.json object with `steps`; a directory holding {SKIP_MARKER} is not searched)",
                path.display()
            );
        }
    });
    let _ = writeln!(out, "{} passed, {} failed", summary.passed, summary.failed);
    summary
}

fn report(out: &mut impl Write, file: &Path, outcomes: &[StepOutcome], verbose: bool) {
    for outcome in outcomes {
        // An error beside an allow (effects that would not apply) fails the step as well.
        let passed = outcome.passed();
        if passed && !verbose {
            continue;
        }
        let _ = writeln!(out, "{}", step_line(file, outcome, passed));
    }
}

/// `<file>: step <i>: expected <e>, got <g>: <why>` and the note, if any.
fn step_line(file: &Path, outcome: &StepOutcome, passed: bool) -> String {
    let why = match (&outcome.error, &outcome.verdict) {
        (Some(error), _) => error.clone(),
        (None, Some(v)) => v.to_string(),
        (None, None) => String::from("no verdict"),
    };
    let head = match passed {
        true => "ok, ",
        false => "",
    };
    let mut line = format!(
        "{}: step {}: {head}expected {}, got {}: {why}",
        file.display(),
        outcome.index,
        outcome.expected_text(),
        outcome.got_text(),
    );
    if let Some(note) = &outcome.note {
        line.push_str(&format!(" (note: {note})"));
    }
    line
}
