//! Verdicts that explain themselves: a decision, the violations behind a deny (which call, which
//! action, which policy or rule, which parameter, expected against actual, budget left), and the
//! effects an allow asks the caller to record.
//!
//! This file holds the verdict's shape; `reason` the reasons a call is denied, `text` the
//! sentences verdicts and reasons read as, `value` the values a condition compares.

mod reason;
mod text;
mod value;

pub use reason::Reason;
pub use value::{Expected, Value};

use crate::ledger::{Effect, Read};
use alloc::{borrow::Cow, vec::Vec};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Allow or deny; no third answer will come, so it stays exhaustive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Every call matched an action and passed every policy.
    Allow,
    /// At least one call did not; nothing is to be recorded.
    #[default]
    Deny,
}

/// The answer to one evaluation. It borrows names and keys from the session it came from, so an
/// allow costs no allocation or reference counting; [`Verdict::into_owned`] detaches it.
///
/// It serializes to JSON for logs and APIs, and reads back (owning its text) to an equal value;
/// `sessiongate schema --verdict` prints its JSON Schema.
///
/// ```
/// use alloy_primitives::{U256, address};
/// use sessiongate::{Call, Context, MemoryLedger, Session, Verdict};
///
/// let session = Session::from_json(r#"{"actions": [{
///     "target": "0x1111111111111111111111111111111111111111", "selector": "native",
///     "policies": [{ "type": "sudo" }]
/// }]}"#)?;
/// let elsewhere = address!("2222222222222222222222222222222222222222");
/// let call = Call { to: elsewhere, value: U256::from(1u8), data: &[] };
/// let ctx = Context { now: 0, chain_id: 1, account: None };
/// let verdict = session.check(&[call], &MemoryLedger::new(), &ctx);
/// assert_eq!(
///     verdict.to_string(),
///     "deny: call 0: no action allows a native transfer to \
///      0x2222222222222222222222222222222222222222"
/// );
///
/// let json = serde_json::to_value(&verdict)?;
/// assert_eq!(json["decision"], "deny");
/// assert_eq!(json["violations"][0]["reason"]["kind"], "no_action");
/// let back: Verdict<'static> = serde_json::from_value(json)?;
/// assert_eq!(back, verdict.into_owned());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verdict<'s> {
    /// Allow or deny.
    pub decision: Decision,
    /// For each call, the action that allowed it (allow only).
    pub allowed_by: Vec<Cow<'s, str>>,
    /// Why it was denied; at least one entry on deny, none on allow.
    pub violations: Vec<Violation<'s>>,
    /// What to do to which ledger counter (allow only), one entry per counter.
    pub effects: Vec<Effect<'s>>,
    /// Every counter the decision read, with the value it saw (allow only): commit the effects
    /// only if each still holds it, as [`MemoryLedger::commit`](crate::MemoryLedger::commit)
    /// does, and check again otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<Read<'s>>,
    /// Violations found but not listed: a verdict keeps at most [`MAX_VIOLATIONS`], and at most
    /// [`MAX_CALL_VIOLATIONS`] for one call.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: usize,
}

/// Violations a verdict lists; more are counted in [`Verdict::omitted`].
pub const MAX_VIOLATIONS: usize = 64;
/// Violations a verdict lists for one call of a batch (its inner calls included).
pub const MAX_CALL_VIOLATIONS: usize = 16;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Verdict<'_> {
    /// Whether the decision is allow.
    #[inline]
    pub fn is_allow(&self) -> bool {
        self.decision == Decision::Allow
    }

    /// Empties the verdict but keeps its buffers, so a reused verdict does not allocate.
    #[inline]
    pub fn clear(&mut self) {
        self.decision = Decision::Deny;
        self.allowed_by.clear();
        self.violations.clear();
        self.effects.clear();
        self.reads.clear();
        self.omitted = 0;
    }
}

impl Verdict<'_> {
    /// The same verdict, owning its names and keys, to keep after the session is gone.
    pub fn into_owned(self) -> Verdict<'static> {
        Verdict {
            decision: self.decision,
            allowed_by: self.allowed_by.into_iter().map(owned).collect(),
            violations: self
                .violations
                .into_iter()
                .map(Violation::into_owned)
                .collect(),
            effects: self.effects.into_iter().map(Effect::into_owned).collect(),
            reads: self.reads.into_iter().map(Read::into_owned).collect(),
            omitted: self.omitted,
        }
    }
}

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

/// One reason a call was denied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Violation<'s> {
    /// Index of the call in the batch (0 for a single call).
    pub call: usize,
    /// The action that was tried, when one matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<Cow<'s, str>>,
    /// The document path of the rule or policy that failed, e.g. `actions[0].rules[1]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Cow<'s, str>>,
    /// The parameter involved: its name or path (`recipients[3]`), `param N`, or `offset N`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<Cow<'s, str>>,
    /// For an inner call of nested calldata: its element index at each level of nesting.
    #[serde(default, skip_serializing_if = "InnerPath::is_empty")]
    pub inner: InnerPath,
    /// What went wrong, with the numbers.
    pub reason: Reason,
}

/// Where an inner call sits in nested calldata: the element index at each level, outermost first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InnerPath {
    len: u8,
    at: [u32; MAX_NESTING],
}

/// Levels of nested calldata evaluated; deeper nesting is denied.
pub const MAX_NESTING: usize = 4;

impl InnerPath {
    /// Whether this is a top-level call.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The element indices, outermost first.
    pub fn as_slice(&self) -> &[u32] {
        self.at.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// One level deeper, at element `index`; `None` beyond [`MAX_NESTING`].
    pub(crate) fn enter(self, index: u32) -> Option<Self> {
        let mut deeper = self;
        *deeper.at.get_mut(usize::from(self.len))? = index;
        deeper.len = self.len.checked_add(1)?;
        Some(deeper)
    }
}

/// A JSON array of element indices, outermost first.
impl Serialize for InnerPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
    }
}

impl<'de> Deserialize<'de> for InnerPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let levels = Vec::<u32>::deserialize(deserializer)?;
        levels
            .iter()
            .try_fold(Self::default(), |path, &index| path.enter(index))
            .ok_or_else(|| {
                serde::de::Error::invalid_length(levels.len(), &"at most MAX_NESTING levels")
            })
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for InnerPath {
    fn schema_name() -> Cow<'static, str> {
        "InnerPath".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "an inner call's element index at each level of nesting, outermost first",
            "type": "array",
            "items": { "type": "integer", "minimum": 0, "maximum": u32::MAX },
            "maxItems": MAX_NESTING
        })
    }
}

impl Violation<'_> {
    /// The same violation, owning its names.
    pub fn into_owned(self) -> Violation<'static> {
        Violation {
            call: self.call,
            action: self.action.map(owned),
            source: self.source.map(owned),
            param: self.param.map(owned),
            inner: self.inner,
            reason: self.reason,
        }
    }
}

#[cfg(test)]
mod tests;
