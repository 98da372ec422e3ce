//! Scenario files: a session, then steps of calls with the verdict each must get. Allowed steps
//! commit their effects to the scenario's ledger; denied steps commit nothing.

use crate::account::AccountKind;
use crate::call::Call;
use crate::call::Context;
use crate::compiled::Session;
use crate::document::{LoadError, from_json_text};
use crate::evaluate::Mode;
use crate::ledger::MemoryLedger;
use crate::transaction::{CallDocument, Origin, origin};
use crate::user_op::UserOperation;
use crate::verdict::Verdict;
use alloc::boxed::Box;
use alloc::{string::String, vec::Vec};
use alloy_primitives::{Address, Bytes};
use serde::{Deserialize, Serialize};

/// A scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// What the scenario shows.
    #[serde(default)]
    pub description: String,
    /// The session document, in any supported format.
    pub session: serde_json::Value,
    /// The smart account the session belongs to; when absent, a step's `from` (or its user
    /// operation's sender). A step that names another is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Address>,
    /// How the account encodes its calls, for `account_calldata` and `user_op` steps; detected
    /// from the selector when absent (a Smart Sessions or thirdweb session knows its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_kind: Option<AccountKind>,
    /// The chain; 1 when absent. A step whose calls name another is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<u64>,
    /// The steps, run in order.
    pub steps: Vec<Step>,
}

/// One step: a time, exactly one way of giving the calls, and the verdict expected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unix seconds.
    pub now: u64,
    /// A single call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CallDocument>,
    /// An atomic batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calls: Option<Vec<CallDocument>>,
    /// The account's own execute calldata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_calldata: Option<Bytes>,
    /// An ERC-4337 user operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_op: Option<serde_json::Value>,
    /// The verdict the step must get.
    pub expect: Expect,
    /// For a deny, the kind of the first violation's reason (e.g. `dirty_word`), so that a deny
    /// for the wrong reason fails the step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An expected decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// The step must be allowed.
    Allow,
    /// The step must be denied.
    Deny,
}

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
    /// Whether the verdict is the expected one and nothing went wrong recording it.
    pub fn passed(&self) -> bool {
        if self.error.is_some() {
            return false;
        }
        match (&self.verdict, self.expected) {
            (Some(v), Expect::Allow) => v.is_allow() && self.expected_reason.is_none(),
            (Some(v), Expect::Deny) => !v.is_allow() && self.reason_matches(v),
            (None, _) => false,
        }
    }

    /// Whether the first violation has the expected reason kind (any, when none is expected).
    fn reason_matches(&self, verdict: &Verdict<'_>) -> bool {
        let Some(expected) = &self.expected_reason else {
            return true;
        };
        verdict
            .violations
            .first()
            .is_some_and(|v| v.reason.kind() == expected.as_str())
    }
}

impl Scenario {
    /// Parses a scenario file.
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        Ok(from_json_text(text)?)
    }

    /// Compiles the session and runs every step; a session that does not load fails the file.
    pub fn run(&self) -> Result<Vec<StepOutcome>, LoadError> {
        let session = Session::from_value(self.session.clone()).map_err(|e| e.within("session"))?;
        let mut ledger = MemoryLedger::new();
        let chain_id = self.chain_id.unwrap_or(1);
        let outcomes = self
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                let input = step.input().and_then(|input| {
                    let ctx = step.context(&input, self.account, chain_id)?;
                    Ok((input, ctx))
                });
                let (verdict, error) = match input {
                    Ok((input, ctx)) => {
                        let verdict = match input {
                            Input::Calls(calls) => session.explain(&calls, &ledger, &ctx),
                            Input::AccountCalldata(data) => session.evaluate_account_calldata(
                                data,
                                self.account_kind,
                                &ledger,
                                &ctx,
                                Mode::Explain,
                            ),
                            Input::UserOp(op) => session.evaluate_user_op(
                                &op,
                                self.account_kind,
                                &ledger,
                                &ctx,
                                Mode::Explain,
                            ),
                        };
                        let error = match verdict.is_allow() {
                            true => ledger
                                .apply(&verdict.effects)
                                .err()
                                .map(|e| alloc::format!("{e}")),
                            false => None,
                        };
                        (Some(verdict.into_owned()), error)
                    }
                    Err(message) => (None, Some(message)),
                };
                StepOutcome {
                    index,
                    expected: step.expect,
                    expected_reason: step.reason.clone(),
                    verdict,
                    error,
                    note: step.note.clone(),
                }
            })
            .collect();
        Ok(outcomes)
    }
}

/// What a step gives to evaluate.
enum Input<'a> {
    Calls(Vec<Call<'a>>),
    AccountCalldata(&'a [u8]),
    UserOp(Box<UserOperation>),
}

impl Step {
    /// What the step evaluates, or why it cannot be had.
    fn input(&self) -> Result<Input<'_>, String> {
        match (
            &self.call,
            &self.calls,
            &self.account_calldata,
            &self.user_op,
        ) {
            (Some(call), None, None, None) => Ok(Input::Calls(alloc::vec![call.as_call()])),
            (None, Some(calls), None, None) => Ok(Input::Calls(
                calls.iter().map(CallDocument::as_call).collect(),
            )),
            (None, None, Some(data), None) => Ok(Input::AccountCalldata(data)),
            (None, None, None, Some(op)) => UserOperation::from_value(op.clone())
                .map(|op| Input::UserOp(Box::new(op)))
                .map_err(|e| alloc::format!("{}", e.within("user_op"))),
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
        input: &Input<'_>,
        account: Option<Address>,
        chain_id: u64,
    ) -> Result<Context, String> {
        let named = match (&self.call, &self.calls) {
            (Some(call), _) => origin(core::slice::from_ref(call), |_| "call".into()),
            (_, Some(calls)) => origin(calls, |i| alloc::format!("calls[{i}]")),
            _ => Ok(Origin::default()),
        }
        .map_err(|e| alloc::format!("{e}"))?;
        if let Some(named) = named.chain_id.filter(|&c| c != chain_id) {
            return Err(alloc::format!(
                "the step's calls name chain {named}, but the scenario is on chain {chain_id}"
            ));
        }
        let sender = match input {
            Input::UserOp(op) => Some(("user_op.sender", op.sender)),
            _ => named.from.map(|from| ("from", from)),
        };
        let account = match (account, sender) {
            (Some(account), Some((field, sender))) if account != sender => {
                return Err(alloc::format!(
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

    /// Runs one step of a scenario on chain 1 whose session allows any call.
    fn run(account: Option<&str>, step: serde_json::Value) -> StepOutcome {
        let mut scenario = serde_json::json!({
            "session": { "actions": [{ "target": "*", "selector": "*", "policies": [{ "type": "sudo" }] }] },
            "chain_id": 1,
            "steps": [step],
        });
        if let Some(account) = account {
            scenario["account"] = account.into();
        }
        let scenario = Scenario::from_json(&scenario.to_string()).unwrap();
        scenario.run().unwrap().remove(0)
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
    fn a_sender_other_than_the_account_is_an_error() {
        let step =
            serde_json::json!({ "now": 1, "call": { "to": A, "from": A }, "expect": "allow" });
        let account: Address = B.parse().unwrap();
        let from: Address = A.parse().unwrap();
        assert_eq!(
            error(&run(Some(B), step)),
            alloc::format!("the step's from is {from}, but the scenario's account is {account}")
        );
    }
}
