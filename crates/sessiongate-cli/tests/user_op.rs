//! `sessiongate check --user-op` end to end on the fixtures in `tests/fixtures/`, which
//! `crates/sessiongate/tests/account_scenarios.rs` generates with alloy-encoded callData: a
//! USDC-to-payee session with a paymaster policy and user-operation gas caps, and SimpleAccount
//! operations of both EntryPoint versions.

#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// The session has no time window; a fixed `--now` keeps the run off the system clock.
const NOW: &str = "1760000000";

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    assert!(path.is_file(), "{} is missing", path.display());
    path.to_str().unwrap().to_owned()
}

fn check_user_op(op: &str, extra: &[&str]) -> Output {
    let session = fixture("user-op-session.json");
    let op = fixture(op);
    let mut args = vec![
        "check",
        "--session",
        &session,
        "--user-op",
        &op,
        "--now",
        NOW,
    ];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_sessiongate"))
        .args(&args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn verdict(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn v07_op_with_the_allowed_paymaster_exits_0() {
    let out = check_user_op(
        "user-op-v07-allowed.json",
        &["--account-kind", "simple-account"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = verdict(&out);
    assert_eq!(v["decision"], "allow");
    assert_eq!(
        v["allowed_by"],
        serde_json::json!(["usdc-transfer", "eth-to-payee"])
    );
    assert_eq!(
        stderr(&out).trim(),
        "allow: call 0 by action `usdc-transfer`, call 1 by action `eth-to-payee`"
    );
}

#[test]
fn v07_op_with_another_paymaster_exits_1() {
    let out = check_user_op(
        "user-op-v07-other-paymaster.json",
        &["--account-kind", "simple-account"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(verdict(&out)["decision"], "deny");
    let err = stderr(&out);
    assert!(
        err.contains(
            "paymaster 0x9a90000000000000000000000000000000000005 is not allowed by the session"
        ),
        "{err}"
    );
    assert_eq!(
        verdict(&out)["violations"][0]["reason"]["kind"],
        "paymaster_not_allowed"
    );
}

#[test]
fn v06_op_is_allowed_with_the_kind_detected() {
    // execute(address,uint256,bytes) is the same function in every kind that has it.
    let out = check_user_op("user-op-v06-allowed.json", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(verdict(&out)["decision"], "allow");
}

#[test]
fn ambiguous_batch_without_a_kind_exits_1_asking_for_it() {
    // executeBatch(address[],uint256[],bytes[]) decodes differently in SimpleAccount and Biconomy.
    let out = check_user_op("user-op-v07-allowed.json", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("name the account kind"), "{err}");
    // Biconomy reads the same op too: its value array is as long as its targets.
    let biconomy = check_user_op("user-op-v07-allowed.json", &["--account-kind", "biconomy"]);
    assert_eq!(biconomy.status.code(), Some(0), "{}", stderr(&biconomy));
}

#[test]
fn account_flag_other_than_the_sender_is_bad_input() {
    let op: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("user-op-v06-allowed.json")).unwrap(),
    )
    .unwrap();
    let sender = op["sender"].as_str().unwrap().to_owned();
    let same = check_user_op("user-op-v06-allowed.json", &["--account", &sender]);
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    // The sender is the account the op runs as; a flag naming another used to be ignored.
    let other = "0x1111111111111111111111111111111111111111";
    let out = check_user_op("user-op-v06-allowed.json", &["--account", other]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("user-op-v06-allowed.json: sender is 0x"),
        "{err}"
    );
    assert!(err.contains(&format!("but --account is {other}")), "{err}");
}

#[test]
fn scenario_account_other_than_the_sender_fails_the_step() {
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
    };
    let op = read("user-op-v06-allowed.json");
    let scenario = |account: &Value| {
        serde_json::json!({
            "session": read("user-op-session.json"),
            "account": account,
            "steps": [{ "now": 1760000000u64, "user_op": op, "expect": "allow" }],
        })
    };
    let dir = std::env::temp_dir().join(format!("sessiongate-user-op-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |account: &Value| {
        let file = dir.join("scenario.json");
        std::fs::write(&file, scenario(account).to_string()).unwrap();
        Command::new(env!("CARGO_BIN_EXE_sessiongate"))
            .args(["test", file.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let same = run(&op["sender"]);
    let other = run(&Value::from("0x1111111111111111111111111111111111111111"));
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = |out: &Output| String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    assert_eq!(other.status.code(), Some(1), "{}", stdout(&other));
    let text = stdout(&other);
    assert!(
        text.contains("step 0: expected allow, got error: the step's user_op.sender is 0x"),
        "{text}"
    );
    assert!(
        text.contains("but the scenario's account is 0x1111111111111111111111111111111111111111"),
        "{text}"
    );
}
