//! Verdicts that explain themselves: a decision, the violations behind a deny (which call, which
//! action, which policy or rule, which parameter, expected against actual, budget left), and the
//! effects an allow asks the caller to record.

use crate::calldata::{Selector, WordType};
use crate::condition::Condition as Op;
use crate::ledger::Effect;
use alloc::{borrow::Cow, string::String, vec::Vec};
use alloy_primitives::{Address, B256, I256, U256, U512};
use core::fmt;
use serde::{Serialize, Serializer};

/// Allow or deny.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verdict<'s> {
    /// Allow or deny.
    pub decision: Decision,
    /// For each call, the action that allowed it (allow only).
    pub allowed_by: Vec<Cow<'s, str>>,
    /// Why it was denied; at least one entry on deny, none on allow.
    pub violations: Vec<Violation<'s>>,
    /// What to add to which ledger counter (allow only): apply with
    /// [`MemoryLedger::apply`](crate::MemoryLedger::apply) or your own store.
    pub effects: Vec<Effect<'s>>,
    /// Violations found but not listed: a verdict keeps at most [`MAX_VIOLATIONS`], and at most
    /// [`MAX_CALL_VIOLATIONS`] for one call.
    #[serde(skip_serializing_if = "is_zero")]
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
            omitted: self.omitted,
        }
    }
}

fn owned(text: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(text.into_owned())
}

impl fmt::Display for Verdict<'_> {
    /// One plain sentence: `allow: …` or `deny: ` and the first violation, with a count of the rest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.decision, self.violations.first()) {
            (Decision::Allow, _) => {
                f.write_str("allow: ")?;
                for (i, action) in self.allowed_by.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}call {i} by action `{action}`")?;
                }
                Ok(())
            }
            (Decision::Deny, None) => f.write_str("deny"),
            (Decision::Deny, Some(first)) => {
                write!(f, "deny: {first}")?;
                match self.violations.len().saturating_add(self.omitted) {
                    0 | 1 => Ok(()),
                    n => write!(f, " (and {} more)", n.saturating_sub(1)),
                }
            }
        }
    }
}

/// One reason a call was denied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    #[serde(skip_serializing_if = "InnerPath::is_empty")]
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

impl Serialize for InnerPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
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

impl fmt::Display for Violation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "call {}", self.call)?;
        for (level, index) in self.inner.as_slice().iter().enumerate() {
            let sep = if level == 0 { ", inner call " } else { "." };
            write!(f, "{sep}{index}")?;
        }
        if let Some(action) = &self.action {
            write!(f, ", action `{action}`")?;
        }
        if let Some(source) = &self.source {
            write!(f, ", {source}")?;
        }
        if let Some(param) = &self.param {
            write!(f, " on `{param}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The batch has no calls.
    EmptyBatch,
    /// The session is bound to another chain.
    WrongChain {
        /// The session's chain.
        expected: u64,
        /// The context's chain.
        actual: u64,
    },
    /// Calldata of 1 to 3 bytes: no selector to match.
    TruncatedSelector {
        /// Its length.
        len: usize,
    },
    /// No action has this target and selector.
    NoAction {
        /// The call's target.
        target: Address,
        /// The call's selector; none for a native transfer.
        #[serde(skip_serializing_if = "Option::is_none")]
        selector: Option<Selector>,
    },
    /// Calldata ends before a word the action needs.
    ShortCalldata {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        len: usize,
    },
    /// A word is not a valid encoding of its ABI type: the contract's decoder would revert.
    DirtyWord {
        /// The type.
        #[serde(rename = "type")]
        ty: WordType,
        /// Byte offset after the selector.
        offset: usize,
        /// The word as given.
        word: B256,
    },
    /// A parameter failed its condition.
    Condition {
        /// The condition.
        expected: Expected,
        /// The parameter's value.
        actual: Value,
    },
    /// Before the time window opens.
    NotYetValid {
        /// First allowed second.
        valid_after: u64,
        /// The context's time.
        now: u64,
    },
    /// After the time window closed.
    Expired {
        /// Last allowed second.
        valid_until: u64,
        /// The context's time.
        now: u64,
    },
    /// The call's native value is above the per-call maximum.
    ValueTooHigh {
        /// The maximum.
        #[serde(serialize_with = "decimal")]
        max: U256,
        /// The call's value.
        #[serde(serialize_with = "decimal")]
        value: U256,
    },
    /// A cumulative limit would be passed.
    LimitExceeded {
        /// The cap.
        #[serde(serialize_with = "decimal")]
        limit: U256,
        /// Used before this call (ledger plus earlier calls of the batch).
        #[serde(serialize_with = "decimal")]
        used: U256,
        /// What this call would add.
        #[serde(serialize_with = "decimal")]
        requested: U256,
        /// What is left: `limit - used`.
        #[serde(serialize_with = "decimal")]
        left: U256,
        /// For a budget over time: when the next window opens with a fresh budget, or when a
        /// refilling budget next refills.
        #[serde(skip_serializing_if = "Option::is_none")]
        resets_at: Option<u64>,
    },
    /// A `bytes` or `string` parameter failed its condition.
    BytesCondition {
        /// The condition.
        condition: Op,
        /// The reference values: 0x-hex, or quoted text for `string`.
        expected: Vec<String>,
        /// The parameter (or slice), shown the same way; long values are cut.
        actual: String,
    },
    /// Too few or too many elements of an array satisfy the condition (`some`, `none`, `count`).
    Count {
        /// Elements that satisfy it.
        matched: u64,
        /// Elements in all.
        elements: u64,
        /// Fewest allowed.
        min: u64,
        /// Most allowed (`None`: no upper bound).
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
    },
    /// The strict ABI decoder refused the calldata on a rule's path.
    BadEncoding {
        /// What is wrong, with offsets.
        error: crate::calldata::DecodeError,
    },
    /// A rule compares a parameter with the account, and the account is not known.
    NeedsAccount,
    /// Nested calldata deeper than [`MAX_NESTING`] levels.
    NestingTooDeep {
        /// The levels allowed.
        max: usize,
    },
    /// More inner calls in one transaction than the engine evaluates.
    TooManyInnerCalls {
        /// The most allowed.
        max: usize,
    },
    /// A rate limit: the last allowed call was too recent.
    TooSoon {
        /// Seconds required between allowed calls.
        min_spacing: u64,
        /// When the last allowed call was.
        last: u64,
        /// The context's time.
        now: u64,
        /// The first second at which a call is allowed again.
        next_at: u64,
    },
    /// Adding this call to a counter overflows 2^256-1.
    LimitOverflow {
        /// Used before this call.
        #[serde(serialize_with = "decimal")]
        used: U256,
        /// What this call would add.
        #[serde(serialize_with = "decimal")]
        requested: U256,
    },
    /// A spend-limited token was called with a function the limit cannot account for.
    UnknownTokenFunction {
        /// The token.
        token: Address,
        /// The selector, if the calldata has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        selector: Option<Selector>,
    },
    /// The policy's configuration can enable on chain but never allows a call, e.g. a Smart
    /// Sessions time frame of (0, 0).
    Unusable {
        /// Why.
        why: &'static str,
    },
    /// A rule tree (all / any / not) did not hold.
    TreeFailed,
    /// A call to the account's own `execute`: Smart Sessions refuses it.
    SelfExecute,
    /// A call to a target that is reserved as a flag (Smart Sessions' fallback target 0x…01).
    ReservedTarget {
        /// The target.
        target: Address,
    },
    /// The user operation names a paymaster the session does not allow.
    PaymasterNotAllowed {
        /// The paymaster.
        paymaster: Address,
    },
    /// Smart Sessions refuses an operation with a paymaster for this session.
    PaymasterNotPermitted {
        /// The paymaster.
        paymaster: Address,
        /// Why, with the module's error.
        why: &'static str,
    },
    /// The user operation may use more gas, or cost more, than the session allows.
    GasTooHigh {
        /// `"gas"` or `"cost"`.
        what: &'static str,
        /// The cap.
        #[serde(serialize_with = "decimal")]
        max: U256,
        /// The operation's figure (`None` when it overflows 2^256-1).
        #[serde(serialize_with = "decimal_or_overflow")]
        actual: Option<U256>,
    },
    /// A policy reads user-operation fields, and the calls were not given as a user operation.
    NeedsUserOp,
    /// The session's module reads only some account functions, and the calldata calls another.
    AccountFunctionRefused {
        /// The account function called.
        selector: Selector,
        /// The ones the module reads.
        allowed: Vec<Selector>,
    },
    /// The account's calldata cannot be unwrapped into calls.
    Unwrap {
        /// What is wrong with it.
        error: crate::account::UnwrapError,
    },
    /// The transaction took more steps (elements decoded, actions tried, inner calls walked)
    /// than one transaction may.
    WorkExhausted {
        /// The budget of steps.
        max: u32,
    },
    /// The transaction has more calls than one may.
    TooManyCalls {
        /// How many it has.
        calls: usize,
        /// How many it may have.
        max: usize,
    },
    /// A call to the account itself that is not one of its execute functions, matched only by
    /// actions whose target is a wildcard: such a call needs an action that names the account.
    SelfCallNotNamed {
        /// The function called on the account.
        selector: Selector,
    },
    /// A rule's `slice` of a `bytes` or `string` value runs past its end: the value cannot be
    /// read as the rule needs, as a contract's out-of-range slice reverts.
    SliceOutOfRange {
        /// First byte of the slice.
        start: usize,
        /// End of the slice (exclusive).
        end: usize,
        /// The value's length.
        len: usize,
    },
    /// A call to a Smart Sessions deployment other than the session's own module, and the session
    /// has no admin fallback action (0x…01, 0x00000002): such a call needs it, as a call to the
    /// module itself does, besides the action the module would pick. On chain the module
    /// dispatches it as an ordinary call; refusing it is a deliberate fail-closed deviation, so a
    /// session key cannot reconfigure sessions there through an ordinary or fallback action.
    SessionModuleCall {
        /// The deployment called.
        module: Address,
    },
}

impl Reason {
    /// The reason's kind as verdict JSON spells it (`"kind"`), e.g. `dirty_word`: a stable
    /// name for metrics, logs and scenario files.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::EmptyBatch => "empty_batch",
            Self::WrongChain { .. } => "wrong_chain",
            Self::TruncatedSelector { .. } => "truncated_selector",
            Self::NoAction { .. } => "no_action",
            Self::ShortCalldata { .. } => "short_calldata",
            Self::DirtyWord { .. } => "dirty_word",
            Self::Condition { .. } => "condition",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::Expired { .. } => "expired",
            Self::ValueTooHigh { .. } => "value_too_high",
            Self::LimitExceeded { .. } => "limit_exceeded",
            Self::BytesCondition { .. } => "bytes_condition",
            Self::Count { .. } => "count",
            Self::BadEncoding { .. } => "bad_encoding",
            Self::NeedsAccount => "needs_account",
            Self::NestingTooDeep { .. } => "nesting_too_deep",
            Self::TooManyInnerCalls { .. } => "too_many_inner_calls",
            Self::TooSoon { .. } => "too_soon",
            Self::LimitOverflow { .. } => "limit_overflow",
            Self::UnknownTokenFunction { .. } => "unknown_token_function",
            Self::Unusable { .. } => "unusable",
            Self::TreeFailed => "tree_failed",
            Self::SelfExecute => "self_execute",
            Self::ReservedTarget { .. } => "reserved_target",
            Self::PaymasterNotAllowed { .. } => "paymaster_not_allowed",
            Self::PaymasterNotPermitted { .. } => "paymaster_not_permitted",
            Self::GasTooHigh { .. } => "gas_too_high",
            Self::NeedsUserOp => "needs_user_op",
            Self::AccountFunctionRefused { .. } => "account_function_refused",
            Self::Unwrap { .. } => "unwrap",
            Self::WorkExhausted { .. } => "work_exhausted",
            Self::TooManyCalls { .. } => "too_many_calls",
            Self::SelfCallNotNamed { .. } => "self_call_not_named",
            Self::SliceOutOfRange { .. } => "slice_out_of_range",
            Self::SessionModuleCall { .. } => "session_module_call",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unusable { why } => write!(f, "this configuration never allows a call: {why}"),
            Self::TreeFailed => f.write_str("the rule tree does not hold"),
            Self::SelfExecute => f.write_str("a session may not call `execute` on its own account"),
            Self::ReservedTarget { target } => {
                write!(
                    f,
                    "{target} is a reserved flag address and cannot be called"
                )
            }
            Self::PaymasterNotAllowed { paymaster } => {
                write!(f, "paymaster {paymaster} is not allowed by the session")
            }
            Self::PaymasterNotPermitted { paymaster, why } => {
                write!(f, "an operation with paymaster {paymaster} is refused: {why}")
            }
            Self::GasTooHigh { what, max, actual: Some(actual) } => {
                write!(f, "the user operation's {what} {actual} is above the cap {max}")
            }
            Self::GasTooHigh { what, max, actual: None } => {
                write!(f, "the user operation's {what} overflows 2^256-1 (cap {max})")
            }
            Self::NeedsUserOp => f.write_str(
                "a policy caps user-operation gas, and the calls were not given as a user operation",
            ),
            Self::AccountFunctionRefused { selector, allowed } => {
                write!(f, "the session's module reads only account functions ")?;
                for (i, s) in allowed.iter().enumerate() {
                    write!(f, "{}{s}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, ", not {selector}")
            }
            Self::Unwrap { error } => {
                write!(f, "the account calldata cannot be unwrapped: {error}")
            }
            Self::WorkExhausted { max } => write!(
                f,
                "the transaction needs more than the {max} steps (elements decoded, actions \
                 tried, inner calls walked) one transaction may take"
            ),
            Self::TooManyCalls { calls, max } => {
                write!(f, "the transaction has {calls} calls, more than the {max} one may have")
            }
            Self::SelfCallNotNamed { selector } => write!(
                f,
                "{selector} is a call to the account itself: only an action whose target names \
                 the account may allow it"
            ),
            Self::SliceOutOfRange { start, end, len } => write!(
                f,
                "the slice [{start}, {end}) runs past the end of the {len}-byte value"
            ),
            Self::SessionModuleCall { module } => write!(
                f,
                "{module} is a Smart Sessions deployment: a call to it needs the admin fallback \
                 action (0x…01, 0x00000002) as well as its own"
            ),
            Self::EmptyBatch => f.write_str("the batch has no calls"),
            Self::WrongChain { expected, actual } => {
                write!(f, "the session is for chain {expected}, not chain {actual}")
            }
            Self::TruncatedSelector { len } => {
                write!(
                    f,
                    "calldata of {len} bytes is too short for a 4-byte selector"
                )
            }
            Self::NoAction {
                target,
                selector: Some(s),
            } => {
                write!(f, "no action allows selector {s} on {target}")
            }
            Self::NoAction {
                target,
                selector: None,
            } => {
                write!(f, "no action allows a native transfer to {target}")
            }
            Self::ShortCalldata { needed, len } => {
                write!(f, "calldata has {len} bytes but {needed} are needed")
            }
            Self::DirtyWord { ty, offset, word } => {
                write!(f, "word {word} at offset {offset} is not a valid {ty}")
            }
            Self::Condition { expected, actual } => {
                write!(f, "expected {expected}, got {actual}")
            }
            Self::NotYetValid { valid_after, now } => {
                write!(f, "not valid before {valid_after}, now is {now}")
            }
            Self::Expired { valid_until, now } => {
                write!(f, "expired at {valid_until}, now is {now}")
            }
            Self::ValueTooHigh { max, value } => {
                write!(f, "value {value} is above the per-call maximum {max}")
            }
            Self::LimitExceeded {
                limit,
                used,
                requested,
                left,
                resets_at,
            } => {
                write!(
                    f,
                    "{requested} more would pass the limit {limit} ({used} used, {left} left"
                )?;
                match resets_at {
                    Some(at) => write!(f, "; a fresh budget opens at {at})"),
                    None => f.write_str(")"),
                }
            }
            Self::BytesCondition {
                condition,
                expected,
                actual,
            } => {
                let op = match condition {
                    Op::Ne => "≠ ",
                    Op::OneOf => "one of ",
                    Op::Prefix => "to start with ",
                    _ => "= ",
                };
                write!(f, "expected {op}")?;
                match expected.as_slice() {
                    [one] if *condition != Op::OneOf => f.write_str(one)?,
                    many => write!(f, "[{}]", many.join(", "))?,
                }
                write!(f, ", got {actual}")
            }
            Self::Count {
                matched,
                elements,
                min,
                max,
            } => {
                write!(f, "{matched} of {elements} elements satisfy the condition; ")?;
                match max {
                    Some(0) => f.write_str("none may"),
                    Some(max) if max == min => write!(f, "exactly {min} must"),
                    Some(max) => write!(f, "{min} to {max} must"),
                    None => write!(f, "at least {min} must"),
                }
            }
            Self::BadEncoding { error } => write!(f, "the calldata is not a strict ABI encoding: {error}"),
            Self::NeedsAccount => f.write_str(
                "a rule compares a parameter with the account, and the account is not known",
            ),
            Self::NestingTooDeep { max } => {
                write!(f, "nested calldata deeper than {max} levels is refused")
            }
            Self::TooManyInnerCalls { max } => {
                write!(f, "more than {max} inner calls in one transaction are refused")
            }
            Self::TooSoon {
                min_spacing,
                last,
                now,
                next_at,
            } => write!(
                f,
                "calls must be {min_spacing} s apart: the last was at {last}, now is {now}; \
                 next allowed at {next_at}"
            ),
            Self::LimitOverflow { used, requested } => {
                write!(f, "adding {requested} to {used} overflows 2^256-1")
            }
            Self::UnknownTokenFunction {
                token,
                selector: Some(s),
            } => write!(
                f,
                "the spend limit on {token} cannot account for selector {s}, so it is refused"
            ),
            Self::UnknownTokenFunction {
                token,
                selector: None,
            } => {
                write!(
                    f,
                    "the spend limit on {token} cannot account for calldata without a selector"
                )
            }
        }
    }
}

/// A condition as a verdict shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// The operator.
    pub op: Op,
    /// Its operands: one, `[min, max]`, or the set.
    pub values: Vec<Value>,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.values.first();
        let one = |f: &mut fmt::Formatter<'_>, sym: &str| match first {
            Some(v) => write!(f, "{sym} {v}"),
            None => f.write_str(sym),
        };
        match self.op {
            Op::Eq => one(f, "="),
            Op::Ne => one(f, "≠"),
            Op::Gt => one(f, ">"),
            Op::Gte => one(f, "≥"),
            Op::Lt => one(f, "<"),
            Op::Lte => one(f, "≤"),
            Op::InRange => match (first, self.values.get(1)) {
                (Some(lo), Some(hi)) => write!(f, "within [{lo}, {hi}]"),
                _ => f.write_str("within a range"),
            },
            Op::BitsAll => one(f, "all bits of"),
            Op::BitsAny => one(f, "any bit of"),
            Op::Prefix => one(f, "starts with"),
            Op::OneOf => {
                f.write_str("one of [")?;
                for (i, v) in self.values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A parameter value read per its ABI type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    /// `uintN`.
    Uint(U256),
    /// `intN`.
    Int(I256),
    /// `address`.
    Address(Address),
    /// `bool`.
    Bool(bool),
    /// `bytesN`, left-aligned in the word.
    Bytes(B256, u8),
    /// An exact bound `num / den`: a relation's other parameter times its ratio. Shown as a
    /// decimal with every digit it has, or as a fraction when it has no finite decimal.
    Ratio {
        /// The numerator: the other parameter times the ratio's numerator.
        num: U512,
        /// The denominator (not 0).
        den: U256,
    },
}

impl Value {
    /// Reads a valid word as a value of type `ty`.
    pub fn of(ty: WordType, word: U256) -> Self {
        match ty {
            WordType::Uint(_) => Self::Uint(word),
            WordType::Int(_) => Self::Int(I256::from_raw(word)),
            WordType::Address => Self::Address(Address::from_word(word.to_be_bytes::<32>().into())),
            WordType::Bool => Self::Bool(!word.is_zero()),
            WordType::FixedBytes(len) => Self::Bytes(word.to_be_bytes::<32>().into(), len),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Uint(v) => write!(f, "{v}"),
            Self::Int(v) => write!(f, "{v}"),
            Self::Address(a) => write!(f, "{a}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Bytes(b, len) => {
                let len = usize::from(*len).min(32);
                f.write_str("0x")?;
                b.iter()
                    .take(len)
                    .try_for_each(|byte| write!(f, "{byte:02x}"))
            }
            Self::Ratio { num, den } => exact(f, *num, U512::from(*den)),
        }
    }
}

/// `num / den` written exactly: the whole part, then every decimal digit when the expansion
/// ends (the denominator has no prime factor but 2 and 5), else as `num/den`.
fn exact(f: &mut fmt::Formatter<'_>, num: U512, den: U512) -> fmt::Result {
    let (Some(whole), Some(mut rest)) = (num.checked_div(den), num.checked_rem(den)) else {
        return write!(f, "{num}/{den}");
    };
    if rest.is_zero() {
        return write!(f, "{whole}");
    }
    if !ends_in_decimal(rest, den) {
        return write!(f, "{num}/{den}");
    }
    write!(f, "{whole}.")?;
    let ten = U512::from(10u8);
    // At most 256 digits: the reduced denominator is 2^a·5^b below 2^256.
    while !rest.is_zero() {
        let Some(shifted) = rest.checked_mul(ten) else {
            break;
        };
        let digit = shifted.checked_div(den).unwrap_or_default();
        rest = shifted.checked_rem(den).unwrap_or_default();
        write!(f, "{digit}")?;
    }
    Ok(())
}

/// Whether `rest / den` (0 < rest < den) has a finite decimal expansion.
fn ends_in_decimal(rest: U512, den: U512) -> bool {
    let Some(mut reduced) = den.checked_div(rest.gcd(den)) else {
        return false;
    };
    for factor in [U512::from(2u8), U512::from(5u8)] {
        while !reduced.is_zero() && reduced.checked_rem(factor).is_some_and(|r| r.is_zero()) {
            reduced = reduced.checked_div(factor).unwrap_or_default();
        }
    }
    reduced == U512::from(1u8)
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bool(b) => serializer.serialize_bool(*b),
            other => serializer.collect_str(other),
        }
    }
}

fn decimal<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

fn decimal_or_overflow<S: Serializer>(
    value: &Option<U256>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.collect_str(v),
        None => serializer.serialize_str("overflow"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_is_the_serialized_tag() {
        let reasons = [
            Reason::EmptyBatch,
            Reason::NeedsAccount,
            Reason::TreeFailed,
            Reason::WrongChain {
                expected: 1,
                actual: 2,
            },
            Reason::DirtyWord {
                ty: WordType::Address,
                offset: 4,
                word: B256::ZERO,
            },
            Reason::TooManyInnerCalls { max: 3 },
            Reason::Unwrap {
                error: crate::account::UnwrapError::EmptyBatch,
            },
            Reason::SliceOutOfRange {
                start: 20,
                end: 23,
                len: 20,
            },
            Reason::SessionModuleCall {
                module: Address::ZERO,
            },
        ];
        for reason in reasons {
            let json = serde_json::to_value(&reason).unwrap();
            assert_eq!(json["kind"], reason.kind(), "{reason:?}");
        }
    }
}
