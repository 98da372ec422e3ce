//! Why init data would not enable on chain, and why an `ArgPolicy` tree is malformed.

use alloc::string::String;
use alloy_primitives::U256;

/// Why an `ArgPolicy` tree fails `ArgPolicyTreeLib.validateExpressionTree`.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TreeError {
    /// `EmptyExpressionTree`.
    #[error("packedNodes is empty")]
    Empty,
    /// `RootNodeIndexOutOfBounds`.
    #[error("rootNodeIndex {root} is not below the {nodes} nodes")]
    RootOutOfRange {
        /// The root index.
        root: u8,
        /// The node count.
        nodes: usize,
    },
    /// `TooManyRules`: more than 128.
    #[error("{rules} rules, at most 128")]
    TooManyRules {
        /// The rule count.
        rules: usize,
    },
    /// `TooManyNodes` above 256; at exactly 256 the `uint8` loop counter overflows (Panic).
    #[error("{nodes} nodes, at most 255")]
    TooManyNodes {
        /// The node count.
        nodes: usize,
    },
    /// `RuleIndexOutOfBounds`.
    #[error("packedNodes[{node}] names rule {rule}, not below the {rules} rules")]
    RuleOutOfRange {
        /// The node at fault.
        node: usize,
        /// The rule it names.
        rule: u8,
        /// The rule count.
        rules: usize,
    },
    /// `NodeChildIndexOutOfBounds`.
    #[error("packedNodes[{node}] has child {child}, not below the {nodes} nodes")]
    ChildOutOfRange {
        /// The node at fault.
        node: usize,
        /// The first child out of range.
        child: u8,
        /// The node count.
        nodes: usize,
    },
}

/// Why a policy's init data would not enable on chain (the contract reverts in
/// `initializeWithMultiplexer`), or cannot be read.
#[derive(thiserror::Error, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InitError {
    /// A fixed-layout read past the end (calldata slice or static ABI decode out of bounds).
    #[error("init data is {len} bytes, the policy reads {needed}")]
    TooShort {
        /// Bytes the policy reads.
        needed: usize,
        /// Bytes given.
        len: usize,
    },
    /// The condition word is not a `ParamCondition` (0 to 6).
    #[error("rules[{rule}].condition: {value} is not a ParamCondition (0 to 6)")]
    BadCondition {
        /// The rule slot.
        rule: usize,
        /// The word.
        value: U256,
    },
    /// The offset word does not fit `uint64`.
    #[error("rules[{rule}].offset: {value} does not fit uint64")]
    OffsetTooLarge {
        /// The rule slot.
        rule: usize,
        /// The word.
        value: U256,
    },
    /// The isLimited word is neither 0 nor 1.
    #[error("rules[{rule}].isLimited: {value} is not a bool")]
    BadBool {
        /// The rule slot.
        rule: usize,
        /// The word.
        value: U256,
    },
    /// `UniActionPolicy`'s `paramRules.length` is above the 16 slots (`fill` Panics).
    #[error("paramRules.length: {len}, above the 16 rule slots")]
    TooManyRules {
        /// The length word.
        len: U256,
    },
    /// `ArgPolicy`'s `rootNodeIndex` word does not fit `uint8`.
    #[error("paramRules.rootNodeIndex: {value} does not fit uint8")]
    BadRootIndex {
        /// The word.
        value: U256,
    },
    /// The `ArgPolicy` tree is malformed.
    #[error("paramRules: {0}")]
    BadTree(#[from] TreeError),
    /// A token word has bits above 160 set.
    #[error("tokens[{index}]: not a clean address word")]
    DirtyAddress {
        /// The token slot.
        index: usize,
    },
    /// V2 spending limits: `InvalidInitDataLength`.
    #[error("tokens has {tokens} entries, limits {limits}; V2 requires equal lengths")]
    LengthMismatch {
        /// Token count.
        tokens: usize,
        /// Limit count.
        limits: usize,
    },
    /// v1.0.0 spending limits: `limits[index]` is out of bounds (Panic).
    #[error("limits[{index}]: missing, fewer limits than tokens")]
    MissingLimit {
        /// The first token without a limit.
        index: usize,
    },
    /// `InvalidTokenAddress`.
    #[error("tokens[{index}]: the zero address")]
    ZeroToken {
        /// The token slot.
        index: usize,
    },
    /// `InvalidLimit`.
    #[error("limits[{index}]: zero")]
    ZeroLimit {
        /// The limit slot.
        index: usize,
    },
    /// V2 usage limit 0 (`PolicyNotInitialized`).
    #[error("usage limit: zero")]
    ZeroUsageLimit,
    /// V2 value limit 0 (`PolicyNotInitialized`).
    #[error("value limit: zero")]
    ZeroValueLimit,
    /// V2 time frame with `validAfter > validUntil != 0` (`PolicyNotInitialized`).
    #[error("validAfter {valid_after} is past validUntil {valid_until}")]
    AfterPastUntil {
        /// First valid second.
        valid_after: u64,
        /// Last valid second.
        valid_until: u64,
    },
    /// The dynamic ABI layout does not decode (offset or length out of bounds).
    #[error("init data is not ABI {layout}: {reason}")]
    Abi {
        /// The layout expected.
        layout: &'static str,
        /// The decoder's message.
        reason: String,
    },
}
