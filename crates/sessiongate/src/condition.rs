//! The comparisons rules are written with and violations are explained with: shared by the
//! document, the compiled model and the verdict.

use serde::{Deserialize, Serialize};

/// A rule's comparison. Ordering conditions compare as unsigned numbers, or signed for `intN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Equal to the value.
    Eq,
    /// Not equal to the value.
    Ne,
    /// Greater than the value.
    Gt,
    /// Greater than or equal to the value.
    Gte,
    /// Less than the value.
    Lt,
    /// Less than or equal to the value.
    Lte,
    /// Within `[min, max]`, both ends included.
    InRange,
    /// Equal to one of the values.
    OneOf,
    /// Every bit set in the value is set in the parameter.
    BitsAll,
    /// At least one bit set in the value is set in the parameter.
    BitsAny,
    /// `bytes` or `string` that starts with the value.
    Prefix,
}
