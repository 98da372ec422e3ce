//! Property: parameter paths never panic on any calldata, and whenever alloy-dyn-abi decodes the
//! parameters and a path visits them without error, the leaves it reads are alloy's values
//! (`get` and `each_len` agree with `visit`).
//!
//! The first byte picks the signature (low bits) and the mode (high bit): raw bytes as the
//! parameters, or parameters built from the input as valid values, encoded by alloy, then
//! byte-edited.
#![no_main]

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Address, B256, I256, U256};
use arbitrary::{Arbitrary, Unstructured};
use core::ops::ControlFlow;
use libfuzzer_sys::fuzz_target;
use sessiongate::calldata::{DecodeError, Leaf, LeafKind, NamedType, ParamPath, Signature};
use std::sync::LazyLock;

const SIGNATURES: [&str; 8] = [
    "exactInputSingle((address tokenIn,address tokenOut,uint24 fee,address recipient,\
     uint256 amountIn,uint256 amountOutMinimum,uint160 sqrtPriceLimitX96) params)",
    "aggregate3((address target,bool allowFailure,bytes callData)[] calls)",
    "multicall(uint256 deadline, bytes[] data)",
    "f((uint256 a,(address b,bytes c)[2] d)[] xs, string s, int24 k)",
    "g(uint16[][] m, (bytes32 h, string name)[3] named, bool[2][] flags, bytes4 sel)",
    "h((int8 lo, (string label, uint64[] ids) inner, bytes12 tag) t, address[2] pair, \
     (bytes b)[] wrapped)",
    "execute(address to, uint256 value, bytes data)",
    "batch((address to, uint256 value, bytes data)[][] groups, uint8[] kinds)",
];

/// One step of a path, for the reference evaluator over alloy's values.
#[derive(Clone, Debug)]
enum Seg {
    Field(usize),
    At(usize),
    Each,
    Length,
}

/// A leaf's value as both sides see it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Word(U256),
    Bytes(Vec<u8>),
    Length(usize),
}

struct Compiled {
    sig: Signature,
    /// The parameters' type, for alloy.
    ty: DynSolType,
    /// Every path with its parameter index, its segments, and whether it reads a `string`.
    paths: Vec<(ParamPath, usize, Vec<Seg>, bool)>,
}

static COMPILED: LazyLock<Vec<Compiled>> = LazyLock::new(|| {
    SIGNATURES
        .iter()
        .map(|text| {
            let sig = Signature::parse(text).unwrap();
            let ty = DynSolType::Tuple(sig.params().iter().map(|p| p.ty.clone()).collect());
            let mut paths = Vec::new();
            for (i, p) in sig.params().iter().enumerate() {
                let head = p.name.clone().unwrap_or_else(|| i.to_string());
                let mut found = Vec::new();
                paths_of(&p.named, head, vec![], &mut found);
                for (text, segs, string) in found {
                    let path = ParamPath::parse(&sig, &text).unwrap();
                    paths.push((path, i, segs, string));
                }
            }
            Compiled { sig, ty, paths }
        })
        .collect()
});

/// Every path of a type: named fields, `[*]`, an index, `.length`; each with whether it reads
/// a `string` (its content or length).
fn paths_of(ty: &NamedType, text: String, segs: Vec<Seg>, out: &mut Vec<(String, Vec<Seg>, bool)>) {
    let with = |extra: Seg| {
        let mut segs = segs.clone();
        segs.push(extra);
        segs
    };
    match ty {
        NamedType::Elementary(inner) => {
            let string = *inner == DynSolType::String;
            if matches!(inner, DynSolType::Bytes | DynSolType::String) {
                out.push((format!("{text}.length"), with(Seg::Length), string));
            }
            out.push((text, segs, string));
        }
        NamedType::Tuple(components) => {
            for (i, c) in components.iter().enumerate() {
                if let Some(name) = &c.name {
                    paths_of(&c.ty, format!("{text}.{name}"), with(Seg::Field(i)), out);
                }
            }
        }
        NamedType::Array(inner) => {
            out.push((format!("{text}.length"), with(Seg::Length), false));
            paths_of(inner, format!("{text}[*]"), with(Seg::Each), out);
            paths_of(inner, format!("{text}[1]"), with(Seg::At(1)), out);
        }
        NamedType::FixedArray(inner, len) => {
            paths_of(inner, format!("{text}[*]"), with(Seg::Each), out);
            paths_of(
                inner,
                format!("{text}[{}]", len - 1),
                with(Seg::At(len - 1)),
                out,
            );
        }
    }
}

/// The leaves a path reaches in alloy's value; `None` when an index is out of bounds.
fn expected(
    value: &DynSolValue,
    segs: &[Seg],
    first: Option<u32>,
    out: &mut Vec<(u32, Value)>,
) -> Option<()> {
    let Some((seg, rest)) = segs.split_first() else {
        let leaf = match value {
            DynSolValue::Bytes(b) => Value::Bytes(b.clone()),
            DynSolValue::String(s) => Value::Bytes(s.as_bytes().to_vec()),
            other => Value::Word(U256::from_be_bytes(other.as_word().unwrap().0)),
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
            out.push((first.unwrap_or(0), Value::Length(vs.len())));
            Some(())
        }
        (Seg::Length, DynSolValue::Bytes(b)) => {
            out.push((first.unwrap_or(0), Value::Length(b.len())));
            Some(())
        }
        (Seg::Length, DynSolValue::String(s)) => {
            out.push((first.unwrap_or(0), Value::Length(s.len())));
            Some(())
        }
        (seg, value) => panic!("{seg:?} on {value:?}"),
    }
}

fn value_of(leaf: Leaf<'_>) -> Value {
    match leaf {
        Leaf::Word { word, .. } => Value::Word(word),
        Leaf::Bytes { content, .. } => Value::Bytes(content.to_vec()),
        Leaf::Length { len, .. } => Value::Length(usize::try_from(len).unwrap()),
    }
}

/// A valid value of `ty` built from the input: arrays of 0 to 3 elements.
fn arb_value(u: &mut Unstructured<'_>, ty: &DynSolType) -> arbitrary::Result<DynSolValue> {
    Ok(match ty {
        DynSolType::Address => DynSolValue::Address(Address::from(u.arbitrary::<[u8; 20]>()?)),
        DynSolType::Bool => DynSolValue::Bool(u.arbitrary()?),
        DynSolType::Uint(bits) => {
            let mut v = U256::from_be_bytes(u.arbitrary::<[u8; 32]>()?);
            if *bits < 256 {
                v &= (U256::from(1) << *bits) - U256::from(1);
            }
            DynSolValue::Uint(v, *bits)
        }
        DynSolType::Int(bits) => {
            let raw = I256::from_be_bytes(u.arbitrary::<[u8; 32]>()?);
            let shift = 256 - *bits;
            DynSolValue::Int(raw.wrapping_shl(shift).asr(shift), *bits)
        }
        DynSolType::FixedBytes(size) => {
            let mut b: [u8; 32] = u.arbitrary()?;
            b[*size..].fill(0);
            DynSolValue::FixedBytes(B256::from(b), *size)
        }
        DynSolType::Bytes => {
            let len = u.int_in_range(0..=80)?;
            DynSolValue::Bytes(u.bytes(len)?.to_vec())
        }
        DynSolType::String => {
            let len = u.int_in_range(0..=40)?;
            DynSolValue::String(String::from_utf8_lossy(u.bytes(len)?).into_owned())
        }
        DynSolType::Array(inner) => {
            let len = u.int_in_range(0..=3)?;
            DynSolValue::Array(
                (0..len)
                    .map(|_| arb_value(u, inner))
                    .collect::<Result<_, _>>()?,
            )
        }
        DynSolType::FixedArray(inner, len) => DynSolValue::FixedArray(
            (0..*len)
                .map(|_| arb_value(u, inner))
                .collect::<Result<_, _>>()?,
        ),
        DynSolType::Tuple(types) => DynSolValue::Tuple(
            types
                .iter()
                .map(|t| arb_value(u, t))
                .collect::<Result<_, _>>()?,
        ),
        other => panic!("no values for {other}"),
    })
}

/// A byte edit of encoded parameters.
#[derive(Arbitrary, Debug)]
enum Edit {
    /// Sets word `n` to a small number (offsets, lengths).
    Small(u8, u16),
    /// Sets word `n` to any value.
    Word(u8, [u8; 32]),
    /// Sets one byte.
    Byte(u16, u8),
    /// Cuts the data.
    Truncate(u16),
}

fn apply(params: &mut Vec<u8>, edit: &Edit) {
    let mut set = |word: u8, value: [u8; 32]| {
        let start = usize::from(word) * 32;
        if let Some(slot) = params.get_mut(start..start + 32) {
            slot.copy_from_slice(&value);
        }
    };
    match *edit {
        Edit::Small(word, v) => set(word, U256::from(v).to_be_bytes()),
        Edit::Word(word, v) => set(word, v),
        Edit::Byte(at, b) => {
            if let Some(byte) = params.get_mut(usize::from(at)) {
                *byte = b;
            }
        }
        Edit::Truncate(len) => params.truncate(usize::from(len)),
    }
}

fn check(compiled: &Compiled, data: &[u8]) {
    let decoded = match compiled.ty.abi_decode_params(&data[4..]) {
        Ok(DynSolValue::Tuple(values)) => Some(values),
        _ => None,
    };
    for (path, param, segs, string) in &compiled.paths {
        let mut leaves = Vec::new();
        let visited = path.visit(data, |i, leaf| {
            leaves.push((i, leaf));
            ControlFlow::Continue(())
        });
        // get and each_len never panic, and agree with visit when it succeeds.
        let each_len = path.each_len(data);
        let first = path.get(data, 0);
        if visited.is_err() {
            continue;
        }
        match path.wildcards() {
            0 => {
                assert_eq!(each_len, Ok(1));
                assert_eq!(
                    first.map(|l| vec![(0, l)]),
                    Ok(leaves.clone()),
                    "{}",
                    path.label()
                );
            }
            1 => {
                assert_eq!(each_len, Ok(leaves.len()), "{}", path.label());
                for (i, (index, leaf)) in leaves.iter().enumerate() {
                    assert_eq!(*index as usize, i);
                    assert_eq!(path.get(data, i as u32), Ok(*leaf), "{}", path.label());
                }
            }
            _ => assert!(matches!(first, Err(DecodeError::TooManyWildcards { .. }))),
        }
        let Some(values) = &decoded else {
            continue;
        };
        let mut want = Vec::new();
        assert!(
            expected(&values[*param], segs, None, &mut want).is_some(),
            "{}: alloy has fewer elements",
            path.label()
        );
        let got: Vec<(u32, Value)> = leaves.into_iter().map(|(i, l)| (i, value_of(l))).collect();
        if *string && got.len() == want.len() && got != want {
            // alloy decodes strings that are not UTF-8 lossily: their content must match once
            // made lossy too, and their lengths are checked through the content.
            let lossy = |v: &Value| match v {
                Value::Bytes(b) => Value::Bytes(String::from_utf8_lossy(b).as_bytes().to_vec()),
                other => other.clone(),
            };
            if path.leaf_kind() == LeafKind::String {
                let got: Vec<_> = got.iter().map(|(i, v)| (*i, lossy(v))).collect();
                assert_eq!(got, want, "{}", path.label());
            }
            continue;
        }
        assert_eq!(got, want, "{}", path.label());
    }
}

fuzz_target!(|bytes: &[u8]| {
    let Some((&mode, rest)) = bytes.split_first() else {
        return;
    };
    let compiled = &COMPILED[usize::from(mode) % SIGNATURES.len()];
    let mut data = compiled.sig.selector().to_vec();
    if mode & 0x80 == 0 {
        data.extend_from_slice(rest);
        check(compiled, &data);
        return;
    }
    let mut u = Unstructured::new(rest);
    let Ok(value) = arb_value(&mut u, &compiled.ty) else {
        return;
    };
    let mut params = value.abi_encode_params();
    let Ok(edits) = u.arbitrary::<Vec<Edit>>() else {
        return;
    };
    for edit in edits.iter().take(4) {
        apply(&mut params, edit);
    }
    data.extend_from_slice(&params);
    check(compiled, &data);
});
