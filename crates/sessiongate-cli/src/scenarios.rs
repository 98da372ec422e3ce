//! `sessiongate test`: runs scenario files and reports each failing step on one line, then a
//! closing `N passed, N failed` line.

use crate::error::{CliError, read_text};
use clap::Args;
use sessiongate::scenario::{Expect, Scenario, StepOutcome};
use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Arguments of `sessiongate test`.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Scenario files, or directories searched recursively for `*.json` scenario files (JSON files
    /// there without `steps`, such as sessions and transactions, are skipped). Symbolic links are
    /// followed, but each directory is searched once.
    #[arg(value_name = "FILE|DIR", required = true)]
    paths: Vec<PathBuf>,
    /// Print passing steps too.
    #[arg(long, short)]
    verbose: bool,
}

/// Counts over all files.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// Steps that got the expected verdict.
    pub passed: usize,
    /// Failed steps, plus one for each file that could not be read or loaded.
    pub failed: usize,
    /// Files that could not be read or loaded.
    pub broken_files: usize,
}

/// Runs every scenario file under `args.paths` and prints the report.
pub(crate) fn run(args: &TestArgs) -> Summary {
    let mut summary = Summary::default();
    let mut out = io::stdout().lock();
    for path in &args.paths {
        let files = match scenario_files(path) {
            Ok(files) => files,
            Err(e) => {
                broken(&mut out, &mut summary, &e);
                continue;
            }
        };
        let explicit = files.len() == 1 && files.first().is_some_and(|f| f == path);
        for file in files {
            match run_file(&file, explicit) {
                Ok(Some(outcomes)) => {
                    report(&mut out, &mut summary, &file, &outcomes, args.verbose)
                }
                Ok(None) => {}
                Err(e) => broken(&mut out, &mut summary, &e),
            }
        }
    }
    let _ = writeln!(out, "{} passed, {} failed", summary.passed, summary.failed);
    summary
}

fn broken(out: &mut impl Write, summary: &mut Summary, error: &CliError) {
    let _ = writeln!(out, "{error}");
    summary.failed = summary.failed.saturating_add(1);
    summary.broken_files = summary.broken_files.saturating_add(1);
}

/// A file as given, or every `*.json` below a directory, in sorted order.
fn scenario_files(path: &Path) -> Result<Vec<PathBuf>, CliError> {
    let meta = fs::metadata(path).map_err(|e| CliError::io(path, e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    walk(path, &mut HashSet::new(), &mut files)?;
    files.sort();
    Ok(files)
}

/// Collects every `*.json` below `dir`, following symbolic links. Each real directory is walked
/// once, the first time it is reached in name order: a link back up the tree would otherwise
/// loop, and two such links double the paths at every level.
fn walk(
    dir: &Path,
    visited: &mut HashSet<PathBuf>,
    files: &mut Vec<PathBuf>,
) -> Result<(), CliError> {
    let real = fs::canonicalize(dir).map_err(|e| CliError::io(dir, e))?;
    if !visited.insert(real) {
        return Ok(());
    }
    let mut entries = fs::read_dir(dir)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .map_err(|e| CliError::io(dir, e))?;
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, visited, files)?;
        } else if path.extension().is_some_and(|ext| ext == "json") {
            files.push(path);
        }
    }
    Ok(())
}

/// Runs one file; `None` when a file found in a directory is not a scenario.
fn run_file(file: &Path, explicit: bool) -> Result<Option<Vec<StepOutcome>>, CliError> {
    let text = read_text(file)?;
    if !explicit && !looks_like_scenario(&text) {
        return Ok(None);
    }
    let scenario = Scenario::from_json(&text).map_err(|e| CliError::load(file, e))?;
    scenario
        .run()
        .map(Some)
        .map_err(|e| CliError::load(file, e))
}

/// A JSON object with `steps`; anything else that is valid JSON is another kind of file. Text
/// that is not JSON at all is treated as a broken scenario, so it is reported, not skipped.
fn looks_like_scenario(text: &str) -> bool {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => value.get("steps").is_some(),
        Err(_) => true,
    }
}

fn report(
    out: &mut impl Write,
    summary: &mut Summary,
    file: &Path,
    outcomes: &[StepOutcome],
    verbose: bool,
) {
    for outcome in outcomes {
        // An error beside an allow (effects that would not apply) fails the step as well.
        let passed = outcome.passed();
        if passed {
            summary.passed = summary.passed.saturating_add(1);
        } else {
            summary.failed = summary.failed.saturating_add(1);
        }
        if passed && !verbose {
            continue;
        }
        let _ = writeln!(out, "{}", step_line(file, outcome, passed));
    }
}

/// `<file>: step <i>: expected <e>, got <g>: <why>` and the note, if any.
fn step_line(file: &Path, outcome: &StepOutcome, passed: bool) -> String {
    let expected = match (outcome.expected, &outcome.expected_reason) {
        (Expect::Allow, _) => String::from("allow"),
        (Expect::Deny, None) => String::from("deny"),
        (Expect::Deny, Some(kind)) => format!("deny ({kind})"),
    };
    let (got, why) = match (&outcome.error, &outcome.verdict) {
        (Some(error), _) => ("error", error.clone()),
        (None, Some(v)) if v.is_allow() => ("allow", v.to_string()),
        (None, Some(v)) => ("deny", v.to_string()),
        (None, None) => ("error", String::from("no verdict")),
    };
    let head = match passed {
        true => "ok, ",
        false => "",
    };
    let mut line = format!(
        "{}: step {}: {head}expected {expected}, got {got}: {why}",
        file.display(),
        outcome.index
    );
    if let Some(note) = &outcome.note {
        line.push_str(&format!(" (note: {note})"));
    }
    line
}
