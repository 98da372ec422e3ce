//! The on-chain form: policy contract addresses and their init data, decoded per deployed version.
//!
//! The same init data can mean different things at different addresses (the legacy time-frame
//! policy reads two 16-byte fields, the V2 one a 12-byte packed pair), so decoding is keyed by
//! the [`PolicyContract`] an address resolves to, and it refuses exactly what
//! `initializeWithMultiplexer` reverts on.

use super::model::{
    ArgNode, ParamCondition, ParamRule, PolicyConfig, PolicyContract, PolicyKindId, PolicyVersion,
    SpendingSemantics,
};
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256, address};
use alloy_sol_types::{SolType, SolValue, sol, sol_data};

/// The Smart Session module at smartsessions HEAD (Aug 2025), the Rhinestone SDKs' default.
pub const SMART_SESSION_V2: Address = address!("0x00000000008bDABA73cD9815d79069c247Eb4bDA");

/// The Smart Session module of tag v1.0.0 (with the attestation registry).
pub const SMART_SESSION_V1: Address = address!("0x00000000002B0eCfbD0496EE71e01257dA0E37DE");

/// Every SmartSession deployment the SDKs name. A session key's call to one that is not its own
/// module needs the admin fallback action too, as a call to its own module does.
pub const SMART_SESSION_DEPLOYMENTS: [Address; 2] = [SMART_SESSION_V2, SMART_SESSION_V1];

const fn v2(address: Address, kind: PolicyKindId) -> PolicyContract {
    PolicyContract {
        address,
        kind,
        version: PolicyVersion::V2,
    }
}

const fn legacy(address: Address, kind: PolicyKindId) -> PolicyContract {
    PolicyContract {
        address,
        kind,
        version: PolicyVersion::Legacy,
    }
}

/// The smartsessions HEAD policies at the addresses the Rhinestone SDKs use by default
/// (CREATE2-proven for all but `ArgPolicy`).
pub const V2_POLICIES: [PolicyContract; 7] = [
    v2(
        address!("0x0000000000FEEc8D74e3143fBaBbca515358d869"),
        PolicyKindId::Sudo,
    ),
    v2(
        address!("0x0000000000714Cf48FcF88A0bFBa70d313415032"),
        PolicyKindId::UniversalAction,
    ),
    v2(
        address!("0x0000000000167edE64D8751daACDdC0312565a73"),
        PolicyKindId::ArgPolicy,
    ),
    v2(
        address!("0x000000000033212E272655D8a22402Db819477A6"),
        PolicyKindId::SpendingLimits,
    ),
    v2(
        address!("0x0000000000D30f611fA3bf652ac6879428586930"),
        PolicyKindId::TimeFrame,
    ),
    v2(
        address!("0x00000000001d4479FA2A947026204d0283ceDe4B"),
        PolicyKindId::UsageLimit,
    ),
    v2(
        address!("0x000000000021dC45451291BCDfc9f0B46d6f0278"),
        PolicyKindId::ValueLimit,
    ),
];

/// The older deployments still named by module-sdk: v1.0.0 sudo, universal action and spending
/// limits, and the Oct-2024 time frame, usage limit and value limit.
pub const LEGACY_POLICIES: [PolicyContract; 6] = [
    legacy(
        address!("0x0000003111cD8e92337C100F22B7A9dbf8DEE301"),
        PolicyKindId::Sudo,
    ),
    legacy(
        address!("0x0000006DDA6c463511C4e9B05CFc34C1247fCF1F"),
        PolicyKindId::UniversalAction,
    ),
    legacy(
        address!("0x00000088D48cF102A8Cdb0137A9b173f957c6343"),
        PolicyKindId::SpendingLimits,
    ),
    legacy(
        address!("0x8177451511dE0577b911C254E9551D981C26dc72"),
        PolicyKindId::TimeFrame,
    ),
    legacy(
        address!("0x1F34eF8311345A3A4a4566aF321b313052F51493"),
        PolicyKindId::UsageLimit,
    ),
    legacy(
        address!("0x730DA93267E7E513e932301B47F2ac7D062abC83"),
        PolicyKindId::ValueLimit,
    ),
];

/// The policy contracts sessiongate knows, by address; overridable for other deployments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyTable {
    contracts: BTreeMap<Address, PolicyContract>,
    defaults: BTreeMap<PolicyKindId, Address>,
}

impl PolicyTable {
    /// The V2 and legacy deployments, with the V2 addresses as each kind's default.
    pub fn known() -> Self {
        let mut table = Self::empty();
        for contract in V2_POLICIES.into_iter().chain(LEGACY_POLICIES) {
            table.insert(contract);
        }
        for contract in V2_POLICIES {
            table.defaults.insert(contract.kind, contract.address);
        }
        table
    }

    /// A table that knows no contract.
    pub fn empty() -> Self {
        Self {
            contracts: BTreeMap::new(),
            defaults: BTreeMap::new(),
        }
    }

    /// Adds a contract, replacing any entry at the same address. A default that pointed at that
    /// address for another kind is dropped, so defaults always name a contract of their kind.
    pub fn insert(&mut self, contract: PolicyContract) {
        self.defaults
            .retain(|kind, address| *address != contract.address || *kind == contract.kind);
        self.contracts.insert(contract.address, contract);
    }

    /// Makes `address` the default for `kind`; false (and no change) unless the table holds a
    /// contract of that kind there.
    pub fn set_default(&mut self, kind: PolicyKindId, address: Address) -> bool {
        let fits = self.get(address).is_some_and(|c| c.kind == kind);
        if fits {
            self.defaults.insert(kind, address);
        }
        fits
    }

    /// The contract deployed at `address`, if known.
    pub fn get(&self, address: Address) -> Option<PolicyContract> {
        self.contracts.get(&address).copied()
    }

    /// The address the SDK uses for `kind` when its JSON names no address.
    pub fn default_address(&self, kind: PolicyKindId) -> Option<Address> {
        self.defaults.get(&kind).copied()
    }

    /// Every known contract, by address.
    pub fn iter(&self) -> impl Iterator<Item = &PolicyContract> {
        self.contracts.values()
    }
}

impl Default for PolicyTable {
    fn default() -> Self {
        Self::known()
    }
}

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

/// Decodes init data as the deployed contract at `contract` would, refusing what it reverts on.
/// Sudo and universal action read the same in both versions; `ArgPolicy` has one source only.
pub fn decode_init_data(contract: PolicyContract, data: &[u8]) -> Result<PolicyConfig, InitError> {
    use PolicyVersion::{Legacy, V2};
    match (contract.kind, contract.version) {
        (PolicyKindId::Sudo, _) => Ok(PolicyConfig::Sudo),
        (PolicyKindId::UniversalAction, _) => decode_universal_action(data),
        (PolicyKindId::ArgPolicy, _) => decode_arg_policy(data),
        (PolicyKindId::SpendingLimits, V2) => decode_spending(data, SpendingSemantics::V2),
        (PolicyKindId::SpendingLimits, Legacy) => decode_spending(data, SpendingSemantics::V1),
        (PolicyKindId::TimeFrame, V2) => decode_time_frame_v2(data),
        (PolicyKindId::TimeFrame, Legacy) => decode_time_frame_legacy(data),
        (PolicyKindId::UsageLimit, version) => decode_usage_limit(data, version),
        (PolicyKindId::ValueLimit, version) => decode_value_limit(data, version),
    }
}

/// Encodes a config as the Rhinestone SDK does (V2 layouts): the inverse of
/// [`decode_init_data`] for V2 contracts.
pub fn encode_init_data(config: &PolicyConfig) -> Vec<u8> {
    encode_init_data_for(PolicyVersion::V2, config)
}

/// Encodes a config for a contract of `version`. Only the time frame differs: legacy reads
/// `bytes16(validUntil) ‖ bytes16(validAfter)` (32 bytes), V2 `uint48 ‖ uint48` (12 bytes, each
/// value cut to its low 48 bits as the SDK's `uint48` would). A config the contract cannot hold
/// (more than 16 universal-action rules) encodes to data the contract refuses.
pub fn encode_init_data_for(version: PolicyVersion, config: &PolicyConfig) -> Vec<u8> {
    match config {
        PolicyConfig::Sudo => Vec::new(),
        PolicyConfig::UniversalAction {
            value_limit_per_use,
            rules,
        } => encode_universal_action(*value_limit_per_use, rules),
        PolicyConfig::ArgPolicy {
            value_limit_per_use,
            rules,
            nodes,
            root,
        } => encode_arg_policy(*value_limit_per_use, rules, nodes, *root),
        PolicyConfig::SpendingLimits { limits, .. } => {
            let (tokens, amounts): (Vec<Address>, Vec<U256>) = limits.iter().copied().unzip();
            (tokens, amounts).abi_encode_params()
        }
        PolicyConfig::TimeFrame {
            valid_until,
            valid_after,
        } => encode_time_frame(version, *valid_until, *valid_after),
        PolicyConfig::UsageLimit { limit } => limit.to_be_bytes().to_vec(),
        PolicyConfig::ValueLimit { limit } => limit.to_be_bytes::<32>().to_vec(),
    }
}

// ---- universal action ----------------------------------------------------------------------

/// Rule slots in `UniActionPolicy`'s static `ParamRule[16]`.
const UNI_SLOTS: usize = 16;
/// Words per `ParamRule`: condition, offset, isLimited, ref, usage.limit, usage.used.
const RULE_WORDS: usize = 6;
/// Bytes of the static `ActionConfig`: two words, then 16 rules of 6 words.
const UNI_LEN: usize = 32 * (2 + UNI_SLOTS * RULE_WORDS);

/// The six words of one `ParamRule`, before Solidity's decoder validates them.
struct RuleWords {
    condition: U256,
    offset: U256,
    is_limited: U256,
    reference: B256,
    limit: U256,
    used: U256,
}

impl RuleWords {
    /// Reads the rule at the start of `words` (six 32-byte words).
    fn read(words: &[u8]) -> Option<Self> {
        let word = |i: usize| {
            let start = i.checked_mul(32)?;
            words
                .get(start..start.checked_add(32)?)
                .map(B256::from_slice)
        };
        Some(Self {
            condition: word(0)?.into(),
            offset: word(1)?.into(),
            is_limited: word(2)?.into(),
            reference: word(3)?,
            limit: word(4)?.into(),
            used: word(5)?.into(),
        })
    }

    /// Applies the ABI decoder's checks for `ParamCondition`, `uint64` and `bool`.
    fn validate(self, rule: usize) -> Result<ParamRule, InitError> {
        let condition = u8::try_from(self.condition)
            .ok()
            .and_then(ParamCondition::from_index)
            .ok_or(InitError::BadCondition {
                rule,
                value: self.condition,
            })?;
        let offset = u64::try_from(self.offset).map_err(|_| InitError::OffsetTooLarge {
            rule,
            value: self.offset,
        })?;
        let is_limited = match u8::try_from(self.is_limited) {
            Ok(0) => false,
            Ok(1) => true,
            _ => {
                return Err(InitError::BadBool {
                    rule,
                    value: self.is_limited,
                });
            }
        };
        Ok(ParamRule {
            condition,
            offset,
            is_limited,
            reference: self.reference,
            limit: self.limit,
            used: self.used,
        })
    }

    fn from_rule(rule: &ParamRule) -> Self {
        Self {
            condition: U256::from(rule.condition.index()),
            offset: U256::from(rule.offset),
            is_limited: U256::from(u8::from(rule.is_limited)),
            reference: rule.reference,
            limit: rule.limit,
            used: rule.used,
        }
    }

    fn words(&self) -> [B256; RULE_WORDS] {
        [
            self.condition.into(),
            self.offset.into(),
            self.is_limited.into(),
            self.reference,
            self.limit.into(),
            self.used.into(),
        ]
    }
}

/// `abi.decode(initData, (ActionConfig))` then `fill`: every slot is validated, only the first
/// `length` kept.
fn decode_universal_action(data: &[u8]) -> Result<PolicyConfig, InitError> {
    let config = data.get(..UNI_LEN).ok_or(InitError::TooShort {
        needed: UNI_LEN,
        len: data.len(),
    })?;
    let mut words = config.chunks_exact(32).map(U256::from_be_slice);
    let value_limit_per_use = words.next().unwrap_or_default();
    let length = words.next().unwrap_or_default();
    let mut rules = Vec::with_capacity(UNI_SLOTS);
    for (slot, chunk) in config
        .get(64..)
        .unwrap_or_default()
        .chunks_exact(32 * RULE_WORDS)
        .enumerate()
    {
        let raw = RuleWords::read(chunk).ok_or(InitError::TooShort {
            needed: UNI_LEN,
            len: data.len(),
        })?;
        rules.push(raw.validate(slot)?);
    }
    let kept = usize::try_from(length)
        .ok()
        .filter(|&n| n <= UNI_SLOTS)
        .ok_or(InitError::TooManyRules { len: length })?;
    rules.truncate(kept);
    Ok(PolicyConfig::UniversalAction {
        value_limit_per_use,
        rules,
    })
}

fn encode_universal_action(value_limit_per_use: U256, rules: &[ParamRule]) -> Vec<u8> {
    let mut out = Vec::with_capacity(UNI_LEN);
    out.extend_from_slice(&value_limit_per_use.to_be_bytes::<32>());
    out.extend_from_slice(&U256::from(rules.len()).to_be_bytes::<32>());
    let empty = RuleWords {
        condition: U256::ZERO,
        offset: U256::ZERO,
        is_limited: U256::ZERO,
        reference: B256::ZERO,
        limit: U256::ZERO,
        used: U256::ZERO,
    };
    let slots = rules
        .iter()
        .map(RuleWords::from_rule)
        .chain(core::iter::repeat_with(|| RuleWords { ..empty }))
        .take(UNI_SLOTS);
    for slot in slots {
        for word in slot.words() {
            out.extend_from_slice(word.as_slice());
        }
    }
    out
}

// ---- arg policy ----------------------------------------------------------------------------

sol! {
    /// `ArgPolicy`'s `ParamRule` with every field as its raw word, so this crate applies (and
    /// names) the decoder's range checks itself.
    struct ArgRuleWords {
        uint256 condition;
        uint256 offset;
        uint256 isLimited;
        bytes32 reference;
        uint256 limit;
        uint256 used;
    }
    /// `ArgPolicy`'s `ParamRules`, raw words.
    struct ArgRulesWords {
        uint256 rootNodeIndex;
        ArgRuleWords[] rules;
        uint256[] packedNodes;
    }
    /// `ArgPolicy`'s `ActionConfig`, raw words.
    struct ArgConfigWords {
        uint256 valueLimitPerUse;
        ArgRulesWords paramRules;
    }
}

/// Node type tags of the packed node word.
const NODE_RULE: u64 = 0;
const NODE_NOT: u64 = 1;
const NODE_AND: u64 = 2;
/// Bit positions of the packed node word.
const RULE_SHIFT: u32 = 2;
const LEFT_SHIFT: u32 = 10;
const RIGHT_SHIFT: u32 = 18;
/// `ArgPolicyTreeLib.MAX_RULES`.
const MAX_ARG_RULES: usize = 128;
/// Nodes a `uint8` loop counter can visit.
const MAX_ARG_NODES: usize = 255;

/// Unpacks a node word as `ArgPolicyTreeLib` reads it; bits above 25 are ignored.
fn unpack_node(word: U256) -> ArgNode {
    let bits = word.wrapping_to::<u64>();
    let byte = |shift: u32| u8::try_from((bits >> shift) & 0xff).unwrap_or_default();
    match bits & 0x3 {
        NODE_RULE => ArgNode::Rule {
            rule: byte(RULE_SHIFT),
        },
        NODE_NOT => ArgNode::Not {
            child: byte(LEFT_SHIFT),
        },
        NODE_AND => ArgNode::And {
            left: byte(LEFT_SHIFT),
            right: byte(RIGHT_SHIFT),
        },
        _ => ArgNode::Or {
            left: byte(LEFT_SHIFT),
            right: byte(RIGHT_SHIFT),
        },
    }
}

/// Packs a node as `ArgPolicyTreeLib.create*Node` does.
fn pack_node(node: ArgNode) -> U256 {
    let (tag, rule, left, right) = match node {
        ArgNode::Rule { rule } => (NODE_RULE, rule, 0, 0),
        ArgNode::Not { child } => (NODE_NOT, 0, child, 0),
        ArgNode::And { left, right } => (NODE_AND, 0, left, right),
        ArgNode::Or { left, right } => (3, 0, left, right),
    };
    U256::from(
        tag | u64::from(rule) << RULE_SHIFT
            | u64::from(left) << LEFT_SHIFT
            | u64::from(right) << RIGHT_SHIFT,
    )
}

/// `abi.decode(initData, (ActionConfig))` then `validateExpressionTree`.
fn decode_arg_policy(data: &[u8]) -> Result<PolicyConfig, InitError> {
    let raw = <ArgConfigWords as SolValue>::abi_decode(data).map_err(|e| InitError::Abi {
        layout: "ActionConfig(uint256,(uint8,ParamRule[],uint256[]))",
        reason: e.to_string(),
    })?;
    let params = raw.paramRules;
    let root = u8::try_from(params.rootNodeIndex).map_err(|_| InitError::BadRootIndex {
        value: params.rootNodeIndex,
    })?;
    let rules = params
        .rules
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            RuleWords {
                condition: r.condition,
                offset: r.offset,
                is_limited: r.isLimited,
                reference: r.reference,
                limit: r.limit,
                used: r.used,
            }
            .validate(i)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let nodes: Vec<ArgNode> = params.packedNodes.into_iter().map(unpack_node).collect();
    validate_tree(root, rules.len(), &nodes)?;
    Ok(PolicyConfig::ArgPolicy {
        value_limit_per_use: raw.valueLimitPerUse,
        rules,
        nodes,
        root,
    })
}

/// `ArgPolicyTreeLib.validateExpressionTree`, in its order of checks.
fn validate_tree(root: u8, rules: usize, nodes: &[ArgNode]) -> Result<(), TreeError> {
    let count = nodes.len();
    if count == 0 {
        return Err(TreeError::Empty);
    }
    if usize::from(root) >= count {
        return Err(TreeError::RootOutOfRange { root, nodes: count });
    }
    if rules > MAX_ARG_RULES {
        return Err(TreeError::TooManyRules { rules });
    }
    if count > MAX_ARG_NODES.saturating_add(1) {
        return Err(TreeError::TooManyNodes { nodes: count });
    }
    for (index, node) in nodes.iter().enumerate() {
        check_node(index, *node, rules, count)?;
    }
    if count > MAX_ARG_NODES {
        return Err(TreeError::TooManyNodes { nodes: count });
    }
    Ok(())
}

fn check_node(node: usize, packed: ArgNode, rules: usize, nodes: usize) -> Result<(), TreeError> {
    let child_ok = |child: u8| {
        if usize::from(child) < nodes {
            Ok(())
        } else {
            Err(TreeError::ChildOutOfRange { node, child, nodes })
        }
    };
    match packed {
        ArgNode::Rule { rule } if usize::from(rule) >= rules => {
            Err(TreeError::RuleOutOfRange { node, rule, rules })
        }
        ArgNode::Rule { .. } => Ok(()),
        ArgNode::Not { child } => child_ok(child),
        ArgNode::And { left, right } | ArgNode::Or { left, right } => {
            child_ok(left).and_then(|()| child_ok(right))
        }
    }
}

fn encode_arg_policy(
    value_limit_per_use: U256,
    rules: &[ParamRule],
    nodes: &[ArgNode],
    root: u8,
) -> Vec<u8> {
    let rules = rules
        .iter()
        .map(|rule| {
            let w = RuleWords::from_rule(rule);
            ArgRuleWords {
                condition: w.condition,
                offset: w.offset,
                isLimited: w.is_limited,
                reference: w.reference,
                limit: w.limit,
                used: w.used,
            }
        })
        .collect();
    ArgConfigWords {
        valueLimitPerUse: value_limit_per_use,
        paramRules: ArgRulesWords {
            rootNodeIndex: U256::from(root),
            rules,
            packedNodes: nodes.iter().copied().map(pack_node).collect(),
        },
    }
    .abi_encode()
}

// ---- spending limits -----------------------------------------------------------------------

type SpendingWords = (
    sol_data::Array<sol_data::Uint<256>>,
    sol_data::Array<sol_data::Uint<256>>,
);

/// `abi.decode(initData, (address[], uint256[]))` then the init loop of the given source.
fn decode_spending(data: &[u8], semantics: SpendingSemantics) -> Result<PolicyConfig, InitError> {
    let (tokens, amounts) = SpendingWords::abi_decode_params(data).map_err(|e| InitError::Abi {
        layout: "(address[], uint256[])",
        reason: e.to_string(),
    })?;
    let tokens = tokens
        .into_iter()
        .enumerate()
        .map(|(index, word)| clean_address(word).ok_or(InitError::DirtyAddress { index }))
        .collect::<Result<Vec<_>, _>>()?;
    if semantics == SpendingSemantics::V2 && tokens.len() != amounts.len() {
        return Err(InitError::LengthMismatch {
            tokens: tokens.len(),
            limits: amounts.len(),
        });
    }
    let mut limits = Vec::with_capacity(tokens.len());
    for (index, token) in tokens.into_iter().enumerate() {
        // The contract reads limits[i] before checking the token.
        let limit = *amounts
            .get(index)
            .ok_or(InitError::MissingLimit { index })?;
        if token == Address::ZERO {
            return Err(InitError::ZeroToken { index });
        }
        if limit.is_zero() {
            return Err(InitError::ZeroLimit { index });
        }
        limits.push((token, limit));
    }
    Ok(PolicyConfig::SpendingLimits { limits, semantics })
}

/// The address in a word whose 96 high bits are zero, as the ABI decoder requires.
fn clean_address(word: U256) -> Option<Address> {
    (word.leading_zeros() >= 96).then(|| Address::from_word(word.into()))
}

// ---- time frame, usage limit, value limit --------------------------------------------------

/// `initData[0:n]`, or the calldata slice's revert.
fn head(data: &[u8], needed: usize) -> Result<&[u8], InitError> {
    data.get(..needed).ok_or(InitError::TooShort {
        needed,
        len: data.len(),
    })
}

/// A big-endian unsigned integer of at most eight bytes.
fn be_u64(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |acc, &b| acc.wrapping_shl(8) | u64::from(b))
}

/// V2: `uint96(bytes12(initData[0:12]))`, validUntil the high 48 bits, validAfter the low.
fn decode_time_frame_v2(data: &[u8]) -> Result<PolicyConfig, InitError> {
    let packed = head(data, 12)?;
    let (until, after) = packed.split_at(6);
    let (valid_until, valid_after) = (be_u64(until), be_u64(after));
    if valid_until != 0 && valid_after > valid_until {
        return Err(InitError::AfterPastUntil {
            valid_after,
            valid_until,
        });
    }
    Ok(PolicyConfig::TimeFrame {
        valid_until,
        valid_after,
    })
}

/// Legacy: `uint48(uint128(bytes16(initData[0:16])))` and the same of `[16:32]`; no ordering
/// check.
fn decode_time_frame_legacy(data: &[u8]) -> Result<PolicyConfig, InitError> {
    let fields = head(data, 32)?;
    let (until, after) = fields.split_at(16);
    let low48 = |field: &[u8]| be_u64(field.get(10..).unwrap_or_default());
    Ok(PolicyConfig::TimeFrame {
        valid_until: low48(until),
        valid_after: low48(after),
    })
}

fn encode_time_frame(version: PolicyVersion, valid_until: u64, valid_after: u64) -> Vec<u8> {
    match version {
        PolicyVersion::V2 => {
            let low48 = |v: u64| v.to_be_bytes().into_iter().skip(2);
            low48(valid_until).chain(low48(valid_after)).collect()
        }
        PolicyVersion::Legacy => {
            let field = |v: u64| u128::from(v).to_be_bytes();
            field(valid_until)
                .into_iter()
                .chain(field(valid_after))
                .collect()
        }
    }
}

/// `uint128(bytes16(initData[0:16]))`; V2 refuses 0.
fn decode_usage_limit(data: &[u8], version: PolicyVersion) -> Result<PolicyConfig, InitError> {
    let bytes: [u8; 16] = head(data, 16)?.try_into().unwrap_or_default();
    let limit = u128::from_be_bytes(bytes);
    if limit == 0 && version == PolicyVersion::V2 {
        return Err(InitError::ZeroUsageLimit);
    }
    Ok(PolicyConfig::UsageLimit { limit })
}

/// `uint256(bytes32(initData[0:32]))`; V2 refuses 0.
fn decode_value_limit(data: &[u8], version: PolicyVersion) -> Result<PolicyConfig, InitError> {
    let limit = U256::from_be_slice(head(data, 32)?);
    if limit.is_zero() && version == PolicyVersion::V2 {
        return Err(InitError::ZeroValueLimit);
    }
    Ok(PolicyConfig::ValueLimit { limit })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use super::*;

    #[test]
    fn node_packing_matches_the_tree_lib_layout() {
        // createAndNode(3, 5) = 2 | 3 << 10 | 5 << 18.
        let and = ArgNode::And { left: 3, right: 5 };
        assert_eq!(pack_node(and), U256::from(2u64 | 3 << 10 | 5 << 18));
        assert_eq!(
            pack_node(ArgNode::Rule { rule: 200 }),
            U256::from(200u64 << 2)
        );
        for node in [
            and,
            ArgNode::Or {
                left: 255,
                right: 0,
            },
            ArgNode::Not { child: 9 },
            ArgNode::Rule { rule: 127 },
        ] {
            assert_eq!(unpack_node(pack_node(node)), node);
        }
        // Bits above 25 and a NOT node's right child are ignored.
        let dirty = pack_node(ArgNode::Not { child: 1 }) | U256::from(7u64 << 18) | U256::MAX << 26;
        assert_eq!(unpack_node(dirty), ArgNode::Not { child: 1 });
    }

    #[test]
    fn table_lookups_and_overrides() {
        let mut table = PolicyTable::default();
        assert_eq!(table.iter().count(), 13);
        let uni = table
            .default_address(PolicyKindId::UniversalAction)
            .unwrap();
        assert_eq!(table.get(uni).unwrap().version, PolicyVersion::V2);
        let legacy_time = LEGACY_POLICIES[3];
        assert_eq!(table.get(legacy_time.address), Some(legacy_time));
        // Re-pointing a default's address at another kind drops that default.
        table.insert(v2(uni, PolicyKindId::Sudo));
        assert_eq!(table.default_address(PolicyKindId::UniversalAction), None);
        assert!(!table.set_default(PolicyKindId::UniversalAction, uni));
        assert!(table.set_default(PolicyKindId::UniversalAction, LEGACY_POLICIES[1].address));
        assert_eq!(PolicyTable::empty().iter().count(), 0);
        assert_eq!(
            PolicyTable::empty().default_address(PolicyKindId::Sudo),
            None
        );
    }

    #[test]
    fn time_frame_low_bits_only() {
        // Legacy keeps the low 48 bits of each 16-byte field.
        let mut data = [0xffu8; 32];
        data[10..16].copy_from_slice(&[0, 0, 0, 0, 1, 0]);
        let got = decode_time_frame_legacy(&data).unwrap();
        assert_eq!(
            got,
            PolicyConfig::TimeFrame {
                valid_until: 256,
                valid_after: (1 << 48) - 1
            }
        );
        assert_eq!(
            encode_time_frame(PolicyVersion::V2, 1 << 48 | 5, 0).len(),
            12
        );
        assert_eq!(
            decode_time_frame_v2(&encode_time_frame(PolicyVersion::V2, 1 << 48 | 5, 0)),
            Ok(PolicyConfig::TimeFrame {
                valid_until: 5,
                valid_after: 0
            })
        );
    }
}
