//! The `sessiongate` binary end to end: fixture files in a fresh temp directory per test, the
//! built binary run on them, exit codes and output checked.

// clippy.toml allows these inside #[test] functions only; the fixture helpers below are test
// code too, where a failed setup should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::panic)]

use alloy_primitives::{Address, U256, address, hex};
use alloy_sol_types::{SolCall, sol};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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
    assert_eq!(v["effects"][0]["op"]["add"], "10000000");
    // The commit condition: the counter read, and the value seen.
    assert_eq!(v["reads"][0]["key"], v["effects"][0]["key"]);
    assert_eq!(v["reads"][0]["seen"], "0");
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
fn chain_id_from_flag_or_tx_which_must_agree() {
    let fx = Fixture::new("chain");
    let session = fx.write_json("session.json", &session());
    let plain = fx.write_json("plain.json", &pay_tx(1));
    let out = check(&session, &plain, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = check(&session, &plain, &["--chain-id", "5"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
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
    // A transaction for chain 5 is not judged as one for chain 1 because a flag says so.
    let out = check(&session, &tx, &["--chain-id", "1"]);
    assert_bad_input(
        &out,
        &["tx.json: chainId is 5, but --chain-id is 1; they must agree"],
    );
    let out = check(&session, &tx, &["--chain-id", "5"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn chain_id_wider_than_64_bits_is_bad_input() {
    let fx = Fixture::new("chain-wide");
    let session = fx.write_json("session.json", &session());
    // 2^64 + 1 used to read as no chain id, so as chain 1, and allow.
    let mut tx = pay_tx(1);
    tx["chainId"] = json!("18446744073709551617");
    let tx = fx.write_json("tx.json", &tx);
    assert_bad_input(
        &check(&session, &tx, &[]),
        &["tx.json: chainId: 18446744073709551617 is not a chain id"],
    );
    let mut call = pay_call(1);
    call["chainId"] = json!("0x10000000000000001");
    let batch = fx.write_json("batch.json", &json!({ "calls": [pay_call(1), call] }));
    assert_bad_input(
        &check(&session, &batch, &["--chain-id", "1"]),
        &["batch.json: calls[1].chainId: 18446744073709551617 is not a chain id"],
    );
}

#[test]
fn batch_on_two_chains_or_from_two_senders_is_bad_input() {
    let fx = Fixture::new("batch-origin");
    let session = fx.write_json("session.json", &session());
    let on = |chain: &str| {
        let mut call = pay_call(1);
        call["chainId"] = json!(chain);
        call
    };
    // Judged on its first call's chain, this batch used to be allowed.
    let chains = fx.write_json("chains.json", &json!({ "calls": [on("1"), on("5")] }));
    assert_bad_input(
        &check(&session, &chains, &[]),
        &["chains.json: calls[1].chainId: chain 5 differs from chain 1 at calls[0].chainId"],
    );
    let from = |sender: Address| {
        let mut call = pay_call(1);
        call["from"] = json!(sender.to_string());
        call
    };
    let senders = fx.write_json(
        "senders.json",
        &json!({ "calls": [from(ACCOUNT), pay_call(1), from(PAYEE)] }),
    );
    assert_bad_input(
        &check(&session, &senders, &[]),
        &[
            "senders.json: calls[2].from: ",
            "differs from 0x2222222222222222222222222222222222222222 at calls[0].from",
        ],
    );
    let agreeing = fx.write_json(
        "agreeing.json",
        &json!({ "calls": [from(ACCOUNT), on("1"), from(ACCOUNT)] }),
    );
    let out = check(&session, &agreeing, &["--chain-id", "1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn account_flag_and_tx_from_must_agree() {
    let fx = Fixture::new("account-from");
    let session = fx.write_json("session.json", &session());
    let mut tx = pay_tx(1);
    tx["from"] = json!(ACCOUNT.to_string());
    let tx = fx.write_json("tx.json", &tx);
    let account = ACCOUNT.to_string();
    let out = check(&session, &tx, &["--account", &account]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let other = PAYEE.to_string();
    assert_bad_input(
        &check(&session, &tx, &["--account", &other]),
        &[&format!(
            "tx.json: from is {ACCOUNT}, but --account is {PAYEE}; they must agree"
        )],
    );
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
        let amounts: Vec<&Value> = saved
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["value"])
            .collect();
        assert_eq!(amounts, vec![&json!(expected_total.to_string())], "{saved}");
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
    assert_eq!(
        file_names(&fx.dir),
        [
            "ledger.json",
            "ledger.json.lock",
            "session.json",
            "small.json",
            "tx.json"
        ],
        "temp files left beside the ledger"
    );
}

/// The names in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The standard session with a budget of one 10 USDC payment in all.
fn one_payment_session() -> Value {
    let mut doc = session();
    *doc.pointer_mut("/actions/0/rules/1/budget").unwrap() = json!("10000000");
    doc
}

fn commit_args<'a>(session: &'a Path, tx: &'a Path, ledger: &'a Path) -> Vec<&'a str> {
    vec![
        "check",
        "--session",
        session.to_str().unwrap(),
        "--tx",
        tx.to_str().unwrap(),
        "--now",
        "1000",
        "--ledger",
        ledger.to_str().unwrap(),
        "--commit",
    ]
}

#[test]
fn concurrent_commits_spend_a_one_payment_budget_once() {
    let fx = Fixture::new("commit-race");
    let session = fx.write_json("session.json", &one_payment_session());
    let tx = fx.write_json("tx.json", &pay_tx(10_000_000));
    let ledger = fx.path("ledger.json");
    let args = commit_args(&session, &tx, &ledger);
    // All started before any is waited for, so their load-decide-write runs overlap.
    let children: Vec<_> = (0..16)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_sessiongate"))
                .args(&args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
    let allowed = codes.iter().filter(|&&c| c == Some(0)).count();
    let denied = codes.iter().filter(|&&c| c == Some(1)).count();
    assert_eq!((allowed, denied), (1, 15), "exit codes {codes:?}");
    for out in outs.iter().filter(|o| o.status.code() == Some(1)) {
        assert!(stderr(out).contains("0 left"), "{}", stderr(out));
    }
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&ledger).unwrap()).unwrap();
    assert_eq!(saved.as_array().map(Vec::len), Some(1), "{saved}");
    assert_eq!(saved[0]["counter"], "actions/pay/rules[1]");
    assert_eq!(saved[0]["value"], "10000000");
    assert_eq!(
        file_names(&fx.dir),
        ["ledger.json", "ledger.json.lock", "session.json", "tx.json"]
    );
}

#[test]
fn commit_waits_for_the_ledger_lock() {
    let fx = Fixture::new("commit-lock");
    let session = fx.write_json("session.json", &one_payment_session());
    let tx = fx.write_json("tx.json", &pay_tx(10_000_000));
    let ledger = fx.path("ledger.json");
    let lock = std::fs::File::create(fx.path("ledger.json.lock")).unwrap();
    lock.lock().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessiongate"))
        .args(commit_args(&session, &tx, &ledger))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let early = child.try_wait().unwrap();
    // Another holder's ledger is what it reads once it has the lock.
    let fingerprint = verdict(&check(&session, &tx, &[]))["reads"][0]["key"]["session"].clone();
    let other = json!([{
        "session": fingerprint, "counter": "actions/pay/rules[1]", "value": "4000000"
    }]);
    std::fs::write(&ledger, other.to_string()).unwrap();
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(early, None, "the commit ran while the lock was held");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("6000000 left"), "{}", stderr(&out));
}

#[test]
fn temp_file_left_by_a_killed_commit_is_harmless() {
    let fx = Fixture::new("commit-stale");
    let (session, tx) = fx.session_and_tx(10_000_000);
    let ledger = fx.path("ledger.json");
    // What a commit killed between write and rename leaves behind.
    fx.write(".ledger.json.tmp", "[{ \"counter\": ");
    let out = sessiongate(&commit_args(&session, &tx, &ledger));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&ledger).unwrap()).unwrap();
    assert_eq!(saved.as_array().map(Vec::len), Some(1), "{saved}");
    assert_eq!(saved[0]["counter"], "actions/pay/rules[1]");
    assert_eq!(saved[0]["value"], "10000000");
    assert_eq!(
        file_names(&fx.dir),
        ["ledger.json", "ledger.json.lock", "session.json", "tx.json"]
    );
}

#[test]
fn failed_commit_prints_no_allow_and_keeps_the_ledger() {
    let fx = Fixture::new("commit-fail");
    let (session, tx) = fx.session_and_tx(10_000_000);
    let ledger = fx.write("ledger.json", "[]\n");
    // A directory where the temp file goes: the write fails after the decision to allow.
    fx.write(".ledger.json.tmp/inside", "");
    let out = sessiongate(&commit_args(&session, &tx, &ledger));
    // An allow printed for a payment the ledger never recorded would let it be paid again.
    assert_bad_input(&out, &["ledger.json: "]);
    assert_eq!(std::fs::read_to_string(&ledger).unwrap(), "[]\n");
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

/// Runs the binary, killing it and failing the test if it runs past `seconds`.
fn sessiongate_within(seconds: u64, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sessiongate"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`sessiongate {}` ran past {seconds}s", args.join(" "));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn test_command_walks_each_directory_once_through_symlink_loops() {
    use std::os::unix::fs::symlink;
    let fx = Fixture::new("test-symlinks");
    let pass = scenario(json!([{ "now": 1000, "call": pay_call(1), "expect": "allow" }]));
    fx.write_json("suite/one.json", &pass);
    fx.write_json("suite/sub/two.json", &pass);
    fx.write_json("elsewhere/three.json", &pass);
    // Two links to the suite itself double the paths at every level; one more points back up.
    symlink(".", fx.path("suite/again")).unwrap();
    symlink(".", fx.path("suite/more")).unwrap();
    symlink("..", fx.path("suite/sub/up")).unwrap();
    // A linked file is still followed, and so is a linked directory reached only by its link.
    symlink(
        fx.path("elsewhere/three.json"),
        fx.path("suite/sub/three.json"),
    )
    .unwrap();
    symlink(fx.path("elsewhere"), fx.path("suite/linked")).unwrap();
    let suite = fx.path("suite");
    let out = sessiongate_within(20, &["test", suite.to_str().unwrap(), "--verbose"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    let ran: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split(": step").next())
        .collect();
    let expected = [
        suite.join("linked/three.json"),
        suite.join("one.json"),
        suite.join("sub/three.json"),
        suite.join("sub/two.json"),
    ];
    let expected: Vec<String> = expected.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(ran[..4], expected, "{text}");
    assert_eq!(text.lines().last(), Some("4 passed, 0 failed"), "{text}");
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
fn test_command_on_a_folder_without_scenarios_is_bad_input() {
    let fx = Fixture::new("test-empty");
    // A session and a transaction are JSON, but not scenarios; a marked folder is not searched.
    fx.write_json("suite/session.json", &session());
    fx.write_json("suite/tx.json", &pay_tx(1));
    let pass = scenario(json!([{ "now": 1000, "call": pay_call(1), "expect": "allow" }]));
    fx.write_json("suite/neutral/one.json", &pass);
    fx.write("suite/neutral/.sessiongate-skip", "");
    let suite = fx.path("suite");
    let out = sessiongate(&["test", suite.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let expected = format!("error: {}: no scenario files here (", suite.display());
    assert!(stderr(&out).starts_with(&expected), "{}", stderr(&out));
    assert_eq!(stdout(&out), "0 passed, 0 failed\n");

    // Beside a folder that passes, an empty one is still bad input.
    let good = fx.path("good");
    fx.write_json("good/one.json", &pass);
    let out = sessiongate(&["test", good.to_str().unwrap(), suite.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "1 passed, 0 failed\n");
}

#[test]
fn test_command_reports_a_deny_for_another_reason() {
    let fx = Fixture::new("test-reason");
    let file = fx.write_json(
        "reason.json",
        &scenario(json!([
            { "now": 1000, "call": pay_call(10_000_001), "expect": "deny", "reason": "condition" },
            { "now": 1001, "call": pay_call(10_000_001), "expect": "deny", "reason": "expired" },
        ])),
    );
    let out = sessiongate(&["test", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    let expected = format!(
        "{}: step 1: expected deny (expired), got deny (condition): deny: ",
        file.display()
    );
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.ends_with("\n1 passed, 1 failed\n"), "{text}");
}

#[test]
fn ledger_naming_a_counter_twice_is_bad_input() {
    let fx = Fixture::new("ledger-duplicate");
    let (session, tx) = fx.session_and_tx(10_000_000);
    // The budget is spent, then "unspent": read last-wins, it could be spent again.
    let ledger = fx.write(
        "ledger.json",
        r#"{ "actions/pay/rules[1]": "25000000", "actions/pay/rules[1]": "0" }"#,
    );
    let before = std::fs::read(&ledger).unwrap();
    let ledger_arg = ledger.to_str().unwrap();
    let out = check(&session, &tx, &["--ledger", ledger_arg, "--commit"]);
    assert_bad_input(
        &out,
        &["ledger.json: ", "duplicate key `actions/pay/rules[1]`"],
    );
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
    let args = [
        "budgets",
        "--session",
        session.to_str().unwrap(),
        "--ledger",
        ledger_arg,
    ];
    assert_bad_input(
        &sessiongate(&args),
        &["duplicate key `actions/pay/rules[1]`"],
    );
}

#[test]
fn session_naming_a_key_twice_is_bad_input() {
    let fx = Fixture::new("session-duplicate");
    let (_, tx) = fx.session_and_tx(1);
    let text = session()
        .to_string()
        .replace("\"chain_id\":1", "\"chain_id\":5,\"chain_id\":1");
    assert!(text.contains("\"chain_id\":5"), "{text}");
    let session = fx.write("session.json", &text);
    assert_bad_input(
        &check(&session, &tx, &[]),
        &["session.json: ", "duplicate key `chain_id`"],
    );
    // Nested in a scenario, the session used to be read through a JSON value that kept the last.
    let steps = json!([{ "now": 1000, "call": pay_call(1), "expect": "allow" }]);
    let text = scenario(steps)
        .to_string()
        .replace("\"chain_id\":1", "\"chain_id\":5,\"chain_id\":1");
    let file = fx.write("scenario.json", &text);
    let out = sessiongate(&["test", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with(&format!(
            "{}: session: duplicate key `chain_id`",
            file.display()
        )),
        "{}",
        stdout(&out)
    );
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

/// An ArgPolicy rule with a usage limit is a budget like any other: after a committed transfer
/// of 40, `budgets` shows 40 of 100 used (it used to print `[]`).
#[test]
fn budgets_list_arg_policy_limited_rules() {
    let fx = Fixture::new("arg-policy-budgets");
    let token = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
    let session = json!({
        "format": "smart-sessions",
        "actions": [{
            "target": token,
            "selector": "0xa9059cbb",
            "policies": [{
                "type": "arg-policy",
                "expression": {"type": "rule", "rule": {
                    "condition": "lessThanOrEqual", "calldataOffset": "32",
                    "referenceValue": "1000", "usageLimit": "100"
                }}
            }]
        }]
    });
    let session = fx.write_json("session.json", &session);
    let data = transferCall {
        to: address!("d8dA6BF26964aF9D7eEd9e03E53415D37aA96045"),
        amount: U256::from(40),
    }
    .abi_encode();
    let tx = json!({"to": token, "value": "0", "data": hex::encode_prefixed(data)});
    let tx = fx.write_json("tx.json", &tx);
    let ledger = fx.path("ledger.json");
    let ledger_arg = ledger.to_str().unwrap();
    let out = check(&session, &tx, &["--ledger", ledger_arg, "--commit"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
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
    let list = budgets.as_array().unwrap();
    assert_eq!(list.len(), 1, "{budgets}");
    assert_eq!(list[0]["limit"], "100");
    assert_eq!(list[0]["used"], "40");
    assert_eq!(list[0]["left"], "60");
}

#[test]
fn serve_help_parses_and_a_store_it_lacks_is_bad_input() {
    let out = sessiongate(&["serve", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for flag in ["--listen", "--store", "--max-body", "--timeout-ms"] {
        assert!(help.contains(flag), "{flag}: {help}");
    }
    let out = sessiongate(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--store",
        "redis://127.0.0.1:1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("--store redis://127.0.0.1:1: store unavailable")
    );
}
