use super::*;
use alloc::format;
use alloy_json_abi::Function;
use alloy_primitives::hex;

#[test]
fn transfer_with_names() {
    let sig = Signature::parse("transfer(address to, uint256 amount)").unwrap();
    assert_eq!(sig.selector(), Selector::from(hex!("a9059cbb")));
    assert_eq!(sig.canonical(), "transfer(address,uint256)");
    assert_eq!(sig.head_len(), 64);
    assert_eq!(sig.param_by_name("amount").unwrap().1.offset, 32);
    assert_eq!(sig.head()[0].ty, WordType::Address);
}

#[test]
fn function_keyword_and_no_names() {
    let sig =
        Signature::parse("function approve(address,uint256) external returns (bool)").unwrap();
    assert_eq!(sig.selector(), Selector::from(hex!("095ea7b3")));
    assert!(sig.params()[0].name.is_none());
}

#[test]
fn static_tuple_and_dynamic_offsets() {
    let sig = Signature::parse("f((address,uint8) p, bytes data, uint16[2] xs, bool ok)").unwrap();
    let offsets: Vec<usize> = sig.params().iter().map(|p| p.offset).collect();
    assert_eq!(offsets, vec![0, 64, 96, 160]);
    assert_eq!(sig.head_len(), 192);
    let types: Vec<WordType> = sig.head().iter().map(|h| h.ty).collect();
    assert_eq!(
        types,
        vec![
            WordType::Address,
            WordType::Uint(8),
            WordType::Uint(256),
            WordType::Uint(16),
            WordType::Uint(16),
            WordType::Bool
        ]
    );
}

#[test]
fn refuses_garbage_and_huge_heads() {
    assert!(matches!(
        Signature::parse("transfer(address"),
        Err(SignatureError::Syntax(_))
    ));
    assert!(Signature::parse("f(foo)").is_err());
    assert_eq!(
        Signature::parse("f(uint256[100000])").unwrap_err(),
        SignatureError::HeadTooLarge
    );
}

/// What alloy makes of a signature without names inside tuples: the reference.
fn alloy(text: &str) -> (String, Selector) {
    let f = Function::parse(text).unwrap();
    (f.signature(), f.selector())
}

#[test]
fn same_as_alloy_on_forms_it_accepts() {
    for text in [
        "transfer(address to, uint256 amount)",
        "transfer(address,uint256)",
        "function approve(address spender, uint256 value) external returns (bool)",
        "function f(uint) public view returns (uint256 a, (bool,bytes) b)",
        "f() external payable",
        "f(uint256 x) pure",
        "f(bytes calldata data, string memory s)",
        "f(tuple(address,uint256) p)",
        "f(tuple(address,uint256)[] ps, (bool,(int8,bytes4)[2])[] q)",
        "f((bool,)) ",
        "  multicall(bytes[] data)",
        "f(uint256[2][][3] a, function cb)",
        "f() returns (MyStruct)",
        "f(uint8)(bool)",
        "f(int, uint, bytes32, bytes1)",
    ] {
        let ours = Signature::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let (canonical, selector) = alloy(text.trim());
        assert_eq!(ours.canonical(), canonical, "{text}");
        assert_eq!(ours.selector(), selector, "{text}");
    }
}

#[test]
fn names_inside_tuples_at_every_level() {
    let sig = Signature::parse(
        "exactInputSingle((address tokenIn,address tokenOut,uint24 fee,address recipient,\
         uint256 amountIn,uint256 amountOutMinimum,uint160 sqrtPriceLimitX96) params)",
    )
    .unwrap();
    assert_eq!(
        sig.canonical(),
        "exactInputSingle((address,address,uint24,address,uint256,uint256,uint160))"
    );
    assert_eq!(sig.selector(), Selector::from(hex!("04e45aaf")));
    assert_eq!(sig.head_len(), 7 * 32);
    let NamedType::Tuple(components) = &sig.params()[0].named else {
        panic!("not a tuple")
    };
    assert_eq!(components[3].name.as_deref(), Some("recipient"));

    let sig =
        Signature::parse("aggregate3((address target,bool allowFailure,bytes callData)[] calls)")
            .unwrap();
    assert_eq!(sig.canonical(), "aggregate3((address,bool,bytes)[])");
    assert_eq!(sig.selector(), Selector::from(hex!("82ad56cb")));

    let sig = Signature::parse("f((uint256 a,(address b,bytes c)[2] d)[] xs)").unwrap();
    assert_eq!(sig.canonical(), "f((uint256,(address,bytes)[2])[])");
    assert_eq!(sig.params()[0].ty, sig.params()[0].named.to_dyn());
    assert_eq!(
        sig.params()[0].named.to_string(),
        "(uint256,(address,bytes)[2])[]"
    );
    let NamedType::Array(inner) = &sig.params()[0].named else {
        panic!("not an array")
    };
    let NamedType::Tuple(components) = &**inner else {
        panic!("not a tuple")
    };
    let NamedType::FixedArray(d, 2) = &components[1].ty else {
        panic!("not a fixed array")
    };
    let NamedType::Tuple(d) = &**d else {
        panic!("not a tuple")
    };
    assert_eq!(d[1].name.as_deref(), Some("c"));
    assert_eq!(d[1].ty, NamedType::Elementary(DynSolType::Bytes));
}

#[test]
fn static_tuples_with_names_keep_their_head_words() {
    let sig = Signature::parse("f((address to, uint8 n) p, (bytes b, uint16 k) q)").unwrap();
    let types: Vec<WordType> = sig.head().iter().map(|h| h.ty).collect();
    assert_eq!(
        types,
        vec![WordType::Address, WordType::Uint(8), WordType::Uint(256)]
    );
    assert_eq!(sig.head_len(), 96);
}

#[test]
fn refuses_deep_nesting_duplicates_and_bad_arrays() {
    let deep = format!("f({}uint256{} x)", "(".repeat(17), ")".repeat(17));
    assert_eq!(
        Signature::parse(&deep).unwrap_err(),
        SignatureError::TooDeep { index: 0 }
    );
    let ok = format!("f({}uint256{} x)", "(".repeat(16), ")".repeat(16));
    Signature::parse(&ok).unwrap();
    let arrays = format!("f(bool a, uint256{} x)", "[]".repeat(17));
    assert_eq!(
        Signature::parse(&arrays).unwrap_err(),
        SignatureError::TooDeep { index: 1 }
    );
    let mixed = format!("f({}uint256{}[] x)", "(".repeat(16), ")".repeat(16));
    assert_eq!(
        Signature::parse(&mixed).unwrap_err(),
        SignatureError::TooDeep { index: 0 }
    );
    // Far beyond any limit, without overflowing the stack.
    let huge = format!("f({}", "(".repeat(100_000));
    assert!(Signature::parse(&huge).is_err());
    assert_eq!(
        Signature::parse("f((uint a, bool a) p)").unwrap_err(),
        SignatureError::DuplicateName {
            index: 0,
            name: "a".into()
        }
    );
    assert!(matches!(
        Signature::parse("f(uint256[0])"),
        Err(SignatureError::Syntax(_))
    ));
    assert_eq!(
        Signature::parse("f(uint256[300][] xs)").unwrap_err(),
        SignatureError::HeadTooLarge
    );
    assert_eq!(
        Signature::parse("f(bytes[300] xs)").unwrap_err(),
        SignatureError::HeadTooLarge
    );
    assert_eq!(
        Signature::parse("f((address a, foo b) p)").unwrap_err(),
        SignatureError::UnknownType {
            index: 0,
            ty: "foo".into()
        }
    );
    for bad in [
        "f(uint256",
        "f(uint256,,bool)",
        "f(uint256 a b)",
        "f(,)",
        "f() returns",
        "f() junk",
        "f(uint256[)",
        "(uint256)",
        "f((uint256 a)",
        "f(())",
        "f(uint256, ()[] x)",
    ] {
        assert!(
            matches!(Signature::parse(bad), Err(SignatureError::Syntax(_))),
            "{bad}"
        );
    }
}

#[test]
fn syntax_errors_say_where_and_what() {
    let err = Signature::parse("f(uint256 a b)").unwrap_err().to_string();
    assert!(
        err.contains("expected `,` or `)` after a parameter at byte 12"),
        "{err}"
    );
    let err = Signature::parse("f((address a, foo b) p)")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("parameter 0 has unknown type `foo`"),
        "{err}"
    );
}
