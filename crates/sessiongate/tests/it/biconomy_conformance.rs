//! The Biconomy conformance files in `conformance/biconomy/neutral/`: verdicts of the real ABI and
//! ERC20 session validation modules run in an EVM, in a neutral format. Each file becomes a scenario
//! twice, from the exact `sessionKeyData` bytes and from the `decoded` readable form, and every
//! step must get the chain's verdict both ways.
//!
//! The scenarios from the bytes are committed beside them in `conformance/biconomy/` so the CLI
//! can run them (`sessiongate test conformance`, which skips `neutral/`); `UPDATE_SCENARIOS=1`
//! regenerates them, and otherwise they must equal what this test generates.

use crate::common::generated_files::{assert_only, pretty_json, sync};
use crate::common::{json_files, repo};
use alloy_primitives::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};
use sessiongate::formats::biconomy::{self, document::AbiSvmDocument};
use sessiongate_scenario::{Scenario, StepOutcome};
use std::fs;
use std::path::{Path, PathBuf};

/// A conformance file in the neutral format.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Neutral {
    system: String,
    description: String,
    session_key_data: Bytes,
    decoded: Value,
    valid_until: u64,
    valid_after: u64,
    steps: Vec<Value>,
}

fn files() -> Vec<PathBuf> {
    json_files(&repo("conformance/biconomy/neutral"))
}

fn neutral(path: &Path) -> Neutral {
    let text = fs::read_to_string(path).expect("readable file");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn scenario(file: &Neutral, leaf: Value) -> Scenario {
    let value = json!({
        "description": file.description,
        "session": { "format": file.system, "sessions": [leaf] },
        "chain_id": 1,
        "steps": file.steps,
    });
    serde_json::from_value(value).expect("a scenario")
}

/// The leaf as the module receives it.
fn packed_leaf(file: &Neutral) -> Value {
    json!({
        "validUntil": file.valid_until,
        "validAfter": file.valid_after,
        "sessionKeyData": file.session_key_data,
    })
}

/// The leaf from `decoded`, or `None` when the bytes have no readable form (a short header).
fn readable_leaf(file: &Neutral) -> Option<Value> {
    let d = &file.decoded;
    let mut leaf = json!({ "validUntil": file.valid_until, "validAfter": file.valid_after });
    let fields: &[&str] = match file.system.as_str() {
        "biconomy-abi-svm" if d.get("malformed").is_some() => return None,
        "biconomy-abi-svm" => &[
            "sessionKey",
            "destination",
            "selector",
            "valueLimit",
            "rulesCount",
        ],
        "biconomy-erc20-svm" => &["sessionKey", "token", "recipient", "maxAmount"],
        other => panic!("unknown system {other}"),
    };
    for field in fields {
        leaf[*field] = d[*field].clone();
    }
    if let Some(rules) = d.get("rules").and_then(Value::as_array) {
        // `conditionName` is for reading; the raw code is the rule.
        let rules: Vec<Value> = rules
            .iter()
            .map(|r| json!({"offset": r["offset"], "condition": r["condition"], "referenceValue": r["referenceValue"]}))
            .collect();
        leaf["rules"] = Value::Array(rules);
    }
    Some(leaf)
}

fn run(name: &str, scenario: &Scenario) -> Vec<StepOutcome> {
    scenario
        .run()
        .unwrap_or_else(|e| panic!("{name}: session does not load: {e}"))
}

fn failures(name: &str, outcomes: &[StepOutcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter(|o| !o.passed())
        .map(|o| {
            let got = o.verdict.as_ref().map(ToString::to_string);
            format!(
                "{name} step {}: expected {:?}, got {got:?} ({:?})",
                o.index, o.expected, o.note
            )
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("a file name")
        .to_string()
}

#[test]
fn every_step_gets_the_chains_verdict_from_the_bytes_and_from_the_readable_form() {
    let mut failed = Vec::new();
    let (mut files_seen, mut steps, mut readable) = (0, 0, 0);
    for path in files() {
        let name = file_name(&path);
        let file = neutral(&path);
        let packed = run(&name, &scenario(&file, packed_leaf(&file)));
        failed.extend(failures(&name, &packed));
        files_seen += 1;
        steps += packed.len();
        let Some(leaf) = readable_leaf(&file) else {
            continue;
        };
        readable += 1;
        let decoded = run(&name, &scenario(&file, leaf));
        failed.extend(failures(&format!("{name} (decoded)"), &decoded));
        for (a, b) in packed.iter().zip(&decoded) {
            let (a, b) = (a.verdict.as_ref(), b.verdict.as_ref());
            let same = a.map(|v| v.is_allow()) == b.map(|v| v.is_allow());
            assert!(
                same,
                "{name}: bytes and decoded forms disagree: {a:?} vs {b:?}"
            );
        }
    }
    assert!(
        failed.is_empty(),
        "{} failing steps:\n{}",
        failed.len(),
        failed.join("\n")
    );
    // The folder holds 43 files of 271 steps; fewer means files went missing.
    assert!(
        files_seen >= 43 && steps >= 271,
        "{files_seen} files, {steps} steps"
    );
    assert!(readable >= 43, "only {readable} files had a readable form");
}

/// Encoding `decoded` must give back the module's exact bytes (less ignored trailing bytes).
#[test]
fn the_readable_form_encodes_to_the_exact_session_key_data() {
    for path in files() {
        let file = neutral(&path);
        let Some(leaf) = readable_leaf(&file) else {
            continue;
        };
        let bytes = if file.system == biconomy::ABI_SVM {
            let leaf = serde_json::from_value(leaf).expect("an ABI leaf");
            biconomy::abi_leaf_data(&leaf, "sessions[0]").expect("encodes")
        } else {
            let leaf = serde_json::from_value(leaf).expect("an ERC20 leaf");
            biconomy::erc20_leaf_data(&leaf, "sessions[0]").expect("encodes")
        };
        let trailing = file.decoded.get("trailingBytes").map_or(0, |t| {
            t.as_str().map_or(0, |hex| hex.len().saturating_sub(2) / 2)
        });
        let expected = &file.session_key_data[..file.session_key_data.len() - trailing];
        assert_eq!(&bytes[..], expected, "{}", file_name(&path));
    }
}

fn generated_dir() -> PathBuf {
    repo("conformance/biconomy")
}

/// The scenario file the CLI runs for one conformance file. Each deny states the kind the engine
/// gives when it agrees with what the chain reverted with (the note's `EVM:` part), and none
/// otherwise: a never-valid leaf or a missing rule, which the importer compiles to a rule no word
/// passes (`condition`), is denied by the chain for its time bounds or an out-of-bounds read.
fn generated(file: &Neutral) -> String {
    let mut scenario = scenario(file, packed_leaf(file));
    scenario.record_reasons().expect("the session loads");
    for step in &mut scenario.steps {
        let evm = step.note.as_deref().and_then(|n| n.split("EVM:").nth(1));
        let chain = evm.map_or(&[][..], chain_kinds);
        if step
            .reason
            .as_deref()
            .is_some_and(|kind| !chain.contains(&kind))
        {
            step.reason = None;
        }
    }
    pretty_json(&scenario)
}

/// The reason kinds that can stand for what the EVM did on a step.
fn chain_kinds(evm: &str) -> &'static [&'static str] {
    const KINDS: &[(&str, &[&str])] = &[
        ("Arg Rule Violated", &["condition"]),
        ("Wrong Recipient", &["condition"]),
        ("Destination Forbidden", &["no_action"]),
        ("Selector Forbidden", &["no_action"]),
        ("Invalid Token", &["no_action"]),
        ("Permitted Value Exceeded", &["value_too_high"]),
        ("Non Zero Value", &["value_too_high"]),
        ("rejects the time bounds", &["not_yet_valid", "expired"]),
        // Calldata too short for a word or a selector, a dirty address, no calldata at all.
        (
            "revert without data",
            &[
                "short_calldata",
                "truncated_selector",
                "dirty_word",
                "no_action",
            ],
        ),
    ];
    KINDS
        .iter()
        .find(|(words, _)| evm.contains(words))
        .map_or(&[], |(_, kinds)| kinds)
}

#[test]
fn committed_cli_scenarios_equal_the_generated_ones() {
    let dir = generated_dir();
    let files: Vec<(String, String)> = files()
        .iter()
        .map(|path| (file_name(path), generated(&neutral(path))))
        .collect();
    sync(&dir, &files);
    assert_only(&dir, &files, ".json");
}

/// The packed form of a document round-trips through the JSON shape.
#[test]
fn packed_form_of_a_readable_document_loads_the_same() {
    let file = neutral(&repo("conformance/biconomy/neutral/abi-realistic-003.json"));
    let leaf = readable_leaf(&file).expect("readable");
    let doc: AbiSvmDocument = serde_json::from_value(json!({
        "format": "biconomy-abi-svm", "sessions": [leaf]
    }))
    .expect("a document");
    let packed = biconomy::abi_packed_form(&doc).expect("packs");
    assert_eq!(
        packed.sessions[0].session_key_data.as_ref(),
        Some(&file.session_key_data)
    );
    assert_eq!(
        biconomy::abi_to_native(&packed).expect("compiles"),
        biconomy::abi_to_native(&doc).expect("compiles")
    );
}
