//! Why a path does not compile against a signature, and why calldata does not decode along one.

use super::MAX_STEPS;
use crate::calldata::WordType;
use alloc::string::String;
use alloy_primitives::U256;
use serde::{Deserialize, Serialize};

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
    /// A `[*]` over an array longer than [`MAX_ELEMENTS`](super::MAX_ELEMENTS).
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
    /// The transaction's budget of decoding steps ran out (see [`Work`](crate::calldata::Work)).
    #[error("decoding stopped at byte {at}: the transaction's budget of steps is spent")]
    WorkExhausted {
        /// Where the step that found the budget spent would have read.
        at: usize,
    },
    /// [`ParamPath::get`](super::ParamPath::get) on a path with more than one `[*]`.
    #[error("the path has {wildcards} `[*]`: read its leaves with `visit`")]
    TooManyWildcards {
        /// How many `[*]` it has.
        wildcards: usize,
    },
}
