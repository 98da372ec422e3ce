//! Parameter paths: `params.recipient`, `path[0]`, `calls[*].callData`, `data.length`, compiled
//! once against a [`Signature`] into steps over its ABI type tree, then read from calldata
//! strictly and lazily.
//!
//! Only the words on the path are read. Every offset is checked (a multiple of 32, past the
//! head of the tuple or array that holds it, inside the data), so are lengths (the content they
//! announce fits in the data; arrays iterated with `[*]` have at most [`MAX_ELEMENTS`]
//! elements), the order of the offsets of an iterated array's elements, the zero padding after
//! `bytes` and `string` content, and the validity of static leaf words for their type.
//!
//! Positions (`at`) in leaves and errors are byte offsets after the 4-byte selector.

use super::{NamedType, Signature, WordType, Work};
use alloc::{
    boxed::Box,
    format,
    string::{String, ToString},
    vec::Vec,
};
use alloy_dyn_abi::DynSolType;
use alloy_primitives::U256;
use core::fmt::Write as _;
use core::ops::ControlFlow;
use serde::{Deserialize, Serialize};

/// A `[*]` over an array with more elements than this is refused ([`DecodeError::TooManyElements`]).
pub const MAX_ELEMENTS: usize = 1024;

/// Paths longer than this many steps after their head are refused.
const MAX_STEPS: usize = 16;

/// Where the parameters' encoding starts in the calldata: after the selector.
const PARAMS_START: usize = 4;

/// A parameter path compiled against a signature.
#[derive(Clone, Debug)]
pub struct ParamPath {
    label: String,
    steps: Box<[Step]>,
    tail: Tail,
    kind: LeafKind,
    static_offset: Option<usize>,
    wildcards: usize,
}

/// What a path's leaf is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafKind {
    /// A static elementary word (address, bool, uintN, intN, bytesN; `function` reads as
    /// bytes24).
    Word(WordType),
    /// `bytes` content.
    Bytes,
    /// `string` content (its bytes, not checked as UTF-8).
    String,
    /// `.length` of a dynamic array, `bytes` or `string`.
    Length,
}

/// One value a path reaches in calldata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leaf<'d> {
    /// A static word, already valid for its [`WordType`].
    Word {
        /// Byte offset of the word after the selector.
        at: usize,
        /// The word.
        word: U256,
    },
    /// The content of a `bytes` or `string` (its zero padding checked).
    Bytes {
        /// Byte offset of the length word after the selector.
        at: usize,
        /// The content, without padding.
        content: &'d [u8],
    },
    /// The length of a dynamic array, `bytes` or `string` (`.length`).
    Length {
        /// Byte offset of the length word after the selector.
        at: usize,
        /// The length.
        len: U256,
    },
}

impl Leaf<'_> {
    /// Byte offset after the selector of the leaf's word or length word.
    pub fn at(&self) -> usize {
        match *self {
            Self::Word { at, .. } | Self::Bytes { at, .. } | Self::Length { at, .. } => at,
        }
    }
}

/// Why a path could not be compiled against a signature.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// The text is not a path.
    #[error(
        "`{path}` is not a parameter path: expected {expected} at byte {at}; write it like \
         `amount`, `0`, `params.recipient`, `path[0]`, `calls[*].target` or `data.length`"
    )]
    Syntax {
        /// The path as given.
        path: String,
        /// Byte position of the problem.
        at: usize,
        /// What was expected there.
        expected: &'static str,
    },
    /// No top-level parameter has this name.
    #[error("`{signature}` has no parameter named `{name}`; its parameters are {params}")]
    UnknownParam {
        /// The name in the path.
        name: String,
        /// The signature's canonical form.
        signature: String,
        /// The parameters that exist, by name or `#index`.
        params: String,
    },
    /// The parameter index is past the last parameter.
    #[error("`{signature}` has no parameter {index}: it has {count}, from 0")]
    NoParam {
        /// The index in the path.
        index: usize,
        /// The signature's canonical form.
        signature: String,
        /// How many parameters it has.
        count: usize,
    },
    /// The tuple has no component with this name.
    #[error("`{at}` has no field `{field}`; {fields}")]
    UnknownField {
        /// The path up to the tuple.
        at: String,
        /// The name asked for.
        field: String,
        /// The fields that exist, as a sentence.
        fields: String,
    },
    /// `.field` on something that is not a tuple.
    #[error("`{at}` is `{ty}`, not a tuple, so it has no field `{field}`")]
    NotTuple {
        /// The path up to the value.
        at: String,
        /// Its type.
        ty: String,
        /// The name asked for.
        field: String,
    },
    /// `[N]` or `[*]` on something that is not an array.
    #[error("`{at}` is `{ty}`, not an array: remove `[{index}]`")]
    NotArray {
        /// The path up to the value.
        at: String,
        /// Its type.
        ty: String,
        /// The index as written (`*` or digits).
        index: String,
    },
    /// `[N]` beyond the end of a fixed array.
    #[error("`{at}` is `{ty}`: index {index} is past its {len} elements (0 to {last})")]
    IndexBeyondFixed {
        /// The path up to the array.
        at: String,
        /// Its type.
        ty: String,
        /// The index asked for.
        index: usize,
        /// The array's length.
        len: usize,
        /// Its last index.
        last: usize,
    },
    /// `.length` on a type whose length is not in the calldata.
    #[error(
        "`{at}` is `{ty}`: `.length` applies to dynamic arrays (`T[]`), `bytes` and `string` only"
    )]
    NoLength {
        /// The path up to the value.
        at: String,
        /// Its type.
        ty: String,
    },
    /// The path ends at a tuple or an array.
    #[error("`{at}` is `{ty}`, not an elementary value: add {hint}")]
    NotLeaf {
        /// The path.
        at: String,
        /// Its type.
        ty: String,
        /// What to add, e.g. ``.field` (one of `a`, `b`)`.
        hint: String,
    },
    /// More steps than a path may have.
    #[error("`{path}` has more than {MAX_STEPS} steps")]
    TooDeep {
        /// The path as given.
        path: String,
    },
}

/// Why calldata does not decode along a path. Positions (`at`) are byte offsets after the
/// selector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DecodeError {
    /// The calldata ends before a word the path reads.
    #[error("the calldata ends before the word at byte {at}")]
    ShortData {
        /// Where the word would start.
        at: usize,
    },
    /// An offset that is not a multiple of 32.
    #[error("the offset {offset} at byte {at} is not a multiple of 32")]
    MisalignedOffset {
        /// Where the offset word is.
        at: usize,
        /// The offset.
        #[serde(with = "crate::wire::Decimal")]
        offset: U256,
    },
    /// An offset that points into the head of the tuple or array that holds it.
    #[error("the offset {offset} at byte {at} points into its {head}-byte head")]
    OffsetIntoHead {
        /// Where the offset word is.
        at: usize,
        /// The offset.
        #[serde(with = "crate::wire::Decimal")]
        offset: U256,
        /// The head's size in bytes.
        head: usize,
    },
    /// An offset that points past the end of the calldata.
    #[error("the offset {offset} at byte {at} points past the end of the {len}-byte calldata")]
    OffsetOutOfBounds {
        /// Where the offset word is.
        at: usize,
        /// The offset.
        #[serde(with = "crate::wire::Decimal")]
        offset: U256,
        /// The calldata's length after the selector.
        len: usize,
    },
    /// An element's offset that is not above the previous element's.
    #[error("the offset {offset} at byte {at} is not above the previous element's, {previous}")]
    OffsetsOutOfOrder {
        /// Where the offset word is.
        at: usize,
        /// The offset.
        #[serde(with = "crate::wire::Decimal")]
        offset: U256,
        /// The previous element's offset.
        #[serde(with = "crate::wire::Decimal")]
        previous: U256,
    },
    /// A `[*]` over an array longer than [`MAX_ELEMENTS`].
    #[error("the array at byte {at} has {len} elements, more than the {max} a `[*]` reads")]
    TooManyElements {
        /// Where the length word is.
        at: usize,
        /// The length.
        #[serde(with = "crate::wire::Decimal")]
        len: U256,
        /// The limit.
        max: usize,
    },
    /// A length whose content runs past the end of the calldata.
    #[error("the length {len} at byte {at} runs past the end of the calldata")]
    LengthOutOfBounds {
        /// Where the length word is.
        at: usize,
        /// The length.
        #[serde(with = "crate::wire::Decimal")]
        len: U256,
    },
    /// Non-zero bytes in the padding after `bytes` or `string` content.
    #[error("the padding after the {len} bytes at byte {at} is not zero at byte {byte}")]
    DirtyPadding {
        /// Where the length word is.
        at: usize,
        /// The content's length.
        len: usize,
        /// The first non-zero padding byte.
        byte: usize,
    },
    /// `[N]` at or past the end of an array.
    #[error("index {index} is out of bounds for the {len} elements at byte {at}")]
    IndexOutOfBounds {
        /// Where the array's length word is (its start, for a fixed array).
        at: usize,
        /// The index.
        index: usize,
        /// The array's length.
        #[serde(with = "crate::wire::Decimal")]
        len: U256,
    },
    /// A static leaf word that is not a valid encoding of its type.
    #[error("the word at byte {at} is not a valid {ty}: {word:#x}")]
    DirtyWord {
        /// Where the word is.
        at: usize,
        /// Its type.
        ty: WordType,
        /// The word.
        #[serde(with = "crate::wire::Decimal")]
        word: U256,
    },
    /// The transaction's budget of decoding steps ran out (see [`Work`]).
    #[error("decoding stopped at byte {at}: the transaction's budget of steps is spent")]
    WorkExhausted {
        /// Where the step that found the budget spent would have read.
        at: usize,
    },
    /// [`ParamPath::get`] on a path with more than one `[*]`.
    #[error("the path has {wildcards} `[*]`: read its leaves with `visit`")]
    TooManyWildcards {
        /// How many `[*]` it has.
        wildcards: usize,
    },
}

/// Which element of an array a step takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Pick {
    At(usize),
    Each,
}

/// One step from the start of a value's encoding to the start of a part of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// A tuple component: its head slot is `offset` bytes into the tuple, whose head is `head`
    /// bytes; `deref` when the component is dynamic (the slot holds an offset).
    Field {
        offset: usize,
        head: usize,
        deref: bool,
    },
    /// An element of a fixed array of `len` elements, each `stride` head bytes.
    Fixed {
        pick: Pick,
        len: usize,
        stride: usize,
        deref: bool,
    },
    /// An element of a dynamic array: a length word, then elements of `stride` head bytes.
    Dynamic {
        pick: Pick,
        stride: usize,
        deref: bool,
    },
}

impl Step {
    fn is_each(&self) -> bool {
        matches!(
            self,
            Self::Fixed {
                pick: Pick::Each,
                ..
            } | Self::Dynamic {
                pick: Pick::Each,
                ..
            }
        )
    }
}

/// How the leaf is read once the steps reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tail {
    Word(WordType),
    /// `bytes` / `string`: content, or its length with `length`.
    Bytes {
        length: bool,
    },
    /// `.length` of a dynamic array whose elements take `stride` head bytes.
    ArrayLength {
        stride: usize,
    },
}

/// An array opened at its encoding's start.
#[derive(Clone, Copy, Debug)]
struct Opened {
    /// Where its elements' heads start.
    frame: usize,
    /// How many elements it has.
    count: usize,
    /// Head bytes per element.
    stride: usize,
    /// Whether elements are dynamic (their head slots hold offsets).
    deref: bool,
    /// Where the length word is (dynamic) or the array starts (fixed), for errors.
    at: usize,
}

/// An element located in an opened array.
#[derive(Clone, Copy, Debug)]
struct Element {
    /// Where its encoding starts.
    pos: usize,
    /// Its head slot.
    slot: usize,
    /// Its offset from the array's frame, for dynamic elements.
    offset: usize,
}

/// Where a step leads: a position, or an array to iterate.
enum Next {
    At(usize),
    Each(Opened),
}

/// Byte position after the selector, for leaves and errors.
#[inline]
fn rel(pos: usize) -> usize {
    pos.saturating_sub(PARAMS_START)
}

#[inline]
fn word(data: &[u8], pos: usize) -> Result<U256, DecodeError> {
    load(data, pos).ok_or(DecodeError::ShortData { at: rel(pos) })
}

/// [`read_word`](super::read_word) by 64-bit limbs, which compiles to four loads and byte swaps.
#[inline(always)]
fn load(data: &[u8], pos: usize) -> Option<U256> {
    let end = pos.checked_add(32)?;
    let bytes = data.get(pos..end)?;
    let (w3, rest) = bytes.split_first_chunk::<8>()?;
    let (w2, rest) = rest.split_first_chunk::<8>()?;
    let (w1, rest) = rest.split_first_chunk::<8>()?;
    let (w0, _) = rest.split_first_chunk::<8>()?;
    Some(U256::from_limbs([
        u64::from_be_bytes(*w0),
        u64::from_be_bytes(*w1),
        u64::from_be_bytes(*w2),
        u64::from_be_bytes(*w3),
    ]))
}

/// Follows the offset word at `slot`, relative to `frame`, the start of a tuple or array whose
/// head is `head` bytes. Returns the target position and the offset.
#[inline]
fn follow(
    data: &[u8],
    frame: usize,
    head: usize,
    slot: usize,
) -> Result<(usize, usize), DecodeError> {
    let offset = word(data, slot)?;
    let at = rel(slot);
    let [low, ..] = *offset.as_limbs();
    if low & 31 != 0 {
        return Err(DecodeError::MisalignedOffset { at, offset });
    }
    let small = usize::try_from(offset).ok();
    if small.is_some_and(|o| o < head) {
        return Err(DecodeError::OffsetIntoHead { at, offset, head });
    }
    // Every dynamic value starts with at least one word: a length, or a non-empty head.
    small
        .and_then(|o| Some((frame.checked_add(o)?, o)))
        .filter(|(target, _)| target.checked_add(32).is_some_and(|end| end <= data.len()))
        .ok_or(DecodeError::OffsetOutOfBounds {
            at,
            offset,
            len: rel(data.len()),
        })
}

/// Whether `count` elements of `stride` bytes from `frame` fit in the data.
#[inline]
fn fits(data: &[u8], frame: usize, count: usize, stride: usize) -> bool {
    count
        .checked_mul(stride)
        .and_then(|bytes| frame.checked_add(bytes))
        .is_some_and(|end| end <= data.len())
}

impl Opened {
    /// Opens the array a `Fixed` or `Dynamic` step enters at `pos`; `each` applies the
    /// [`MAX_ELEMENTS`] cap.
    #[inline]
    fn new(data: &[u8], pos: usize, step: &Step, each: bool) -> Result<Self, DecodeError> {
        match *step {
            Step::Fixed {
                len, stride, deref, ..
            } => Ok(Self {
                frame: pos,
                count: len,
                stride,
                deref,
                at: rel(pos),
            }),
            Step::Dynamic { stride, deref, .. } => {
                let len = word(data, pos)?;
                let at = rel(pos);
                if each && len > U256::from(MAX_ELEMENTS) {
                    return Err(DecodeError::TooManyElements {
                        at,
                        len,
                        max: MAX_ELEMENTS,
                    });
                }
                let frame = pos.saturating_add(32);
                let count = usize::try_from(len)
                    .ok()
                    .filter(|count| fits(data, frame, *count, stride))
                    .ok_or(DecodeError::LengthOutOfBounds { at, len })?;
                Ok(Self {
                    frame,
                    count,
                    stride,
                    deref,
                    at,
                })
            }
            // Fields never open arrays.
            Step::Field { .. } => Err(DecodeError::ShortData { at: rel(pos) }),
        }
    }

    /// Element `index`: its head slot and, for dynamic elements, the target of its offset.
    #[inline]
    fn element(&self, data: &[u8], index: usize) -> Result<Element, DecodeError> {
        if index >= self.count {
            return Err(DecodeError::IndexOutOfBounds {
                at: self.at,
                index,
                len: U256::from(self.count),
            });
        }
        let slot = index
            .checked_mul(self.stride)
            .and_then(|bytes| self.frame.checked_add(bytes))
            .ok_or(DecodeError::ShortData {
                at: rel(self.frame),
            })?;
        if !self.deref {
            return Ok(Element {
                pos: slot,
                slot,
                offset: 0,
            });
        }
        let head = self.count.saturating_mul(self.stride);
        let (pos, offset) = follow(data, self.frame, head, slot)?;
        Ok(Element { pos, slot, offset })
    }

    /// Checks that the offset of element `index` is above the previous element's.
    #[inline]
    fn in_order(&self, element: &Element, previous: &mut Option<usize>) -> Result<(), DecodeError> {
        if !self.deref {
            return Ok(());
        }
        if let Some(prev) = *previous
            && element.offset <= prev
        {
            return Err(DecodeError::OffsetsOutOfOrder {
                at: rel(element.slot),
                offset: U256::from(element.offset),
                previous: U256::from(prev),
            });
        }
        *previous = Some(element.offset);
        Ok(())
    }
}

/// Visits the static words that are the elements of `array` themselves.
#[inline]
fn each_word<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
    data: &'d [u8],
    array: &Opened,
    ty: WordType,
    first: Option<u32>,
    work: &Work,
    f: &mut F,
) -> Result<ControlFlow<()>, DecodeError> {
    // Charged up front: the loop below reads every word even when `f` decides early.
    if !work.spend_count(array.count) {
        return Err(DecodeError::WorkExhausted {
            at: rel(array.frame),
        });
    }
    let mut pos = array.frame;
    for i in 0..array.count {
        let word = word(data, pos)?;
        let at = rel(pos);
        if !ty.is_valid(&word) {
            return Err(DecodeError::DirtyWord { at, ty, word });
        }
        let index = first.unwrap_or_else(|| u32::try_from(i).unwrap_or(u32::MAX));
        if f(index, Leaf::Word { at, word }).is_break() {
            return Ok(ControlFlow::Break(()));
        }
        pos = pos.saturating_add(array.stride);
    }
    Ok(ControlFlow::Continue(()))
}

/// Takes one step from `pos`. A `[*]` step opens its array, unless `each_index` fixes it.
#[inline]
fn advance(
    data: &[u8],
    pos: usize,
    step: &Step,
    each_index: Option<usize>,
) -> Result<Next, DecodeError> {
    match *step {
        Step::Field {
            offset,
            head,
            deref,
        } => {
            let slot = pos
                .checked_add(offset)
                .ok_or(DecodeError::ShortData { at: rel(pos) })?;
            if deref {
                Ok(Next::At(follow(data, pos, head, slot)?.0))
            } else {
                Ok(Next::At(slot))
            }
        }
        Step::Fixed { pick, .. } | Step::Dynamic { pick, .. } => {
            let array = Opened::new(data, pos, step, pick == Pick::Each)?;
            match (pick, each_index) {
                (Pick::At(index), _) | (Pick::Each, Some(index)) => {
                    Ok(Next::At(array.element(data, index)?.pos))
                }
                (Pick::Each, None) => Ok(Next::Each(array)),
            }
        }
    }
}

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

    /// The normalised text of the path, e.g. `params.recipient` or `recipients[*]`. A parameter
    /// given by index is named when the signature names it.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What the leaf is.
    pub fn leaf_kind(&self) -> LeafKind {
        self.kind
    }

    /// The leaf's offset after the selector, when it is a static word at a fixed head position
    /// (reached through static tuple fields and fixed indices into static fixed arrays only).
    pub fn static_offset(&self) -> Option<usize> {
        self.static_offset
    }

    /// How many `[*]` the path has.
    pub fn wildcards(&self) -> usize {
        self.wildcards
    }

    /// Visits every leaf the path reaches, in order: once without `[*]`, once per element with.
    /// The index given to `f` is the element index of the first `[*]` (0 without). Returning
    /// `Break` stops early, with `Ok`.
    ///
    /// `data` is the whole calldata, selector included. Leaves visited before an encoding error
    /// was found have been passed to `f` by the time the error is returned.
    pub fn visit<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
        &self,
        data: &'d [u8],
        f: F,
    ) -> Result<(), DecodeError> {
        self.visit_within(data, &Work::default(), f)
    }

    /// [`visit`](Self::visit), spending one step of `work` per element and leaf reached;
    /// [`DecodeError::WorkExhausted`] when it runs out. Several `[*]` over arrays whose offsets
    /// alias one another could otherwise make a few hundred kilobytes of calldata take hours.
    pub fn visit_within<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
        &self,
        data: &'d [u8],
        work: &Work,
        f: F,
    ) -> Result<(), DecodeError> {
        let mut f = f;
        self.walk(data, 0, PARAMS_START, None, work, &mut f)
            .map(|_| ())
    }

    /// The leaf with the single `[*]` (if any) fixed to `index`; an error if the path has two
    /// or more `[*]`.
    ///
    /// The array at the `[*]` gets the same length checks as in [`visit`](Self::visit), but
    /// only element `index`'s offset is read: [`each_len`](Self::each_len) checks them all.
    pub fn get<'d>(&self, data: &'d [u8], index: u32) -> Result<Leaf<'d>, DecodeError> {
        if self.wildcards > 1 {
            return Err(DecodeError::TooManyWildcards {
                wildcards: self.wildcards,
            });
        }
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        let mut pos = PARAMS_START;
        for step in self.steps.iter() {
            if let Next::At(next) = advance(data, pos, step, Some(index))? {
                pos = next;
            }
        }
        self.leaf(data, pos)
    }

    /// With a `[*]`: how many elements the array at the first `[*]` has (validated as
    /// [`visit`](Self::visit) would).
    ///
    /// The steps before it are followed, its length is checked (at most [`MAX_ELEMENTS`], its
    /// head inside the data) and so are all its elements' offsets (valid and increasing); the
    /// elements themselves are not read. Without a `[*]`: 1, reading nothing.
    pub fn each_len(&self, data: &[u8]) -> Result<usize, DecodeError> {
        let mut pos = PARAMS_START;
        for step in self.steps.iter() {
            match advance(data, pos, step, None)? {
                Next::At(next) => pos = next,
                Next::Each(array) => {
                    if array.deref {
                        let mut previous = None;
                        for i in 0..array.count {
                            let element = array.element(data, i)?;
                            array.in_order(&element, &mut previous)?;
                        }
                    }
                    return Ok(array.count);
                }
            }
        }
        Ok(1)
    }

    /// Whether this path and `other` have their `[*]` on the same array (same steps up to it):
    /// required for nested `target`/`value` paths next to `calldata`.
    ///
    /// Both paths must come from the same signature. Two paths without `[*]` agree; with
    /// several `[*]`, every one must match.
    pub fn same_wildcard(&self, other: &ParamPath) -> bool {
        fn through_last_each(path: &ParamPath) -> &[Step] {
            let end = path
                .steps
                .iter()
                .rposition(Step::is_each)
                .map_or(0, |i| i.saturating_add(1));
            path.steps.get(..end).unwrap_or_default()
        }
        self.wildcards == other.wildcards && through_last_each(self) == through_last_each(other)
    }

    /// Follows the steps from `from` at `pos`, calling `f` on each leaf.
    fn walk<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
        &self,
        data: &'d [u8],
        from: usize,
        mut pos: usize,
        first: Option<u32>,
        work: &Work,
        f: &mut F,
    ) -> Result<ControlFlow<()>, DecodeError> {
        if !work.spend(1) {
            return Err(DecodeError::WorkExhausted { at: rel(pos) });
        }
        let steps = self.steps.get(from..).unwrap_or_default();
        for (k, step) in steps.iter().enumerate() {
            match advance(data, pos, step, None)? {
                Next::At(next) => pos = next,
                Next::Each(array) => {
                    let next = from.saturating_add(k).saturating_add(1);
                    return self.each(data, &array, next, first, work, f);
                }
            }
        }
        let leaf = self.leaf(data, pos)?;
        Ok(f(first.unwrap_or(0), leaf))
    }

    /// Walks the steps from `next` in every element of `array`.
    fn each<'d, F: FnMut(u32, Leaf<'d>) -> ControlFlow<()>>(
        &self,
        data: &'d [u8],
        array: &Opened,
        next: usize,
        first: Option<u32>,
        work: &Work,
        f: &mut F,
    ) -> Result<ControlFlow<()>, DecodeError> {
        if let (Tail::Word(ty), false, true) = (self.tail, array.deref, next >= self.steps.len()) {
            // The common `recipients[*]`: static words one after another, already known to fit.
            return each_word(data, array, ty, first, work, f);
        }
        let mut previous = None;
        for i in 0..array.count {
            let element = array.element(data, i)?;
            array.in_order(&element, &mut previous)?;
            let index = first.or_else(|| u32::try_from(i).ok());
            if self
                .walk(data, next, element.pos, index, work, f)?
                .is_break()
            {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    }

    /// Reads the leaf whose encoding starts at `pos`.
    #[inline]
    fn leaf<'d>(&self, data: &'d [u8], pos: usize) -> Result<Leaf<'d>, DecodeError> {
        let at = rel(pos);
        match self.tail {
            Tail::Word(ty) => {
                let word = word(data, pos)?;
                if !ty.is_valid(&word) {
                    return Err(DecodeError::DirtyWord { at, ty, word });
                }
                Ok(Leaf::Word { at, word })
            }
            Tail::Bytes { length } => {
                let len = word(data, pos)?;
                let start = pos.saturating_add(32);
                let out = DecodeError::LengthOutOfBounds { at, len };
                let n = usize::try_from(len).map_err(|_| out)?;
                let end = n
                    .checked_add(31)
                    .map(|padded| padded & !31)
                    .and_then(|padded| start.checked_add(padded))
                    .filter(|end| *end <= data.len())
                    .ok_or(out)?;
                let content_end = start.checked_add(n).ok_or(out)?;
                let content = data.get(start..content_end).ok_or(out)?;
                let padding = data.get(content_end..end).ok_or(out)?;
                if let Some(i) = padding.iter().position(|b| *b != 0) {
                    return Err(DecodeError::DirtyPadding {
                        at,
                        len: n,
                        byte: rel(content_end.saturating_add(i)),
                    });
                }
                if length {
                    Ok(Leaf::Length { at, len })
                } else {
                    Ok(Leaf::Bytes { at, content })
                }
            }
            Tail::ArrayLength { stride } => {
                let len = word(data, pos)?;
                let frame = pos.saturating_add(32);
                if !usize::try_from(len).is_ok_and(|count| fits(data, frame, count, stride)) {
                    return Err(DecodeError::LengthOutOfBounds { at, len });
                }
                Ok(Leaf::Length { at, len })
            }
        }
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
fn field_list(components: &[super::Component]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloy_dyn_abi::DynSolValue;
    use alloy_primitives::{Address, address};

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
    fn load_reads_words_like_read_word() {
        let data: Vec<u8> = (0..=255u8).chain(0..40).collect();
        for pos in [0, 1, 31, 100, 263, 264, 295, usize::MAX - 10] {
            assert_eq!(
                load(&data, pos),
                super::super::read_word(&data, pos),
                "{pos}"
            );
        }
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
        let s = sig(
            "f((address to, uint256 amount)[] pays, uint8[2] small, bytes data, (bool,bool) t)",
        );
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
}
