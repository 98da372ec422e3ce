//! A structure-aware description of a session, a batch and a ledger, drawn by `arbitrary` from
//! small pools (addresses, real signatures, names) so that calls mostly match actions and reach
//! their rules and limits, then built into the core's public document types.

use crate::Amount;
use alloy_primitives::{Address, I256, U256, address, hex, keccak256};
use arbitrary::Arbitrary;
use sessiongate::document::{
    ActionDocument, Condition, ParamRef, PolicyDocument, Quantity, RuleDocument, RuleValue, Scalar,
    Target,
};
use sessiongate::{Call, Context, LedgerKey, MemoryLedger, Session, SessionDocument};

/// Targets, tokens, payees and accounts all come from here, so they meet.
const ADDRESSES: [Address; 4] = [
    address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"),
    address!("1111111111111111111111111111111111111111"),
    address!("2222222222222222222222222222222222222222"),
    Address::ZERO,
];

/// Action names; the last is invalid, and repeats are duplicates: both are compile errors.
const NAMES: [&str; 5] = ["pay", "swap", "mint", "play", "not a name"];

/// The type of one word, as the builder needs it to write valid values.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Uint(u32),
    Int(u32),
    Address,
    Bool,
    Bytes(usize),
    Dynamic,
}

struct Function {
    text: &'static str,
    canonical: &'static str,
    params: &'static [(&'static str, Kind)],
}

const FUNCTIONS: [Function; 8] = [
    Function {
        text: "transfer(address to, uint256 amount)",
        canonical: "transfer(address,uint256)",
        params: &[("to", Kind::Address), ("amount", Kind::Uint(256))],
    },
    Function {
        text: "approve(address spender, uint256 amount)",
        canonical: "approve(address,uint256)",
        params: &[("spender", Kind::Address), ("amount", Kind::Uint(256))],
    },
    Function {
        text: "transferFrom(address from, address to, uint256 amount)",
        canonical: "transferFrom(address,address,uint256)",
        params: &[
            ("from", Kind::Address),
            ("to", Kind::Address),
            ("amount", Kind::Uint(256)),
        ],
    },
    Function {
        text: "increaseAllowance(address spender, uint256 addedValue)",
        canonical: "increaseAllowance(address,uint256)",
        params: &[("spender", Kind::Address), ("addedValue", Kind::Uint(256))],
    },
    Function {
        text: "mint(address to, uint256 quantity, bytes data)",
        canonical: "mint(address,uint256,bytes)",
        params: &[
            ("to", Kind::Address),
            ("quantity", Kind::Uint(256)),
            ("data", Kind::Dynamic),
        ],
    },
    Function {
        text: "setApprovalForAll(address operator, bool approved)",
        canonical: "setApprovalForAll(address,bool)",
        params: &[("operator", Kind::Address), ("approved", Kind::Bool)],
    },
    Function {
        text: "play(uint8 choice, int64 score, bytes4 tag, int24 tick)",
        canonical: "play(uint8,int64,bytes4,int24)",
        params: &[
            ("choice", Kind::Uint(8)),
            ("score", Kind::Int(64)),
            ("tag", Kind::Bytes(4)),
            ("tick", Kind::Int(24)),
        ],
    },
    Function {
        text: "deposit()",
        canonical: "deposit()",
        params: &[],
    },
];

/// Types for raw-offset and hex-selector rules; `string` is not a word type.
const TYPES: [(&str, Kind); 9] = [
    ("uint256", Kind::Uint(256)),
    ("uint8", Kind::Uint(8)),
    ("int256", Kind::Int(256)),
    ("int24", Kind::Int(24)),
    ("address", Kind::Address),
    ("bool", Kind::Bool),
    ("bytes4", Kind::Bytes(4)),
    ("bytes32", Kind::Bytes(32)),
    ("string", Kind::Dynamic),
];

const CONDITIONS: [Condition; 8] = [
    Condition::Eq,
    Condition::Ne,
    Condition::Gt,
    Condition::Gte,
    Condition::Lt,
    Condition::Lte,
    Condition::InRange,
    Condition::OneOf,
];

/// A session, a batch and a ledger, as `arbitrary` draws them.
#[derive(Arbitrary, Debug)]
pub struct Input {
    chain: Chain,
    policies: Vec<PolicyDesc>,
    /// One action at least: an empty session is a trivial compile error.
    action: ActionDesc,
    actions: Vec<ActionDesc>,
    /// One call at least: the batch has 1 to 4.
    call: CallDesc,
    calls: Vec<CallDesc>,
    ledger: Vec<(KeyDesc, Amount)>,
    now: u16,
    account: Option<u8>,
}

#[derive(Arbitrary, Debug)]
enum Chain {
    Unbound,
    Bound,
    Other(u64),
}

#[derive(Arbitrary, Debug)]
struct ActionDesc {
    name: Option<u8>,
    target: Option<u8>,
    selector: SelectorDesc,
    rules: Vec<RuleDesc>,
    policies: Vec<PolicyDesc>,
}

#[derive(Arbitrary, Debug)]
enum SelectorDesc {
    Signature(u8),
    /// The hex selector of a pool function: matches its calls, but rules must use index or offset.
    Hex(u8),
    Raw([u8; 4]),
    Any,
    Native,
}

#[derive(Arbitrary, Debug)]
struct RuleDesc {
    at: At,
    ty: u8,
    condition: u8,
    first: Amount,
    second: Amount,
    more: Vec<Amount>,
    budget: Option<Amount>,
}

#[derive(Arbitrary, Debug)]
enum At {
    Name(u8),
    Index(u8),
    Offset(u8),
}

#[derive(Arbitrary, Debug)]
enum PolicyDesc {
    Sudo,
    TimeWindow(Option<u16>, Option<u16>),
    MaxValue(Amount),
    ValueLimit(Amount),
    UsageLimit(u8),
    SpendLimit(u8, Amount),
}

#[derive(Arbitrary, Debug)]
struct CallDesc {
    to: To,
    value: Amount,
    data: Data,
}

#[derive(Arbitrary, Debug)]
enum To {
    Pool(u8),
    Any([u8; 20]),
}

#[derive(Arbitrary, Debug)]
enum Data {
    /// A pool function's selector and its words, valid for their types unless `Raw`.
    Function(u8, Vec<WordDesc>),
    Native,
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum WordDesc {
    Valid(Amount),
    Raw(Amount),
}

/// A ledger counter: the session's policies, or an action's rules or policies.
#[derive(Arbitrary, Debug)]
struct KeyDesc {
    action: Option<u8>,
    rules: bool,
    index: u8,
}

/// What a drawn input builds: a document to compile and the calls to evaluate against it.
#[derive(Debug)]
pub struct Built {
    /// The session document.
    pub doc: SessionDocument,
    /// The batch: target, value and calldata of each call.
    pub calls: Vec<(Address, U256, Vec<u8>)>,
    /// Usage before the batch.
    pub ledger: MemoryLedger,
    /// Time, chain and account.
    pub ctx: Context,
}

impl Built {
    /// The batch as the core takes it.
    pub fn calls(&self) -> Vec<Call<'_>> {
        self.calls
            .iter()
            .map(|(to, value, data)| Call {
                to: *to,
                value: *value,
                data: data.as_slice(),
            })
            .collect()
    }
}

impl Input {
    /// Builds the document (valid or not), the batch of up to four calls and the ledger.
    pub fn build(&self) -> Built {
        let chain_id = match self.chain {
            Chain::Unbound => None,
            Chain::Bound => Some(1),
            Chain::Other(c) => Some(c),
        };
        let actions = std::iter::once(&self.action).chain(self.actions.iter().take(3));
        let doc = SessionDocument {
            format: None,
            name: None,
            description: None,
            chain_id,
            budgets: Default::default(),
            policies: policies(&self.policies),
            actions: actions.map(ActionDesc::build).collect(),
        };
        let calls = std::iter::once(&self.call).chain(self.calls.iter().take(3));
        let calls = calls.map(CallDesc::build).collect();
        // Counters are namespaced by the session's fingerprint; a document that does not
        // compile is never evaluated, so its ledger does not matter.
        let session = Session::compile(&doc)
            .map(|s| s.fingerprint())
            .unwrap_or_default();
        let mut ledger = MemoryLedger::new();
        for (key, amount) in &self.ledger {
            let key = LedgerKey {
                session,
                counter: key.build(&doc).into(),
                window: None,
            };
            ledger.set(&key, amount.get());
        }
        let ctx = Context {
            now: self.now.into(),
            chain_id: 1,
            account: self.account.map(pool),
        };
        Built {
            doc,
            calls,
            ledger,
            ctx,
        }
    }
}

fn pool(i: u8) -> Address {
    ADDRESSES[usize::from(i) % ADDRESSES.len()]
}

fn function(i: u8) -> &'static Function {
    &FUNCTIONS[usize::from(i) % FUNCTIONS.len()]
}

fn selector_of(f: &Function) -> [u8; 4] {
    let hash = keccak256(f.canonical.as_bytes());
    [hash[0], hash[1], hash[2], hash[3]]
}

fn policies(descs: &[PolicyDesc]) -> Vec<PolicyDocument> {
    descs.iter().take(3).map(PolicyDesc::build).collect()
}

impl PolicyDesc {
    fn build(&self) -> PolicyDocument {
        let q = |a: &Amount| Quantity(a.get());
        match self {
            Self::Sudo => PolicyDocument::Sudo,
            Self::TimeWindow(a, u) => {
                // Ordered: a reversed window is a compile error, already covered by `document`.
                let (a, u) = match (*a, *u) {
                    (Some(a), Some(u)) => (Some(a.min(u)), Some(a.max(u))),
                    other => other,
                };
                PolicyDocument::TimeWindow {
                    valid_after: a.map(u64::from),
                    valid_until: u.map(u64::from),
                }
            }
            Self::MaxValue(a) => PolicyDocument::MaxValue { limit: q(a) },
            Self::ValueLimit(a) => PolicyDocument::ValueLimit { limit: q(a).into() },
            Self::UsageLimit(n) => PolicyDocument::UsageLimit {
                limit: Quantity::from(u64::from(*n)).into(),
            },
            Self::SpendLimit(t, a) => PolicyDocument::SpendLimit {
                token: pool(*t),
                limit: q(a).into(),
            },
        }
    }
}

impl ActionDesc {
    fn build(&self) -> ActionDocument {
        let (selector, signature) = match self.selector {
            SelectorDesc::Signature(f) => (function(f).text.to_string(), Some(function(f))),
            SelectorDesc::Hex(f) => (hex::encode_prefixed(selector_of(function(f))), None),
            SelectorDesc::Raw(raw) => (hex::encode_prefixed(raw), None),
            SelectorDesc::Any => ("*".into(), None),
            SelectorDesc::Native => ("native".into(), None),
        };
        ActionDocument {
            name: self
                .name
                .map(|n| NAMES[usize::from(n) % NAMES.len()].into()),
            target: self
                .target
                .map_or(Target::Any, |t| Target::Address(pool(t))),
            selector,
            rules: self
                .rules
                .iter()
                .take(3)
                .map(|r| r.build(signature))
                .collect(),
            policies: policies(&self.policies),
            nested: None,
        }
    }
}

impl RuleDesc {
    fn build(&self, signature: Option<&Function>) -> RuleDocument {
        // High `ty` bytes leave the type out: uint256 by default.
        let (ty, raw_kind) = match TYPES.get(usize::from(self.ty)) {
            Some((name, kind)) => (Some(name.to_string()), *kind),
            None => (None, Kind::Uint(256)),
        };
        let (param, offset, ty, kind) = match (&self.at, signature) {
            (At::Offset(o), _) => (None, Some(u64::from(*o)), ty, raw_kind),
            (At::Name(i), Some(f)) if !f.params.is_empty() => {
                let (name, kind) = f.params[usize::from(*i) % f.params.len()];
                (Some(ParamRef::Name(name.into())), None, None, kind)
            }
            (At::Name(_), _) => (Some(ParamRef::Name("amount".into())), None, None, raw_kind),
            (At::Index(i), Some(f)) => {
                // One index past the end is a compile error worth reaching.
                let i = usize::from(*i) % (f.params.len() + 1);
                let kind = f.params.get(i).map_or(Kind::Uint(256), |p| p.1);
                (Some(ParamRef::Index(i as u64)), None, None, kind)
            }
            (At::Index(i), None) => (Some(ParamRef::Index(u64::from(*i % 8))), None, ty, raw_kind),
        };
        let condition = CONDITIONS[usize::from(self.condition) % CONDITIONS.len()];
        RuleDocument {
            param,
            offset,
            ty,
            condition: Some(condition),
            value: Some(self.value(condition, kind)),
            budget: self.budget.map(|a| Quantity(a.get()).into()),
            ..RuleDocument::default()
        }
    }

    fn value(&self, condition: Condition, kind: Kind) -> RuleValue {
        let (first, second) = (typed(kind, self.first), typed(kind, self.second));
        match condition {
            Condition::InRange => {
                let (lo, hi) = if first.key <= second.key {
                    (first, second)
                } else {
                    (second, first)
                };
                RuleValue::Many(vec![lo.scalar, hi.scalar])
            }
            Condition::OneOf => {
                let rest = self.more.iter().take(6).map(|a| typed(kind, *a).scalar);
                RuleValue::Many(std::iter::once(first.scalar).chain(rest).collect())
            }
            _ => RuleValue::One(first.scalar),
        }
    }
}

impl CallDesc {
    fn build(&self) -> (Address, U256, Vec<u8>) {
        let to = match self.to {
            To::Pool(i) => pool(i),
            To::Any(raw) => Address::from(raw),
        };
        let data = match &self.data {
            Data::Function(f, words) => {
                let f = function(*f);
                let mut data = selector_of(f).to_vec();
                for (i, word) in words.iter().take(8).enumerate() {
                    let word = match (word, f.params.get(i)) {
                        (WordDesc::Valid(a), Some((_, kind))) => typed(*kind, *a).word,
                        (WordDesc::Valid(a) | WordDesc::Raw(a), _) => a.get(),
                    };
                    data.extend(word.to_be_bytes::<32>());
                }
                data
            }
            Data::Native => Vec::new(),
            Data::Raw(bytes) => bytes.clone(),
        };
        (to, self.value.get(), data)
    }
}

impl KeyDesc {
    /// A counter the compiled session may use: `session/policies[i]` or `actions/<scope>/…[i]`.
    fn build(&self, doc: &SessionDocument) -> String {
        let index = self.index % 3;
        let Some(a) = self.action.filter(|_| !doc.actions.is_empty()) else {
            return format!("session/policies[{index}]");
        };
        let i = usize::from(a) % doc.actions.len();
        let scope = doc.actions[i].name.clone().unwrap_or_else(|| i.to_string());
        let kind = if self.rules { "rules" } else { "policies" };
        format!("actions/{scope}/{kind}[{index}]")
    }
}

/// A value of one type, drawn from an amount: its calldata word, how a rule writes it, and a
/// key that orders values as the rule compares them.
struct Typed {
    word: U256,
    scalar: Scalar,
    key: U256,
}

fn typed(kind: Kind, amount: Amount) -> Typed {
    let raw = amount.get();
    let low = raw.as_limbs()[0];
    match kind {
        Kind::Uint(bits) => {
            let v = if bits < 256 {
                raw & ((U256::from(1) << bits) - U256::from(1))
            } else {
                raw
            };
            let scalar = match u64::try_from(v) {
                Ok(small) => Scalar::Int(small.into()),
                Err(_) => Scalar::Text(format!("0x{v:x}")),
            };
            Typed {
                word: v,
                scalar,
                key: v,
            }
        }
        Kind::Int(bits) => {
            let shift = 64 - bits.min(64);
            let v = ((low as i64) << shift) >> shift;
            let word = I256::try_from(v).unwrap_or_default().into_raw();
            // Flipping the sign bit orders two's complement as unsigned.
            let key = U256::from((v as u64) ^ (1 << 63));
            Typed {
                word,
                scalar: Scalar::Int(v.into()),
                key,
            }
        }
        Kind::Address => {
            let a = ADDRESSES[low as usize % ADDRESSES.len()];
            let word = U256::from_be_slice(a.as_slice());
            Typed {
                word,
                scalar: Scalar::Text(a.to_string()),
                key: word,
            }
        }
        Kind::Bool => {
            let b = low & 1 == 1;
            Typed {
                word: U256::from(low & 1),
                scalar: Scalar::Bool(b),
                key: U256::ZERO,
            }
        }
        Kind::Bytes(n) => {
            let mut bytes = raw.to_be_bytes::<32>();
            bytes[n..].fill(0);
            let scalar = Scalar::Text(hex::encode_prefixed(&bytes[..n]));
            Typed {
                word: U256::from_be_bytes(bytes),
                scalar,
                key: U256::ZERO,
            }
        }
        Kind::Dynamic => Typed {
            word: raw,
            scalar: Scalar::Text(raw.to_string()),
            key: raw,
        },
    }
}
