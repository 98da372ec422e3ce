//! Smart Sessions init data: the SDK's V2 encodings round trip through the per-contract
//! decoder, independent `sol!` encodings decode to the expected configs, every refusal of
//! `initializeWithMultiplexer` is an error, and no input panics.

use crate::common::abi::smart_sessions::{
    ArgActionConfig, ArgParamRules, Condition as SolCondition, LimitUsage, ParamRule as SolRule,
    RawArgConfig, RawArgRules, RawRule, UniActionConfig, UniParamRules,
};
use alloy_primitives::{Address, B256, U256, address};
use alloy_sol_types::{SolType, SolValue, sol_data};
use proptest::prelude::*;
use sessiongate::formats::smart_sessions::ids::{
    ADMIN_FALLBACK_SELECTOR, FALLBACK_ACTION_ID, FALLBACK_SELECTOR, FALLBACK_TARGET, action_id,
};
use sessiongate::formats::smart_sessions::onchain::{
    InitError, LEGACY_POLICIES, PolicyTable, SMART_SESSION_V1, SMART_SESSION_V2, TreeError,
    V2_POLICIES, decode_init_data, encode_init_data, encode_init_data_for,
};
use sessiongate::formats::smart_sessions::{
    ArgNode, ParamCondition, ParamRule, PolicyConfig, PolicyContract, PolicyKindId, PolicyVersion,
    SpendingSemantics,
};

fn v2(kind: PolicyKindId) -> PolicyContract {
    let table = PolicyTable::known();
    table.get(table.default_address(kind).unwrap()).unwrap()
}

fn legacy(kind: PolicyKindId) -> PolicyContract {
    *LEGACY_POLICIES.iter().find(|c| c.kind == kind).unwrap()
}

fn sol_condition(c: ParamCondition) -> SolCondition {
    SolCondition::try_from(c.index()).unwrap()
}

fn sol_rule(rule: &ParamRule) -> SolRule {
    SolRule {
        condition: sol_condition(rule.condition),
        offset: rule.offset,
        isLimited: rule.is_limited,
        refValue: rule.reference,
        usage: LimitUsage {
            limit: rule.limit,
            used: rule.used,
        },
    }
}

fn sample_rule(i: u8) -> ParamRule {
    ParamRule {
        condition: ParamCondition::from_index(i % 7).unwrap(),
        offset: u64::from(i) * 32 + 3,
        is_limited: i % 2 == 1,
        reference: B256::repeat_byte(i),
        limit: U256::from(1000u64 + u64::from(i)),
        used: U256::from(i),
    }
}

/// A static `ActionConfig` with `length` and the given rules in the first slots.
fn uni_sol(value: U256, length: U256, rules: &[SolRule]) -> Vec<u8> {
    let slots = std::array::from_fn(|i| rules.get(i).cloned().unwrap_or_default());
    UniActionConfig {
        valueLimitPerUse: value,
        paramRules: UniParamRules {
            length,
            rules: slots,
        },
    }
    .abi_encode()
}

fn raw_rule(rule: &ParamRule) -> RawRule {
    RawRule {
        condition: U256::from(rule.condition.index()),
        offset: U256::from(rule.offset),
        isLimited: U256::from(u8::from(rule.is_limited)),
        refValue: rule.reference,
        limit: rule.limit,
        used: rule.used,
    }
}

fn raw_arg(root: U256, rules: Vec<RawRule>, nodes: Vec<U256>) -> Vec<u8> {
    RawArgConfig {
        valueLimitPerUse: U256::from(5),
        paramRules: RawArgRules {
            rootNodeIndex: root,
            rules,
            packedNodes: nodes,
        },
    }
    .abi_encode()
}

fn rule_node(rule: u64) -> U256 {
    U256::from(rule << 2)
}

fn not_node(child: u64) -> U256 {
    U256::from(1 | child << 10)
}

fn and_node(left: u64, right: u64) -> U256 {
    U256::from(2 | left << 10 | right << 18)
}

fn or_node(left: u64, right: u64) -> U256 {
    U256::from(3 | left << 10 | right << 18)
}

// ---- identifiers and the table -----------------------------------------------------------

#[test]
fn fallback_action_ids() {
    assert_eq!(
        action_id(FALLBACK_TARGET, FALLBACK_SELECTOR),
        FALLBACK_ACTION_ID
    );
    assert_eq!(
        action_id(FALLBACK_TARGET, ADMIN_FALLBACK_SELECTOR),
        alloy_primitives::b256!(
            "0x986126569d6396d837d7adeb3ca726199afaf83546f38726e6f331bb92d8e9d6"
        )
    );
}

#[test]
fn known_table_holds_both_sets_with_v2_defaults() {
    let table = PolicyTable::default();
    assert_eq!(table, PolicyTable::known());
    for contract in V2_POLICIES {
        assert_eq!(table.get(contract.address), Some(contract));
        assert_eq!(table.default_address(contract.kind), Some(contract.address));
    }
    for contract in LEGACY_POLICIES {
        assert_eq!(table.get(contract.address), Some(contract));
        assert_eq!(contract.version, PolicyVersion::Legacy);
    }
    assert_eq!(
        table.default_address(PolicyKindId::TimeFrame),
        Some(address!("0x0000000000D30f611fA3bf652ac6879428586930"))
    );
    assert_eq!(table.get(SMART_SESSION_V2), None);
    assert_ne!(SMART_SESSION_V1, SMART_SESSION_V2);

    let mut custom = PolicyTable::empty();
    let mine = PolicyContract {
        address: Address::repeat_byte(9),
        kind: PolicyKindId::UsageLimit,
        version: PolicyVersion::V2,
    };
    custom.insert(mine);
    custom.insert(PolicyContract {
        version: PolicyVersion::Legacy,
        ..mine
    });
    assert_eq!(custom.iter().count(), 1);
    assert_eq!(
        custom.get(mine.address).unwrap().version,
        PolicyVersion::Legacy
    );
    assert!(custom.set_default(PolicyKindId::UsageLimit, mine.address));
    assert_eq!(
        custom.default_address(PolicyKindId::UsageLimit),
        Some(mine.address)
    );
}

// ---- independent encodings ---------------------------------------------------------------

#[test]
fn universal_action_from_sol_struct() {
    let rules = [sample_rule(1), sample_rule(6)];
    let sol_rules: Vec<SolRule> = rules.iter().map(sol_rule).collect();
    let data = uni_sol(U256::from(7), U256::from(2), &sol_rules);
    assert_eq!(data.len(), 3136);
    let expected = PolicyConfig::UniversalAction {
        value_limit_per_use: U256::from(7),
        rules: rules.to_vec(),
    };
    assert_eq!(encode_init_data(&expected), data);
    for kind_version in [v2, legacy] {
        let contract = kind_version(PolicyKindId::UniversalAction);
        assert_eq!(decode_init_data(contract, &data), Ok(expected.clone()));
    }
    // Trailing bytes are ignored by abi.decode.
    let mut longer = data.clone();
    longer.extend_from_slice(&[0xee; 40]);
    assert_eq!(
        decode_init_data(v2(PolicyKindId::UniversalAction), &longer),
        Ok(expected)
    );
}

#[test]
fn universal_action_keeps_only_length_rules_and_zero_is_valid() {
    let sol_rules: Vec<SolRule> = (0..16).map(|i| sol_rule(&sample_rule(i))).collect();
    let data = uni_sol(U256::ZERO, U256::from(3), &sol_rules);
    let Ok(PolicyConfig::UniversalAction { rules, .. }) =
        decode_init_data(v2(PolicyKindId::UniversalAction), &data)
    else {
        panic!("decodes")
    };
    assert_eq!(rules, (0..3).map(sample_rule).collect::<Vec<_>>());

    let empty = uni_sol(U256::ZERO, U256::ZERO, &sol_rules);
    assert_eq!(
        decode_init_data(v2(PolicyKindId::UniversalAction), &empty),
        Ok(PolicyConfig::UniversalAction {
            value_limit_per_use: U256::ZERO,
            rules: vec![],
        })
    );
}

#[test]
fn arg_policy_from_sol_struct() {
    let rules = vec![sample_rule(0), sample_rule(4), sample_rule(5)];
    // root: AND(OR(r0, r1), NOT(r2))
    let packed = vec![
        and_node(1, 2),
        or_node(3, 4),
        not_node(5),
        rule_node(0),
        rule_node(1),
        rule_node(2),
    ];
    let data = ArgActionConfig {
        valueLimitPerUse: U256::from(99),
        paramRules: ArgParamRules {
            rootNodeIndex: 0,
            rules: rules.iter().map(sol_rule).collect(),
            packedNodes: packed,
        },
    }
    .abi_encode();
    // One dynamic tuple parameter: the data opens with its offset.
    assert_eq!(U256::from_be_slice(&data[..32]), U256::from(0x20));
    let expected = PolicyConfig::ArgPolicy {
        value_limit_per_use: U256::from(99),
        rules,
        nodes: vec![
            ArgNode::And { left: 1, right: 2 },
            ArgNode::Or { left: 3, right: 4 },
            ArgNode::Not { child: 5 },
            ArgNode::Rule { rule: 0 },
            ArgNode::Rule { rule: 1 },
            ArgNode::Rule { rule: 2 },
        ],
        root: 0,
    };
    assert_eq!(encode_init_data(&expected), data);
    assert_eq!(
        decode_init_data(v2(PolicyKindId::ArgPolicy), &data),
        Ok(expected)
    );
}

#[test]
fn arg_policy_ignores_unused_node_bits() {
    let dirty = not_node(0) | U256::from(0xffu64 << 18) | (U256::MAX << 26);
    let data = raw_arg(U256::ZERO, vec![], vec![dirty]);
    let Ok(PolicyConfig::ArgPolicy { nodes, rules, .. }) =
        decode_init_data(v2(PolicyKindId::ArgPolicy), &data)
    else {
        panic!("decodes")
    };
    // Zero rules enables (then reverts on every check); a NOT node may point at itself.
    assert!(rules.is_empty());
    assert_eq!(nodes, vec![ArgNode::Not { child: 0 }]);
}

#[test]
fn spending_limits_from_sol_encoding() {
    let tokens = vec![
        Address::repeat_byte(1),
        Address::repeat_byte(2),
        Address::repeat_byte(1),
    ];
    let amounts = vec![U256::from(10), U256::MAX, U256::from(30)];
    let data = (tokens.clone(), amounts.clone()).abi_encode_params();
    // Two heads, two lengths, two bodies.
    assert_eq!(data.len(), 32 * (2 + 2 + 3 + 3));
    let pairs: Vec<(Address, U256)> = tokens.into_iter().zip(amounts).collect();
    let expected = |semantics| PolicyConfig::SpendingLimits {
        limits: pairs.clone(),
        semantics,
    };
    assert_eq!(encode_init_data(&expected(SpendingSemantics::V2)), data);
    assert_eq!(
        decode_init_data(v2(PolicyKindId::SpendingLimits), &data),
        Ok(expected(SpendingSemantics::V2))
    );
    assert_eq!(
        decode_init_data(legacy(PolicyKindId::SpendingLimits), &data),
        Ok(expected(SpendingSemantics::V1))
    );
    let empty = (Vec::<Address>::new(), Vec::<U256>::new()).abi_encode_params();
    assert_eq!(
        decode_init_data(v2(PolicyKindId::SpendingLimits), &empty),
        Ok(PolicyConfig::SpendingLimits {
            limits: vec![],
            semantics: SpendingSemantics::V2
        })
    );
}

#[test]
fn scalar_policies_from_sol_encoding() {
    type Packed48 = (sol_data::Uint<48>, sol_data::Uint<48>);
    let u48 = alloy_primitives::aliases::U48::from;
    let time = Packed48::abi_encode_packed(&(u48(1_764_739_922u64), u48(1_700_000_000u64)));
    assert_eq!(time.len(), 12);
    let expected = PolicyConfig::TimeFrame {
        valid_until: 1_764_739_922,
        valid_after: 1_700_000_000,
    };
    assert_eq!(encode_init_data(&expected), time);
    assert_eq!(
        decode_init_data(v2(PolicyKindId::TimeFrame), &time),
        Ok(expected.clone())
    );

    type Legacy16 = (sol_data::FixedBytes<16>, sol_data::FixedBytes<16>);
    let field = |v: u128| alloy_primitives::FixedBytes::<16>::from(v.to_be_bytes());
    let legacy_time = Legacy16::abi_encode_packed(&(field(1_764_739_922), field(1_700_000_000)));
    assert_eq!(legacy_time.len(), 32);
    assert_eq!(
        encode_init_data_for(PolicyVersion::Legacy, &expected),
        legacy_time
    );
    assert_eq!(
        decode_init_data(legacy(PolicyKindId::TimeFrame), &legacy_time),
        Ok(expected)
    );

    let usage = <sol_data::Uint<128>>::abi_encode_packed(&12_345u128);
    assert_eq!(usage.len(), 16);
    let expected = PolicyConfig::UsageLimit { limit: 12_345 };
    assert_eq!(encode_init_data(&expected), usage);
    assert_eq!(
        decode_init_data(v2(PolicyKindId::UsageLimit), &usage),
        Ok(expected)
    );

    let value = U256::from(10u64).pow(U256::from(18)).abi_encode();
    let expected = PolicyConfig::ValueLimit {
        limit: U256::from(10u64).pow(U256::from(18)),
    };
    assert_eq!(encode_init_data(&expected), value);
    assert_eq!(
        decode_init_data(v2(PolicyKindId::ValueLimit), &value),
        Ok(expected)
    );

    assert!(encode_init_data(&PolicyConfig::Sudo).is_empty());
    for sudo in [v2(PolicyKindId::Sudo), legacy(PolicyKindId::Sudo)] {
        assert_eq!(decode_init_data(sudo, &[1, 2, 3]), Ok(PolicyConfig::Sudo));
    }
}

// ---- refusals ------------------------------------------------------------------------------

#[test]
fn universal_action_refusals() {
    let uni = v2(PolicyKindId::UniversalAction);
    let good: Vec<SolRule> = vec![sol_rule(&sample_rule(1))];
    let data = uni_sol(U256::ZERO, U256::ONE, &good);
    assert_eq!(
        decode_init_data(uni, &data[..3135]),
        Err(InitError::TooShort {
            needed: 3136,
            len: 3135
        })
    );

    // Validation covers unused slots too: slot 15 is past `length`.
    let rule_word = |slot: usize, field: usize| 0x40 + slot * 0xc0 + field * 0x20;
    let with_word = |at: usize, value: U256| {
        let mut d = data.clone();
        d[at..at + 32].copy_from_slice(&value.to_be_bytes::<32>());
        d
    };
    assert_eq!(
        decode_init_data(uni, &with_word(rule_word(15, 0), U256::from(7))),
        Err(InitError::BadCondition {
            rule: 15,
            value: U256::from(7)
        })
    );
    let two64 = U256::from(1) << 64;
    assert_eq!(
        decode_init_data(uni, &with_word(rule_word(3, 1), two64)),
        Err(InitError::OffsetTooLarge {
            rule: 3,
            value: two64
        })
    );
    assert!(decode_init_data(uni, &with_word(rule_word(3, 1), two64 - U256::ONE)).is_ok());
    assert_eq!(
        decode_init_data(uni, &with_word(rule_word(0, 2), U256::from(2))),
        Err(InitError::BadBool {
            rule: 0,
            value: U256::from(2)
        })
    );
    for length in [U256::from(17), U256::MAX] {
        assert_eq!(
            decode_init_data(uni, &with_word(0x20, length)),
            Err(InitError::TooManyRules { len: length })
        );
    }
    assert!(decode_init_data(uni, &with_word(0x20, U256::from(16))).is_ok());

    // A config the contract cannot hold encodes to data it refuses.
    let seventeen = PolicyConfig::UniversalAction {
        value_limit_per_use: U256::ZERO,
        rules: (0..17).map(sample_rule).collect(),
    };
    let encoded = encode_init_data(&seventeen);
    assert_eq!(encoded.len(), 3136);
    assert_eq!(
        decode_init_data(uni, &encoded),
        Err(InitError::TooManyRules {
            len: U256::from(17)
        })
    );
}

#[test]
fn arg_policy_refusals() {
    let arg = v2(PolicyKindId::ArgPolicy);
    let rules = || vec![raw_rule(&sample_rule(0)), raw_rule(&sample_rule(1))];
    let decode = |root: U256, rules: Vec<RawRule>, nodes: Vec<U256>| {
        decode_init_data(arg, &raw_arg(root, rules, nodes))
    };
    let tree = |e: TreeError| Err(InitError::BadTree(e));

    assert_eq!(decode(U256::ZERO, rules(), vec![]), tree(TreeError::Empty));
    assert_eq!(
        decode(U256::from(2), rules(), vec![rule_node(0), rule_node(1)]),
        tree(TreeError::RootOutOfRange { root: 2, nodes: 2 })
    );
    assert_eq!(
        decode(U256::from(256), rules(), vec![rule_node(0)]),
        Err(InitError::BadRootIndex {
            value: U256::from(256)
        })
    );
    assert_eq!(
        decode(U256::ZERO, rules(), vec![rule_node(2)]),
        tree(TreeError::RuleOutOfRange {
            node: 0,
            rule: 2,
            rules: 2
        })
    );
    assert_eq!(
        decode(U256::ZERO, rules(), vec![not_node(1)]),
        tree(TreeError::ChildOutOfRange {
            node: 0,
            child: 1,
            nodes: 1
        })
    );
    assert_eq!(
        decode(
            U256::ZERO,
            rules(),
            vec![and_node(1, 3), rule_node(0), rule_node(1)]
        ),
        tree(TreeError::ChildOutOfRange {
            node: 0,
            child: 3,
            nodes: 3
        })
    );
    assert_eq!(
        decode(
            U256::ZERO,
            rules(),
            vec![rule_node(0), or_node(3, 0), rule_node(1)]
        ),
        tree(TreeError::ChildOutOfRange {
            node: 1,
            child: 3,
            nodes: 3
        })
    );
    let many_rules: Vec<RawRule> = (0..129).map(|i| raw_rule(&sample_rule(i))).collect();
    assert_eq!(
        decode(U256::ZERO, many_rules.clone(), vec![rule_node(0)]),
        tree(TreeError::TooManyRules { rules: 129 })
    );
    assert!(decode(U256::ZERO, many_rules[..128].to_vec(), vec![rule_node(127)]).is_ok());

    // 255 nodes enable; 256 overflow the uint8 loop counter; 257 hit MAX_NODES.
    let leaves = |n: usize| vec![rule_node(0); n];
    assert!(decode(U256::from(254), rules(), leaves(255)).is_ok());
    assert_eq!(
        decode(U256::ZERO, rules(), leaves(256)),
        tree(TreeError::TooManyNodes { nodes: 256 })
    );
    assert_eq!(
        decode(U256::ZERO, rules(), leaves(257)),
        tree(TreeError::TooManyNodes { nodes: 257 })
    );
    // Within 256 nodes a bad node is found before the counter overflows.
    let mut bad = leaves(256);
    bad[200] = rule_node(9);
    assert_eq!(
        decode(U256::ZERO, rules(), bad),
        tree(TreeError::RuleOutOfRange {
            node: 200,
            rule: 9,
            rules: 2
        })
    );

    let mut dirty = rules();
    dirty[1].condition = U256::from(7);
    assert_eq!(
        decode(U256::ZERO, dirty, vec![rule_node(0)]),
        Err(InitError::BadCondition {
            rule: 1,
            value: U256::from(7)
        })
    );
    let mut dirty = rules();
    dirty[0].isLimited = U256::from(2);
    assert!(matches!(
        decode(U256::ZERO, dirty, vec![rule_node(0)]),
        Err(InitError::BadBool { rule: 0, .. })
    ));

    // Static encodings and truncations are not ABI for a dynamic tuple.
    let valid = raw_arg(U256::ZERO, rules(), vec![rule_node(0)]);
    assert!(matches!(
        decode_init_data(arg, &valid[..valid.len() - 1]),
        Err(InitError::Abi { .. })
    ));
    assert!(matches!(
        decode_init_data(arg, &[]),
        Err(InitError::Abi { .. })
    ));
}

#[test]
fn spending_limit_refusals() {
    let (head, old) = (
        v2(PolicyKindId::SpendingLimits),
        legacy(PolicyKindId::SpendingLimits),
    );
    let a = Address::repeat_byte(0xaa);
    let enc = |tokens: Vec<Address>, limits: Vec<u64>| {
        let limits: Vec<U256> = limits.into_iter().map(U256::from).collect();
        (tokens, limits).abi_encode_params()
    };

    let longer_limits = enc(vec![a], vec![1, 2]);
    assert_eq!(
        decode_init_data(head, &longer_limits),
        Err(InitError::LengthMismatch {
            tokens: 1,
            limits: 2
        })
    );
    assert_eq!(
        decode_init_data(old, &longer_limits),
        Ok(PolicyConfig::SpendingLimits {
            limits: vec![(a, U256::from(1))],
            semantics: SpendingSemantics::V1
        })
    );
    let shorter_limits = enc(vec![a, a], vec![1]);
    assert_eq!(
        decode_init_data(head, &shorter_limits),
        Err(InitError::LengthMismatch {
            tokens: 2,
            limits: 1
        })
    );
    assert_eq!(
        decode_init_data(old, &shorter_limits),
        Err(InitError::MissingLimit { index: 1 })
    );
    for contract in [head, old] {
        assert_eq!(
            decode_init_data(contract, &enc(vec![a, Address::ZERO], vec![1, 1])),
            Err(InitError::ZeroToken { index: 1 })
        );
        assert_eq!(
            decode_init_data(contract, &enc(vec![a, a], vec![1, 0])),
            Err(InitError::ZeroLimit { index: 1 })
        );
        let dirty = (
            vec![U256::from(1), U256::from(1) << 160],
            vec![U256::from(1), U256::from(1)],
        )
            .abi_encode_params();
        assert_eq!(
            decode_init_data(contract, &dirty),
            Err(InitError::DirtyAddress { index: 1 })
        );
        let good = enc(vec![a], vec![1]);
        assert!(matches!(
            decode_init_data(contract, &good[..good.len() - 1]),
            Err(InitError::Abi { .. })
        ));
    }
}

#[test]
fn scalar_refusals_differ_by_version() {
    let time = (v2(PolicyKindId::TimeFrame), legacy(PolicyKindId::TimeFrame));
    let backwards = PolicyConfig::TimeFrame {
        valid_until: 100,
        valid_after: 200,
    };
    assert_eq!(
        decode_init_data(time.0, &encode_init_data(&backwards)),
        Err(InitError::AfterPastUntil {
            valid_after: 200,
            valid_until: 100
        })
    );
    assert_eq!(
        decode_init_data(
            time.1,
            &encode_init_data_for(PolicyVersion::Legacy, &backwards)
        ),
        Ok(backwards)
    );
    let open_ended = PolicyConfig::TimeFrame {
        valid_until: 0,
        valid_after: 200,
    };
    assert_eq!(
        decode_init_data(time.0, &encode_init_data(&open_ended)),
        Ok(open_ended)
    );
    assert_eq!(
        decode_init_data(time.0, &[0; 11]),
        Err(InitError::TooShort {
            needed: 12,
            len: 11
        })
    );
    // The SDK's 12-byte layout does not fit the legacy contract; its 32-byte layout read by V2
    // gives other numbers.
    assert_eq!(
        decode_init_data(time.1, &[0; 12]),
        Err(InitError::TooShort {
            needed: 32,
            len: 12
        })
    );
    let legacy_layout = encode_init_data_for(
        PolicyVersion::Legacy,
        &PolicyConfig::TimeFrame {
            valid_until: 1000,
            valid_after: 10,
        },
    );
    assert_eq!(
        decode_init_data(time.0, &legacy_layout),
        Ok(PolicyConfig::TimeFrame {
            valid_until: 0,
            valid_after: 0
        })
    );

    let usage = (
        v2(PolicyKindId::UsageLimit),
        legacy(PolicyKindId::UsageLimit),
    );
    assert_eq!(
        decode_init_data(usage.0, &[0; 16]),
        Err(InitError::ZeroUsageLimit)
    );
    assert_eq!(
        decode_init_data(usage.1, &[0; 16]),
        Ok(PolicyConfig::UsageLimit { limit: 0 })
    );
    assert_eq!(
        decode_init_data(usage.0, &[1; 15]),
        Err(InitError::TooShort {
            needed: 16,
            len: 15
        })
    );

    let value = (
        v2(PolicyKindId::ValueLimit),
        legacy(PolicyKindId::ValueLimit),
    );
    assert_eq!(
        decode_init_data(value.0, &[0; 32]),
        Err(InitError::ZeroValueLimit)
    );
    assert_eq!(
        decode_init_data(value.1, &[0; 40]),
        Ok(PolicyConfig::ValueLimit { limit: U256::ZERO })
    );
    assert_eq!(
        decode_init_data(value.1, &[1; 31]),
        Err(InitError::TooShort {
            needed: 32,
            len: 31
        })
    );
}

#[test]
fn errors_name_the_field_at_fault() {
    let e = InitError::BadCondition {
        rule: 15,
        value: U256::from(7),
    };
    assert!(e.to_string().contains("rules[15].condition"));
    let e = InitError::BadTree(TreeError::ChildOutOfRange {
        node: 1,
        child: 3,
        nodes: 3,
    });
    assert!(e.to_string().contains("packedNodes[1]"));
}

// ---- properties ----------------------------------------------------------------------------

fn u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        any::<u64>().prop_map(U256::from),
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

fn nonzero_u256() -> impl Strategy<Value = U256> {
    u256().prop_map(|v| if v.is_zero() { U256::ONE } else { v })
}

fn param_rule() -> impl Strategy<Value = ParamRule> {
    (
        0u8..7,
        any::<u64>(),
        any::<bool>(),
        any::<[u8; 32]>(),
        u256(),
        u256(),
    )
        .prop_map(|(c, offset, is_limited, r, limit, used)| ParamRule {
            condition: ParamCondition::from_index(c).unwrap(),
            offset,
            is_limited,
            reference: B256::from(r),
            limit,
            used,
        })
}

fn arg_policy() -> impl Strategy<Value = PolicyConfig> {
    (
        u256(),
        proptest::collection::vec(param_rule(), 0..6),
        1usize..24,
    )
        .prop_flat_map(|(value, rules, count)| {
            let rule_count = rules.len();
            let child = 0..u8::try_from(count).unwrap();
            let node = (
                0u8..4,
                0..u8::try_from(rule_count.max(1)).unwrap(),
                child.clone(),
                child,
            )
                .prop_map(move |(kind, rule, l, r)| match kind {
                    0 if rule_count > 0 => ArgNode::Rule { rule },
                    0 | 1 => ArgNode::Not { child: l },
                    2 => ArgNode::And { left: l, right: r },
                    _ => ArgNode::Or { left: l, right: r },
                });
            (
                Just(value),
                Just(rules),
                proptest::collection::vec(node, count),
                0..u8::try_from(count).unwrap(),
            )
        })
        .prop_map(
            |(value_limit_per_use, rules, nodes, root)| PolicyConfig::ArgPolicy {
                value_limit_per_use,
                rules,
                nodes,
                root,
            },
        )
}

const U48: u64 = (1 << 48) - 1;

fn v2_config() -> impl Strategy<Value = PolicyConfig> {
    prop_oneof![
        Just(PolicyConfig::Sudo),
        (u256(), proptest::collection::vec(param_rule(), 0..=16)).prop_map(
            |(value_limit_per_use, rules)| PolicyConfig::UniversalAction {
                value_limit_per_use,
                rules
            }
        ),
        arg_policy(),
        proptest::collection::vec(
            (
                any::<[u8; 20]>().prop_filter("nonzero", |a| a != &[0; 20]),
                nonzero_u256()
            ),
            0..5
        )
        .prop_map(|pairs| PolicyConfig::SpendingLimits {
            limits: pairs
                .into_iter()
                .map(|(a, l)| (Address::from(a), l))
                .collect(),
            semantics: SpendingSemantics::V2,
        }),
        (0..=U48, 0..=U48).prop_map(|(a, b)| {
            // validUntil 0 is open-ended; otherwise order the pair.
            let (valid_after, valid_until) = if a == 0 { (b, 0) } else { (a.min(b), a.max(b)) };
            PolicyConfig::TimeFrame {
                valid_until,
                valid_after,
            }
        }),
        (1..=u128::MAX).prop_map(|limit| PolicyConfig::UsageLimit { limit }),
        nonzero_u256().prop_map(|limit| PolicyConfig::ValueLimit { limit }),
    ]
}

fn kind_of(config: &PolicyConfig) -> PolicyKindId {
    match config {
        PolicyConfig::Sudo => PolicyKindId::Sudo,
        PolicyConfig::UniversalAction { .. } => PolicyKindId::UniversalAction,
        PolicyConfig::ArgPolicy { .. } => PolicyKindId::ArgPolicy,
        PolicyConfig::SpendingLimits { .. } => PolicyKindId::SpendingLimits,
        PolicyConfig::TimeFrame { .. } => PolicyKindId::TimeFrame,
        PolicyConfig::UsageLimit { .. } => PolicyKindId::UsageLimit,
        PolicyConfig::ValueLimit { .. } => PolicyKindId::ValueLimit,
    }
}

/// Every known contract, plus the one source-less pairing a custom table could make.
fn all_contracts() -> Vec<PolicyContract> {
    PolicyTable::known().iter().copied().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn v2_round_trip(config in v2_config()) {
        let data = encode_init_data(&config);
        prop_assert_eq!(decode_init_data(v2(kind_of(&config)), &data), Ok(config));
    }

    #[test]
    fn legacy_round_trip(config in v2_config()) {
        // Legacy contracts accept everything V2 does; spending decodes with v1.0.0 counting.
        let kind = kind_of(&config);
        let Some(contract) = LEGACY_POLICIES.iter().find(|c| c.kind == kind) else {
            return Ok(());
        };
        let expected = match config.clone() {
            PolicyConfig::SpendingLimits { limits, .. } => PolicyConfig::SpendingLimits {
                limits,
                semantics: SpendingSemantics::V1,
            },
            other => other,
        };
        let data = encode_init_data_for(PolicyVersion::Legacy, &config);
        prop_assert_eq!(decode_init_data(*contract, &data), Ok(expected));
    }

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..3300)) {
        for contract in all_contracts() {
            let _ = decode_init_data(contract, &data);
        }
    }

    #[test]
    fn mutated_encodings_never_panic(
        config in v2_config(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut data = encode_init_data(&config);
        if !data.is_empty() {
            for (at, byte) in &flips {
                let i = at.index(data.len());
                data[i] ^= byte;
            }
            data.truncate(cut.index(data.len() + 1));
        }
        for contract in all_contracts() {
            let _ = decode_init_data(contract, &data);
        }
    }
}
