//! Why a call was denied: one variant per reason, and its stable kind name.

use crate::calldata::{Selector, WordType};
use crate::condition::Condition as Op;
use alloc::{borrow::Cow, string::String, vec::Vec};
use alloy_primitives::{Address, B256, U256};
use serde::{Deserialize, Serialize};

use super::{Expected, Value};

/// What went wrong. A later version may add reasons: match with a wildcard arm, or on
/// [`Reason::kind`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
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
        #[serde(with = "crate::wire::Checksummed")]
        target: Address,
        /// The call's selector; none for a native transfer.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(with = "Option<crate::wire::Hex>"))]
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
        #[cfg_attr(feature = "schema", schemars(with = "crate::wire::Hex"))]
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
        #[serde(with = "crate::wire::Decimal")]
        max: U256,
        /// The call's value.
        #[serde(with = "crate::wire::Decimal")]
        value: U256,
    },
    /// A cumulative limit would be passed.
    LimitExceeded {
        /// The cap.
        #[serde(with = "crate::wire::Decimal")]
        limit: U256,
        /// Used before this call (ledger plus earlier calls of the batch).
        #[serde(with = "crate::wire::Decimal")]
        used: U256,
        /// What this call would add.
        #[serde(with = "crate::wire::Decimal")]
        requested: U256,
        /// What is left: `limit - used`.
        #[serde(with = "crate::wire::Decimal")]
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
    /// Nested calldata deeper than [`MAX_NESTING`](super::MAX_NESTING) levels.
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
        #[serde(with = "crate::wire::Decimal")]
        used: U256,
        /// What this call would add.
        #[serde(with = "crate::wire::Decimal")]
        requested: U256,
    },
    /// A spend-limited token was called with a function the limit cannot account for.
    UnknownTokenFunction {
        /// The token.
        #[serde(with = "crate::wire::Checksummed")]
        token: Address,
        /// The selector, if the calldata has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "schema", schemars(with = "Option<crate::wire::Hex>"))]
        selector: Option<Selector>,
    },
    /// The policy's configuration can enable on chain but never allows a call, e.g. a Smart
    /// Sessions time frame of (0, 0).
    Unusable {
        /// Why.
        why: Cow<'static, str>,
    },
    /// A rule tree (all / any / not) did not hold.
    TreeFailed,
    /// A call to the account's own `execute`: Smart Sessions refuses it.
    SelfExecute,
    /// A call to a target that is reserved as a flag (Smart Sessions' fallback target 0x…01).
    ReservedTarget {
        /// The target.
        #[serde(with = "crate::wire::Checksummed")]
        target: Address,
    },
    /// The user operation names a paymaster the session does not allow.
    PaymasterNotAllowed {
        /// The paymaster.
        #[serde(with = "crate::wire::Checksummed")]
        paymaster: Address,
    },
    /// Smart Sessions refuses an operation with a paymaster for this session.
    PaymasterNotPermitted {
        /// The paymaster.
        #[serde(with = "crate::wire::Checksummed")]
        paymaster: Address,
        /// Why, with the module's error.
        why: Cow<'static, str>,
    },
    /// The user operation may use more gas, or cost more, than the session allows.
    GasTooHigh {
        /// `"gas"` or `"cost"`.
        what: Cow<'static, str>,
        /// The cap.
        #[serde(with = "crate::wire::Decimal")]
        max: U256,
        /// The operation's figure (`None` when it overflows 2^256-1).
        #[serde(with = "crate::wire::DecimalOrOverflow")]
        actual: Option<U256>,
    },
    /// A policy reads user-operation fields, and the calls were not given as a user operation.
    NeedsUserOp,
    /// The session's module reads only some account functions, and the calldata calls another.
    AccountFunctionRefused {
        /// The account function called.
        #[cfg_attr(feature = "schema", schemars(with = "crate::wire::Hex"))]
        selector: Selector,
        /// The ones the module reads.
        #[cfg_attr(feature = "schema", schemars(with = "Vec<crate::wire::Hex>"))]
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
        #[cfg_attr(feature = "schema", schemars(with = "crate::wire::Hex"))]
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
        #[serde(with = "crate::wire::Checksummed")]
        module: Address,
    },
    /// The ledger holding usage so far could not be read (its store is down or too slow): an
    /// unknown usage is never taken for none.
    LedgerUnavailable,
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
            Self::LedgerUnavailable => "ledger_unavailable",
        }
    }

    /// Every kind, in declaration order: to register metric labels up front, or to check that a
    /// schema or a scenario file names only kinds that exist.
    pub const KINDS: &'static [&'static str] = &[
        "empty_batch",
        "wrong_chain",
        "truncated_selector",
        "no_action",
        "short_calldata",
        "dirty_word",
        "condition",
        "not_yet_valid",
        "expired",
        "value_too_high",
        "limit_exceeded",
        "bytes_condition",
        "count",
        "bad_encoding",
        "needs_account",
        "nesting_too_deep",
        "too_many_inner_calls",
        "too_soon",
        "limit_overflow",
        "unknown_token_function",
        "unusable",
        "tree_failed",
        "self_execute",
        "reserved_target",
        "paymaster_not_allowed",
        "paymaster_not_permitted",
        "gas_too_high",
        "needs_user_op",
        "account_function_refused",
        "unwrap",
        "work_exhausted",
        "too_many_calls",
        "self_call_not_named",
        "slice_out_of_range",
        "session_module_call",
        "ledger_unavailable",
    ];
}
