//! The `sessiongate` binary end to end: fixture files in a fresh temp directory per test, the
//! built binary run on them, exit codes and output checked.

// clippy.toml allows these inside #[test] functions only; the fixture helpers below are test
// code too, where a failed setup should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::panic)]

use alloy_primitives::{Address, U256, address, hex};
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

sol! {
    function transfer(address to, uint256 amount);
}

const USDC: Address = address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48");
const PAYEE: Address = address!("1111111111111111111111111111111111111111");
const ACCOUNT: Address = address!("2222222222222222222222222222222222222222");

/// A fresh directory for one test, removed and recreated so reruns start clean.
struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("sessiongate-cli-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    fn write_json(&self, name: &str, value: &Value) -> PathBuf {
        self.write(name, &serde_json::to_string_pretty(value).unwrap())
    }

    /// Writes the standard session and a transaction paying `amount`, returning their paths.
    fn session_and_tx(&self, amount: u64) -> (PathBuf, PathBuf) {
        let session = self.write_json("session.json", &session());
        let tx = self.write_json("tx.json", &pay_tx(amount));
        (session, tx)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A USDC subscription: pay PAYEE at most 10 USDC a call and 25 USDC in all, until t=2000.
fn session() -> Value {
    json!({
        "name": "usdc-subscription",
        "chain_id": 1,
        "policies": [{ "type": "time_window", "valid_until": 2000 }],
        "actions": [{
            "name": "pay",
            "target": USDC.to_string(),
            "selector": "transfer(address to, uint256 amount)",
            "rules": [
                { "param": "to", "condition": "eq", "value": PAYEE.to_string() },
                { "param": "amount", "condition": "lte", "value": "10000000", "budget": "25000000" }
            ]
        }]
    })
}

fn pay_data(amount: u64) -> String {
    let call = transferCall {
        to: PAYEE,
        amount: U256::from(amount),
    };
    hex::encode_prefixed(call.abi_encode())
}

fn pay_call(amount: u64) -> Value {
    json!({ "to": USDC.to_string(), "value": "0", "data": pay_data(amount) })
}

fn pay_tx(amount: u64) -> Value {
    pay_call(amount)
}

fn sessiongate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessiongate"))
        .args(args)
        .output()
        .unwrap()
}

fn check(session: &Path, tx: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "--session",
        session.to_str().unwrap(),
        "--tx",
        tx.to_str().unwrap(),
    ];
    // Within the session's time window unless the test picks its own time.
    if !extra.contains(&"--now") {
        args.extend_from_slice(&["--now", "1000"]);
    }
    args.extend_from_slice(extra);
    sessiongate(&args)
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn verdict(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(out)))
}

/// Asserts exit 2 with nothing on stdout and an `error:` line containing every fragment.
fn assert_bad_input(out: &Output, fragments: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    assert!(err.starts_with("error: "), "{err}");
    for fragment in fragments {
        assert!(err.contains(fragment), "`{fragment}` missing from: {err}");
    }
}

#[test]
fn allow_exits_0_with_json_verdict() {
    let fx = Fixture::new("allow");
    let (session, tx) = fx.session_and_tx(10_000_000);
    let out = check(&session, &tx, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = verdict(&out);
    assert_eq!(v["decision"], "allow");
    assert_eq!(v["allowed_by"], json!(["pay"]));
    assert_eq!(v["effects"][0]["add"], "10000000");
    assert!(stdout(&out).contains("\"decision\": \"allow\""));
    assert_eq!(stderr(&out).trim(), "allow: call 0 by action `pay`");
}

#[test]
fn deny_exits_1_with_reason_on_stderr() {
    let fx = Fixture::new("deny");
    let (session, tx) = fx.session_and_tx(10_000_001);
    let out = check(&session, &tx, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(verdict(&out)["decision"], "deny");
    let err = stderr(&out);
    assert!(err.starts_with("deny: call 0, action `pay`"), "{err}");
    assert!(err.contains("expected ≤ 10000000, got 10000001"), "{err}");
}

#[test]
fn explain_collects_every_violation() {
    let fx = Fixture::new("explain");
    let (session, tx) = fx.session_and_tx(10_000_001);
    let late = ["--now", "2001"];
    let fast = check(&session, &tx, &late);
    let full = check(&session, &tx, &[&late[..], &["--explain"]].concat());
    assert_eq!(fast.status.code(), Some(1));
    assert_eq!(full.status.code(), Some(1));
    let count = |out: &Output| verdict(out)["violations"].as_array().map(Vec::len);
    assert_eq!(count(&fast), Some(1), "{}", stdout(&fast));
    assert_eq!(count(&full), Some(2), "{}", stdout(&full));
    assert!(stderr(&full).contains("(and 1 more)"), "{}", stderr(&full));
}

#[test]
fn now_defaults_to_the_system_clock() {
    let fx = Fixture::new("clock");
    let (session, tx) = fx.session_and_tx(1);
    let args = [
        "check",
        "--session",
        session.to_str().unwrap(),
        "--tx",
        tx.to_str().unwrap(),
    ];
    let out = sessiongate(&args);
    // The session closed at t=2000, long before today.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("expired at 2000, now is 1"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn chain_id_from_flag_then_tx_then_1() {
    let fx = Fixture::new("chain");
    let session = fx.write_json("session.json", &session());
    let mut tx = pay_tx(1);
    tx["chainId"] = json!("0x5");
    let tx = fx.write_json("tx.json", &tx);
    let out = check(&session, &tx, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the session is for chain 1, not chain 5"),
        "{}",
        stderr(&out)
    );
    let out = check(&session, &tx, &["--chain-id", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn missing_file_is_bad_input() {
    let fx = Fixture::new("missing");
    let (_, tx) = fx.session_and_tx(1);
    let out = check(&fx.path("nope.json"), &tx, &[]);
    assert_bad_input(&out, &["nope.json: "]);
}

#[test]
fn file_that_is_not_json_is_bad_input() {
    let fx = Fixture::new("not-json");
    let (_, tx) = fx.session_and_tx(1);
    let session = fx.write("session.json", "{ \"actions\": [ oops ] }");
    let out = check(&session, &tx, &[]);
    assert_bad_input(&out, &["session.json: ", "line 1"]);
}

#[test]
fn bad_hex_in_tx_data_is_bad_input() {
    let fx = Fixture::new("bad-hex");
    let (session, _) = fx.session_and_tx(1);
    let tx = fx.write_json(
        "tx.json",
        &json!({ "to": USDC.to_string(), "data": "0xa9059cbbzz" }),
    );
    let out = check(&session, &tx, &[]);
    assert_bad_input(&out, &["tx.json: data: "]);
}

#[test]
fn unknown_session_field_is_bad_input() {
    let fx = Fixture::new("unknown-field");
    let (_, tx) = fx.session_and_tx(1);
    let mut doc = session();
    doc["actions"][0]["selectr"] = json!("0xa9059cbb");
    let session = fx.write_json("session.json", &doc);
    let out = check(&session, &tx, &[]);
    assert_bad_input(
        &out,
        &["session.json: actions[0]", "unknown field `selectr`"],
    );
}

#[test]
fn three_byte_selector_is_bad_input() {
    let fx = Fixture::new("short-selector");
    let (_, tx) = fx.session_and_tx(1);
    let mut doc = session();
    doc["actions"][0]["selector"] = json!("0xa9059c");
    doc["actions"][0]["rules"] = json!([]);
    let session = fx.write_json("session.json", &doc);
    let out = check(&session, &tx, &[]);
    assert_bad_input(&out, &["session.json: actions[0].selector: "]);
}

#[test]
fn rule_on_missing_parameter_is_bad_input() {
    let fx = Fixture::new("missing-param");
    let (_, tx) = fx.session_and_tx(1);
    let mut doc = session();
    doc["actions"][0]["rules"][0]["param"] = json!("memo");
    let session = fx.write_json("session.json", &doc);
    let out = check(&session, &tx, &[]);
    assert_bad_input(&out, &["session.json: actions[0].rules[0]", "memo"]);
}

#[test]
fn bad_account_is_bad_input() {
    let fx = Fixture::new("bad-account");
    let (session, tx) = fx.session_and_tx(1);
    let out = check(&session, &tx, &["--account", "0x1234"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--account"), "{}", stderr(&out));
    let good = ACCOUNT.to_string();
    let out = check(&session, &tx, &["--account", &good]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn commit_without_ledger_is_bad_input() {
    let fx = Fixture::new("commit-no-ledger");
    let (session, tx) = fx.session_and_tx(1);
    let out = check(&session, &tx, &["--commit"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--ledger"), "{}", stderr(&out));
}

#[test]
fn commit_updates_ledger_on_allow_only() {
    let fx = Fixture::new("commit");
    let (session, tx) = fx.session_and_tx(10_000_000);
    let ledger = fx.path("ledger.json");
    let ledger_arg = ledger.to_str().unwrap();
    let commit = ["--ledger", ledger_arg, "--commit"];
    for expected_total in [10_000_000u64, 20_000_000] {
        let out = check(&session, &tx, &commit);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let saved: Value =
            serde_json::from_str(&std::fs::read_to_string(&ledger).unwrap()).unwrap();
        let amounts: Vec<&Value> = saved.as_object().unwrap().values().collect();
        assert_eq!(amounts, vec![&json!(expected_total)], "{saved}");
    }
    let before = std::fs::read(&ledger).unwrap();
    // The budget has 5 USDC left: a third payment of 10 is denied and nothing is written.
    let out = check(&session, &tx, &commit);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("5000000 left"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
    // Without --commit an allow reads the ledger but leaves it as it was.
    let small = fx.write_json("small.json", &pay_tx(5_000_000));
    let out = check(&session, &small, &["--ledger", ledger_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
    let leftovers = std::fs::read_dir(&fx.dir).unwrap().count();
    assert_eq!(leftovers, 4, "temp files left beside the ledger");
}

/// A refilling budget near 2^256: after a full spend and one refill, one more unit cannot be
/// recorded. `check --commit` denies it (exit 1, ledger untouched) instead of printing allow and
/// then failing to write the ledger.
#[test]
fn commit_denies_a_charge_its_counter_cannot_record() {
    let fx = Fixture::new("commit-overflow");
    let max = format!("{:#x}", U256::MAX);
    let half = format!("{:#x}", U256::from(1u8) << 255);
    let session = fx.write_json(
        "session.json",
        &json!({
            "actions": [{
                "name": "pay",
                "target": USDC.to_string(),
                "selector": "transfer(address to, uint256 amount)",
                "rules": [{ "param": "amount", "budget": { "limit": max, "refill": half, "period": 100 } }]
            }]
        }),
    );
    let all = transferCall {
        to: PAYEE,
        amount: U256::MAX,
    }
    .abi_encode();
    let all = fx.write_json(
        "all.json",
        &json!({ "to": USDC.to_string(), "value": "0", "data": hex::encode_prefixed(all) }),
    );
    let one = fx.write_json("one.json", &pay_tx(1));
    let ledger = fx.path("ledger.json");
    let ledger_arg = ledger.to_str().unwrap();
    let out = check(
        &session,
        &all,
        &["--ledger", ledger_arg, "--commit", "--now", "1000"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = std::fs::read(&ledger).unwrap();
    let out = check(
        &session,
        &one,
        &["--ledger", ledger_arg, "--commit", "--now", "1100"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        verdict(&out)["violations"][0]["reason"]["kind"],
        json!("limit_overflow")
    );
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
}

#[test]
fn batch_adds_up_and_is_atomic() {
    let fx = Fixture::new("batch");
    let session = fx.write_json("session.json", &session());
    let two = fx.write_json(
        "two.json",
        &json!({ "calls": [pay_call(10_000_000), pay_call(10_000_000)] }),
    );
    let out = check(&session, &two, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(verdict(&out)["allowed_by"], json!(["pay", "pay"]));
    let three = fx.write_json(
        "three.json",
        &json!({ "calls": [pay_call(10_000_000), pay_call(10_000_000), pay_call(10_000_000)] }),
    );
    let out = check(&session, &three, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = verdict(&out);
    assert_eq!(v["violations"][0]["call"], 2);
    assert_eq!(v["effects"], json!([]));
    assert!(stderr(&out).starts_with("deny: call 2"), "{}", stderr(&out));
}

fn scenario(steps: Value) -> Value {
    json!({
        "description": "pay twice, then over budget",
        "session": session(),
        "account": ACCOUNT.to_string(),
        "steps": steps,
    })
}

#[test]
fn test_command_passes() {
    let fx = Fixture::new("test-pass");
    let file = fx.write_json(
        "pass.json",
        &scenario(json!([
            { "now": 1000, "call": pay_call(10_000_000), "expect": "allow" },
            { "now": 1000, "call": pay_call(10_000_000), "expect": "allow" },
            { "now": 1000, "call": pay_call(10_000_000), "expect": "deny", "note": "budget spent" }
        ])),
    );
    let out = sessiongate(&["test", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "3 passed, 0 failed\n");
}

#[test]
fn test_command_reports_failing_step() {
    let fx = Fixture::new("test-fail");
    let file = fx.write_json(
        "fail.json",
        &scenario(json!([
            { "now": 1000, "call": pay_call(10_000_000), "expect": "allow" },
            { "now": 3000, "call": pay_call(1), "expect": "allow", "note": "after the window" }
        ])),
    );
    let out = sessiongate(&["test", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    let expected = format!(
        "{}: step 1: expected allow, got deny: deny: call 0, action `pay`, policies[0]: ",
        file.display()
    );
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with(&expected), "{text}");
    assert!(lines[0].contains("expired at 2000, now is 3000"), "{text}");
    assert!(lines[0].ends_with(" (note: after the window)"), "{text}");
    assert_eq!(lines[1], "1 passed, 1 failed");
}

#[test]
fn test_command_walks_directories_and_counts_broken_files() {
    let fx = Fixture::new("test-dir");
    let pass = scenario(json!([{ "now": 1000, "call": pay_call(1), "expect": "allow" }]));
    fx.write_json("suite/b/one.json", &pass);
    fx.write_json("suite/a.json", &pass);
    fx.write("suite/readme.txt", "not a scenario");
    // Sessions and transactions beside scenarios are skipped in a directory walk.
    fx.write_json("suite/a/session.json", &pass["session"]);
    let mut bad = pass.clone();
    bad["session"]["actions"][0]["selector"] = json!("0xa9059c");
    let broken = fx.write_json("suite/c/broken.json", &bad);
    let suite = fx.path("suite");
    let out = sessiongate(&["test", suite.to_str().unwrap(), "--verbose"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    // Sorted: a.json, b/one.json, c/broken.json.
    assert!(
        lines[0].starts_with(&format!("{}: step 0: ok", suite.join("a.json").display())),
        "{text}"
    );
    assert!(lines[1].contains("one.json: step 0: ok"), "{text}");
    let broken_line = format!("{}: session.actions[0].selector: ", broken.display());
    assert!(lines[2].starts_with(&broken_line), "{text}");
    assert_eq!(lines[3], "2 passed, 1 failed");
}

#[test]
fn test_command_on_missing_file_is_bad_input() {
    let fx = Fixture::new("test-missing");
    let missing = fx.path("missing.json");
    let out = sessiongate(&["test", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("{}: ", missing.display())),
        "{text}"
    );
    assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
}

#[test]
fn schema_describes_the_session_document() {
    let out = sessiongate(&["schema"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("\"actions\""));
    let schema = verdict(&out);
    assert_eq!(schema["title"], "SessionDocument");
    assert_eq!(schema["required"], json!(["actions"]));
}

#[test]
fn budgets_report_what_is_left_after_a_committed_payment() {
    let fx = Fixture::new("budgets");
    let session = fx.write("session.json", &session().to_string());
    let tx = fx.write("tx.json", &pay_tx(10_000_000).to_string());
    let ledger = fx.path("ledger.json");
    let ledger_arg = ledger.to_str().unwrap();
    assert_eq!(
        check(&session, &tx, &["--ledger", ledger_arg, "--commit"])
            .status
            .code(),
        Some(0)
    );
    let out = sessiongate(&[
        "budgets",
        "--session",
        session.to_str().unwrap(),
        "--ledger",
        ledger_arg,
        "--now",
        "1000",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let budgets: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        budgets,
        json!([{ "key": "actions/pay/rules[1]", "limit": "25000000", "used": "10000000", "left": "15000000" }])
    );
}
