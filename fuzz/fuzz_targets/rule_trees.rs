//! Property: any all / any / not tree over raw-offset leaves (words 0 and 1, every word condition
//! including bits_all, bits_any, in_range and one_of) loads exactly when it is within the limits
//! (16 levels, 256 nodes, well-formed values) and never panics; on calldata holding both words
//! it decides exactly as a direct reading of the tree does; and `{"not": {"not": t}}` decides as
//! `t` on any calldata.
#![no_main]

use alloy_primitives::{Address, U256, address, hex};
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use sessiongate::{Call, Context, MemoryLedger, Session};
use sessiongate_fuzz::{Amount, invariants};

const TARGET: Address = address!("7a250d5630b4cf539739df2c5dacb4c659f2488d");
const SELECTOR: [u8; 4] = [0x12, 0x34, 0x56, 0x78];

/// The core's limits: trees nest at most this many levels (a top-level rule is level 1)…
const MAX_DEPTH: usize = 16;
/// …and an action has at most this many nodes.
const MAX_NODES: usize = 256;
/// `one_of` sets hold 1 to this many values.
const MAX_ONE_OF: usize = 256;
/// Trees are built a little past the limits, so refusals are exercised too.
const BUILD_DEPTH: usize = MAX_DEPTH + 3;
const BUILD_OPS: usize = MAX_NODES + 40;

/// A value for a leaf or a calldata word: mostly tiny, so leaves and words meet.
#[derive(Arbitrary, Clone, Copy, Debug)]
enum Val {
    /// 0 to 7.
    Tiny(u8),
    /// A single bit: where bits_all / bits_any decide.
    Bit(u8),
    Amount(Amount),
}

impl Val {
    fn get(self) -> U256 {
        match self {
            Self::Tiny(n) => U256::from(n % 8),
            Self::Bit(n) => U256::from(1u8) << usize::from(n),
            Self::Amount(a) => a.get(),
        }
    }
}

/// How a value is written in the document: every form the loader accepts for uint256.
#[derive(Arbitrary, Clone, Copy, Debug)]
enum Form {
    Number,
    Decimal,
    Hex,
}

fn write(value: U256, form: Form) -> Value {
    match (form, u64::try_from(value)) {
        (Form::Number, Ok(n)) => json!(n),
        (Form::Hex, _) => json!(format!("{value:#x}")),
        _ => json!(value.to_string()),
    }
}

#[derive(Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    BitsAll,
    BitsAny,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Self::Eq => "eq",
            Self::Ne => "ne",
            Self::Gt => "gt",
            Self::Gte => "gte",
            Self::Lt => "lt",
            Self::Lte => "lte",
            Self::BitsAll => "bits_all",
            Self::BitsAny => "bits_any",
        }
    }

    fn holds(self, word: U256, v: U256) -> bool {
        match self {
            Self::Eq => word == v,
            Self::Ne => word != v,
            Self::Gt => word > v,
            Self::Gte => word >= v,
            Self::Lt => word < v,
            Self::Lte => word <= v,
            Self::BitsAll => word & v == v,
            Self::BitsAny => !(word & v).is_zero(),
        }
    }
}

#[derive(Arbitrary, Clone, Debug)]
enum CondDesc {
    Compare(Op, Val),
    InRange(Val, Val),
    OneOf(Vec<Val>),
}

#[derive(Arbitrary, Clone, Debug)]
struct LeafDesc {
    /// Word 1 (offset 32) rather than word 0.
    second: bool,
    condition: CondDesc,
    form: Form,
}

/// One step of a stack machine that builds the rules bottom-up, so nesting depth is bounded by
/// construction (no recursion while drawing the input).
#[derive(Arbitrary, Clone, Debug)]
enum Build {
    /// Push a leaf.
    Leaf(LeafDesc),
    /// Pop up to 3 rules (by `n % 4`) into an `all`.
    All(u8),
    /// Pop up to 3 rules into an `any`.
    Any(u8),
    /// Wrap the top rule in a `not`.
    Not,
}

/// The calldata after the target and selector are chosen.
#[derive(Arbitrary, Debug)]
enum Data {
    /// The selector, both words, and anything after them.
    Words { a: Val, b: Val, tail: Vec<u8> },
    /// The selector, word 0 and part of word 1.
    Short { a: Val, keep: u8 },
    /// Any bytes, selector included.
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    build: Vec<Build>,
    data: Data,
}

/// A rule as the reference reads it.
#[derive(Clone, Debug)]
enum Tree {
    Leaf {
        second: bool,
        check: Check,
        form: Form,
    },
    All(Vec<Tree>),
    Any(Vec<Tree>),
    Not(Box<Tree>),
}

#[derive(Clone, Debug)]
enum Check {
    Compare(Op, U256),
    InRange(U256, U256),
    OneOf(Vec<U256>),
}

impl Tree {
    fn json(&self) -> Value {
        match self {
            Self::Leaf {
                second,
                check,
                form,
            } => {
                let offset = if *second { 32 } else { 0 };
                let (condition, value) = match check {
                    Check::Compare(op, v) => (op.name(), write(*v, *form)),
                    Check::InRange(lo, hi) => {
                        ("in_range", json!([write(*lo, *form), write(*hi, *form)]))
                    }
                    Check::OneOf(set) => (
                        "one_of",
                        Value::Array(set.iter().map(|v| write(*v, *form)).collect()),
                    ),
                };
                json!({ "offset": offset, "condition": condition, "value": value })
            }
            Self::All(of) => json!({ "all": of.iter().map(Tree::json).collect::<Vec<_>>() }),
            Self::Any(of) => json!({ "any": of.iter().map(Tree::json).collect::<Vec<_>>() }),
            Self::Not(of) => json!({ "not": of.json() }),
        }
    }

    /// What the rule means on words `a` (offset 0) and `b` (offset 32).
    fn meaning(&self, a: U256, b: U256) -> bool {
        match self {
            Self::Leaf { second, check, .. } => {
                let word = if *second { b } else { a };
                match check {
                    Check::Compare(op, v) => op.holds(word, *v),
                    Check::InRange(lo, hi) => *lo <= word && word <= *hi,
                    Check::OneOf(set) => set.contains(&word),
                }
            }
            Self::All(of) => of.iter().all(|t| t.meaning(a, b)),
            Self::Any(of) => of.iter().any(|t| t.meaning(a, b)),
            Self::Not(of) => !of.meaning(a, b),
        }
    }

    /// Levels, counting this node as one.
    fn depth(&self) -> usize {
        match self {
            Self::Leaf { .. } => 1,
            Self::All(of) | Self::Any(of) => 1 + of.iter().map(Tree::depth).max().unwrap_or(0),
            Self::Not(of) => 1 + of.depth(),
        }
    }

    fn nodes(&self) -> usize {
        match self {
            Self::Leaf { .. } => 1,
            Self::All(of) | Self::Any(of) => 1 + of.iter().map(Tree::nodes).sum::<usize>(),
            Self::Not(of) => 1 + of.nodes(),
        }
    }

    /// Whether every leaf's value is one the loader accepts.
    fn values_ok(&self) -> bool {
        match self {
            Self::Leaf { check, .. } => match check {
                Check::Compare(..) => true,
                Check::InRange(lo, hi) => lo <= hi,
                Check::OneOf(set) => (1..=MAX_ONE_OF).contains(&set.len()),
            },
            Self::All(of) | Self::Any(of) => of.iter().all(Tree::values_ok),
            Self::Not(of) => of.values_ok(),
        }
    }
}

/// Whether an action with these rules should load.
fn loadable(rules: &[Tree]) -> bool {
    !rules.is_empty()
        && rules
            .iter()
            .all(|t| t.depth() <= MAX_DEPTH && t.values_ok())
        && rules.iter().map(Tree::nodes).sum::<usize>() <= MAX_NODES
}

fn leaf(desc: &LeafDesc) -> Tree {
    let check = match &desc.condition {
        CondDesc::Compare(op, v) => Check::Compare(*op, v.get()),
        CondDesc::InRange(lo, hi) => Check::InRange(lo.get(), hi.get()),
        CondDesc::OneOf(set) => Check::OneOf(set.iter().map(|v| v.get()).collect()),
    };
    Tree::Leaf {
        second: desc.second,
        check,
        form: desc.form,
    }
}

/// Runs the stack machine; what is left on the stack is the action's rules, bottom first.
fn rules(build: &[Build]) -> Vec<Tree> {
    let mut stack: Vec<Tree> = Vec::new();
    for step in build.iter().take(BUILD_OPS) {
        match step {
            Build::Leaf(desc) => stack.push(leaf(desc)),
            Build::All(n) | Build::Any(n) => {
                let take = usize::from(n % 4).min(stack.len());
                let of = stack.split_off(stack.len() - take);
                if of.iter().any(|t| t.depth() >= BUILD_DEPTH) {
                    stack.extend(of);
                    continue;
                }
                stack.push(match step {
                    Build::All(_) => Tree::All(of),
                    _ => Tree::Any(of),
                });
            }
            Build::Not => match stack.pop() {
                Some(top) if top.depth() < BUILD_DEPTH => stack.push(Tree::Not(Box::new(top))),
                Some(top) => stack.push(top),
                None => {}
            },
        }
    }
    stack
}

fn load(rules: &[Tree]) -> Option<Session> {
    let doc = json!({
        "actions": [{
            "target": TARGET.to_string(),
            "selector": hex::encode_prefixed(SELECTOR),
            "rules": rules.iter().map(Tree::json).collect::<Vec<_>>(),
        }]
    });
    Session::from_json(&doc.to_string()).ok()
}

fn calldata(data: &Data) -> Vec<u8> {
    match data {
        Data::Words { a, b, tail } => {
            let mut out = SELECTOR.to_vec();
            out.extend_from_slice(&a.get().to_be_bytes::<32>());
            out.extend_from_slice(&b.get().to_be_bytes::<32>());
            out.extend_from_slice(tail);
            out
        }
        Data::Short { a, keep } => {
            let mut out = SELECTOR.to_vec();
            out.extend_from_slice(&a.get().to_be_bytes::<32>());
            out.extend(std::iter::repeat_n(0xab, usize::from(keep % 32)));
            out
        }
        Data::Raw(bytes) => bytes.clone(),
    }
}

/// Words 0 and 1, when the calldata is a call to the action's function that holds both.
fn words(data: &[u8]) -> Option<(U256, U256)> {
    let (selector, rest) = data.split_first_chunk::<4>()?;
    let (a, rest) = rest.split_first_chunk::<32>()?;
    let (b, _) = rest.split_first_chunk::<32>()?;
    (*selector == SELECTOR).then(|| (U256::from_be_bytes(*a), U256::from_be_bytes(*b)))
}

fuzz_target!(|input: Input| {
    let rules = rules(&input.build);
    let session = load(&rules);
    let expected = loadable(&rules);
    assert_eq!(
        session.is_some(),
        expected,
        "load disagrees with the limits (depth <= {MAX_DEPTH}, nodes <= {MAX_NODES}): {}",
        Value::Array(rules.iter().map(Tree::json).collect())
    );
    let Some(session) = session else {
        return;
    };
    let data = calldata(&input.data);
    let call = Call {
        to: TARGET,
        value: U256::ZERO,
        data: &data,
    };
    let ctx = Context {
        now: 1_700_000_000,
        chain_id: 1,
        account: None,
    };
    let ledger = MemoryLedger::new();
    let verdict = invariants::evaluate(&session, &[call], &ledger, &ctx);
    if let Some((a, b)) = words(&data) {
        let meaning = rules.iter().all(|t| t.meaning(a, b));
        assert_eq!(
            verdict.is_allow(),
            meaning,
            "the verdict is not what the tree means on words ({a}, {b}): {verdict}\n{}",
            Value::Array(rules.iter().map(Tree::json).collect())
        );
    }
    // Double negation: the rules as one tree `t`, then `not(not(t))`.
    let t = match <[Tree; 1]>::try_from(rules) {
        Ok([only]) => only,
        Err(rules) => Tree::All(rules),
    };
    let twice = [Tree::Not(Box::new(Tree::Not(Box::new(t))))];
    let Some(wrapped) = load(&twice) else {
        assert!(
            !loadable(&twice),
            "not(not(t)) within the limits does not load"
        );
        return;
    };
    let again = invariants::evaluate(&wrapped, &[call], &ledger, &ctx);
    assert_eq!(
        again.is_allow(),
        verdict.is_allow(),
        "not(not(t)) decides otherwise than t\nt: {verdict}\nnot(not(t)): {again}"
    );
});
