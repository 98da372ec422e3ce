//! Valid account calldata built from calls with each account kind's own ABI (via `sol!`), the
//! calls each encoding must unwrap to, byte-level mutations of it, and the invariants every
//! unwrap result keeps.

use crate::Amount;
use crate::abi::biconomy_v2::{execute_ncCCall, executeBatch_y6UCall};
use crate::abi::safe::{executeUserOpCall, executeUserOpWithErrorStringCall, multiSendCall};
use crate::abi::{arrays, erc7579, single, structs, v06};
use alloy_primitives::{Address, B256, U256, address};
use alloy_sol_types::{SolCall, SolValue};
use arbitrary::Arbitrary;
use sessiongate::Call;
use sessiongate::account::{self, AccountKind, UnwrapError, Unwrapped};

/// Two MultiSend deployments the Safe decoder knows (1.4.1 MultiSendCallOnly, 1.3.0 MultiSend).
const MULTI_SEND: [Address; 2] = [
    address!("9641d764fc13c8B624c04430C7356C1C7C8102e2"),
    address!("A238CBeb142c10Ef7Ad8442C6D1f9E89e07e7761"),
];

/// Addresses calls go to; zero and `address(1)` are the edge cases of several decoders.
const ADDRESSES: [Address; 4] = [
    address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48"),
    address!("1111111111111111111111111111111111111111"),
    Address::with_last_byte(1),
    Address::ZERO,
];

/// Calls and data are kept short: the decoders' cost is in the offsets, not in the bytes.
const MAX_CALLS: usize = 4;
const MAX_DATA: usize = 72;

/// A call owning its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedCall {
    /// Target.
    pub to: Address,
    /// Native value.
    pub value: U256,
    /// Calldata.
    pub data: Vec<u8>,
}

impl OwnedCall {
    /// The call borrowing its data.
    pub fn call(&self) -> Call<'_> {
        Call {
            to: self.to,
            value: self.value,
            data: &self.data,
        }
    }
}

/// A call drawn by the fuzzer.
#[derive(Arbitrary, Clone, Debug)]
pub struct ArbCall {
    to: Result<u8, [u8; 20]>,
    value: Amount,
    data: Vec<u8>,
}

impl ArbCall {
    /// The call, with its data cut to a cheap length.
    pub fn owned(&self) -> OwnedCall {
        let to = match self.to {
            Ok(i) => ADDRESSES[usize::from(i) % ADDRESSES.len()],
            Err(raw) => Address::from(raw),
        };
        let len = self.data.len().min(MAX_DATA);
        OwnedCall {
            to,
            value: self.value.get(),
            data: self.data[..len].to_vec(),
        }
    }
}

/// Which execute function of which account encodes the calls.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Encoding {
    /// ERC-7579 single (call type 0x00) or batch (0x01); the mode's other 30 bytes are free.
    Erc7579 {
        batch: bool,
        mode_rest: [u8; 30],
    },
    SimpleSingle,
    SimpleV06,
    /// An empty value array means all values are zero.
    SimpleV07 {
        empty_values: bool,
    },
    SimpleV08,
    BiconomySingle,
    BiconomyNcc,
    BiconomyBatch,
    BiconomyY6u,
    CoinbaseSingle,
    CoinbaseBatch,
    Thirdweb,
    SafeCall {
        error_string: bool,
    },
    /// A delegatecall into MultiSend; the outer value is ignored by the Safe.
    SafeMultiSend {
        error_string: bool,
        deployment: bool,
        value: Amount,
    },
}

/// Valid calldata and what it must unwrap to.
#[derive(Debug)]
pub struct Built {
    /// The account kind the encoding belongs to.
    pub kind: AccountKind,
    /// The calldata.
    pub data: Vec<u8>,
    /// The calls, or the error an empty batch gets.
    pub expected: Result<Vec<OwnedCall>, UnwrapError>,
}

/// Draws the calls, keeping at most [`MAX_CALLS`].
pub fn owned_calls(calls: &[ArbCall]) -> Vec<OwnedCall> {
    calls.iter().take(MAX_CALLS).map(ArbCall::owned).collect()
}

/// ERC-7579's `Execution[]`.
fn executions(calls: &[OwnedCall]) -> Vec<erc7579::Execution> {
    calls
        .iter()
        .map(|c| erc7579::Execution {
            target: c.to,
            value: c.value,
            callData: c.data.clone().into(),
        })
        .collect()
}

/// The `Call[]` of Coinbase, SimpleAccount v0.8 and thirdweb: the same tuples as executions.
fn call_structs(calls: &[OwnedCall]) -> Vec<structs::Call> {
    calls
        .iter()
        .map(|c| structs::Call {
            target: c.to,
            value: c.value,
            data: c.data.clone().into(),
        })
        .collect()
}

fn targets(calls: &[OwnedCall]) -> Vec<Address> {
    calls.iter().map(|c| c.to).collect()
}

fn values(calls: &[OwnedCall]) -> Vec<U256> {
    calls.iter().map(|c| c.value).collect()
}

fn datas(calls: &[OwnedCall]) -> Vec<alloy_primitives::Bytes> {
    calls.iter().map(|c| c.data.clone().into()).collect()
}

/// `calls` with every value zero.
fn zero_values(calls: &[OwnedCall]) -> Vec<OwnedCall> {
    let zero = |c: &OwnedCall| OwnedCall {
        value: U256::ZERO,
        ..c.clone()
    };
    calls.iter().map(zero).collect()
}

/// A batch's expectation: an empty one is refused.
fn batch(calls: Vec<OwnedCall>) -> Result<Vec<OwnedCall>, UnwrapError> {
    if calls.is_empty() {
        Err(UnwrapError::EmptyBatch)
    } else {
        Ok(calls)
    }
}

/// ERC-7579 execution calldata: packed single, or `abi.encode(Execution[])`.
fn erc7579(calls: &[OwnedCall], is_batch: bool, mode_rest: [u8; 30]) -> Built {
    let mut mode = [0u8; 32];
    mode[0] = u8::from(is_batch);
    mode[2..].copy_from_slice(&mode_rest);
    let (execution, expected) = if is_batch {
        (executions(calls).abi_encode(), batch(calls.to_vec()))
    } else {
        let first = first(calls);
        let mut packed = first.to.to_vec();
        packed.extend(first.value.to_be_bytes::<32>());
        packed.extend(&first.data);
        (packed, Ok(vec![first]))
    };
    let data = erc7579::executeCall {
        mode: B256::from(mode),
        executionCalldata: execution.into(),
    }
    .abi_encode();
    Built {
        kind: AccountKind::Erc7579,
        data,
        expected,
    }
}

/// The first call, or an empty call when there is none (single encodings always hold one).
fn first(calls: &[OwnedCall]) -> OwnedCall {
    calls.first().cloned().unwrap_or(OwnedCall {
        to: Address::ZERO,
        value: U256::ZERO,
        data: Vec::new(),
    })
}

fn single_call(kind: AccountKind, calls: &[OwnedCall], ncc: bool) -> Built {
    let c = first(calls);
    let data = if ncc {
        execute_ncCCall {
            dest: c.to,
            value: c.value,
            func: c.data.clone().into(),
        }
        .abi_encode()
    } else {
        single::executeCall {
            dest: c.to,
            value: c.value,
            func: c.data.clone().into(),
        }
        .abi_encode()
    };
    Built {
        kind,
        data,
        expected: Ok(vec![c]),
    }
}

/// Packed MultiSend transactions; MultiSend refuses a zero target, so one is moved to 0x…01.
fn multi_send(calls: &[OwnedCall]) -> (Vec<u8>, Vec<OwnedCall>) {
    let mut packed = Vec::new();
    let mut sent = Vec::new();
    for c in calls {
        let to = if c.to.is_zero() {
            Address::with_last_byte(1)
        } else {
            c.to
        };
        packed.push(0u8);
        packed.extend(to.as_slice());
        packed.extend(c.value.to_be_bytes::<32>());
        packed.extend(U256::from(c.data.len()).to_be_bytes::<32>());
        packed.extend(&c.data);
        sent.push(OwnedCall { to, ..c.clone() });
    }
    (packed, sent)
}

fn safe(calls: &[OwnedCall], error_string: bool, delegate: Option<(Address, U256)>) -> Built {
    let (to, value, data, operation, expected) = match delegate {
        None => {
            let c = first(calls);
            let expected = Ok(vec![c.clone()]);
            (c.to, c.value, c.data, 0u8, expected)
        }
        Some((multi, value)) => {
            let (packed, sent) = multi_send(calls);
            let inner = multiSendCall {
                transactions: packed.into(),
            }
            .abi_encode();
            (multi, value, inner, 1u8, batch(sent))
        }
    };
    let data = if error_string {
        executeUserOpWithErrorStringCall {
            to,
            value,
            data: data.into(),
            operation,
        }
        .abi_encode()
    } else {
        executeUserOpCall {
            to,
            value,
            data: data.into(),
            operation,
        }
        .abi_encode()
    };
    Built {
        kind: AccountKind::Safe,
        data,
        expected,
    }
}

impl Encoding {
    /// Encodes `calls` (single encodings take the first).
    pub fn build(self, calls: &[OwnedCall]) -> Built {
        use AccountKind::{Biconomy, Coinbase, SimpleAccount, Thirdweb};
        let (t, v, d) = (targets(calls), values(calls), datas(calls));
        let abi = |kind, data, expected| Built {
            kind,
            data,
            expected,
        };
        match self {
            Self::Erc7579 { batch, mode_rest } => erc7579(calls, batch, mode_rest),
            Self::SimpleSingle => single_call(SimpleAccount, calls, false),
            Self::BiconomySingle => single_call(Biconomy, calls, false),
            Self::CoinbaseSingle => single_call(Coinbase, calls, false),
            Self::BiconomyNcc => single_call(Biconomy, calls, true),
            Self::SimpleV06 => abi(
                SimpleAccount,
                v06::executeBatchCall { dest: t, func: d }.abi_encode(),
                batch(zero_values(calls)),
            ),
            Self::SimpleV07 { empty_values } => {
                let (value, expected) = if empty_values {
                    (Vec::new(), zero_values(calls))
                } else {
                    (v, calls.to_vec())
                };
                let data = arrays::executeBatchCall {
                    dest: t,
                    value,
                    func: d,
                }
                .abi_encode();
                abi(SimpleAccount, data, batch(expected))
            }
            Self::SimpleV08 | Self::CoinbaseBatch => {
                let kind = match self {
                    Self::SimpleV08 => SimpleAccount,
                    _ => Coinbase,
                };
                let data = structs::executeBatchCall {
                    calls: call_structs(calls),
                }
                .abi_encode();
                abi(kind, data, batch(calls.to_vec()))
            }
            Self::BiconomyBatch => {
                let data = arrays::executeBatchCall {
                    dest: t,
                    value: v,
                    func: d,
                }
                .abi_encode();
                abi(Biconomy, data, batch(calls.to_vec()))
            }
            Self::BiconomyY6u => {
                let data = executeBatch_y6UCall {
                    dest: t,
                    value: v,
                    func: d,
                }
                .abi_encode();
                abi(Biconomy, data, batch(calls.to_vec()))
            }
            Self::Thirdweb => {
                let data = structs::executeCall {
                    calls: call_structs(calls),
                }
                .abi_encode();
                abi(Thirdweb, data, batch(calls.to_vec()))
            }
            Self::SafeCall { error_string } => safe(calls, error_string, None),
            Self::SafeMultiSend {
                error_string,
                deployment,
                value,
            } => {
                let multi = MULTI_SEND[usize::from(deployment)];
                safe(calls, error_string, Some((multi, value.get())))
            }
        }
    }
}

/// A byte-level change to calldata.
#[derive(Arbitrary, Clone, Debug)]
pub enum Mutation {
    /// Flips one bit.
    Flip { at: u16, bit: u8 },
    /// Cuts the calldata to a length.
    Truncate(u16),
    /// Inserts bytes.
    Insert { at: u16, bytes: Vec<u8> },
    /// Removes bytes.
    Remove { at: u16, len: u8 },
    /// Overwrites an ABI word (after the selector) with a number: offsets and lengths.
    Word { index: u8, value: Amount },
}

impl Mutation {
    /// Applies the change; positions wrap around the current length.
    pub fn apply(&self, data: &mut Vec<u8>) {
        let at = |i: u16, len: usize| usize::from(i) % len.max(1);
        match self {
            Self::Flip { at: i, bit } => {
                let n = at(*i, data.len());
                if let Some(byte) = data.get_mut(n) {
                    *byte ^= 1 << (bit % 8);
                }
            }
            Self::Truncate(len) => data.truncate(usize::from(*len)),
            Self::Insert { at: i, bytes } => {
                let n = at(*i, data.len() + 1);
                let take = bytes.len().min(64);
                data.splice(n..n, bytes[..take].iter().copied());
            }
            Self::Remove { at: i, len } => {
                let n = at(*i, data.len());
                let end = n.saturating_add(usize::from(*len)).min(data.len());
                data.drain(n.min(end)..end);
            }
            Self::Word { index, value } => {
                let start = 4 + 32 * usize::from(*index % 24);
                if let Some(word) = data.get_mut(start..start + 32) {
                    word.copy_from_slice(&value.get().to_be_bytes::<32>());
                }
            }
        }
    }
}

/// Whether `part` lies within `whole` in memory.
fn within(part: &[u8], whole: &[u8]) -> bool {
    let range = whole.as_ptr_range();
    let (start, end) = (part.as_ptr(), part.as_ptr().wrapping_add(part.len()));
    range.start <= start && end <= range.end
}

/// Unwraps `data` as every kind and detects its kind, asserting what holds for any input:
/// unwrapped calls exist and borrow their data from `data`, a non-execute selector is reported as
/// itself, and a detected kind decodes its own selector as an execute.
pub fn check_any(data: &[u8]) {
    for kind in AccountKind::ALL {
        let result = account::unwrap(kind, data);
        match &result {
            Ok(Unwrapped::Calls(calls)) => {
                assert!(!calls.is_empty(), "{kind}: unwrapped to no call");
                for call in calls {
                    assert!(
                        within(call.data, data),
                        "{kind}: call data is not a sub-slice of the input"
                    );
                }
            }
            Ok(Unwrapped::AccountCall(selector)) => {
                assert_eq!(
                    Some(selector.as_slice()),
                    data.get(..4),
                    "{kind}: account call"
                );
            }
            Err(UnwrapError::NoSelector { len }) => assert!(*len < 4 && *len == data.len()),
            Err(e) => {
                assert!(data.len() >= 4, "{kind}: {e} on a selector-less input");
                assert!(!e.to_string().is_empty());
            }
        }
    }
    if let Ok(kind) = account::detect(data) {
        let unwrapped = account::unwrap(kind, data);
        assert!(
            !matches!(unwrapped, Ok(Unwrapped::AccountCall(_))),
            "detect says {kind}, whose unwrap does not know the selector"
        );
    }
}

/// Asserts that `unwrapped` is exactly `expected`.
pub fn assert_unwraps_to(
    what: &str,
    unwrapped: Result<Unwrapped<'_>, UnwrapError>,
    expected: &Result<Vec<OwnedCall>, UnwrapError>,
) {
    let got = unwrapped.map(|u| match u {
        Unwrapped::Calls(calls) => calls
            .iter()
            .map(|c| OwnedCall {
                to: c.to,
                value: c.value,
                data: c.data.to_vec(),
            })
            .collect(),
        Unwrapped::AccountCall(selector) => panic!("{what}: unwrapped to account call {selector}"),
    });
    assert_eq!(&got, expected, "{what}: the round trip differs");
}

/// Builds `encoding` of `calls` and asserts its round trip through `unwrap` and `detect`.
pub fn round_trip(encoding: Encoding, calls: &[OwnedCall]) -> Built {
    let built = encoding.build(calls);
    let what = format!("{encoding:?}");
    assert_unwraps_to(
        &what,
        account::unwrap(built.kind, &built.data),
        &built.expected,
    );
    match account::detect(&built.data) {
        Ok(kind) => assert_unwraps_to(&what, account::unwrap(kind, &built.data), &built.expected),
        Err(UnwrapError::AmbiguousSelector { .. }) => {}
        Err(e) => panic!("{what}: detect fails on valid calldata: {e}"),
    }
    built
}
