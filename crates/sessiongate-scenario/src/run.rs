//! Running a scenario: the session is compiled once, then each step is decided against the
//! scenario's ledger, in order, and compared with what the file expects.

use crate::format::{Expect, Scenario, Step};
use alloy_primitives::Address;
use serde::Serialize;
use sessiongate::account::AccountKind;
use sessiongate::transaction::Transaction;
use sessiongate::{
    Call, Context, Input, LoadError, MemoryLedger, Mode, Session, UserOperation, Verdict, Violation,
};

/// What happened at one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepOutcome {
    /// Position of the step, from 0.
    pub index: usize,
    /// What the file expected.
    pub expected: Expect,
    /// The reason kind the file expected of a deny, if it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_reason: Option<String>,
    /// The path of the first violation the file expected of a deny, if it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_path: Option<String>,
    /// The verdict, when the step could be evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict<'static>>,
    /// Why the step could not be evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The step's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl StepOutcome {
    /// Whether the verdict is the expected one (for a deny, for the expected reason and at the
    /// expected path) and nothing went wrong recording it.
    pub fn passed(&self) -> bool {
        match (&self.error, &self.verdict, self.expected) {
            (None, Some(v), Expect::Allow) => v.is_allow(),
            (None, Some(v), Expect::Deny) => {
                let first = v.violations.first();
                !v.is_allow()
                    && matches(&self.expected_reason, first.map(|v| v.reason.kind()))
                    && matches(&self.expected_path, first.and_then(violation_path))
            }
            _ => false,
        }
    }

    /// What the file expected: `allow`, `deny`, or `deny (<kind> at <path>)` as far as it says.
    pub fn expected_text(&self) -> String {
        match (self.expected, &self.expected_reason, &self.expected_path) {
            (Expect::Allow, ..) => String::from("allow"),
            (Expect::Deny, None, None) => String::from("deny"),
            (Expect::Deny, Some(kind), None) => format!("deny ({kind})"),
            (Expect::Deny, None, Some(path)) => format!("deny (at {path})"),
            (Expect::Deny, Some(kind), Some(path)) => format!("deny ({kind} at {path})"),
        }
    }

    /// What the step got, told as far as the file's expectation goes, so the two read side by
    /// side: `allow`, `error`, `deny`, or `deny (<kind>)` and `at <path>` when those are expected.
    pub fn got_text(&self) -> String {
        let verdict = match (&self.error, &self.verdict) {
            (None, Some(verdict)) => verdict,
            _ => return String::from("error"),
        };
        if verdict.is_allow() {
            return String::from("allow");
        }
        let first = verdict.violations.first();
        let kind = first.map_or("no violation", |v| v.reason.kind());
        let path = first.and_then(violation_path).unwrap_or("no path");
        match (&self.expected_reason, &self.expected_path) {
            (None, None) => String::from("deny"),
            (Some(_), None) => format!("deny ({kind})"),
            (None, Some(_)) => format!("deny (at {path})"),
            (Some(_), Some(_)) => format!("deny ({kind} at {path})"),
        }
    }
}

/// Whether a stated expectation holds; one not stated always does.
fn matches(expected: &Option<String>, got: Option<&str>) -> bool {
    expected.as_deref().is_none_or(|e| got == Some(e))
}

/// The path a step's `path` is compared with: where in the session document the violated rule
/// or policy is, as the verdict serializes it.
fn violation_path<'a>(violation: &'a Violation<'_>) -> Option<&'a str> {
    violation.source.as_deref()
}

impl Scenario {
    /// Compiles the session and runs every step; a session that does not load fails the file.
    pub fn run(&self) -> Result<Vec<StepOutcome>, LoadError> {
        let session = Session::from_value(self.session.clone()).map_err(|e| e.within("session"))?;
        let mut ledger = MemoryLedger::new();
        let outcomes = self
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                let (verdict, error) = match self.decide(&session, &ledger, step) {
                    Ok(verdict) => {
                        let error = match verdict.is_allow() {
                            true => ledger.apply(&verdict.effects).err().map(|e| e.to_string()),
                            false => None,
                        };
                        (Some(verdict), error)
                    }
                    Err(message) => (None, Some(message)),
                };
                StepOutcome {
                    index,
                    expected: step.expect,
                    expected_reason: step.reason.clone(),
                    expected_path: step.path.clone(),
                    verdict,
                    error,
                    note: step.note.clone(),
                }
            })
            .collect();
        Ok(outcomes)
    }

    /// For generators of scenario files: states, on every deny step that names no reason and is
    /// denied, the kind of its first violation. Returns how many steps were filled; each is what
    /// the engine says today, so look at every one before committing the file.
    pub fn record_reasons(&mut self) -> Result<usize, LoadError> {
        let outcomes = self.run()?;
        let mut filled = 0_usize;
        for (step, outcome) in self.steps.iter_mut().zip(outcomes) {
            let first = outcome
                .verdict
                .filter(|v| !v.is_allow())
                .and_then(|v| v.violations.into_iter().next());
            if let (Expect::Deny, None, Some(first)) = (step.expect, &step.reason, first) {
                step.reason = Some(first.reason.kind().to_owned());
                filled = filled.saturating_add(1);
            }
        }
        Ok(filled)
    }

    /// One step's verdict, or why the step cannot be decided.
    fn decide(
        &self,
        session: &Session,
        ledger: &MemoryLedger,
        step: &Step,
    ) -> Result<Verdict<'static>, String> {
        if step.expect == Expect::Allow && (step.reason.is_some() || step.path.is_some()) {
            return Err(String::from(
                "an allow step states no `reason` or `path`: they say why a deny is one",
            ));
        }
        let input = step.input()?;
        let ctx = step.context(&input, self.account, self.chain_id.unwrap_or(1))?;
        let verdict = evaluate_step(session, &input, self.account_kind, ledger, &ctx);
        Ok(verdict.into_owned())
    }
}

/// What a step gives to evaluate.
enum StepInput<'a> {
    Calls(Vec<Call<'a>>),
    AccountCalldata(&'a [u8]),
    UserOp(Box<UserOperation>),
}

/// The one place a step meets the engine, through its one entry point: `call` and `calls` steps
/// are calls the account makes ([`Input::Calls`]: a call to the account itself is judged as one),
/// `account_calldata` and `user_op` steps are the account's own calldata. Every violation is
/// collected so a failing step can show them all.
fn evaluate_step<'s>(
    session: &'s Session,
    input: &StepInput<'_>,
    kind: Option<AccountKind>,
    ledger: &MemoryLedger,
    ctx: &Context,
) -> Verdict<'s> {
    let input = match input {
        StepInput::Calls(calls) => Input::Calls(calls),
        StepInput::AccountCalldata(data) => Input::AccountCalldata { data, kind },
        StepInput::UserOp(op) => Input::UserOp { op, kind },
    };
    session.decide(input, ledger, ctx, Mode::Explain)
}

impl Step {
    /// What the step evaluates, or why it cannot be had.
    fn input(&self) -> Result<StepInput<'_>, String> {
        match (
            &self.call,
            &self.calls,
            &self.account_calldata,
            &self.user_op,
        ) {
            (Some(call), None, None, None) => Ok(StepInput::Calls(vec![call.as_call()])),
            (None, Some(calls), None, None) => Ok(StepInput::Calls(
                calls.iter().map(|c| c.as_call()).collect(),
            )),
            (None, None, Some(data), None) => Ok(StepInput::AccountCalldata(data)),
            (None, None, None, Some(op)) => UserOperation::from_value(op.clone())
                .map(|op| StepInput::UserOp(Box::new(op)))
                .map_err(|e| e.within("user_op").to_string()),
            _ => Err(String::from(
                "a step needs exactly one of call, calls, account_calldata, user_op",
            )),
        }
    }

    /// The step's context: the scenario's chain and account, which the step's calls (and user
    /// operation's sender) may repeat but not contradict, as the chain would not run them so.
    /// With no account in the scenario, the calls' `from` is the account, as in `check`.
    fn context(
        &self,
        input: &StepInput<'_>,
        account: Option<Address>,
        chain_id: u64,
    ) -> Result<Context, String> {
        // A transaction names a lone call's fields without a prefix; the step names it `call`
        // (or `calls[0]`), so errors point at the step's own field.
        let (calls, lone) = match (&self.call, &self.calls) {
            (Some(call), _) => (vec![call.clone()], Some("call")),
            (_, Some(calls)) if calls.len() == 1 => (calls.clone(), Some("calls[0]")),
            (_, Some(calls)) => (calls.clone(), None),
            _ => (Vec::new(), None),
        };
        let tx = Transaction { calls };
        let at = |e: LoadError| match lone {
            Some(prefix) => e.within(prefix).to_string(),
            None => e.to_string(),
        };
        // Either reads every call's sender and chain, and fails on the first conflict of either.
        let named_chain = tx.chain_id().map_err(at)?;
        let named_from = tx.from().map_err(at)?;
        if let Some(named) = named_chain.filter(|&c| c != chain_id) {
            return Err(format!(
                "the step's calls name chain {named}, but the scenario is on chain {chain_id}"
            ));
        }
        let sender = match input {
            StepInput::UserOp(op) => Some(("user_op.sender", op.sender)),
            _ => named_from.map(|from| ("from", from)),
        };
        let account = match (account, sender) {
            (Some(account), Some((field, sender))) if account != sender => {
                return Err(format!(
                    "the step's {field} is {sender}, but the scenario's account is {account}"
                ));
            }
            (Some(account), _) => Some(account),
            (None, sender) => sender.map(|(_, sender)| sender),
        };
        Ok(Context {
            now: self.now,
            chain_id,
            account,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0x1111111111111111111111111111111111111111";
    const B: &str = "0x2222222222222222222222222222222222222222";
    const TRANSFER: &str = "0xa9059cbb";

    /// Runs one step of a scenario on chain 1 whose session allows any call.
    fn run(account: Option<&str>, step: serde_json::Value) -> StepOutcome {
        let session = serde_json::json!({
            "actions": [{ "target": "*", "selector": "*", "policies": [{ "type": "sudo" }] }]
        });
        run_on(session, account, step)
    }

    fn run_on(
        session: serde_json::Value,
        account: Option<&str>,
        step: serde_json::Value,
    ) -> StepOutcome {
        let mut scenario =
            serde_json::json!({ "session": session, "chain_id": 1, "steps": [step] });
        if let Some(account) = account {
            scenario["account"] = account.into();
        }
        let scenario = Scenario::from_json(&scenario.to_string()).unwrap();
        scenario.run().unwrap().remove(0)
    }

    /// A session whose one action allows `transfer` to `A` only, at `actions[0].rules[0]`.
    fn transfer_to_a() -> serde_json::Value {
        serde_json::json!({ "actions": [{
            "name": "pay", "target": "*", "selector": "transfer(address to, uint256 amount)",
            "rules": [{ "param": "to", "condition": "eq", "value": A }],
        }] })
    }

    /// `transfer(to, 1)`.
    fn transfer(to: &str) -> serde_json::Value {
        let data = format!("{TRANSFER}{:0>64}{:0>64}", to.trim_start_matches("0x"), "1");
        serde_json::json!({ "to": A, "data": data })
    }

    /// Denied by the session above for its recipient.
    fn transfer_to_b() -> serde_json::Value {
        transfer(B)
    }

    fn error(outcome: &StepOutcome) -> &str {
        assert!(!outcome.passed(), "{outcome:?}");
        outcome.error.as_deref().unwrap_or_default()
    }

    #[test]
    fn calls_that_agree_with_the_scenario_run() {
        let call = serde_json::json!({ "to": A, "from": B, "chainId": "0x1" });
        let step = serde_json::json!({ "now": 1, "calls": [call, { "to": A }], "expect": "allow" });
        assert!(run(Some(B), step.clone()).passed());
        assert!(run(None, step).passed());
    }

    #[test]
    fn a_step_on_another_chain_is_an_error() {
        // Judged on the scenario's chain, this call used to be allowed.
        let step =
            serde_json::json!({ "now": 1, "call": { "to": A, "chainId": 5 }, "expect": "allow" });
        assert_eq!(
            error(&run(None, step)),
            "the step's calls name chain 5, but the scenario is on chain 1"
        );
    }

    #[test]
    fn a_batch_on_two_chains_or_from_two_senders_is_an_error() {
        let calls = serde_json::json!([{ "to": A, "chainId": 1 }, { "to": A, "chainId": "18446744073709551617" }]);
        let step = serde_json::json!({ "now": 1, "calls": calls, "expect": "allow" });
        assert!(
            error(&run(None, step)).starts_with("calls[1].chainId: 18446744073709551617 is not"),
        );
        let calls = serde_json::json!([{ "to": A, "from": A }, { "to": A, "from": B }]);
        let step = serde_json::json!({ "now": 1, "calls": calls, "expect": "allow" });
        assert!(error(&run(None, step)).starts_with("calls[1].from: "));
    }

    #[test]
    fn a_lone_calls_field_at_fault_is_named_under_the_step() {
        let wide = serde_json::json!({ "to": A, "chainId": "18446744073709551617" });
        let step = serde_json::json!({ "now": 1, "call": wide, "expect": "allow" });
        assert!(error(&run(None, step)).starts_with("call.chainId: "));
        let step = serde_json::json!({ "now": 1, "calls": [wide], "expect": "allow" });
        assert!(error(&run(None, step)).starts_with("calls[0].chainId: "));
    }

    #[test]
    fn a_sender_other_than_the_account_is_an_error() {
        let step =
            serde_json::json!({ "now": 1, "call": { "to": A, "from": A }, "expect": "allow" });
        let account: Address = B.parse().unwrap();
        let from: Address = A.parse().unwrap();
        assert_eq!(
            error(&run(Some(B), step)),
            format!("the step's from is {from}, but the scenario's account is {account}")
        );
    }

    #[test]
    fn a_deny_passes_only_for_the_stated_reason_and_path() {
        let step = |reason: &str, path: Option<&str>| {
            let mut step = serde_json::json!({
                "now": 1, "call": transfer_to_b(), "expect": "deny", "reason": reason
            });
            if let Some(path) = path {
                step["path"] = path.into();
            }
            run_on(transfer_to_a(), None, step)
        };
        assert!(step("condition", None).passed());
        assert!(step("condition", Some("actions[0].rules[0]")).passed());

        let wrong_kind = step("no_action", None);
        assert!(!wrong_kind.passed());
        assert_eq!(wrong_kind.expected_text(), "deny (no_action)");
        assert_eq!(wrong_kind.got_text(), "deny (condition)");

        let wrong_path = step("condition", Some("actions[0].rules[1]"));
        assert!(!wrong_path.passed());
        assert_eq!(
            wrong_path.expected_text(),
            "deny (condition at actions[0].rules[1])"
        );
        assert_eq!(
            wrong_path.got_text(),
            "deny (condition at actions[0].rules[0])"
        );
    }

    #[test]
    fn a_path_alone_is_checked_and_a_deny_without_one_has_none() {
        let step = serde_json::json!({
            "now": 1, "call": { "to": A, "data": "0xdeadbeef" }, "expect": "deny", "path": "actions[0]"
        });
        let outcome = run_on(transfer_to_a(), None, step);
        assert!(!outcome.passed());
        assert_eq!(outcome.expected_text(), "deny (at actions[0])");
        assert_eq!(outcome.got_text(), "deny (at no path)");
    }

    #[test]
    fn an_allow_step_stating_a_reason_is_an_error() {
        let step = serde_json::json!({ "now": 1, "call": { "to": A }, "expect": "allow", "reason": "condition" });
        assert!(error(&run(None, step)).starts_with("an allow step states no `reason`"));
    }

    #[test]
    fn recording_fills_the_kind_of_denies_that_name_none() {
        let steps = serde_json::json!([
            { "now": 1, "call": transfer_to_b(), "expect": "deny" },
            { "now": 2, "call": transfer_to_b(), "expect": "deny", "reason": "no_action" },
            { "now": 3, "call": transfer(A), "expect": "allow" },
            { "now": 4, "call": { "to": A, "data": "0xdeadbeef" }, "expect": "deny" },
        ]);
        let text = serde_json::json!({ "session": transfer_to_a(), "steps": steps }).to_string();
        let mut scenario = Scenario::from_json(&text).unwrap();
        assert_eq!(scenario.record_reasons().unwrap(), 2);
        let reasons: Vec<_> = scenario.steps.iter().map(|s| s.reason.as_deref()).collect();
        // A stated reason stays, even a wrong one: recording does not overrule the file.
        assert_eq!(
            reasons,
            [
                Some("condition"),
                Some("no_action"),
                None,
                Some("no_action")
            ]
        );
    }
}
