//! The scenario file format: one JSON object with a session document and the steps run on it.

use alloy_primitives::{Address, Bytes};
use serde::{Deserialize, Serialize};
use sessiongate::LoadError;
use sessiongate::account::AccountKind;
use sessiongate::transaction::CallDocument;

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
    /// For a deny, the document path of the rule or policy behind the first violation, as the
    /// verdict gives it (`source`, e.g. `actions[0].rules[1]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
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

impl Scenario {
    /// Parses a scenario file as strictly as the core reads a session: a key given twice in any
    /// object (the session's included) is an error, which names the path of the field at fault.
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        sessiongate::document::parse_json(text)
    }
}
