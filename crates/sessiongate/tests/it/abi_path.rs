//! Parameter paths against alloy: random values of rich signatures, encoded with alloy-dyn-abi,
//! read back through every path the signature has (tuple fields, `[N]`, `[*]`, nested `[*]`,
//! `.length`) give exactly alloy's values; mutated encodings give the right `DecodeError`, and
//! whenever alloy still decodes them and the path reads them, both agree.

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, B256, I256, U256};
use core::ops::ControlFlow;
use proptest::prelude::*;
use sessiongate::calldata::{
    DecodeError, Leaf, LeafKind, MAX_ELEMENTS, NamedType, ParamPath, Signature, read_word,
};

/// Signatures with tuples holding dynamic fields, arrays of tuples, `bytes[]`, `string`, nested
/// and fixed arrays of dynamic values.
const SIGNATURES: [&str; 6] = [
    "exactInputSingle((address tokenIn,address tokenOut,uint24 fee,address recipient,\
     uint256 amountIn,uint256 amountOutMinimum,uint160 sqrtPriceLimitX96) params)",
    "aggregate3((address target,bool allowFailure,bytes callData)[] calls)",
    "multicall(uint256 deadline, bytes[] data)",
    "f((uint256 a,(address b,bytes c)[2] d)[] xs, string s, int24 k)",
    "g(uint16[][] m, (bytes32 h, string name)[3] named, bool[2][] flags, bytes4 sel)",
    "h((int8 lo, (string label, uint64[] ids) inner, bytes12 tag) t, address[2] pair, \
     (bytes b)[] wrapped)",
];

/// One step of a path, as the reference evaluator over alloy values reads it.
#[derive(Clone, Debug)]
enum Seg {
    Field(usize),
    At(usize),
    Each,
    Length,
}

/// What a leaf should be, read from alloy's value.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Expected {
    Word(U256),
    Bytes(Vec<u8>),
    Length(usize),
}

/// Every path of a parameter: each named field, `[*]`, `[0]`, `[1]` (and `[3]`, out of bounds
/// for the short arrays generated), `.length` where it applies.
fn paths_of(ty: &NamedType, text: String, segs: Vec<Seg>, out: &mut Vec<(String, Vec<Seg>)>) {
    let with = |extra: Seg| {
        let mut segs = segs.clone();
        segs.push(extra);
        segs
    };
    match ty {
        NamedType::Elementary(inner) => {
            if matches!(
                inner,
                alloy_dyn_abi::DynSolType::Bytes | alloy_dyn_abi::DynSolType::String
            ) {
                out.push((format!("{text}.length"), with(Seg::Length)));
            }
            out.push((text, segs));
        }
        NamedType::Tuple(components) => {
            for (i, c) in components.iter().enumerate() {
                if let Some(name) = &c.name {
                    paths_of(&c.ty, format!("{text}.{name}"), with(Seg::Field(i)), out);
                }
            }
        }
        NamedType::Array(inner) => {
            out.push((format!("{text}.length"), with(Seg::Length)));
            paths_of(inner, format!("{text}[*]"), with(Seg::Each), out);
            for i in [0, 1, 3] {
                paths_of(inner, format!("{text}[{i}]"), with(Seg::At(i)), out);
            }
        }
        NamedType::FixedArray(inner, len) => {
            paths_of(inner, format!("{text}[*]"), with(Seg::Each), out);
            for i in [0, len - 1] {
                paths_of(inner, format!("{text}[{i}]"), with(Seg::At(i)), out);
            }
        }
    }
}

fn all_paths(sig: &Signature) -> Vec<(String, Vec<Seg>)> {
    let mut out = Vec::new();
    for (i, p) in sig.params().iter().enumerate() {
        let head = p.name.clone().unwrap_or_else(|| i.to_string());
        paths_of(&p.named, head, vec![], &mut out);
    }
    out
}

/// The leaves a path reaches in alloy's value, with the first `[*]`'s index; `None` when an
/// index is out of bounds.
fn expected(
    value: &DynSolValue,
    segs: &[Seg],
    first: Option<u32>,
    out: &mut Vec<(u32, Expected)>,
) -> Option<()> {
    let Some((seg, rest)) = segs.split_first() else {
        let leaf = match value {
            DynSolValue::Bytes(b) => Expected::Bytes(b.clone()),
            DynSolValue::String(s) => Expected::Bytes(s.as_bytes().to_vec()),
            other => Expected::Word(U256::from_be_bytes(other.as_word().unwrap().0)),
        };
        out.push((first.unwrap_or(0), leaf));
        return Some(());
    };
    match (seg, value) {
        (Seg::Field(i), DynSolValue::Tuple(vs)) => expected(&vs[*i], rest, first, out),
        (Seg::At(i), DynSolValue::Array(vs) | DynSolValue::FixedArray(vs)) => {
            expected(vs.get(*i)?, rest, first, out)
        }
        (Seg::Each, DynSolValue::Array(vs) | DynSolValue::FixedArray(vs)) => {
            for (i, v) in vs.iter().enumerate() {
                expected(v, rest, first.or(Some(i as u32)), out)?;
            }
            Some(())
        }
        (Seg::Length, DynSolValue::Array(vs)) => {
            out.push((first.unwrap_or(0), Expected::Length(vs.len())));
            Some(())
        }
        (Seg::Length, DynSolValue::Bytes(b)) => {
            out.push((first.unwrap_or(0), Expected::Length(b.len())));
            Some(())
        }
        (Seg::Length, DynSolValue::String(s)) => {
            out.push((first.unwrap_or(0), Expected::Length(s.len())));
            Some(())
        }
        (seg, value) => panic!("{seg:?} on {value:?}"),
    }
}

/// A leaf as the reference sees it, checking its `at` against the data.
fn observed(data: &[u8], leaf: Leaf<'_>) -> Expected {
    let word_at = |at: usize| read_word(data, at + 4).unwrap();
    match leaf {
        Leaf::Word { at, word } => {
            assert_eq!(word_at(at), word, "word at {at}");
            Expected::Word(word)
        }
        Leaf::Bytes { at, content } => {
            assert_eq!(word_at(at), U256::from(content.len()), "length at {at}");
            assert_eq!(&data[at + 36..at + 36 + content.len()], content);
            Expected::Bytes(content.to_vec())
        }
        Leaf::Length { at, len } => {
            assert_eq!(word_at(at), len, "length at {at}");
            Expected::Length(len.to::<usize>())
        }
    }
}

fn visit_all<'d>(path: &ParamPath, data: &'d [u8]) -> Result<Vec<(u32, Leaf<'d>)>, DecodeError> {
    let mut out = Vec::new();
    path.visit(data, |i, leaf| {
        out.push((i, leaf));
        ControlFlow::Continue(())
    })?;
    Ok(out)
}

/// How many leaves a path visits, or its error.
fn outcome(path: &ParamPath, data: &[u8]) -> Result<usize, DecodeError> {
    visit_all(path, data).map(|leaves| leaves.len())
}

fn calldata(sig: &Signature, params: &DynSolValue) -> Vec<u8> {
    let mut data = sig.selector().to_vec();
    data.extend(params.abi_encode_params());
    data
}

/// Every path of `sig` over canonical calldata of `params` reads alloy's values.
fn check_canonical(sig: &Signature, params: &DynSolValue) {
    let data = calldata(sig, params);
    let DynSolValue::Tuple(values) = params else {
        panic!("params are a tuple")
    };
    for (text, segs) in all_paths(sig) {
        let path = ParamPath::parse(sig, &text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(path.label(), text);
        let (head, rest) = segs_of(sig, &text, &segs);
        let mut want = Vec::new();
        let in_bounds = expected(&values[head], rest, None, &mut want).is_some();
        let got = visit_all(&path, &data);
        if !in_bounds {
            assert!(
                matches!(got, Err(DecodeError::IndexOutOfBounds { .. })),
                "{text}: {got:?}"
            );
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("{text}: {e}"));
        let got: Vec<(u32, Expected)> = got
            .into_iter()
            .map(|(i, leaf)| (i, observed(&data, leaf)))
            .collect();
        assert_eq!(got, want, "{text}");

        if let Some(offset) = path.static_offset() {
            assert_eq!(got.len(), 1);
            let Expected::Word(word) = &got[0].1 else {
                panic!("{text}: a static offset on a non-word")
            };
            assert_eq!(read_word(&data, 4 + offset).as_ref(), Some(word), "{text}");
        }
        match path.wildcards() {
            0 => {
                assert_eq!(path.each_len(&data), Ok(1));
                let leaf = path.get(&data, 0).unwrap();
                assert_eq!(vec![(0, observed(&data, leaf))], got, "{text}");
            }
            1 => {
                let len = path.each_len(&data).unwrap();
                assert_eq!(len, got.len(), "{text}");
                for (i, (index, want)) in got.iter().enumerate() {
                    assert_eq!(*index as usize, i);
                    let leaf = path.get(&data, i as u32).unwrap();
                    assert_eq!(&observed(&data, leaf), want, "{text}[{i}]");
                }
                assert!(matches!(
                    path.get(&data, len as u32),
                    Err(DecodeError::IndexOutOfBounds { .. })
                ));
            }
            _ => {
                assert!(matches!(
                    path.get(&data, 0),
                    Err(DecodeError::TooManyWildcards { .. })
                ));
                // The first [*]'s indices never decrease.
                assert!(got.windows(2).all(|w| w[0].0 <= w[1].0), "{text}");
            }
        }
    }
}

/// The parameter index and the segments after it.
fn segs_of<'s>(sig: &Signature, text: &str, segs: &'s [Seg]) -> (usize, &'s [Seg]) {
    let head = text.split(['.', '[']).next().unwrap();
    let index = sig
        .param_by_name(head)
        .map(|(i, _)| i)
        .unwrap_or_else(|| head.parse().unwrap());
    (index, segs)
}

/// On any calldata: when alloy decodes the parameters and a path reads them without error,
/// both see the same leaves.
fn check_agrees(sig: &Signature, data: &[u8]) {
    let ty = alloy_dyn_abi::DynSolType::Tuple(sig.params().iter().map(|p| p.ty.clone()).collect());
    let Ok(DynSolValue::Tuple(values)) = ty.abi_decode_params(&data[4..]) else {
        return;
    };
    for (text, segs) in all_paths(sig) {
        let path = ParamPath::parse(sig, &text).unwrap();
        let (head, rest) = segs_of(sig, &text, &segs);
        let Ok(got) = visit_all(&path, data) else {
            continue;
        };
        if reads_invalid_utf8(sig, &text, data) {
            continue;
        }
        let mut want = Vec::new();
        assert!(
            expected(&values[head], rest, None, &mut want).is_some(),
            "{text}: read out of bounds"
        );
        let got: Vec<(u32, Expected)> = got
            .into_iter()
            .map(|(i, leaf)| (i, observed(data, leaf)))
            .collect();
        assert_eq!(got, want, "{text}");
    }
}

/// Whether a path reads a string (or its length) that is not UTF-8: alloy decodes those
/// lossily, so its value is not the calldata's.
fn reads_invalid_utf8(sig: &Signature, text: &str, data: &[u8]) -> bool {
    let text = text.strip_suffix(".length").unwrap_or(text);
    let Ok(path) = ParamPath::parse(sig, text) else {
        return false;
    };
    if path.leaf_kind() != LeafKind::String {
        return false;
    }
    let mut invalid = false;
    let _ = path.visit(data, |_, leaf| {
        if let Leaf::Bytes { content, .. } = leaf {
            invalid |= core::str::from_utf8(content).is_err();
        }
        ControlFlow::Continue(())
    });
    invalid
}

/// Random values of a type: short arrays (0 to 4 elements), valid words, short bytes and
/// strings.
fn arb_value(ty: &alloy_dyn_abi::DynSolType) -> BoxedStrategy<DynSolValue> {
    use alloy_dyn_abi::DynSolType as T;
    match ty {
        T::Address => any::<[u8; 20]>()
            .prop_map(|b| DynSolValue::Address(Address::from(b)))
            .boxed(),
        T::Bool => any::<bool>().prop_map(DynSolValue::Bool).boxed(),
        T::Uint(bits) => {
            let bits = *bits;
            any::<[u8; 32]>()
                .prop_map(move |b| {
                    let mut v = U256::from_be_bytes(b);
                    if bits < 256 {
                        v &= (U256::from(1) << bits) - U256::from(1);
                    }
                    DynSolValue::Uint(v, bits)
                })
                .boxed()
        }
        T::Int(bits) => {
            let bits = *bits;
            any::<[u8; 32]>()
                .prop_map(move |b| {
                    let raw = I256::from_be_bytes(b);
                    // Shift left then arithmetically right: sign-extend the low `bits`.
                    let shift = 256 - bits;
                    DynSolValue::Int(raw.wrapping_shl(shift).asr(shift), bits)
                })
                .boxed()
        }
        T::FixedBytes(size) => {
            let size = *size;
            any::<[u8; 32]>()
                .prop_map(move |mut b| {
                    b[size..].fill(0);
                    DynSolValue::FixedBytes(B256::from(b), size)
                })
                .boxed()
        }
        T::Bytes => prop::collection::vec(any::<u8>(), 0..70)
            .prop_map(DynSolValue::Bytes)
            .boxed(),
        T::String => "\\PC{0,40}".prop_map(DynSolValue::String).boxed(),
        T::Array(inner) => prop::collection::vec(arb_value(inner), 0..4)
            .prop_map(DynSolValue::Array)
            .boxed(),
        T::FixedArray(inner, len) => prop::collection::vec(arb_value(inner), *len)
            .prop_map(DynSolValue::FixedArray)
            .boxed(),
        T::Tuple(types) => types
            .iter()
            .map(arb_value)
            .collect::<Vec<_>>()
            .prop_map(DynSolValue::Tuple)
            .boxed(),
        other => panic!("no strategy for {other}"),
    }
}

fn arb_call() -> impl Strategy<Value = (usize, DynSolValue)> {
    (0..SIGNATURES.len()).prop_flat_map(|i| {
        let sig = Signature::parse(SIGNATURES[i]).unwrap();
        let ty =
            alloy_dyn_abi::DynSolType::Tuple(sig.params().iter().map(|p| p.ty.clone()).collect());
        arb_value(&ty).prop_map(move |v| (i, v))
    })
}

/// Byte edits of calldata: set a word, or a byte.
#[derive(Clone, Debug)]
enum Edit {
    Word(usize, U256),
    Byte(usize, u8),
    Truncate(usize),
}

fn arb_edit() -> impl Strategy<Value = Edit> {
    let word = prop_oneof![
        (0u64..2048).prop_map(U256::from),
        Just(U256::MAX),
        Just(U256::from(1) << 255),
        any::<[u8; 32]>().prop_map(U256::from_be_bytes),
    ];
    prop_oneof![
        (0usize..64, word).prop_map(|(w, v)| Edit::Word(w * 32, v)),
        (0usize..2048, any::<u8>()).prop_map(|(at, b)| Edit::Byte(at, b)),
        (0usize..2048).prop_map(Edit::Truncate),
    ]
}

fn apply(data: &mut Vec<u8>, edit: &Edit) {
    match *edit {
        Edit::Word(at, value) => {
            let start = 4 + at;
            if start + 32 <= data.len() {
                data[start..start + 32].copy_from_slice(&value.to_be_bytes::<32>());
            }
        }
        Edit::Byte(at, b) => {
            if let Some(byte) = data.get_mut(4 + at) {
                *byte = b;
            }
        }
        Edit::Truncate(len) => data.truncate(4 + len),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn paths_read_what_alloy_encodes((i, params) in arb_call()) {
        let sig = Signature::parse(SIGNATURES[i]).unwrap();
        check_canonical(&sig, &params);
    }

    #[test]
    fn mutated_calldata_never_disagrees_with_alloy(
        (i, params) in arb_call(),
        edits in prop::collection::vec(arb_edit(), 1..4),
    ) {
        let sig = Signature::parse(SIGNATURES[i]).unwrap();
        let mut data = calldata(&sig, &params);
        for edit in &edits {
            apply(&mut data, edit);
        }
        check_agrees(&sig, &data);
    }

    #[test]
    fn mutations_give_the_right_error(
        calls in prop::collection::vec(
            (any::<[u8; 20]>(), any::<bool>(), prop::collection::vec(any::<u8>(), 0..70)),
            2..6,
        ),
    ) {
        let sig = Signature::parse(SIGNATURES[1]).unwrap();
        let params = DynSolValue::Tuple(vec![DynSolValue::Array(
            calls
                .iter()
                .map(|(target, ok, data)| {
                    DynSolValue::Tuple(vec![
                        DynSolValue::Address(Address::from(*target)),
                        DynSolValue::Bool(*ok),
                        DynSolValue::Bytes(data.clone()),
                    ])
                })
                .collect(),
        )]);
        let data = calldata(&sig, &params);
        let n = calls.len();
        let each = ParamPath::parse(&sig, "calls[*].callData").unwrap();
        let first = ParamPath::parse(&sig, "calls[0].target").unwrap();
        let set = |at: usize, value: U256| {
            let mut d = data.clone();
            d[4 + at..4 + at + 32].copy_from_slice(&value.to_be_bytes::<32>());
            d
        };
        let word = |at: usize| read_word(&data, 4 + at).unwrap();
        let len = data.len() - 4;

        // The `calls` offset (at 0, value 32): misaligned, into the 32-byte head, past the end.
        prop_assert_eq!(
            outcome(&each, &set(0, U256::from(33))),
            Err(DecodeError::MisalignedOffset { at: 0, offset: U256::from(33) })
        );
        prop_assert_eq!(
            outcome(&each, &set(0, U256::ZERO)),
            Err(DecodeError::OffsetIntoHead { at: 0, offset: U256::ZERO, head: 32 })
        );
        prop_assert_eq!(
            outcome(&each, &set(0, U256::from(len))),
            Err(DecodeError::OffsetOutOfBounds { at: 0, offset: U256::from(len), len })
        );

        // Element offsets (at 64 + 32·i, relative to 64): swapped, misaligned, into the head.
        let mut swapped = set(64, word(96));
        swapped[4 + 96..4 + 128].copy_from_slice(&data[4 + 64..4 + 96]);
        prop_assert_eq!(
            outcome(&each, &swapped),
            Err(DecodeError::OffsetsOutOfOrder { at: 96, offset: word(64), previous: word(96) })
        );
        prop_assert_eq!(
            each.each_len(&swapped),
            Err(DecodeError::OffsetsOutOfOrder { at: 96, offset: word(64), previous: word(96) })
        );
        let last = 64 + 32 * (n - 1);
        prop_assert_eq!(
            outcome(&each, &set(last, word(last) + U256::from(1))),
            Err(DecodeError::MisalignedOffset { at: last, offset: word(last) + U256::from(1) })
        );
        let into = U256::from(32 * n - 32);
        prop_assert_eq!(
            outcome(&each, &set(last, into)),
            Err(DecodeError::OffsetIntoHead { at: last, offset: into, head: 32 * n })
        );

        // A huge length (at 32): above the cap when iterated, past the end when indexed.
        let huge = U256::from(1) << 200;
        prop_assert_eq!(
            outcome(&each, &set(32, huge)),
            Err(DecodeError::TooManyElements { at: 32, len: huge, max: MAX_ELEMENTS })
        );
        prop_assert_eq!(
            first.get(&set(32, huge), 0).map(|_| 0),
            Err(DecodeError::LengthOutOfBounds { at: 32, len: huge })
        );
        let capped = U256::from(MAX_ELEMENTS);
        prop_assert_eq!(
            outcome(&each, &set(32, capped)),
            Err(DecodeError::LengthOutOfBounds { at: 32, len: capped })
        );

        // A bytes length past the end, and dirty padding.
        for (i, (_, _, content)) in calls.iter().enumerate() {
            let Leaf::Bytes { at, .. } = each.get(&data, i as u32).unwrap() else {
                panic!("not bytes")
            };
            let long = U256::from(len - at);
            prop_assert_eq!(
                each.get(&set(at, long), i as u32).map(|_| 0),
                Err(DecodeError::LengthOutOfBounds { at, len: long })
            );
            if content.len() % 32 != 0 {
                let byte = at + 32 + content.len();
                let mut dirty = data.clone();
                dirty[4 + byte] = 1;
                prop_assert_eq!(
                    outcome(&each, &dirty),
                    Err(DecodeError::DirtyPadding { at, len: content.len(), byte })
                );
            }
        }
    }
}

#[test]
fn every_signature_has_paths() {
    for text in SIGNATURES {
        let sig = Signature::parse(text).unwrap();
        assert!(all_paths(&sig).len() >= 4, "{text}");
    }
}
