//! Properties of evaluation over generated native sessions and calls: restrictions never widen,
//! cumulative caps hold, verdicts are well formed, fast and explain agree, evaluation never
//! panics, and documents survive a serde round trip.

use crate::common::abi::erc20::{approveCall, burnCall, mintCall, transferCall, transferFromCall};
use crate::common::hex;
use alloy_primitives::{Address, U256, address};
use alloy_sol_types::SolCall;
use proptest::prelude::*;
use proptest::sample::Index;
use sessiongate::document::{
    ActionDocument, BudgetDocument, Condition, ParamRef, PolicyDocument, Quantity, RuleDocument,
    RuleValue, Scalar, Target,
};
use sessiongate::{Call, Context, MemoryLedger, Mode, Session, SessionDocument, Verdict};
use std::collections::BTreeMap;

const ACCOUNT: Address = address!("2222222222222222222222222222222222222222");
const TARGETS: [Address; 3] = [
    address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"),
    address!("6b175474e89094c44da98b954eedeac495271d0f"),
    address!("c0ffee254729296a45a3885639ac7e10f9d54979"),
];
const PEOPLE: [Address; 3] = [
    ACCOUNT,
    address!("1111111111111111111111111111111111111111"),
    address!("4444444444444444444444444444444444444444"),
];

/// What a rule can read: an address or an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Address,
    Amount,
}

/// A signature as written, its selector, and its parameters.
type SignatureInfo = (&'static str, [u8; 4], &'static [(&'static str, Kind)]);

/// The signatures actions may name.
const SIGNATURES: [SignatureInfo; 4] = [
    (
        "transfer(address to, uint256 amount)",
        transferCall::SELECTOR,
        &[("to", Kind::Address), ("amount", Kind::Amount)],
    ),
    (
        "approve(address spender, uint256 amount)",
        approveCall::SELECTOR,
        &[("spender", Kind::Address), ("amount", Kind::Amount)],
    ),
    (
        "transferFrom(address from, address to, uint256 amount)",
        transferFromCall::SELECTOR,
        &[
            ("from", Kind::Address),
            ("to", Kind::Address),
            ("amount", Kind::Amount),
        ],
    ),
    (
        "mint(uint256 amount)",
        mintCall::SELECTOR,
        &[("amount", Kind::Amount)],
    ),
];

/// An action's selector: a signature, the same as bare hex, a native transfer, or any call.
#[derive(Clone, Copy, Debug)]
enum SelectorChoice {
    Signature(usize),
    Hex(usize),
    Native,
    Any,
}

impl SelectorChoice {
    fn text(self) -> String {
        match self {
            Self::Signature(i) => SIGNATURES[i].0.into(),
            Self::Hex(i) => hex(&SIGNATURES[i].1),
            Self::Native => "native".into(),
            Self::Any => "*".into(),
        }
    }

    /// Recovers the choice from a generated action's selector text.
    fn of(text: &str) -> Self {
        match text {
            "native" => Self::Native,
            "*" => Self::Any,
            _ => (0..SIGNATURES.len())
                .flat_map(|i| [Self::Signature(i), Self::Hex(i)])
                .find(|c| c.text() == text)
                .unwrap(),
        }
    }
}

fn selector_choice() -> impl Strategy<Value = SelectorChoice> {
    prop_oneof![
        6 => (0..SIGNATURES.len()).prop_map(SelectorChoice::Signature),
        2 => (0..SIGNATURES.len()).prop_map(SelectorChoice::Hex),
        1 => Just(SelectorChoice::Native),
        1 => Just(SelectorChoice::Any),
    ]
}

/// The random part of a rule, resolved against an action's selector by [`make_rule`].
#[derive(Clone, Debug)]
struct RuleSeed {
    param: Index,
    by_index: bool,
    condition: usize,
    values: [u64; 3],
    people: [usize; 3],
    count: usize,
    form: usize,
    budget: Option<u64>,
    offset: usize,
}

fn rule_seed() -> impl Strategy<Value = RuleSeed> {
    (
        any::<Index>(),
        any::<bool>(),
        0..8usize,
        [0..=20u64, 0..=20u64, 0..=20u64],
        [0..3usize, 0..3usize, 0..3usize],
        1..=3usize,
        0..3usize,
        proptest::option::weighted(0.3, 0..=60u64),
        0..5usize,
    )
        .prop_map(
            |(param, by_index, condition, values, people, count, form, budget, offset)| RuleSeed {
                param,
                by_index,
                condition,
                values,
                people,
                count,
                form,
                budget,
                offset,
            },
        )
}

/// A number written as a JSON integer, a decimal string or a hex string.
fn scalar(value: u64, form: usize) -> Scalar {
    match form {
        0 => Scalar::Int(value.into()),
        1 => Scalar::Text(value.to_string()),
        _ => Scalar::Text(format!("{value:#x}")),
    }
}

fn person(i: usize, form: usize) -> Scalar {
    let address = PEOPLE[i];
    // Checksummed or lower case: both are addresses.
    Scalar::Text(if form == 0 {
        address.to_string()
    } else {
        format!("{address:?}")
    })
}

/// A rule valid for `choice`, or none for a native transfer, which has no calldata to read.
fn make_rule(choice: SelectorChoice, seed: &RuleSeed) -> Option<RuleDocument> {
    let (param, offset, ty, kind) = match choice {
        SelectorChoice::Native => return None,
        SelectorChoice::Any => {
            let offset = [0, 4, 32, 36, 64][seed.offset];
            (None, Some(offset), None, Kind::Amount)
        }
        SelectorChoice::Signature(s) | SelectorChoice::Hex(s) => {
            let params = SIGNATURES[s].2;
            let i = seed.param.index(params.len());
            let (name, kind) = params[i];
            let hex = matches!(choice, SelectorChoice::Hex(_));
            let param = if hex || seed.by_index {
                ParamRef::Index(i as u64)
            } else {
                ParamRef::Name(name.into())
            };
            let ty = (hex && kind == Kind::Address).then(|| "address".to_string());
            (Some(param), None, ty, kind)
        }
    };
    let (condition, value, budget) = match kind {
        Kind::Amount => amount_condition(seed),
        Kind::Address => address_condition(seed),
    };
    Some(RuleDocument {
        param,
        offset,
        ty,
        condition: Some(condition),
        value: Some(value),
        budget: budget.map(Into::into),
        ..RuleDocument::default()
    })
}

fn amount_condition(seed: &RuleSeed) -> (Condition, RuleValue, Option<Quantity>) {
    use Condition::*;
    let condition = [Eq, Ne, Gt, Gte, Lt, Lte, InRange, OneOf][seed.condition];
    let [a, b, _] = seed.values;
    let value = match condition {
        InRange => RuleValue::Many(vec![
            scalar(a.min(b), seed.form),
            scalar(a.max(b), seed.form),
        ]),
        OneOf => RuleValue::Many(
            seed.values[..seed.count]
                .iter()
                .map(|v| scalar(*v, seed.form))
                .collect(),
        ),
        _ => RuleValue::One(scalar(a, seed.form)),
    };
    (condition, value, seed.budget.map(Quantity::from))
}

fn address_condition(seed: &RuleSeed) -> (Condition, RuleValue, Option<Quantity>) {
    let condition = [Condition::Eq, Condition::Ne, Condition::OneOf][seed.condition % 3];
    let value = match condition {
        Condition::OneOf => RuleValue::Many(
            seed.people[..seed.count]
                .iter()
                .map(|p| person(*p, seed.form))
                .collect(),
        ),
        _ => RuleValue::One(person(seed.people[0], seed.form)),
    };
    (condition, value, None)
}

fn policy() -> impl Strategy<Value = PolicyDocument> {
    let window = (
        proptest::option::of(0..100u64),
        proptest::option::of(0..100u64),
    )
        .prop_map(|(a, u)| {
            let (valid_after, valid_until) = match (a, u) {
                (Some(a), Some(u)) => (Some(a.min(u)), Some(a.max(u))),
                other => other,
            };
            PolicyDocument::TimeWindow {
                valid_after,
                valid_until,
            }
        });
    let q = |limit: u64| Quantity::from(limit);
    prop_oneof![
        1 => Just(PolicyDocument::Sudo),
        2 => window,
        2 => (0..=20u64).prop_map(move |l| PolicyDocument::MaxValue { limit: q(l) }),
        2 => (0..=60u64).prop_map(move |l| PolicyDocument::ValueLimit { limit: q(l).into() }),
        2 => (0..=5u64).prop_map(move |l| PolicyDocument::UsageLimit { limit: q(l).into() }),
        3 => (0..3usize, 0..=60u64).prop_map(move |(t, l)| PolicyDocument::SpendLimit {
            token: TARGETS[t],
            limit: q(l).into(),
        }),
    ]
}

fn action(index: usize) -> impl Strategy<Value = ActionDocument> {
    (
        any::<bool>(),
        0..4usize,
        selector_choice(),
        proptest::collection::vec(rule_seed(), 0..3),
        proptest::collection::vec(policy(), 0..3),
    )
        .prop_map(move |(named, target, choice, seeds, policies)| {
            let rules: Vec<RuleDocument> =
                seeds.iter().filter_map(|s| make_rule(choice, s)).collect();
            let policies = if rules.is_empty() && policies.is_empty() {
                vec![PolicyDocument::Sudo]
            } else {
                policies
            };
            ActionDocument {
                name: named.then(|| format!("act-{index}")),
                target: TARGETS
                    .get(target)
                    .map_or(Target::Any, |a| Target::Address(*a)),
                selector: choice.text(),
                rules,
                policies,
                nested: None,
            }
        })
}

fn document() -> impl Strategy<Value = SessionDocument> {
    let actions = (1..=4usize).prop_flat_map(|n| (0..n).map(action).collect::<Vec<_>>());
    (
        proptest::option::weighted(0.3, Just(1u64)),
        proptest::collection::vec(policy(), 0..2),
        actions,
    )
        .prop_map(|(chain_id, policies, actions)| SessionDocument {
            format: None,
            name: Some("generated".into()),
            description: None,
            chain_id,
            policies,
            budgets: Default::default(),
            actions,
        })
}

/// An owned call, so strategies can produce it.
#[derive(Clone, Debug)]
struct GenCall {
    to: Address,
    value: U256,
    data: Vec<u8>,
}

fn amount() -> impl Strategy<Value = U256> {
    prop_oneof![
        9 => (0..=20u64).prop_map(U256::from),
        1 => any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ]
}

/// Calldata of one of the pool's functions, numbered as in [`SIGNATURES`], or of `burn`, which
/// spend limits refuse.
fn encode(function: usize, a: usize, b: usize, amount: U256) -> Vec<u8> {
    let (x, y) = (PEOPLE[a], PEOPLE[b]);
    match function {
        0 => transferCall { to: x, amount }.abi_encode(),
        1 => approveCall { spender: x, amount }.abi_encode(),
        2 => transferFromCall {
            from: x,
            to: y,
            amount,
        }
        .abi_encode(),
        3 => mintCall { amount }.abi_encode(),
        _ => burnCall { amount }.abi_encode(),
    }
}

fn encoded() -> impl Strategy<Value = Vec<u8>> {
    (0..5usize, 0..3usize, 0..3usize, amount()).prop_map(|(f, a, b, x)| encode(f, a, b, x))
}

fn call_value() -> impl Strategy<Value = U256> {
    prop_oneof![
        4 => Just(U256::ZERO),
        4 => (0..=20u64).prop_map(U256::from),
    ]
}

/// A call anywhere, mostly at the pool's targets and functions.
fn free_call() -> impl Strategy<Value = GenCall> {
    let to = prop_oneof![
        6 => (0..3usize).prop_map(|i| TARGETS[i]),
        1 => any::<[u8; 20]>().prop_map(Address::from),
    ];
    let data = prop_oneof![
        8 => encoded(),
        1 => Just(Vec::new()),
        1 => proptest::collection::vec(any::<u8>(), 0..80),
    ];
    (to, call_value(), data).prop_map(|(to, value, data)| GenCall { to, value, data })
}

/// A call to generate: aimed at one of the document's actions, or free.
#[derive(Clone, Debug)]
enum CallSeed {
    /// The action's target and function (a pool target and function where it has a wildcard),
    /// with arguments from the pools.
    Aimed {
        action: Index,
        target: usize,
        function: usize,
        people: (usize, usize),
        amount: U256,
        value: U256,
    },
    Free(GenCall),
}

fn call_seed() -> impl Strategy<Value = CallSeed> {
    let aimed = (
        any::<Index>(),
        0..3usize,
        0..5usize,
        (0..3usize, 0..3usize),
        amount(),
        call_value(),
    )
        .prop_map(
            |(action, target, function, people, amount, value)| CallSeed::Aimed {
                action,
                target,
                function,
                people,
                amount,
                value,
            },
        );
    prop_oneof![4 => aimed, 1 => free_call().prop_map(CallSeed::Free)]
}

fn resolve(doc: &SessionDocument, seed: &CallSeed) -> GenCall {
    match seed {
        CallSeed::Free(call) => call.clone(),
        CallSeed::Aimed {
            action,
            target,
            function,
            people: (a, b),
            amount,
            value,
        } => {
            let action = &doc.actions[action.index(doc.actions.len())];
            let to = match action.target {
                Target::Address(address) => address,
                Target::Any => TARGETS[*target],
            };
            let data = match SelectorChoice::of(&action.selector) {
                SelectorChoice::Signature(f) | SelectorChoice::Hex(f) => encode(f, *a, *b, *amount),
                SelectorChoice::Native => Vec::new(),
                SelectorChoice::Any => encode(*function, *a, *b, *amount),
            };
            GenCall {
                to,
                value: *value,
                data,
            }
        }
    }
}

fn batch() -> impl Strategy<Value = Vec<CallSeed>> {
    proptest::collection::vec(call_seed(), 1..=3)
}

fn resolve_all(doc: &SessionDocument, seeds: &[CallSeed]) -> Vec<GenCall> {
    seeds.iter().map(|s| resolve(doc, s)).collect()
}

fn context() -> impl Strategy<Value = Context> {
    (
        0..120u64,
        prop_oneof![9 => Just(1u64), 1 => Just(2u64)],
        prop_oneof![4 => Just(Some(ACCOUNT)), 1 => Just(None)],
    )
        .prop_map(|(now, chain_id, account)| Context {
            now,
            chain_id,
            account,
        })
}

fn calls(batch: &[GenCall]) -> Vec<Call<'_>> {
    batch
        .iter()
        .map(|c| Call {
            to: c.to,
            value: c.value,
            data: &c.data,
        })
        .collect()
}

fn compile(doc: &SessionDocument) -> Session {
    Session::compile(doc).unwrap_or_else(|e| panic!("generated document refused: {e}\n{doc:?}"))
}

/// Ledger key → cap of every cumulative limit in the document, named as the compiler names them.
fn caps(doc: &SessionDocument) -> BTreeMap<String, U256> {
    let mut caps = BTreeMap::new();
    let mut add_policies = |scope: &str, policies: &[PolicyDocument]| {
        for (i, p) in policies.iter().enumerate() {
            let cap = match p {
                PolicyDocument::ValueLimit { limit }
                | PolicyDocument::UsageLimit { limit }
                | PolicyDocument::SpendLimit { limit, .. } => cap(limit),
                _ => continue,
            };
            caps.insert(format!("{scope}/policies[{i}]"), cap);
        }
    };
    add_policies("session", &doc.policies);
    let mut budgets = Vec::new();
    for (a, action) in doc.actions.iter().enumerate() {
        let scope = match &action.name {
            Some(name) => format!("actions/{name}"),
            None => format!("actions/{a}"),
        };
        add_policies(&scope, &action.policies);
        for (r, rule) in action.rules.iter().enumerate() {
            if let Some(budget) = &rule.budget {
                budgets.push((format!("{scope}/rules[{r}]"), cap(budget)));
            }
        }
    }
    caps.extend(budgets);
    caps
}

/// A ledger with some of the document's counters already used.
fn preset(doc: &SessionDocument, usage: &[(Index, U256)]) -> MemoryLedger {
    let session = compile(doc);
    let keys: Vec<String> = caps(doc).into_keys().collect();
    let mut ledger = MemoryLedger::new();
    if !keys.is_empty() {
        for (i, amount) in usage {
            ledger.set(&session.key(&keys[i.index(keys.len())]), *amount);
        }
    }
    ledger
}

fn usage() -> impl Strategy<Value = Vec<(Index, U256)>> {
    proptest::collection::vec((any::<Index>(), (0..=70u64).prop_map(U256::from)), 0..4)
}

/// A restriction to add to a document.
#[derive(Clone, Debug)]
enum Extra {
    SessionPolicy(PolicyDocument),
    ActionPolicy(Index, PolicyDocument),
    ActionRule(Index, RuleSeed),
}

fn extra() -> impl Strategy<Value = Extra> {
    prop_oneof![
        policy().prop_map(Extra::SessionPolicy),
        (any::<Index>(), policy()).prop_map(|(i, p)| Extra::ActionPolicy(i, p)),
        (any::<Index>(), rule_seed()).prop_map(|(i, s)| Extra::ActionRule(i, s)),
    ]
}

/// The document with `extra` appended, so every existing rule and policy keeps its ledger key.
fn restricted(doc: &SessionDocument, extra: &Extra) -> SessionDocument {
    let mut doc = doc.clone();
    let len = doc.actions.len();
    match extra {
        Extra::SessionPolicy(p) => doc.policies.push(p.clone()),
        Extra::ActionPolicy(i, p) => doc.actions[i.index(len)].policies.push(p.clone()),
        Extra::ActionRule(i, seed) => {
            let action = &mut doc.actions[i.index(len)];
            let choice = SelectorChoice::of(&action.selector);
            match make_rule(choice, seed) {
                Some(rule) => action.rules.push(rule),
                // A native action takes no rules: restrict it by time instead.
                None => action.policies.push(PolicyDocument::TimeWindow {
                    valid_after: Some(seed.values[0] % 120),
                    valid_until: None,
                }),
            }
        }
    }
    doc
}

/// The invariants every verdict keeps, whatever its decision.
fn assert_well_formed(v: &Verdict, batch_len: usize) -> Result<(), TestCaseError> {
    if v.is_allow() {
        prop_assert!(v.violations.is_empty(), "allow with violations: {v}");
        prop_assert_eq!(v.allowed_by.len(), batch_len);
        // Merged: one effect per counter, in key order, none empty.
        for pair in v.effects.windows(2) {
            prop_assert!(pair[0].key < pair[1].key, "{:?}", v.effects);
        }
        prop_assert!(
            v.effects
                .iter()
                .all(|e| e.op != sessiongate::Op::Add(U256::ZERO))
        );
    } else {
        prop_assert!(!v.violations.is_empty(), "deny without a reason");
        prop_assert!(v.effects.is_empty(), "deny with effects: {:?}", v.effects);
        prop_assert!(v.allowed_by.is_empty(), "deny with allowed_by");
        prop_assert!(v.violations.iter().all(|x| x.call < batch_len.max(1)));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Appending a policy or a rule to an action never allows a call the original denied. Over
    /// batches this holds only for session policies: an action rule can make a call pick another
    /// alternative, whose counters then differ for the rest of the batch.
    #[test]
    fn restricting_never_widens(
        doc in document(),
        extra in extra(),
        batch in batch(),
        ctx in context(),
        usage in usage(),
    ) {
        let wider = compile(&doc);
        let narrower = compile(&restricted(&doc, &extra));
        // A restricted document is another session: its counters are carried over by id, as
        // the README tells an editor of a session to do.
        let mut ledger = preset(&doc, &usage);
        ledger.carry(wider.fingerprint(), narrower.fingerprint());
        let owned = resolve_all(&doc, &batch);
        let all = calls(&owned);
        let calls = match extra {
            Extra::SessionPolicy(_) => &all[..],
            _ => &all[..1],
        };
        let narrow = narrower.check(calls, &ledger, &ctx);
        let wide = wider.check(calls, &ledger, &ctx);
        prop_assert!(
            !narrow.is_allow() || wide.is_allow(),
            "restricted allows ({narrow}) what the original denies ({wide})"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Committing the effects of allowed batches never takes a counter past its cap, and only
    /// the document's counters are ever written.
    #[test]
    fn cumulative_caps_hold(
        doc in document(),
        steps in proptest::collection::vec((batch(), context()), 1..8),
    ) {
        let session = compile(&doc);
        let caps = caps(&doc);
        let mut ledger = MemoryLedger::new();
        for (batch, ctx) in &steps {
            let owned = resolve_all(&doc, batch);
            let v = session.check(&calls(&owned), &ledger, ctx);
            if v.is_allow() {
                prop_assert!(ledger.apply(&v.effects).is_ok());
            }
            for (key, used) in ledger.iter() {
                prop_assert_eq!(key.session, session.fingerprint());
                let cap = caps.get(&crate::common::counter_text(&key));
                prop_assert!(cap.is_some(), "unknown counter {key}");
                prop_assert!(Some(&used) <= cap, "{key}: {used} over {cap:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A deny has reasons and no effects or actions; an allow has an action per call and no
    /// violations, in both modes.
    #[test]
    fn verdicts_are_well_formed(
        doc in document(),
        batch in proptest::collection::vec(call_seed(), 0..=3),
        ctx in context(),
        usage in usage(),
    ) {
        let session = compile(&doc);
        let ledger = preset(&doc, &usage);
        let owned = resolve_all(&doc, &batch);
        let calls = calls(&owned);
        assert_well_formed(&session.check(&calls, &ledger, &ctx), calls.len())?;
        assert_well_formed(&session.explain(&calls, &ledger, &ctx), calls.len())?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Fast and explain reach the same decision, with the same effects and actions on allow and
    /// the same first violation on deny; a reused verdict gives the same answer as a fresh one.
    #[test]
    fn fast_and_explain_agree(
        doc in document(),
        batch in batch(),
        ctx in context(),
        usage in usage(),
    ) {
        let session = compile(&doc);
        let ledger = preset(&doc, &usage);
        let owned = resolve_all(&doc, &batch);
        let calls = calls(&owned);
        let fast = session.check(&calls, &ledger, &ctx);
        let full = session.explain(&calls, &ledger, &ctx);
        prop_assert_eq!(fast.decision, full.decision, "fast {} / explain {}", fast, full);
        if fast.is_allow() {
            prop_assert_eq!(&fast.effects, &full.effects);
            prop_assert_eq!(&fast.allowed_by, &full.allowed_by);
        } else {
            prop_assert_eq!(fast.violations.first(), full.violations.first());
            prop_assert!(full.violations.len() >= fast.violations.len());
        }
        let mut reused = full;
        session.evaluate_into(&calls, &ledger, &ctx, Mode::Fast, &mut reused);
        prop_assert_eq!(reused, fast);
    }
}

/// Any 256-bit amount, with the values next to the overflow edge well represented.
fn any_u256() -> impl Strategy<Value = U256> {
    prop_oneof![
        2 => any::<[u8; 32]>().prop_map(U256::from_be_bytes),
        1 => (0..4u64).prop_map(|d| U256::MAX - U256::from(d)),
        2 => (0..=700u64).prop_map(U256::from),
    ]
}

fn wild_call() -> impl Strategy<Value = GenCall> {
    let data = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..200),
        // Valid calldata with bytes flipped or cut: dirty words and short reads.
        2 => (encoded(), any::<Index>(), any::<u8>(), any::<Index>()).prop_map(
            |(mut data, at, byte, cut)| {
                let i = at.index(data.len());
                data[i] ^= byte;
                data.truncate(cut.index(data.len() + 1));
                data
            }
        ),
    ];
    let to = prop_oneof![
        (0..3usize).prop_map(|i| TARGETS[i]),
        any::<[u8; 20]>().prop_map(Address::from),
    ];
    (to, any_u256(), data).prop_map(|(to, value, data)| GenCall { to, value, data })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Arbitrary calldata, values, targets, times and usage near 2^256 never make evaluation
    /// panic, and the verdict stays well formed.
    #[test]
    fn evaluation_never_panics(
        doc in document(),
        batch in proptest::collection::vec(wild_call(), 0..4),
        now in any::<u64>(),
        chain_id in prop_oneof![Just(1u64), any::<u64>()],
        usage in proptest::collection::vec((any::<Index>(), any_u256()), 0..6),
    ) {
        let session = compile(&doc);
        let ledger = preset(&doc, &usage);
        let ctx = Context { now, chain_id, account: Some(ACCOUNT) };
        let calls = calls(&batch);
        let fast = session.check(&calls, &ledger, &ctx);
        let full = session.explain(&calls, &ledger, &ctx);
        prop_assert_eq!(fast.decision, full.decision);
        assert_well_formed(&fast, calls.len())?;
        assert_well_formed(&full, calls.len())?;
        // Rendering the explanation must not panic either.
        prop_assert!(!full.to_string().is_empty());
        prop_assert!(serde_json::to_string(&full).is_ok());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A document survives JSON unchanged, and the session loaded from its text decides
    /// every call exactly as the one compiled from the value.
    #[test]
    fn documents_round_trip(
        doc in document(),
        batches in proptest::collection::vec((batch(), context()), 1..4),
        usage in usage(),
    ) {
        let text = serde_json::to_string(&doc).unwrap();
        let back: SessionDocument = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &doc);
        let original = compile(&doc);
        let reloaded = Session::from_json(&text).unwrap();
        let ledger = preset(&doc, &usage);
        for (batch, ctx) in &batches {
            let owned = resolve_all(&doc, batch);
            let calls = calls(&owned);
            prop_assert_eq!(
                original.explain(&calls, &ledger, ctx),
                reloaded.explain(&calls, &ledger, ctx)
            );
            prop_assert_eq!(
                original.check(&calls, &ledger, ctx),
                reloaded.check(&calls, &ledger, ctx)
            );
        }
    }
}

/// Rule values are `i128` in memory but JSON integers only reach 64 bits: a document built in
/// Rust with a larger integer must still survive the round trip, with the same meaning.
#[test]
fn integers_beyond_64_bits_round_trip() {
    let rule = |selector: &str, value: i128| ActionDocument {
        name: None,
        target: Target::Any,
        selector: selector.into(),
        rules: vec![RuleDocument {
            param: Some(ParamRef::Index(0)),
            offset: None,
            ty: None,
            condition: Some(Condition::Gte),
            value: Some(RuleValue::One(Scalar::Int(value))),
            ..RuleDocument::default()
        }],
        policies: Vec::new(),
        nested: None,
    };
    let doc = SessionDocument {
        format: None,
        name: None,
        description: None,
        chain_id: None,
        policies: Vec::new(),
        budgets: Default::default(),
        actions: vec![
            rule("mint(uint256 amount)", i128::from(u64::MAX) + 1),
            rule("f(int256 x)", i128::from(i64::MIN) - 1),
        ],
    };
    assert!(Session::compile(&doc).is_ok());
    let text = serde_json::to_string(&doc).unwrap();
    let back = serde_json::from_str::<SessionDocument>(&text);
    assert_eq!(back.ok().as_ref(), Some(&doc), "{text}");
}

/// The cap of a generated budget: these documents only hold lifetime caps.
fn cap(budget: &BudgetDocument) -> U256 {
    match budget {
        BudgetDocument::Cap(q) => q.0,
        BudgetDocument::Spec(_) => panic!("generated budgets are plain caps"),
    }
}
