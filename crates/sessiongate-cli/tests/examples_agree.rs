//! Every `tx-*.json` of `examples/` gets the same verdict from `sessiongate check` as from the
//! library's one entry point, `Session::decide` on `Input::Transaction`: a wallet embedding the
//! library and a relayer running the CLI cannot disagree on a transaction.

// Helpers are test code, where a failed setup should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::panic)]

use serde_json::Value;
use sessiongate::{Context, Input, MemoryLedger, Mode, Session, Transaction};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: u64 = 1_767_225_600;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn cli_verdict(session: &Path, tx: &Path) -> (Value, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_sessiongate"))
        .args(["check", "--session"])
        .arg(session)
        .arg("--tx")
        .arg(tx)
        .args(["--now", &NOW.to_string()])
        .output()
        .unwrap();
    let verdict = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: {}",
            tx.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (verdict, out.status.code())
}

fn library_verdict(session: &Path, tx: &Path) -> Value {
    let session = Session::from_json(&fs::read_to_string(session).unwrap()).unwrap();
    let tx = Transaction::from_json(&fs::read_to_string(tx).unwrap()).unwrap();
    let ctx = Context {
        now: NOW,
        chain_id: tx.chain_id().unwrap().unwrap_or(1),
        account: tx.from().unwrap(),
    };
    let calls = tx.as_calls();
    let input = Input::Transaction {
        calls: &calls,
        kind: None,
    };
    let verdict = session.decide(input, &MemoryLedger::new(), &ctx, Mode::Fast);
    serde_json::to_value(&verdict).unwrap()
}

#[test]
fn every_example_transaction_gets_the_same_verdict_from_the_cli_and_the_library() {
    let mut compared = 0;
    let mut dirs: Vec<_> = fs::read_dir(examples()).unwrap().flatten().collect();
    dirs.sort_by_key(|d| d.path());
    for dir in dirs.iter().map(|d| d.path()).filter(|p| p.is_dir()) {
        let session = dir.join("session.json");
        let mut txs: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with("tx-") && name.ends_with(".json")
            })
            .collect();
        txs.sort();
        for tx in txs {
            let (cli, code) = cli_verdict(&session, &tx);
            let library = library_verdict(&session, &tx);
            assert_eq!(cli, library, "{}", tx.display());
            let allowed = library["decision"] == "allow";
            assert_eq!(code, Some(if allowed { 0 } else { 1 }), "{}", tx.display());
            compared += 1;
        }
    }
    // Every example ships transactions; a missing folder must not pass silently.
    assert!(compared >= 20, "only {compared} example transactions found");
}
