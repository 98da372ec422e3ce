//! The shipped examples in `examples/` stay true: every scenario step gets its expected verdict,
//! each scenario embeds its folder's `session.json`, and the sample transactions the README
//! checks with the CLI are allowed or denied as their names say.

use crate::common::repo;
use sessiongate::transaction::CallDocument;
use sessiongate::{Call, Context, MemoryLedger, Mode, Session, Transaction};
use sessiongate_scenario::{Expect, Scenario};
use std::fs;
use std::path::{Path, PathBuf};

fn examples_dir() -> PathBuf {
    repo("examples")
}

/// Every folder under `examples/` that holds a scenario, sorted for stable output.
fn example_folders() -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = fs::read_dir(examples_dir())
        .expect("examples/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.join("scenario.json").is_file())
        .collect();
    folders.sort();
    folders
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn scenario(folder: &Path) -> Scenario {
    let path = folder.join("scenario.json");
    Scenario::from_json(&read(&path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `tx-*.json` files of a folder, sorted.
fn tx_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(folder)
        .expect("example folder is readable")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("tx-") && n.ends_with(".json"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn at_least_five_examples() {
    let folders = example_folders();
    assert!(
        folders.len() >= 5,
        "only {} examples: {folders:?}",
        folders.len()
    );
}

#[test]
fn every_scenario_step_gets_its_expected_verdict() {
    let mut failures = Vec::new();
    for folder in example_folders() {
        let outcomes = scenario(&folder)
            .run()
            .unwrap_or_else(|e| panic!("{}: session does not load: {e}", folder.display()));
        for outcome in &outcomes {
            let verdict = outcome
                .verdict
                .as_ref()
                .map_or_else(|| format!("error: {:?}", outcome.error), |v| v.to_string());
            // Shown with --nocapture, to read each step's reason against its note.
            println!("{} step {}: {verdict}", folder.display(), outcome.index);
            if outcome.passed() {
                continue;
            }
            failures.push(format!(
                "{} step {} ({}): expected {:?}, got {verdict}",
                folder.display(),
                outcome.index,
                outcome.note.as_deref().unwrap_or("no note"),
                outcome.expected,
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_scenario_has_enough_steps_with_notes() {
    for folder in example_folders() {
        let s = scenario(&folder);
        let count = |e: Expect| s.steps.iter().filter(|step| step.expect == e).count();
        let batch = |e: Expect| {
            s.steps
                .iter()
                .any(|step| step.expect == e && step.calls.is_some())
        };
        let name = folder.display();
        assert!(
            count(Expect::Allow) >= 4,
            "{name}: fewer than 4 allow steps"
        );
        assert!(count(Expect::Deny) >= 4, "{name}: fewer than 4 deny steps");
        assert!(batch(Expect::Allow), "{name}: no allowed batch");
        assert!(batch(Expect::Deny), "{name}: no denied batch");
        assert!(
            s.steps.iter().all(|step| step.note.is_some()),
            "{name}: a step has no note"
        );
        assert_eq!(s.chain_id, Some(1), "{name}: chain_id");
        assert!(s.account.is_some(), "{name}: no account");
    }
}

#[test]
fn scenario_session_is_the_folders_session_json() {
    for folder in example_folders() {
        let path = folder.join("session.json");
        let session: serde_json::Value = serde_json::from_str(&read(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            scenario(&folder).session,
            session,
            "{}: scenario.json's session differs from session.json",
            folder.display()
        );
    }
}

#[test]
fn sample_transactions_get_the_verdict_their_names_say() {
    for folder in example_folders() {
        let s = scenario(&folder);
        let session = Session::from_json(&read(&folder.join("session.json")))
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
        let ctx = Context {
            now: s.steps.first().expect("a scenario has steps").now,
            chain_id: s.chain_id.unwrap_or(1),
            account: s.account,
        };
        let files = tx_files(&folder);
        let named = |prefix: &str| {
            files.iter().any(|f| {
                f.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(prefix))
            })
        };
        assert!(
            named("tx-allow.json"),
            "{}: no tx-allow.json",
            folder.display()
        );
        assert!(named("tx-deny-"), "{}: no tx-deny-*.json", folder.display());
        for file in files {
            let tx = Transaction::from_json(&read(&file))
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let calls = tx.as_calls();
            let ledger = MemoryLedger::new();
            // As the CLI does: a call to the account carries the account's own calldata.
            let verdict = match calls.as_slice() {
                [call] if Some(call.to) == ctx.account => {
                    session.evaluate_account_calldata(call.data, None, &ledger, &ctx, Mode::Explain)
                }
                _ => session.explain(&calls, &ledger, &ctx),
            };
            let want_allow = file.ends_with("tx-allow.json");
            assert_eq!(
                verdict.is_allow(),
                want_allow,
                "{} at now {}: {verdict}",
                file.display(),
                ctx.now
            );
        }
    }
}

#[test]
fn fast_and_explain_paths_agree_on_every_step() {
    for folder in example_folders() {
        let s = scenario(&folder);
        let session = Session::from_value(s.session.clone()).expect("example session loads");
        let mut ledger = MemoryLedger::new();
        for (index, step) in s.steps.iter().enumerate() {
            let ctx = Context {
                now: step.now,
                chain_id: s.chain_id.unwrap_or(1),
                account: s.account,
            };
            let (fast, full) = match (&step.call, &step.calls, &step.account_calldata) {
                (_, _, Some(data)) => (
                    session.evaluate_account_calldata(data, None, &ledger, &ctx, Mode::Fast),
                    session.evaluate_account_calldata(data, None, &ledger, &ctx, Mode::Explain),
                ),
                (Some(call), None, None) => {
                    let calls = [call.as_call()];
                    (
                        session.check(&calls, &ledger, &ctx),
                        session.explain(&calls, &ledger, &ctx),
                    )
                }
                (None, Some(calls), None) => {
                    let calls: Vec<Call<'_>> = calls.iter().map(CallDocument::as_call).collect();
                    (
                        session.check(&calls, &ledger, &ctx),
                        session.explain(&calls, &ledger, &ctx),
                    )
                }
                _ => panic!("{} step {index}: no calls", folder.display()),
            };
            let at = format!("{} step {index}", folder.display());
            assert_eq!(fast.decision, full.decision, "{at}: {fast} vs {full}");
            assert_eq!(fast.effects, full.effects, "{at}");
            assert!(full.violations.len() >= fast.violations.len(), "{at}");
            ledger.apply(&fast.effects).expect("effects fit the ledger");
        }
    }
}

/// One verdict reused across every sample transaction of every example, in both modes, as a
/// relayer reuses it: each decision equals a fresh `decide`'s, whatever the verdict held before.
#[test]
fn decide_into_a_reused_verdict_equals_decide() {
    let mut sessions = Vec::new();
    for folder in example_folders() {
        let s = scenario(&folder);
        let session = Session::from_json(&read(&folder.join("session.json"))).unwrap();
        let ctx = Context {
            now: s.steps.first().expect("a scenario has steps").now,
            chain_id: s.chain_id.unwrap_or(1),
            account: s.account,
        };
        let txs: Vec<Transaction> = tx_files(&folder)
            .iter()
            .map(|f| Transaction::from_json(&read(f)).unwrap())
            .collect();
        let unwrapped: Vec<_> = s
            .steps
            .iter()
            .filter_map(|step| step.account_calldata.clone().map(|data| (data, step.now)))
            .collect();
        sessions.push((session, ctx, txs, unwrapped));
    }
    let ledger = MemoryLedger::new();
    let mut reused = sessiongate::Verdict::default();
    let mut decided = 0;
    for mode in [Mode::Fast, Mode::Explain] {
        for (session, ctx, txs, unwrapped) in &sessions {
            // The account's own calldata, unwrapped with its encoding (scenario steps).
            for (data, now) in unwrapped {
                let ctx = Context { now: *now, ..*ctx };
                let input = sessiongate::Input::AccountCalldata { data, kind: None };
                session.decide_into(input, &ledger, &ctx, mode, &mut reused);
                assert_eq!(reused, session.decide(input, &ledger, &ctx, mode));
                decided += 1;
            }
            for tx in txs {
                let calls = tx.as_calls();
                let input = sessiongate::Input::Transaction {
                    calls: &calls,
                    kind: None,
                };
                session.decide_into(input, &ledger, ctx, mode, &mut reused);
                let fresh = session.decide(input, &ledger, ctx, mode);
                assert_eq!(reused, fresh);
                decided += 1;
            }
        }
    }
    assert!(decided >= 80, "{decided}");
}
