//! The conformance files in `conformance/`: verdicts that came from running the real contracts in
//! an EVM. Every step must get the verdict the chain gave.

use crate::common::{json_files, repo};
use sessiongate_scenario::Scenario;
use std::fs;
use std::path::PathBuf;

fn files(folder: &str) -> Vec<PathBuf> {
    json_files(&repo("conformance").join(folder))
}

/// Runs every file of a folder; returns (files, steps) and lists every failing step.
fn run_folder(folder: &str) -> (usize, usize) {
    let mut failures = Vec::new();
    let mut steps = 0;
    let files = files(folder);
    for path in &files {
        let text = fs::read_to_string(path).expect("readable file");
        let scenario =
            Scenario::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let outcomes = scenario
            .run()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        steps += outcomes.len();
        for outcome in outcomes.iter().filter(|o| !o.passed()) {
            let got = outcome.verdict.as_ref().map(ToString::to_string);
            failures.push(format!(
                "{} step {}: expected {:?}, got {:?} {:?} ({:?})",
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default(),
                outcome.index,
                outcome.expected,
                got,
                outcome.error,
                outcome.note
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing steps:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (files.len(), steps)
}

#[test]
fn smart_sessions_conformance_files_pass() {
    let (files, steps) = run_folder("smart-sessions");
    // The folder holds 58 files of 298 steps; fewer means files went missing.
    assert!(files >= 58 && steps >= 298, "{files} files, {steps} steps");
}
