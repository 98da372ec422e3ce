//! `sessiongate schema --verdict` against what `sessiongate check` prints: every verdict the
//! shipped examples give validates, and reads back into the library's `Verdict` unchanged.

// Helpers outside #[test] functions are test code too: a failed setup should stop loudly.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use serde_json::Value;
use sessiongate::{Reason, Verdict};
use std::path::{Path, PathBuf};
use std::process::Command;

fn sessiongate(args: &[&str]) -> (Option<i32>, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_sessiongate"))
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

fn verdict_schema() -> Value {
    let (code, schema) = sessiongate(&["schema", "--verdict"]);
    assert_eq!(code, Some(0));
    schema
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Every example folder's session, its scenario's first time, and its transaction files.
fn example_checks() -> Vec<(PathBuf, u64, Vec<PathBuf>)> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(examples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("session.json").is_file())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let scenario: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join("scenario.json")).unwrap())
                    .unwrap();
            let now = scenario["steps"][0]["now"].as_u64().unwrap();
            let mut txs: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("tx-"))
                .collect();
            txs.sort();
            (dir.join("session.json"), now, txs)
        })
        .collect()
}

#[test]
fn every_verdict_of_the_examples_validates_against_the_schema() {
    let mut compiler = boon::Compiler::new();
    let mut schemas = boon::Schemas::new();
    compiler
        .add_resource("verdict.json", verdict_schema())
        .unwrap();
    let index = compiler.compile("verdict.json", &mut schemas).unwrap();
    let mut checked = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for (session, now, txs) in example_checks() {
        for tx in txs {
            for explain in [false, true] {
                let now = now.to_string();
                let mut args = vec![
                    "check",
                    "--session",
                    session.to_str().unwrap(),
                    "--tx",
                    tx.to_str().unwrap(),
                    "--now",
                    &now,
                ];
                if explain {
                    args.push("--explain");
                }
                let (code, json) = sessiongate(&args);
                assert!(matches!(code, Some(0 | 1)), "{args:?}: exit {code:?}");
                if let Err(e) = schemas.validate(&json, index) {
                    panic!("{}: {e:#}\n{json:#}", tx.display());
                }
                // The library reads it back and writes the same JSON.
                let back: Verdict<'static> = serde_json::from_value(json.clone()).unwrap();
                assert_eq!(
                    serde_json::to_value(&back).unwrap(),
                    json,
                    "{}",
                    tx.display()
                );
                for violation in json["violations"].as_array().unwrap() {
                    kinds.insert(violation["reason"]["kind"].as_str().unwrap().to_owned());
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 40, "only {checked} verdicts");
    assert!(kinds.len() >= 5, "the examples deny for {kinds:?} only");
}

#[test]
fn the_verdict_schema_names_every_reason_and_field() {
    let schema = verdict_schema();
    assert_eq!(schema["title"], "Verdict");
    let mut fields: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "allowed_by",
            "decision",
            "effects",
            "omitted",
            "reads",
            "violations"
        ]
    );
    let reasons = schema["$defs"]["Reason"]["oneOf"].as_array().unwrap();
    let named: Vec<&str> = reasons
        .iter()
        .map(|r| r["properties"]["kind"]["const"].as_str().unwrap())
        .collect();
    assert_eq!(named, Reason::KINDS);
}

#[test]
fn a_verdict_that_breaks_the_schema_is_refused() {
    let mut compiler = boon::Compiler::new();
    let mut schemas = boon::Schemas::new();
    compiler
        .add_resource("verdict.json", verdict_schema())
        .unwrap();
    let index = compiler.compile("verdict.json", &mut schemas).unwrap();
    let key = serde_json::json!({
        "session": format!("0x{}", "ab".repeat(32)), "counter": "actions/pay/rules[1]"
    });
    let allow = serde_json::json!({
        "decision": "allow", "allowed_by": ["pay"], "violations": [],
        "effects": [{"key": key, "op": {"add": "10000000"}}],
        "reads": [{"key": key, "seen": "0"}]
    });
    assert!(schemas.validate(&allow, index).is_ok());
    let breaks = [
        // An amount as a JSON number loses digits past 2^53.
        serde_json::json!({"decision": "allow", "allowed_by": [], "violations": [],
            "effects": [{"key": key, "op": {"add": 10}}]}),
        // A key without its session would collide with other sessions' counters.
        serde_json::json!({"decision": "allow", "allowed_by": [], "violations": [],
            "effects": [{"key": {"counter": "k"}, "op": {"add": "10"}}]}),
        serde_json::json!({"decision": "maybe", "allowed_by": [], "violations": [], "effects": []}),
        serde_json::json!({"decision": "deny", "allowed_by": [], "effects": [], "violations": [
            {"call": 0, "reason": {"kind": "no_such_reason"}}]}),
        serde_json::json!({"decision": "deny", "allowed_by": [], "effects": [], "violations": [
            {"call": 0, "reason": {"kind": "no_action", "target": "0x12"}}]}),
    ];
    for json in breaks {
        assert!(schemas.validate(&json, index).is_err(), "{json}");
    }
}

/// The deny the crate's README shows is the one `check` prints.
#[test]
fn the_readme_deny_is_what_check_prints() {
    let readme = include_str!("../README.md");
    let block = readme.split("```json\n").nth(1).unwrap();
    let shown: Value = serde_json::from_str(block.split("```").next().unwrap()).unwrap();
    let dir = examples().join("usdc-subscription");
    let (code, printed) = sessiongate(&[
        "check",
        "--session",
        dir.join("session.json").to_str().unwrap(),
        "--tx",
        dir.join("tx-deny-over-cap.json").to_str().unwrap(),
        "--now",
        "1767225600",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(printed, shown);
}
