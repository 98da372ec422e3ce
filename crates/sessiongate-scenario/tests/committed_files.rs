//! Every committed scenario file (the folders CI runs through `sessiongate test`) passes, and
//! every deny step in them states the reason kind it must be denied for, so a deny for another
//! reason fails rather than passes.

#![allow(clippy::panic, reason = "test: a failed expectation should panic")]

use sessiongate_scenario::{Event, Expect, run_paths};
use std::path::{Path, PathBuf};

/// The folders of committed scenario files, from the repository root.
const FOLDERS: &[&str] = &["examples", "conformance", "tests/scenarios"];

/// Deny steps left without `reason` because the engine's first violation is not the reason the
/// step's note (or the chain) gives: which one a verdict should lead with is the engine's to
/// settle, and stating today's kind would pin the wrong one.
const UNSTATED: &[(&str, &[usize], &str)] = &[
    (
        "examples/multicall-swap/scenario.json",
        &[2],
        "the day's budget on `params.amountIn` is reported before the `params.recipient` rule the note names",
    ),
    (
        "conformance/biconomy/abi-encoding-003.json",
        &[0, 2, 3],
        "rulesCount past the encoded rules: the chain reverts reading the missing rule, the importer's never-passing rule reports `condition`",
    ),
    (
        "conformance/biconomy/abi-encoding-008.json",
        &[0, 2, 3],
        "as abi-encoding-003",
    ),
    (
        "conformance/biconomy/abi-time-013.json",
        &[0, 1, 3, 4, 6],
        "validAfter after validUntil: the EntryPoint rejects the time bounds, the importer's never-passing rule reports `condition`",
    ),
    (
        "conformance/smart-sessions/usage-limit-018.json",
        &[3],
        "the chain fails the usage limit first, the engine reports the equal rule of the other policy first",
    ),
    (
        "tests/scenarios/rules/trees.json",
        &[2, 4],
        "a failing `any` reports its first branch's leaf (`condition`) before the tree (`tree_failed`)",
    ),
];

fn unstated(file: &str, step: usize) -> bool {
    UNSTATED
        .iter()
        .any(|(f, steps, _)| *f == file && steps.contains(&step))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn every_committed_scenario_passes_and_every_deny_states_its_reason() {
    let root = root();
    let paths: Vec<PathBuf> = FOLDERS.iter().map(|f| root.join(f)).collect();
    let mut problems = Vec::new();
    let mut steps = 0_usize;
    let mut listed = 0_usize;
    let summary = run_paths(&paths, |event| match event {
        Event::Ran { file, outcomes } => {
            let file = file
                .strip_prefix(&root)
                .unwrap_or(file)
                .display()
                .to_string();
            for o in outcomes {
                steps += 1;
                if !o.passed() {
                    let why = o.error.clone().unwrap_or_default();
                    let (expected, got) = (o.expected_text(), o.got_text());
                    problems.push(format!(
                        "{file}: step {}: expected {expected}, got {got} {why}",
                        o.index
                    ));
                }
                let unstated_deny = o.expected == Expect::Deny && o.expected_reason.is_none();
                if unstated(&file, o.index) {
                    listed += 1;
                    if !unstated_deny {
                        problems.push(format!(
                            "{file}: step {}: listed in UNSTATED, but is not a deny without `reason`",
                            o.index
                        ));
                    }
                } else if unstated_deny {
                    // Name the kind the engine gives, to be checked against the note.
                    let first = o.verdict.as_ref().and_then(|v| v.violations.first());
                    let kind = first.map_or("none", |v| v.reason.kind());
                    problems.push(format!(
                        "{file}: step {}: a deny step states no `reason` (the verdict's is `{kind}`)",
                        o.index
                    ));
                }
            }
        }
        Event::Broken(error) => problems.push(error.to_string()),
        Event::Empty(path) => problems.push(format!("{}: no scenario files", path.display())),
    });
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(summary.all_passed(), "{summary:?}");
    let entries: usize = UNSTATED.iter().map(|(_, steps, _)| steps.len()).sum();
    assert_eq!(listed, entries, "an UNSTATED entry names no step");
    // 1,223 steps when this test was written; fewer means files went missing.
    assert!(steps >= 1_223, "only {steps} steps");
}
