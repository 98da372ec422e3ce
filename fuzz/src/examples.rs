//! The example sessions shipped in `examples/*/session.json`, loaded once, with the targets,
//! selectors, reference words and times each mentions, so fuzzed calls can reach its rules.

use alloy_primitives::{Address, I256, U256, hex};
use sessiongate::SessionDocument;
use sessiongate::calldata::Signature;
use sessiongate::document::{
    BudgetDocument, PolicyDocument, RuleValue, Scalar, Target, parse_u256,
};
use sessiongate::{Session, document::Quantity};
use std::{path::Path, sync::OnceLock};

/// One loaded example and the values it mentions.
#[derive(Debug)]
pub struct Example {
    /// The folder it came from.
    pub name: String,
    /// The compiled session.
    pub session: Session,
    /// The chain the document names, else 1.
    pub chain_id: u64,
    /// Every address the document mentions: action targets and spend-limited tokens.
    pub addresses: Vec<Address>,
    /// Every selector its actions name, plus the ERC-20 ones spend limits count.
    pub selectors: Vec<[u8; 4]>,
    /// Rule references and limits as words, with their neighbours, to hit boundaries.
    pub words: Vec<U256>,
    /// Time-window bounds and their neighbours.
    pub times: Vec<u64>,
}

/// The selectors a spend limit accounts for: transfer, transferFrom, approve, increaseAllowance.
const ERC20: [[u8; 4]; 4] = [
    [0xa9, 0x05, 0x9c, 0xbb],
    [0x23, 0xb8, 0x72, 0xdd],
    [0x09, 0x5e, 0xa7, 0xb3],
    [0x39, 0x50, 0x93, 0x51],
];

/// Every example that loads as a native session; the others are reported once and skipped.
pub fn all() -> &'static [Example] {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|entry| entry.path().join("session.json"))
            .filter(|path| path.is_file())
            .collect();
        paths.sort();
        let examples: Vec<Example> = paths.iter().filter_map(|p| load(p)).collect();
        eprintln!(
            "evaluate_examples: {} example sessions loaded",
            examples.len()
        );
        examples
    })
}

fn load(path: &Path) -> Option<Example> {
    let text = std::fs::read_to_string(path).ok()?;
    let name = path.parent()?.file_name()?.to_string_lossy().into_owned();
    let (session, doc) = match (Session::from_json(&text), serde_json::from_str(&text)) {
        (Ok(session), Ok(doc)) => (session, doc),
        (Err(e), _) => return skip(&name, &e),
        (_, Err(e)) => return skip(&name, &e),
    };
    Some(describe(name, session, &doc))
}

fn skip(name: &str, why: &dyn std::fmt::Display) -> Option<Example> {
    eprintln!("evaluate_examples: skipping {name}: {why}");
    None
}

fn describe(name: String, session: Session, doc: &SessionDocument) -> Example {
    let mut example = Example {
        name,
        session,
        chain_id: doc.chain_id.unwrap_or(1),
        addresses: Vec::new(),
        selectors: ERC20.to_vec(),
        words: Vec::new(),
        times: Vec::new(),
    };
    let action_policies = doc.actions.iter().flat_map(|a| &a.policies);
    for policy in doc.policies.iter().chain(action_policies) {
        example.policy(policy);
    }
    for action in &doc.actions {
        if let Target::Address(a) = action.target {
            example.addresses.push(a);
        }
        example.selectors.extend(selector(&action.selector));
        for rule in &action.rules {
            let values = match &rule.value {
                Some(RuleValue::One(v)) => std::slice::from_ref(v),
                Some(RuleValue::Many(vs)) => vs.as_slice(),
                Some(RuleValue::Relation(_)) | None => &[],
            };
            values.iter().flat_map(words).for_each(|w| example.word(w));
            rule.budget
                .iter()
                .filter_map(cap)
                .for_each(|w| example.word(w));
        }
    }
    example
}

impl Example {
    fn policy(&mut self, policy: &PolicyDocument) {
        match policy {
            PolicyDocument::TimeWindow {
                valid_after,
                valid_until,
            } => {
                for t in valid_after.iter().chain(valid_until) {
                    self.times
                        .extend([t.saturating_sub(1), *t, t.saturating_add(1)]);
                }
            }
            PolicyDocument::SpendLimit { token, limit } => {
                self.addresses.push(*token);
                cap(limit).into_iter().for_each(|w| self.word(w));
            }
            PolicyDocument::MaxValue { limit: Quantity(l) } => self.word(*l),
            PolicyDocument::ValueLimit { limit } | PolicyDocument::UsageLimit { limit } => {
                cap(limit).into_iter().for_each(|w| self.word(w));
            }
            PolicyDocument::RateLimit { max_calls, .. } => {
                max_calls.iter().for_each(|q| self.word(q.0));
            }
            PolicyDocument::Paymaster { allowed } => self.addresses.extend(allowed),
            PolicyDocument::UserOpGas { max_gas, max_cost } => {
                max_gas.iter().chain(max_cost).for_each(|q| self.word(q.0));
            }
            PolicyDocument::Sudo => {}
        }
    }

    fn word(&mut self, w: U256) {
        self.words.extend([
            w.wrapping_sub(U256::from(1)),
            w,
            w.wrapping_add(U256::from(1)),
        ]);
    }
}

/// The 4 bytes an action's selector text names, if it names one.
fn selector(text: &str) -> Option<[u8; 4]> {
    match text {
        "*" | "native" => None,
        hex_text if hex_text.starts_with("0x") => hex::decode(hex_text).ok()?.try_into().ok(),
        signature => Some(Signature::parse(signature).ok()?.selector().0),
    }
}

/// The words a reference value could stand for, whatever the parameter's type.
fn words(value: &Scalar) -> Vec<U256> {
    match value {
        Scalar::Bool(b) => vec![U256::from(u8::from(*b))],
        Scalar::Int(i) => I256::try_from(*i).map(I256::into_raw).into_iter().collect(),
        Scalar::Text(t) => {
            let mut out: Vec<U256> = parse_u256(t).into_iter().collect();
            if let Some(digits) = t.strip_prefix('-') {
                out.extend(parse_u256(digits).map(|m| U256::ZERO.wrapping_sub(m)));
            }
            // bytesN references sit left-aligned in their word.
            if let Ok(bytes) = hex::decode(t)
                && bytes.len() < 32
                && bytes.len() != 20
            {
                let mut word = [0u8; 32];
                word.iter_mut().zip(bytes).for_each(|(w, b)| *w = b);
                out.push(U256::from_be_bytes(word));
            }
            out
        }
    }
}

/// The cap of a budget, when it gives one here (a shared budget's is in the session's `budgets`).
fn cap(budget: &BudgetDocument) -> Option<alloy_primitives::U256> {
    match budget {
        BudgetDocument::Cap(q) => Some(q.0),
        BudgetDocument::Spec(spec) => spec.limit.map(|q| q.0),
    }
}
