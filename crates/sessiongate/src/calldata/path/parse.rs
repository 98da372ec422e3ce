//! The path language: `params.recipient`, `path[0]`, `calls[*].callData`, `data.length`, lexed
//! and compiled against a signature's type tree into steps.

use super::{LeafKind, MAX_STEPS, ParamPath, PathError, Pick, Step, Tail};
use crate::calldata::{Component, NamedType, Signature, WordType};
use alloc::{
    format,
    string::{String, ToString},
    vec::Vec,
};
use alloy_dyn_abi::DynSolType;
use core::fmt::Write as _;

impl ParamPath {
    /// Compiles a path such as `params.recipient`, `path[0]`, `recipients[*]`,
    /// `calls[*].callData`, `data.length`, `0.recipient` (a parameter by index) or `amount`.
    pub fn parse(sig: &Signature, path: &str) -> Result<Self, PathError> {
        let tokens = lex(path)?;
        if tokens.len() > MAX_STEPS.saturating_add(1) {
            return Err(PathError::TooDeep { path: path.into() });
        }
        let mut tokens = tokens.into_iter();
        let index = match tokens.next() {
            Some(Token::Index(i)) => i,
            Some(Token::Field(name)) => {
                sig.param_by_name(name)
                    .map(|(i, _)| i)
                    .ok_or_else(|| PathError::UnknownParam {
                        name: name.into(),
                        signature: sig.canonical().into(),
                        params: param_list(sig),
                    })?
            }
            _ => {
                return Err(PathError::Syntax {
                    path: path.into(),
                    at: 0,
                    expected: "a parameter name or index",
                });
            }
        };
        let mut builder = Builder::new(sig, index)?;
        let mut rest = tokens.peekable();
        while let Some(token) = rest.next() {
            let last = rest.peek().is_none();
            builder.step(token, last, path)?;
        }
        builder.finish()
    }

    /// The whole parameter `index`, which must be an elementary value.
    pub fn index(sig: &Signature, index: usize) -> Result<Self, PathError> {
        Builder::new(sig, index)?.finish()
    }
}

/// One token of a path's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    /// A name: the head parameter, or `.field` (`length` included).
    Field(&'a str),
    /// Digits: the head parameter's index, or `[N]`.
    Index(usize),
    /// `[*]`.
    Each,
}

fn lex(path: &str) -> Result<Vec<Token<'_>>, PathError> {
    let bytes = path.as_bytes();
    let syntax = |at: usize, expected: &'static str| PathError::Syntax {
        path: path.into(),
        at,
        expected,
    };
    let ident_at = |at: usize| -> Option<&str> {
        let rest = path.get(at..)?;
        let first = *rest.as_bytes().first()?;
        if !(first.is_ascii_alphabetic() || first == b'_' || first == b'$') {
            return None;
        }
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
            .count();
        rest.get(..len)
    };
    let digits_at = |at: usize| -> Option<(usize, usize)> {
        let rest = path.get(at..)?;
        let len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let value = rest.get(..len)?.parse::<usize>().ok()?;
        Some((value, len))
    };
    let mut tokens = Vec::new();
    let mut at;
    if let Some((index, len)) = digits_at(0) {
        tokens.push(Token::Index(index));
        at = len;
    } else if let Some(name) = ident_at(0) {
        tokens.push(Token::Field(name));
        at = name.len();
    } else {
        return Err(syntax(0, "a parameter name or index"));
    }
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'.' => {
                at = at.saturating_add(1);
                let name = ident_at(at).ok_or_else(|| syntax(at, "a field name after `.`"))?;
                tokens.push(Token::Field(name));
                at = at.saturating_add(name.len());
            }
            b'[' => {
                at = at.saturating_add(1);
                if bytes.get(at) == Some(&b'*') {
                    tokens.push(Token::Each);
                    at = at.saturating_add(1);
                } else {
                    let (index, len) =
                        digits_at(at).ok_or_else(|| syntax(at, "an index or `*` after `[`"))?;
                    tokens.push(Token::Index(index));
                    at = at.saturating_add(len);
                }
                if bytes.get(at) != Some(&b']') {
                    return Err(syntax(at, "`]`"));
                }
                at = at.saturating_add(1);
            }
            _ => return Err(syntax(at, "`.field`, `[N]` or `[*]`")),
        }
    }
    Ok(tokens)
}

/// The parameters of a signature for a message: `to`, `amount`, `#2`.
fn param_list(sig: &Signature) -> String {
    let names: Vec<String> = sig
        .params()
        .iter()
        .enumerate()
        .map(|(i, p)| match &p.name {
            Some(name) => format!("`{name}`"),
            None => format!("`#{i}`"),
        })
        .collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// The named fields of a tuple for a message.
fn field_list(components: &[Component]) -> String {
    let names: Vec<String> = components
        .iter()
        .filter_map(|c| c.name.as_ref().map(|n| format!("`{n}`")))
        .collect();
    if names.is_empty() {
        "its components have no names: name them in the signature, e.g. \
         `(address to, uint256 amount) p`"
            .into()
    } else {
        format!("its fields are {}", names.join(", "))
    }
}

/// Compiles tokens into steps, following the type tree.
struct Builder<'s> {
    ty: &'s NamedType,
    label: String,
    steps: Vec<Step>,
    tail: Option<(Tail, LeafKind)>,
    static_offset: Option<usize>,
    wildcards: usize,
}

impl<'s> Builder<'s> {
    fn new(sig: &'s Signature, index: usize) -> Result<Self, PathError> {
        let param = sig.params().get(index).ok_or_else(|| PathError::NoParam {
            index,
            signature: sig.canonical().into(),
            count: sig.params().len(),
        })?;
        let deref = param.named.is_dynamic();
        let label = match &param.name {
            Some(name) => name.clone(),
            None => format!("{index}"),
        };
        Ok(Self {
            ty: &param.named,
            label,
            steps: alloc::vec![Step::Field {
                offset: param.offset,
                head: sig.head_len(),
                deref,
            }],
            tail: None,
            static_offset: (!deref).then_some(param.offset),
            wildcards: 0,
        })
    }

    fn step(&mut self, token: Token<'_>, last: bool, path: &str) -> Result<(), PathError> {
        match (token, self.ty) {
            (Token::Field(name), NamedType::Tuple(components)) => {
                let Some(position) = components
                    .iter()
                    .position(|c| c.name.as_deref() == Some(name))
                else {
                    return Err(PathError::UnknownField {
                        at: self.label.clone(),
                        field: name.into(),
                        fields: field_list(components),
                    });
                };
                let offset = components
                    .iter()
                    .take(position)
                    .map(|c| c.ty.head_size().unwrap_or(0))
                    .fold(0usize, usize::saturating_add);
                let head = self.ty.own_head_size().unwrap_or(0);
                let Some(component) = components.get(position) else {
                    return Err(PathError::TooDeep { path: path.into() });
                };
                let deref = component.ty.is_dynamic();
                self.steps.push(Step::Field {
                    offset,
                    head,
                    deref,
                });
                self.static_offset = self
                    .static_offset
                    .filter(|_| !deref)
                    .map(|at| at.saturating_add(offset));
                let _ = write!(self.label, ".{name}");
                self.ty = &component.ty;
            }
            (Token::Field("length"), ty) => {
                let tail = match ty {
                    NamedType::Array(inner) => Tail::ArrayLength {
                        stride: inner.head_size().unwrap_or(32),
                    },
                    NamedType::Elementary(DynSolType::Bytes | DynSolType::String) => {
                        Tail::Bytes { length: true }
                    }
                    _ => {
                        return Err(PathError::NoLength {
                            at: self.label.clone(),
                            ty: ty.to_string(),
                        });
                    }
                };
                if !last {
                    return Err(PathError::Syntax {
                        path: path.into(),
                        at: path.find(".length").map_or(0, |i| i.saturating_add(7)),
                        expected: "nothing after `.length`",
                    });
                }
                self.tail = Some((tail, LeafKind::Length));
                self.static_offset = None;
                self.label.push_str(".length");
            }
            (Token::Field(name), ty) => {
                return Err(PathError::NotTuple {
                    at: self.label.clone(),
                    ty: ty.to_string(),
                    field: name.into(),
                });
            }
            (Token::Index(_) | Token::Each, NamedType::FixedArray(inner, len)) => {
                if let Token::Index(index) = token
                    && index >= *len
                {
                    return Err(PathError::IndexBeyondFixed {
                        at: self.label.clone(),
                        ty: self.ty.to_string(),
                        index,
                        len: *len,
                        last: len.saturating_sub(1),
                    });
                }
                let pick = self.pick(token);
                let stride = inner.head_size().unwrap_or(32);
                let deref = inner.is_dynamic();
                self.steps.push(Step::Fixed {
                    pick,
                    len: *len,
                    stride,
                    deref,
                });
                self.static_offset = match pick {
                    Pick::At(index) if !deref => self
                        .static_offset
                        .map(|at| at.saturating_add(index.saturating_mul(stride))),
                    _ => None,
                };
                self.ty = inner;
            }
            (Token::Index(_) | Token::Each, NamedType::Array(inner)) => {
                let pick = self.pick(token);
                self.steps.push(Step::Dynamic {
                    pick,
                    stride: inner.head_size().unwrap_or(32),
                    deref: inner.is_dynamic(),
                });
                self.static_offset = None;
                self.ty = inner;
            }
            (Token::Index(index), ty) => {
                return Err(PathError::NotArray {
                    at: self.label.clone(),
                    ty: ty.to_string(),
                    index: format!("{index}"),
                });
            }
            (Token::Each, ty) => {
                return Err(PathError::NotArray {
                    at: self.label.clone(),
                    ty: ty.to_string(),
                    index: "*".into(),
                });
            }
        }
        Ok(())
    }

    /// The pick of an index token, counting `[*]` and extending the label.
    fn pick(&mut self, token: Token<'_>) -> Pick {
        match token {
            Token::Index(index) => {
                let _ = write!(self.label, "[{index}]");
                Pick::At(index)
            }
            _ => {
                self.label.push_str("[*]");
                self.wildcards = self.wildcards.saturating_add(1);
                Pick::Each
            }
        }
    }

    fn finish(self) -> Result<ParamPath, PathError> {
        let (tail, kind) = match self.tail {
            Some(tail) => tail,
            None => leaf_of(self.ty).ok_or_else(|| PathError::NotLeaf {
                at: self.label.clone(),
                ty: self.ty.to_string(),
                hint: match self.ty {
                    NamedType::Tuple(components) => {
                        format!("`.field` ({})", field_list(components))
                    }
                    NamedType::Array(_) => "`[*]`, `[N]` or `.length`".into(),
                    _ => "`[*]` or `[N]`".into(),
                },
            })?,
        };
        let static_offset = match tail {
            Tail::Word(_) => self.static_offset,
            _ => None,
        };
        Ok(ParamPath {
            label: self.label,
            steps: self.steps.into(),
            tail,
            kind,
            static_offset,
            wildcards: self.wildcards,
        })
    }
}

/// How an elementary type is read as a leaf; `None` for tuples and arrays.
fn leaf_of(ty: &NamedType) -> Option<(Tail, LeafKind)> {
    let NamedType::Elementary(ty) = ty else {
        return None;
    };
    Some(match ty {
        DynSolType::Bytes => (Tail::Bytes { length: false }, LeafKind::Bytes),
        DynSolType::String => (Tail::Bytes { length: false }, LeafKind::String),
        // A `function` is an address and a selector, left-aligned like bytes24.
        DynSolType::Function => {
            let word = WordType::FixedBytes(24);
            (Tail::Word(word), LeafKind::Word(word))
        }
        other => {
            let word = WordType::from_dyn(other)?;
            (Tail::Word(word), LeafKind::Word(word))
        }
    })
}
