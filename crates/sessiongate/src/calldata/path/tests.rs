use super::*;
use crate::calldata::Signature;
use alloc::{vec, vec::Vec};
use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{Address, address};
use core::ops::ControlFlow;

const SWAP: &str = "exactInputSingle((address tokenIn,address tokenOut,uint24 fee,\
    address recipient,uint256 amountIn,uint256 amountOutMinimum,uint160 sqrtPriceLimitX96) params)";
const AGGREGATE: &str = "aggregate3((address target,bool allowFailure,bytes callData)[] calls)";

fn sig(text: &str) -> Signature {
    Signature::parse(text).unwrap()
}

fn path(sig: &Signature, text: &str) -> ParamPath {
    ParamPath::parse(sig, text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn encode(sig: &Signature, values: Vec<DynSolValue>) -> Vec<u8> {
    let mut data = sig.selector().to_vec();
    data.extend(DynSolValue::Tuple(values).abi_encode_params());
    data
}

fn leaves<'d>(path: &ParamPath, data: &'d [u8]) -> Result<Vec<(u32, Leaf<'d>)>, DecodeError> {
    let mut out = Vec::new();
    path.visit(data, |i, leaf| {
        out.push((i, leaf));
        ControlFlow::Continue(())
    })?;
    Ok(out)
}

fn word(value: u64) -> U256 {
    U256::from(value)
}

fn set_word(data: &mut [u8], at: usize, value: U256) {
    let start = at + 4;
    data[start..start + 32].copy_from_slice(&value.to_be_bytes::<32>());
}

const A: Address = address!("0x00000000000000000000000000000000000000aa");
const B: Address = address!("0x00000000000000000000000000000000000000bb");

fn calls() -> (Signature, Vec<u8>) {
    let s = sig(AGGREGATE);
    let call = |target, data: &[u8]| {
        DynSolValue::Tuple(vec![
            DynSolValue::Address(target),
            DynSolValue::Bool(true),
            DynSolValue::Bytes(data.to_vec()),
        ])
    };
    let data = encode(
        &s,
        vec![DynSolValue::Array(vec![
            call(A, &[1, 2, 3]),
            call(B, &[]),
            call(A, &[7; 40]),
        ])],
    );
    (s, data)
}

#[test]
fn compiles_paths_with_labels_kinds_and_offsets() {
    let s = sig(SWAP);
    let p = path(&s, "params.recipient");
    assert_eq!(p.label(), "params.recipient");
    assert_eq!(p.leaf_kind(), LeafKind::Word(WordType::Address));
    assert_eq!(p.static_offset(), Some(96));
    assert_eq!(p.wildcards(), 0);
    assert_eq!(path(&s, "0.fee").label(), "params.fee");
    assert_eq!(path(&s, "0.fee").static_offset(), Some(64));

    let s = sig("f(uint256 a, (uint8 x, uint16[3] ys)[2] pairs, bytes data, address[] to)");
    assert_eq!(
        path(&s, "pairs[1].ys[2]").static_offset(),
        Some(32 + 128 + 32 + 64)
    );
    assert_eq!(path(&s, "pairs[*].x").static_offset(), None);
    assert_eq!(path(&s, "pairs[*].x").wildcards(), 1);
    assert_eq!(path(&s, "data").leaf_kind(), LeafKind::Bytes);
    assert_eq!(path(&s, "data").static_offset(), None);
    assert_eq!(path(&s, "data.length").leaf_kind(), LeafKind::Length);
    assert_eq!(path(&s, "to.length").label(), "to.length");
    assert_eq!(path(&s, "to[3]").static_offset(), None);
    assert_eq!(path(&s, "3[*]").label(), "to[*]");
    assert_eq!(ParamPath::index(&s, 0).unwrap().static_offset(), Some(0));
    assert_eq!(ParamPath::index(&s, 0).unwrap().label(), "a");

    let s = sig("f(string,bytes32[2][] m)");
    assert_eq!(path(&s, "0").leaf_kind(), LeafKind::String);
    assert_eq!(path(&s, "0").label(), "0");
    let p = path(&s, "m[*][*]");
    assert_eq!(p.wildcards(), 2);
    assert_eq!(p.leaf_kind(), LeafKind::Word(WordType::FixedBytes(32)));

    // A tuple field named `length` is a field; `.length` on a tuple is not a length.
    let s = sig("f((uint8 length, bytes b) t, (bool x) u)");
    assert_eq!(
        path(&s, "t.length").leaf_kind(),
        LeafKind::Word(WordType::Uint(8))
    );
    assert!(matches!(
        ParamPath::parse(&s, "u.length"),
        Err(PathError::UnknownField { .. })
    ));
}

#[test]
fn refuses_bad_paths_with_helpful_errors() {
    let s =
        sig("f((address to, uint256 amount)[] pays, uint8[2] small, bytes data, (bool,bool) t)");
    let err = |text: &str| ParamPath::parse(&s, text).unwrap_err();
    for bad in [
        "", ".x", "pays.", "pays[", "pays[x]", "pays[1", "pays..to", "pays to", "pays[*]x",
        "pays[-1]",
    ] {
        assert!(
            matches!(err(bad), PathError::Syntax { .. }),
            "{bad}: {:?}",
            err(bad)
        );
    }
    assert_eq!(
        err("data.length.x"),
        PathError::Syntax {
            path: "data.length.x".into(),
            at: 11,
            expected: "nothing after `.length`"
        }
    );
    assert_eq!(
        err("payz").to_string(),
        "`f((address,uint256)[],uint8[2],bytes,(bool,bool))` has no parameter named `payz`; \
         its parameters are `pays`, `small`, `data`, `t`"
    );
    assert!(matches!(
        err("9"),
        PathError::NoParam {
            index: 9,
            count: 4,
            ..
        }
    ));
    assert_eq!(
        err("pays[*].too").to_string(),
        "`pays[*]` has no field `too`; its fields are `to`, `amount`"
    );
    assert!(
        err("3.x")
            .to_string()
            .contains("its components have no names")
    );
    assert!(matches!(err("data.x"), PathError::NotTuple { .. }));
    assert_eq!(
        err("data[0]").to_string(),
        "`data` is `bytes`, not an array: remove `[0]`"
    );
    assert!(matches!(err("pays[*].to[*]"), PathError::NotArray { .. }));
    assert_eq!(
        err("small[2]").to_string(),
        "`small` is `uint8[2]`: index 2 is past its 2 elements (0 to 1)"
    );
    assert!(matches!(err("small.length"), PathError::NoLength { .. }));
    assert!(matches!(
        err("pays[0].to.length"),
        PathError::NoLength { .. }
    ));
    assert_eq!(
        err("pays[*]").to_string(),
        "`pays[*]` is `(address,uint256)`, not an elementary value: add `.field` \
         (its fields are `to`, `amount`)"
    );
    assert!(
        err("pays")
            .to_string()
            .contains("add `[*]`, `[N]` or `.length`")
    );
    assert!(err("small").to_string().contains("add `[*]` or `[N]`"));
    assert!(matches!(
        ParamPath::index(&s, 0),
        Err(PathError::NotLeaf { .. })
    ));
    assert!(matches!(
        ParamPath::index(&s, 4),
        Err(PathError::NoParam { .. })
    ));

    let deep = sig(&format!("f(uint256{} xs)", "[]".repeat(16)));
    let ok = format!("xs{}", "[0]".repeat(16));
    path(&deep, &ok);
    let too_deep = format!("xs{}.length", "[0]".repeat(16));
    assert!(matches!(
        ParamPath::parse(&deep, &too_deep),
        Err(PathError::TooDeep { .. })
    ));
}

#[test]
fn reads_static_and_nested_leaves() {
    let (s, data) = calls();
    let targets = leaves(&path(&s, "calls[*].target"), &data).unwrap();
    let words: Vec<(u32, U256)> = targets
        .iter()
        .map(|(i, leaf)| match leaf {
            Leaf::Word { word, .. } => (*i, *word),
            other => panic!("{other:?}"),
        })
        .collect();
    let a = U256::from_be_slice(A.as_slice());
    let b = U256::from_be_slice(B.as_slice());
    assert_eq!(words, vec![(0, a), (1, b), (2, a)]);

    let bodies = leaves(&path(&s, "calls[*].callData"), &data).unwrap();
    let contents: Vec<&[u8]> = bodies
        .iter()
        .map(|(_, leaf)| match leaf {
            Leaf::Bytes { content, .. } => *content,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(contents, vec![&[1u8, 2, 3][..], &[], &[7; 40]]);

    let p = path(&s, "calls[*].callData.length");
    assert_eq!(
        p.get(&data, 2).unwrap(),
        Leaf::Length {
            at: bodies[2].1.at(),
            len: word(40)
        }
    );
    assert_eq!(p.each_len(&data).unwrap(), 3);
    assert_eq!(path(&s, "calls.length").each_len(&data).unwrap(), 1);
    let Leaf::Length { len, .. } = path(&s, "calls.length").get(&data, 0).unwrap() else {
        panic!("not a length")
    };
    assert_eq!(len, word(3));
    assert_eq!(
        path(&s, "calls[1].target").get(&data, 99).unwrap(),
        Leaf::Word {
            at: targets[1].1.at(),
            word: b
        }
    );

    // Break stops early.
    let mut seen = 0;
    path(&s, "calls[*].target")
        .visit(&data, |_, _| {
            seen += 1;
            ControlFlow::Break(())
        })
        .unwrap();
    assert_eq!(seen, 1);
}

#[test]
fn nested_wildcards_flatten_with_the_first_index() {
    let s = sig("f(uint16[][] m)");
    let row = |xs: &[u16]| {
        DynSolValue::Array(
            xs.iter()
                .map(|x| DynSolValue::Uint(U256::from(*x), 16))
                .collect(),
        )
    };
    let data = encode(
        &s,
        vec![DynSolValue::Array(vec![row(&[1, 2]), row(&[]), row(&[3])])],
    );
    let got: Vec<(u32, U256)> = leaves(&path(&s, "m[*][*]"), &data)
        .unwrap()
        .into_iter()
        .map(|(i, leaf)| match leaf {
            Leaf::Word { word, .. } => (i, word),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, vec![(0, word(1)), (0, word(2)), (2, word(3))]);
    assert_eq!(
        path(&s, "m[*][*]").get(&data, 0),
        Err(DecodeError::TooManyWildcards { wildcards: 2 })
    );
    assert_eq!(path(&s, "m[*][1]").get(&data, 0).unwrap().at(), 7 * 32);
}

#[test]
fn same_wildcard_compares_the_arrays() {
    let (s, _) = calls();
    let data = path(&s, "calls[*].callData");
    assert!(data.same_wildcard(&path(&s, "calls[*].target")));
    assert!(!data.same_wildcard(&path(&s, "calls[0].target")));
    assert!(path(&s, "calls[0].callData").same_wildcard(&path(&s, "calls[1].target")));
    let s = sig("f(bytes[] a, address[] b, bytes c, address d)");
    assert!(!path(&s, "a[*]").same_wildcard(&path(&s, "b[*]")));
    assert!(path(&s, "c").same_wildcard(&path(&s, "d")));
}

#[test]
fn short_data_and_dirty_words() {
    let s = sig("f(address to, uint8 n, bytes data)");
    let data = encode(
        &s,
        vec![
            DynSolValue::Address(A),
            DynSolValue::Uint(word(5), 8),
            DynSolValue::Bytes(vec![1, 2]),
        ],
    );
    let n = path(&s, "n");
    assert_eq!(
        n.get(&data, 0).unwrap(),
        Leaf::Word {
            at: 32,
            word: word(5)
        }
    );
    assert_eq!(
        n.get(&data[..40], 0),
        Err(DecodeError::ShortData { at: 32 })
    );
    assert_eq!(n.get(&data[..2], 0), Err(DecodeError::ShortData { at: 32 }));
    assert_eq!(n.get(&[], 0), Err(DecodeError::ShortData { at: 32 }));
    let mut dirty = data.clone();
    set_word(&mut dirty, 32, word(256));
    assert_eq!(
        n.get(&dirty, 0),
        Err(DecodeError::DirtyWord {
            at: 32,
            ty: WordType::Uint(8),
            word: word(256)
        })
    );
    let mut dirty = data.clone();
    dirty[4] = 1;
    assert!(matches!(
        path(&s, "to").visit(&dirty, |_, _| ControlFlow::Continue(())),
        Err(DecodeError::DirtyWord {
            at: 0,
            ty: WordType::Address,
            ..
        })
    ));
    // The bytes' content and padding end the data: cutting them is a length past the end.
    let bytes = path(&s, "data");
    assert_eq!(
        bytes.get(&data, 0).unwrap(),
        Leaf::Bytes {
            at: 96,
            content: &[1, 2]
        }
    );
    assert_eq!(
        bytes.get(&data[..data.len() - 1], 0),
        Err(DecodeError::LengthOutOfBounds {
            at: 96,
            len: word(2)
        })
    );
    assert_eq!(
        bytes.get(&data[..4 + 96 + 16], 0),
        Err(DecodeError::OffsetOutOfBounds {
            at: 64,
            offset: word(96),
            len: 112
        })
    );
}

#[test]
fn bad_offsets() {
    let s = sig("f(address to, uint8 n, bytes data)");
    let data = encode(
        &s,
        vec![
            DynSolValue::Address(A),
            DynSolValue::Uint(word(5), 8),
            DynSolValue::Bytes(vec![1, 2]),
        ],
    );
    let p = path(&s, "data");
    let with = |offset: U256| {
        let mut d = data.clone();
        set_word(&mut d, 64, offset);
        p.get(&d, 0).map(|_| ())
    };
    assert_eq!(
        with(word(97)),
        Err(DecodeError::MisalignedOffset {
            at: 64,
            offset: word(97)
        })
    );
    assert_eq!(
        with(word(64)),
        Err(DecodeError::OffsetIntoHead {
            at: 64,
            offset: word(64),
            head: 96
        })
    );
    assert_eq!(
        with(word(160)),
        Err(DecodeError::OffsetOutOfBounds {
            at: 64,
            offset: word(160),
            len: 160
        })
    );
    assert_eq!(
        with(U256::MAX - word(31)),
        Err(DecodeError::OffsetOutOfBounds {
            at: 64,
            offset: U256::MAX - word(31),
            len: 160
        })
    );
    assert!(with(word(96)).is_ok());
}

#[test]
fn bad_lengths_padding_and_order() {
    let (s, data) = calls();
    let call_data = path(&s, "calls[*].callData");
    // calls: offset at 0 → 32; length at 32; element offsets at 64, 96, 128 (relative to 64).
    let mut d = data.clone();
    set_word(&mut d, 32, word(MAX_ELEMENTS as u64 + 1));
    assert_eq!(
        leaves(&call_data, &d),
        Err(DecodeError::TooManyElements {
            at: 32,
            len: word(1025),
            max: MAX_ELEMENTS
        })
    );
    assert_eq!(
        call_data.each_len(&d),
        Err(DecodeError::TooManyElements {
            at: 32,
            len: word(1025),
            max: MAX_ELEMENTS
        })
    );
    // Not iterated: no cap, but the heads must fit.
    assert_eq!(
        path(&s, "calls[0].target").get(&d, 0),
        Err(DecodeError::LengthOutOfBounds {
            at: 32,
            len: word(1025)
        })
    );
    assert_eq!(
        path(&s, "calls.length").get(&d, 0),
        Err(DecodeError::LengthOutOfBounds {
            at: 32,
            len: word(1025)
        })
    );
    set_word(&mut d, 32, U256::MAX);
    assert!(matches!(
        path(&s, "calls[1].target").get(&d, 0),
        Err(DecodeError::LengthOutOfBounds { at: 32, .. })
    ));

    // Index past the length.
    assert_eq!(
        path(&s, "calls[3].target").get(&data, 0),
        Err(DecodeError::IndexOutOfBounds {
            at: 32,
            index: 3,
            len: word(3)
        })
    );
    assert_eq!(
        path(&s, "calls[*].target").get(&data, 7),
        Err(DecodeError::IndexOutOfBounds {
            at: 32,
            index: 7,
            len: word(3)
        })
    );

    // Out-of-order element offsets: swap the first two.
    let mut d = data.clone();
    let first = U256::from_be_slice(&data[4 + 64..4 + 96]);
    let second = U256::from_be_slice(&data[4 + 96..4 + 128]);
    set_word(&mut d, 64, second);
    set_word(&mut d, 96, first);
    let err = DecodeError::OffsetsOutOfOrder {
        at: 96,
        offset: first,
        previous: second,
    };
    assert_eq!(leaves(&call_data, &d), Err(err));
    assert_eq!(call_data.each_len(&d), Err(err));
    // Equal offsets are out of order too.
    let mut d = data.clone();
    set_word(&mut d, 96, first);
    assert!(matches!(
        leaves(&call_data, &d),
        Err(DecodeError::OffsetsOutOfOrder { .. })
    ));
    // A single element read by index does not see the order.
    assert!(path(&s, "calls[1].target").get(&d, 0).is_ok());

    // An element offset into the element heads.
    let mut d = data.clone();
    set_word(&mut d, 96, word(64));
    assert_eq!(
        leaves(&call_data, &d),
        Err(DecodeError::OffsetIntoHead {
            at: 96,
            offset: word(64),
            head: 96
        })
    );

    // Dirty padding after the first call's 3 bytes.
    let Leaf::Bytes { at, .. } = call_data.get(&data, 0).unwrap() else {
        panic!("not bytes")
    };
    let mut d = data.clone();
    d[4 + at + 32 + 5] = 0xff;
    let err = DecodeError::DirtyPadding {
        at,
        len: 3,
        byte: at + 32 + 5,
    };
    assert_eq!(leaves(&call_data, &d), Err(err));
    assert_eq!(path(&s, "calls[0].callData.length").get(&d, 0), Err(err));
    // The 40-byte call's length word raised past the data.
    let Leaf::Bytes { at, .. } = call_data.get(&data, 2).unwrap() else {
        panic!("not bytes")
    };
    let mut d = data.clone();
    set_word(&mut d, at, word(1 << 20));
    assert_eq!(
        call_data.get(&d, 2),
        Err(DecodeError::LengthOutOfBounds {
            at,
            len: word(1 << 20)
        })
    );
    set_word(&mut d, at, U256::MAX);
    assert!(matches!(
        call_data.get(&d, 2),
        Err(DecodeError::LengthOutOfBounds { .. })
    ));
}

#[test]
fn fixed_arrays_of_dynamic_elements() {
    let s = sig("f(uint8 k, string[2] names)");
    let data = encode(
        &s,
        vec![
            DynSolValue::Uint(word(1), 8),
            DynSolValue::FixedArray(vec![
                DynSolValue::String("ab".into()),
                DynSolValue::String("cde".into()),
            ]),
        ],
    );
    let p = path(&s, "names[*]");
    let got: Vec<&[u8]> = leaves(&p, &data)
        .unwrap()
        .into_iter()
        .map(|(_, leaf)| match leaf {
            Leaf::Bytes { content, .. } => content,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, vec![&b"ab"[..], b"cde"]);
    assert_eq!(p.each_len(&data).unwrap(), 2);
    // names at 64; its element offsets at 64 and 96 must be at least its 64-byte head.
    let mut d = data.clone();
    set_word(&mut d, 64 + 32, word(32));
    assert_eq!(
        path(&s, "names[1]").get(&d, 0),
        Err(DecodeError::OffsetIntoHead {
            at: 96,
            offset: word(32),
            head: 64
        })
    );
}

#[test]
fn errors_serialize_with_a_kind_and_decimal_numbers() {
    let value = serde_json::to_value(DecodeError::OffsetsOutOfOrder {
        at: 96,
        offset: word(64),
        previous: U256::MAX,
    })
    .unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "kind": "offsets_out_of_order",
            "at": 96,
            "offset": "64",
            "previous": U256::MAX.to_string(),
        })
    );
    let value = serde_json::to_value(DecodeError::DirtyWord {
        at: 0,
        ty: WordType::Uint(8),
        word: word(256),
    })
    .unwrap();
    assert_eq!(
        value,
        serde_json::json!({"kind": "dirty_word", "at": 0, "ty": "uint8", "word": "256"})
    );
    assert_eq!(
        DecodeError::DirtyWord {
            at: 0,
            ty: WordType::Uint(8),
            word: word(256)
        }
        .to_string(),
        "the word at byte 0 is not a valid uint8: 0x100"
    );
}
