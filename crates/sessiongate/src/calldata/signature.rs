use super::{Selector, WordType};
use alloc::{boxed::Box, string::String, vec::Vec};
use alloy_dyn_abi::DynSolType;
use alloy_primitives::keccak256;
use core::fmt::{self, Write as _};

/// Heads larger than this many words are refused: no real function has them, and a huge
/// fixed array in a signature would otherwise make every check walk thousands of words.
const MAX_HEAD_WORDS: usize = 256;

/// Types nested deeper than this (tuples and arrays, each a level) are refused.
pub const MAX_TYPE_DEPTH: usize = 16;

/// A human-readable function signature resolved once into its selector and head layout.
#[derive(Clone, Debug)]
pub struct Signature {
    selector: Selector,
    canonical: String,
    params: Box<[Param]>,
    head: Box<[HeadWord]>,
    head_len: usize,
}

/// One top-level parameter of a signature.
#[derive(Clone, Debug)]
pub struct Param {
    /// Its name, when the signature gives one.
    pub name: Option<String>,
    /// Its ABI type.
    pub ty: DynSolType,
    /// Its ABI type with the names the signature gives tuple components.
    pub named: NamedType,
    /// Byte offset of its head slot after the selector.
    pub offset: usize,
}

/// An ABI type as the signature writes it: like [`DynSolType`], but tuples keep the names of
/// their components (`(address tokenIn, uint24 fee)`), so parameter paths can select them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NamedType {
    /// An elementary type: `address`, `bool`, `uintN`, `intN`, `bytesN`, `function`, `bytes`
    /// or `string`.
    Elementary(DynSolType),
    /// A dynamic array `T[]`.
    Array(Box<NamedType>),
    /// A fixed array `T[N]`.
    FixedArray(Box<NamedType>, usize),
    /// A tuple `(T1 a, T2 b, ...)`; a component's name is optional.
    Tuple(Box<[Component]>),
}

/// One component of a tuple in a [`NamedType`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Its name, when the signature gives one.
    pub name: Option<String>,
    /// Its type.
    pub ty: NamedType,
}

impl NamedType {
    /// The same type without component names.
    pub fn to_dyn(&self) -> DynSolType {
        match self {
            Self::Elementary(ty) => ty.clone(),
            Self::Array(inner) => DynSolType::Array(Box::new(inner.to_dyn())),
            Self::FixedArray(inner, len) => DynSolType::FixedArray(Box::new(inner.to_dyn()), *len),
            Self::Tuple(components) => {
                DynSolType::Tuple(components.iter().map(|c| c.ty.to_dyn()).collect())
            }
        }
    }

    /// Whether the type is dynamic in the ABI sense: `bytes`, `string`, `T[]`, or anything that
    /// contains one. A dynamic value's head slot holds an offset to its encoding.
    pub fn is_dynamic(&self) -> bool {
        match self {
            Self::Elementary(ty) => matches!(ty, DynSolType::Bytes | DynSolType::String),
            Self::Array(_) => true,
            Self::FixedArray(inner, _) => inner.is_dynamic(),
            Self::Tuple(components) => components.iter().any(|c| c.ty.is_dynamic()),
        }
    }

    /// How many bytes the type takes in the head of the tuple or array that holds it: 32 for
    /// a dynamic type (its offset word), its whole encoding for a static one. Signatures refuse
    /// types whose size would exceed the head limit, so this never overflows for their types;
    /// `None` if it would.
    pub fn head_size(&self) -> Option<usize> {
        if self.is_dynamic() {
            return Some(32);
        }
        match self {
            Self::Elementary(_) | Self::Array(_) => Some(32),
            Self::FixedArray(inner, len) => inner.head_size()?.checked_mul(*len),
            Self::Tuple(components) => components
                .iter()
                .try_fold(0usize, |acc, c| acc.checked_add(c.ty.head_size()?)),
        }
    }

    /// The size in bytes of the head of this tuple or array's own encoding: the sum of its
    /// components' head sizes (a tuple), or `len` elements' (a fixed array). `None` for other
    /// types (a dynamic array's head depends on its length).
    pub fn own_head_size(&self) -> Option<usize> {
        match self {
            Self::FixedArray(inner, len) => inner.head_size()?.checked_mul(*len),
            Self::Tuple(components) => components
                .iter()
                .try_fold(0usize, |acc, c| acc.checked_add(c.ty.head_size()?)),
            _ => None,
        }
    }

    /// How deeply tuples and arrays nest in the type: 0 for an elementary type.
    pub fn depth(&self) -> usize {
        match self {
            Self::Elementary(_) => 0,
            Self::Array(inner) | Self::FixedArray(inner, _) => inner.depth().saturating_add(1),
            Self::Tuple(components) => components
                .iter()
                .map(|c| c.ty.depth())
                .max()
                .unwrap_or(0)
                .saturating_add(1),
        }
    }
}

/// Writes the canonical type as Solidity hashes it, e.g. `(address,uint256)[]` or `(bool)`.
impl fmt::Display for NamedType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Elementary(ty) => f.write_str(&ty.sol_type_name()),
            Self::Array(inner) => write!(f, "{inner}[]"),
            Self::FixedArray(inner, len) => write!(f, "{inner}[{len}]"),
            Self::Tuple(components) => {
                f.write_str("(")?;
                for (i, c) in components.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}", c.ty)?;
                }
                f.write_str(")")
            }
        }
    }
}

/// One static elementary word of the head, validated on every call the action matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeadWord {
    /// Byte offset after the selector.
    pub offset: usize,
    /// The type whose validity rule applies.
    pub ty: WordType,
}

/// Why a signature could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The text is not a function signature.
    #[error("{0}")]
    Syntax(SyntaxError),
    /// A parameter type is not an ABI type.
    #[error(
        "parameter {index} has unknown type `{ty}`; write an ABI type such as `address`, \
         `uint256`, `bytes32`, `bytes`, `string`, `(address to, uint256 amount)` or `uint256[]`"
    )]
    UnknownType {
        /// Parameter position.
        index: usize,
        /// The type as written.
        ty: String,
    },
    /// The static head is too large to check.
    #[error("the signature's static head has more than {MAX_HEAD_WORDS} words")]
    HeadTooLarge,
    /// Tuples and arrays nest too deeply.
    #[error(
        "parameter {index} nests tuples and arrays more than {MAX_TYPE_DEPTH} levels deep; \
         no contract needs that many"
    )]
    TooDeep {
        /// Parameter position.
        index: usize,
    },
    /// Two components of one tuple have the same name, so a path could not tell them apart.
    #[error(
        "parameter {index} has a tuple with two components named `{name}`; give each its own name"
    )]
    DuplicateName {
        /// Parameter position.
        index: usize,
        /// The repeated name.
        name: String,
    },
}

/// Where a signature stops being one, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a function signature: expected {expected} at byte {at}; write it like \
     `transfer(address to, uint256 amount)` or `swap((address tokenIn, uint256 amountIn) params)`"
)]
pub struct SyntaxError {
    /// The signature as given.
    pub text: String,
    /// Byte position of the problem.
    pub at: usize,
    /// What the parser expected there.
    pub expected: &'static str,
}

impl Signature {
    /// Parses `transfer(address to, uint256 amount)`, with or without a leading `function` and
    /// a trailing `external returns (bool)`. Tuples may name their components at any depth:
    /// `exactInputSingle((address tokenIn, address tokenOut, uint24 fee) params)`. The selector
    /// and canonical form depend on the types alone.
    pub fn parse(text: &str) -> Result<Self, SignatureError> {
        let parsed = Parser::new(text).signature()?;
        let mut params = Vec::with_capacity(parsed.inputs.len());
        let mut head = Vec::new();
        let mut offset = 0usize;
        let mut canonical = String::with_capacity(text.len());
        canonical.push_str(parsed.name);
        canonical.push('(');
        for (index, input) in parsed.inputs.into_iter().enumerate() {
            let Some(named) = input.ty else {
                // Only outputs skip resolution; inputs always resolve.
                return Err(SignatureError::UnknownType {
                    index,
                    ty: String::new(),
                });
            };
            check_type(&named, index)?;
            let ty = named.to_dyn();
            let words = head_words(&ty).ok_or(SignatureError::HeadTooLarge)?;
            if ty.is_dynamic() {
                // A dynamic parameter's head slot is an offset: checked as a uint256 word.
                push_word(&mut head, offset, WordType::Uint(256))?;
            } else {
                static_leaves(&ty, offset, &mut head)?;
            }
            if index > 0 {
                canonical.push(',');
            }
            // Solidity's canonical form: `(bool)` for a one-component tuple, unlike alloy's
            // `sol_type_name`, which writes `(bool,)`.
            let _ = write!(canonical, "{named}");
            params.push(Param {
                name: input.name.map(String::from),
                ty,
                named,
                offset,
            });
            offset = words
                .checked_mul(32)
                .and_then(|len| offset.checked_add(len))
                .ok_or(SignatureError::HeadTooLarge)?;
        }
        canonical.push(')');
        if offset > MAX_HEAD_WORDS * 32 {
            return Err(SignatureError::HeadTooLarge);
        }
        let hash = keccak256(canonical.as_bytes());
        let selector = hash
            .get(..4)
            .map(Selector::from_slice)
            .ok_or(SignatureError::HeadTooLarge)?;
        Ok(Self {
            selector,
            canonical,
            params: params.into(),
            head: head.into(),
            head_len: offset,
        })
    }

    /// The 4-byte selector: the first bytes of keccak256 of the canonical signature.
    pub fn selector(&self) -> Selector {
        self.selector
    }

    /// The canonical form, e.g. `transfer(address,uint256)`.
    pub fn canonical(&self) -> &str {
        &self.canonical
    }

    /// The top-level parameters in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The static elementary words of the head, in order.
    pub fn head(&self) -> &[HeadWord] {
        &self.head
    }

    /// The head's length in bytes after the selector: calldata shorter than `4 + head_len`
    /// makes Solidity revert before any code runs.
    pub fn head_len(&self) -> usize {
        self.head_len
    }

    /// Finds a parameter by name.
    pub fn param_by_name(&self, name: &str) -> Option<(usize, &Param)> {
        self.params
            .iter()
            .enumerate()
            .find(|(_, p)| p.name.as_deref() == Some(name))
    }
}

/// How many head words a type occupies: 1 for dynamic types, its full size for static ones.
fn head_words(ty: &DynSolType) -> Option<usize> {
    if ty.is_dynamic() {
        return Some(1);
    }
    let words = match ty {
        DynSolType::FixedArray(inner, len) => head_words(inner)?.checked_mul(*len)?,
        DynSolType::Tuple(fields) => fields
            .iter()
            .try_fold(0usize, |acc, f| acc.checked_add(head_words(f)?))?,
        _ => 1,
    };
    (words <= MAX_HEAD_WORDS).then_some(words)
}

/// Appends every elementary word of a static type laid out from `offset`.
fn static_leaves(
    ty: &DynSolType,
    offset: usize,
    out: &mut Vec<HeadWord>,
) -> Result<usize, SignatureError> {
    match ty {
        DynSolType::FixedArray(inner, len) => {
            let mut at = offset;
            for _ in 0..*len {
                at = static_leaves(inner, at, out)?;
            }
            Ok(at)
        }
        DynSolType::Tuple(fields) => fields
            .iter()
            .try_fold(offset, |at, f| static_leaves(f, at, out)),
        // `function` types are 24 bytes left-aligned, like bytes24.
        DynSolType::Function => push_word(out, offset, WordType::FixedBytes(24)),
        other => {
            let word = WordType::from_dyn(other).ok_or(SignatureError::HeadTooLarge)?;
            push_word(out, offset, word)
        }
    }
}

fn push_word(
    out: &mut Vec<HeadWord>,
    offset: usize,
    ty: WordType,
) -> Result<usize, SignatureError> {
    if out.len() >= MAX_HEAD_WORDS {
        return Err(SignatureError::HeadTooLarge);
    }
    out.push(HeadWord { offset, ty });
    offset.checked_add(32).ok_or(SignatureError::HeadTooLarge)
}

/// Refuses types too deep, too large or with ambiguous component names.
fn check_type(ty: &NamedType, index: usize) -> Result<(), SignatureError> {
    if ty.depth() > MAX_TYPE_DEPTH {
        return Err(SignatureError::TooDeep { index });
    }
    check_sizes(ty, index)
}

fn check_sizes(ty: &NamedType, index: usize) -> Result<(), SignatureError> {
    const LIMIT: usize = MAX_HEAD_WORDS * 32;
    let size = ty.head_size().ok_or(SignatureError::HeadTooLarge)?;
    let own = ty.own_head_size().unwrap_or(0);
    if size > LIMIT || own > LIMIT {
        return Err(SignatureError::HeadTooLarge);
    }
    match ty {
        NamedType::Elementary(_) => Ok(()),
        NamedType::Array(inner) | NamedType::FixedArray(inner, _) => check_sizes(inner, index),
        NamedType::Tuple(components) => {
            for (i, c) in components.iter().enumerate() {
                if let Some(name) = &c.name {
                    let earlier = components.get(..i).unwrap_or_default();
                    if earlier.iter().any(|e| e.name.as_ref() == Some(name)) {
                        return Err(SignatureError::DuplicateName {
                            index,
                            name: name.clone(),
                        });
                    }
                }
                check_sizes(&c.ty, index)?;
            }
            Ok(())
        }
    }
}

/// A signature split into its parts, before layout.
struct Parsed<'a> {
    name: &'a str,
    inputs: Vec<ParsedParam<'a>>,
}

/// One parameter or tuple component: its type (`None` in outputs, which are only checked for
/// syntax, as their types do not matter) and its optional name.
struct ParsedParam<'a> {
    ty: Option<NamedType>,
    name: Option<&'a str>,
}

/// Words that may follow a parameter list: visibility and state mutability.
const MODIFIERS: [&str; 8] = [
    "internal",
    "external",
    "private",
    "public",
    "pure",
    "view",
    "payable",
    "nonpayable",
];

/// Data locations and `indexed`, accepted between a type and its name and ignored.
const LOCATIONS: [&str; 4] = ["memory", "calldata", "storage", "indexed"];

/// A recursive-descent parser over the signature text: every level of nesting is one call
/// level, bounded by [`MAX_TYPE_DEPTH`].
struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// The top-level parameter being parsed, for error messages.
    index: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            index: 0,
        }
    }

    fn error(&self, expected: &'static str) -> SignatureError {
        SignatureError::Syntax(SyntaxError {
            text: self.text.into(),
            at: self.pos,
            expected,
        })
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        let skipped = self
            .rest()
            .bytes()
            .take_while(u8::is_ascii_whitespace)
            .count();
        self.pos = self.pos.saturating_add(skipped);
    }

    /// Consumes `byte` (after whitespace) if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(byte) {
            self.pos = self.pos.saturating_add(1);
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), SignatureError> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// An identifier (`[A-Za-z_$][A-Za-z0-9_$]*`) after whitespace, without consuming it.
    fn peek_ident(&mut self) -> Option<&'a str> {
        self.skip_ws();
        let rest = self.rest();
        let first = rest.bytes().next()?;
        if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$') {
            return None;
        }
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
            .count();
        rest.get(..len)
    }

    fn ident(&mut self) -> Option<&'a str> {
        let ident = self.peek_ident()?;
        self.pos = self.pos.saturating_add(ident.len());
        Some(ident)
    }

    /// `[function] name(params) [modifiers] [returns (params)]`
    fn signature(mut self) -> Result<Parsed<'a>, SignatureError> {
        let mut name = self.ident().ok_or_else(|| self.error("a function name"))?;
        if name == "function"
            && self.peek().is_some_and(|b| b.is_ascii_whitespace())
            && let Some(real) = self.ident()
        {
            name = real;
        }
        self.expect(b'(', "`(` after the function name")?;
        let inputs = self.params(0, true)?;
        while let Some(word) = self.peek_ident() {
            if !MODIFIERS.contains(&word) {
                break;
            }
            self.ident();
        }
        let colon = self.eat(b':');
        let returns = self.peek_ident() == Some("returns");
        if returns {
            self.ident();
        }
        if self.eat(b'(') {
            self.params(0, false)?;
        } else if returns || colon {
            return Err(self.error("`(` and the return types"));
        }
        self.skip_ws();
        if self.pos < self.text.len() {
            return Err(self.error("the end of the signature"));
        }
        Ok(Parsed { name, inputs })
    }

    /// The rest of a parameter list after its `(`, through its `)`. `level` counts the tuples
    /// and arrays around it; `resolve` is false for outputs.
    fn params(
        &mut self,
        level: usize,
        resolve: bool,
    ) -> Result<Vec<ParsedParam<'a>>, SignatureError> {
        let mut list = Vec::new();
        if self.eat(b')') {
            return Ok(list);
        }
        loop {
            if level == 0 {
                self.index = list.len();
            }
            let ty = self.ty(level, resolve)?;
            let mut name = self.peek_ident();
            if name.is_some_and(|n| LOCATIONS.contains(&n)) {
                self.ident();
                name = self.peek_ident();
            }
            if name.is_some() {
                self.ident();
            }
            list.push(ParsedParam { ty, name });
            if self.eat(b')') {
                return Ok(list);
            }
            self.expect(b',', "`,` or `)` after a parameter")?;
            // A trailing comma is allowed, as alloy allows it.
            if self.eat(b')') {
                return Ok(list);
            }
        }
    }

    /// A type: a tuple or an elementary name, then any array suffixes.
    fn ty(&mut self, level: usize, resolve: bool) -> Result<Option<NamedType>, SignatureError> {
        self.skip_ws();
        let mut ty = match self.peek_ident() {
            Some("tuple")
                if self.text.as_bytes().get(self.pos.saturating_add(5)) == Some(&b'(') =>
            {
                self.ident();
                self.tuple(level, resolve)?
            }
            Some(word) => {
                self.ident();
                if resolve {
                    Some(elementary(word).ok_or_else(|| SignatureError::UnknownType {
                        index: self.index,
                        ty: word.into(),
                    })?)
                } else {
                    None
                }
            }
            None if self.peek() == Some(b'(') => self.tuple(level, resolve)?,
            None => return Err(self.error("a type")),
        };
        let mut depth = level;
        while self.eat(b'[') {
            depth = depth.saturating_add(1);
            if depth > MAX_TYPE_DEPTH {
                return Err(SignatureError::TooDeep { index: self.index });
            }
            self.skip_ws();
            let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
            let size = match self.rest().get(..digits) {
                Some("") | None => None,
                Some(text) => match text.parse::<usize>() {
                    Ok(0) | Err(_) => {
                        return Err(self.error("an array size from 1 to 2^64 - 1"));
                    }
                    Ok(n) => Some(n),
                },
            };
            self.pos = self.pos.saturating_add(digits);
            self.expect(b']', "`]` or an array size")?;
            ty = ty.map(|inner| match size {
                Some(n) => NamedType::FixedArray(Box::new(inner), n),
                None => NamedType::Array(Box::new(inner)),
            });
        }
        Ok(ty)
    }

    /// A tuple type from its `(`.
    fn tuple(&mut self, level: usize, resolve: bool) -> Result<Option<NamedType>, SignatureError> {
        let level = level.saturating_add(1);
        if level > MAX_TYPE_DEPTH {
            return Err(SignatureError::TooDeep { index: self.index });
        }
        self.expect(b'(', "`(`")?;
        self.skip_ws();
        if self.peek() == Some(b')') {
            // Solidity has no empty structs, and `()` has no canonical form.
            return Err(self.error("a component type: tuples are not empty"));
        }
        let components = self.params(level, resolve)?;
        if !resolve {
            return Ok(None);
        }
        let components = components
            .into_iter()
            .map(|p| {
                Some(Component {
                    name: p.name.map(String::from),
                    ty: p.ty?,
                })
            })
            .collect::<Option<Box<[Component]>>>();
        Ok(components.map(NamedType::Tuple))
    }
}

/// An elementary type by name: `address`, `bool`, `uint`/`uintN`, `int`/`intN`, `bytesN`,
/// `function`, `bytes`, `string`.
fn elementary(name: &str) -> Option<NamedType> {
    let ty = DynSolType::parse(name).ok()?;
    match ty {
        DynSolType::Address
        | DynSolType::Bool
        | DynSolType::Uint(_)
        | DynSolType::Int(_)
        | DynSolType::FixedBytes(_)
        | DynSolType::Function
        | DynSolType::Bytes
        | DynSolType::String => Some(NamedType::Elementary(ty)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
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
        let sig =
            Signature::parse("f((address,uint8) p, bytes data, uint16[2] xs, bool ok)").unwrap();
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

        let sig = Signature::parse(
            "aggregate3((address target,bool allowFailure,bytes callData)[] calls)",
        )
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
}
