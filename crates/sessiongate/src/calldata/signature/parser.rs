//! A recursive-descent parser of a signature's text into its name and typed, named parameters.

use super::{Component, MAX_TYPE_DEPTH, NamedType, SignatureError, SyntaxError};
use alloc::{boxed::Box, string::String, vec::Vec};
use alloy_dyn_abi::DynSolType;

/// A signature split into its parts, before layout.
pub(super) struct Parsed<'a> {
    pub(super) name: &'a str,
    pub(super) inputs: Vec<ParsedParam<'a>>,
}

/// One parameter or tuple component: its type (`None` in outputs, which are only checked for
/// syntax, as their types do not matter) and its optional name.
pub(super) struct ParsedParam<'a> {
    pub(super) ty: Option<NamedType>,
    pub(super) name: Option<&'a str>,
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
pub(super) struct Parser<'a> {
    text: &'a str,
    pos: usize,
    /// The top-level parameter being parsed, for error messages.
    index: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(text: &'a str) -> Self {
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
    pub(super) fn signature(mut self) -> Result<Parsed<'a>, SignatureError> {
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
