//! What a rule compares with, compiled: constants to words of the parameter's type, byte strings,
//! relations to the context or another parameter with a ratio. Every error names the field.

use super::rules::{MAX_OFFSET, MAX_ONE_OF, Scope};
use super::{
    Condition, ContextValue, Ratio, RelationDocument, RuleDocument, RuleValue, Scalar, parse_u256,
};
use crate::calldata::{LeafKind, ParamPath, WordType};
use crate::compiled::{BytesCheck, Check, Operand, Test};
use alloc::{
    boxed::Box,
    format,
    string::{String, ToString},
    vec::Vec,
};
use alloy_primitives::{I256, U256, hex};

pub(super) type FieldResult<T> = core::result::Result<T, (&'static str, String)>;

/// A comparison with constants; no condition at all is allowed only for a budget.
pub(super) fn constant_check(
    condition: Option<Condition>,
    value: Option<&RuleValue>,
    ty: WordType,
    has_budget: bool,
) -> FieldResult<Check> {
    match (condition, value) {
        (None, None) if has_budget => Ok(Check::Pass),
        (None, None) => Err((
            "condition",
            "a rule needs `condition` and `value` (or only a `budget`)".into(),
        )),
        (None, Some(_)) => Err(("condition", "`value` needs a `condition`".into())),
        (Some(_), None) => Err(("value", "the condition needs a `value`".into())),
        (Some(condition), Some(value)) => check(condition, value, ty).map_err(|m| ("value", m)),
    }
}

fn check(
    condition: Condition,
    value: &RuleValue,
    ty: WordType,
) -> core::result::Result<Check, String> {
    let ordering = matches!(
        condition,
        Condition::Gt | Condition::Gte | Condition::Lt | Condition::Lte | Condition::InRange
    );
    if ordering && !ty.is_numeric() {
        return Err(
            format!("{condition:?} compares numbers, but the parameter is {ty}").to_lowercase(),
        );
    }
    let one = || match value {
        RuleValue::One(v) => word(v, ty),
        _ => Err("this condition takes one value".into()),
    };
    Ok(match condition {
        Condition::Eq => Check::Eq(one()?),
        Condition::Ne => Check::Ne(one()?),
        Condition::Gt => Check::Gt(one()?),
        Condition::Gte => Check::Gte(one()?),
        Condition::Lt => Check::Lt(one()?),
        Condition::Lte => Check::Lte(one()?),
        Condition::BitsAll => Check::BitsAll(one()?),
        Condition::BitsAny => Check::BitsAny(one()?),
        Condition::Prefix => {
            return Err(format!(
                "prefix compares bytes or string; the parameter is {ty}"
            ));
        }
        Condition::InRange => {
            let RuleValue::Many(pair) = value else {
                return Err("in_range takes a list [min, max]".into());
            };
            let [lo, hi] = pair.as_slice() else {
                return Err(format!(
                    "in_range takes [min, max], not {} values",
                    pair.len()
                ));
            };
            let (lo, hi) = (word(lo, ty)?, word(hi, ty)?);
            if crate::compiled::compare_words(&lo, &hi, ty.is_signed()).is_gt() {
                return Err("min is above max: no value could pass".into());
            }
            Check::InRange(lo, hi)
        }
        Condition::OneOf => {
            let RuleValue::Many(set) = value else {
                return Err("one_of takes a list of values".into());
            };
            if set.is_empty() || set.len() > MAX_ONE_OF {
                return Err(format!(
                    "one_of takes 1 to {MAX_ONE_OF} values, not {}",
                    set.len()
                ));
            }
            let mut words = set
                .iter()
                .map(|v| word(v, ty))
                .collect::<core::result::Result<Vec<_>, _>>()?;
            // Sorted for binary search; equality does not depend on the order's sign.
            words.sort_unstable();
            words.dedup();
            Check::OneOf(words.into())
        }
    })
}

/// A condition on `bytes` or `string` content.
pub(super) fn bytes_test(doc: &RuleDocument, text: bool) -> FieldResult<Test> {
    let what = if text { "string" } else { "bytes" };
    let (Some(condition), Some(value)) = (doc.condition, &doc.value) else {
        return Err((
            "condition",
            format!("a {what} rule needs `condition` and `value`"),
        ));
    };
    let parse = |v: &Scalar| -> FieldResult<Box<[u8]>> {
        match v {
            Scalar::Text(t) if text => Ok(t.as_bytes().into()),
            Scalar::Text(t) if t.starts_with("0x") => hex::decode(t)
                .map(Into::into)
                .map_err(|e| ("value", format!("`{t}` is not hex: {e}"))),
            other => Err((
                "value",
                format!("`{other}` is not a {what} value (write 0x-hex)"),
            )),
        }
    };
    let one = || match value {
        RuleValue::One(v) => parse(v),
        _ => Err(("value", String::from("this condition takes one value"))),
    };
    let check = match condition {
        Condition::Eq => BytesCheck::Eq(one()?),
        Condition::Ne => BytesCheck::Ne(one()?),
        Condition::Prefix => BytesCheck::Prefix(one()?),
        Condition::OneOf => {
            let RuleValue::Many(set) = value else {
                return Err(("value", "one_of takes a list of values".into()));
            };
            if set.is_empty() || set.len() > MAX_ONE_OF {
                let message = format!("one_of takes 1 to {MAX_ONE_OF} values, not {}", set.len());
                return Err(("value", message));
            }
            BytesCheck::OneOf(set.iter().map(parse).collect::<FieldResult<_>>()?)
        }
        other => {
            let message = format!(
                "{other:?} does not apply to {what}: use eq, ne, one_of or prefix, or a rule on \
                 `.length`"
            )
            .to_lowercase();
            return Err(("condition", message));
        }
    };
    let slice = match doc.slice {
        None => None,
        Some([start, end]) if start < end && end <= MAX_OFFSET => Some((
            usize::try_from(start).unwrap_or(usize::MAX),
            usize::try_from(end).unwrap_or(usize::MAX),
        )),
        Some(_) => return Err(("slice", "a slice is [start, end) with start < end".into())),
    };
    Ok(Test::Bytes { slice, check, text })
}

/// A comparison with the context or another parameter.
pub(super) fn relation(
    scope: &Scope<'_>,
    condition: Option<Condition>,
    rel: &RelationDocument,
    ty: WordType,
) -> FieldResult<Test> {
    let Some(op) = condition else {
        return Err(("condition", "a relation needs a `condition`".into()));
    };
    if !matches!(
        op,
        Condition::Eq
            | Condition::Ne
            | Condition::Gt
            | Condition::Gte
            | Condition::Lt
            | Condition::Lte
    ) {
        let message = format!("{op:?} does not compare two values: use eq, ne, gt, gte, lt or lte");
        return Err(("condition", message.to_lowercase()));
    }
    let ordering = !matches!(op, Condition::Eq | Condition::Ne);
    let numeric = |what: &str| -> FieldResult<()> {
        if ty.is_numeric() {
            Ok(())
        } else {
            Err((
                "value",
                format!("{what} is a number, but the parameter is {ty}"),
            ))
        }
    };
    let with = match (rel.context, &rel.param, &rel.ratio) {
        (Some(_), Some(_), _) => {
            return Err(("value", "give `context` or `param`, not both".into()));
        }
        (Some(_), None, Some(_)) => {
            return Err((
                "value",
                "`ratio` scales another parameter, not a context value".into(),
            ));
        }
        (Some(ContextValue::Account), None, None) => {
            if ty != WordType::Address || ordering {
                let message = format!(
                    "the account is an address: compare an address with eq or ne, not a {ty}"
                );
                return Err(("value", message));
            }
            Operand::Account
        }
        (Some(ContextValue::ChainId), None, None) => {
            numeric("the chain id")?;
            Operand::ChainId
        }
        (Some(ContextValue::Value), None, None) => {
            numeric("the call's value")?;
            Operand::Value
        }
        (None, Some(text), ratio) => param_operand(scope, text, ratio.as_ref(), ty)?,
        (None, None, _) => {
            return Err(("value", "a relation needs `context` or `param`".into()));
        }
    };
    if ordering && !ty.is_numeric() {
        return Err((
            "condition",
            format!("{op:?} compares numbers, but the parameter is {ty}").to_lowercase(),
        ));
    }
    Ok(Test::Relation { ty, op, with })
}

fn param_operand(
    scope: &Scope<'_>,
    text: &str,
    ratio: Option<&Ratio>,
    ty: WordType,
) -> FieldResult<Operand> {
    let Some(sig) = scope.signature else {
        return Err((
            "value",
            "relations need a selector written as a signature".into(),
        ));
    };
    let other = ParamPath::parse(sig, text).map_err(|e| ("value", e.to_string()))?;
    if other.wildcards() > 0 {
        return Err((
            "value",
            format!("`{text}` must name one value, without `[*]`"),
        ));
    }
    let other_ty = match other.leaf_kind() {
        LeafKind::Word(t) => t,
        LeafKind::Length => WordType::Uint(256),
        LeafKind::Bytes | LeafKind::String => {
            return Err((
                "value",
                format!("`{text}` is bytes or string, not a number"),
            ));
        }
    };
    let (num, den) = match ratio {
        None => (U256::from(1u8), U256::from(1u8)),
        Some(ratio) => {
            if ty.is_signed() || other_ty.is_signed() || !ty.is_numeric() || !other_ty.is_numeric()
            {
                let message = "a ratio scales unsigned numbers only";
                return Err(("value", message.into()));
            }
            parse_ratio(ratio).map_err(|m| ("value", m))?
        }
    };
    if ratio.is_none()
        && (ty.is_signed() != other_ty.is_signed() || ty.is_numeric() != other_ty.is_numeric())
    {
        let message = format!("`{text}` is a {other_ty}; it cannot be compared with a {ty}");
        return Err(("value", message));
    }
    Ok(Operand::Param {
        at: other,
        num,
        den,
    })
}

/// The product of exact decimals as a fraction `num / den`.
fn parse_ratio(ratio: &Ratio) -> core::result::Result<(U256, U256), String> {
    let factors: Vec<&str> = match ratio {
        Ratio::One(one) => alloc::vec![one.as_str()],
        Ratio::Many(many) if many.is_empty() => return Err("`ratio` lists no factor".into()),
        Ratio::Many(many) => many.iter().map(String::as_str).collect(),
    };
    let too_precise =
        || String::from("the ratio's factors multiply beyond 2^256; use fewer digits");
    let mut num = U256::from(1u8);
    let mut den = U256::from(1u8);
    for text in factors {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = format!("{whole}{frac}");
        if whole.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("`{text}` is not a decimal such as 0.97 or 3000"));
        }
        let mantissa = parse_u256(&digits).map_err(|e| e.to_string())?;
        let exponent = u32::try_from(frac.len()).map_err(|_| too_precise())?;
        let scale = U256::from(10u8)
            .checked_pow(U256::from(exponent))
            .ok_or_else(too_precise)?;
        num = num.checked_mul(mantissa).ok_or_else(too_precise)?;
        den = den.checked_mul(scale).ok_or_else(too_precise)?;
    }
    Ok((num, den))
}

/// Encodes a reference value as the 32-byte word a valid parameter of type `ty` would be.
pub(super) fn word(value: &Scalar, ty: WordType) -> core::result::Result<U256, String> {
    let encoded = match (ty, value) {
        (WordType::Bool, Scalar::Bool(b)) => U256::from(u8::from(*b)),
        (WordType::Bool, Scalar::Text(t)) if t == "true" || t == "false" => {
            U256::from(u8::from(t == "true"))
        }
        (WordType::Address, Scalar::Text(t)) => {
            let address = super::target::parse_address(t)?;
            U256::from_be_slice(address.as_slice())
        }
        (WordType::FixedBytes(len), Scalar::Text(t)) => fixed_bytes(t, len)?,
        (WordType::Uint(_), Scalar::Int(i)) => {
            U256::try_from(*i).map_err(|_| format!("{i} is negative, but the parameter is {ty}"))?
        }
        (WordType::Uint(_), Scalar::Text(t)) => parse_u256(t).map_err(|e| e.to_string())?,
        (WordType::Int(_), Scalar::Int(i)) => {
            I256::try_from(*i).map_err(|e| e.to_string())?.into_raw()
        }
        (WordType::Int(_), Scalar::Text(t)) => signed(t)?,
        (ty, value) => return Err(format!("`{value}` is not a {ty} value")),
    };
    if !ty.is_valid(&encoded) {
        return Err(format!("`{value}` is out of range for {ty}"));
    }
    Ok(encoded)
}

/// A decimal integer, optionally negative, or a 0x-hex raw two's-complement word.
fn signed(text: &str) -> core::result::Result<U256, String> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = parse_u256(digits).map_err(|e| e.to_string())?;
    if !negative {
        return Ok(magnitude);
    }
    if digits.starts_with("0x") {
        return Err(format!("`{text}`: write negative numbers in decimal"));
    }
    let magnitude = I256::checked_from_sign_and_abs(alloy_primitives::Sign::Negative, magnitude)
        .ok_or_else(|| format!("`{text}` is below the smallest int256"))?;
    Ok(magnitude.into_raw())
}

/// `bytesN` values are exactly N bytes of hex, left-aligned in the word as the ABI does.
fn fixed_bytes(text: &str, len: u8) -> core::result::Result<U256, String> {
    let bytes = hex::decode(text).map_err(|e| format!("`{text}` is not hex: {e}"))?;
    if bytes.len() != usize::from(len) || !text.starts_with("0x") {
        return Err(format!("`{text}` is not 0x and {len} bytes of hex"));
    }
    let mut word = [0u8; 32];
    for (slot, byte) in word.iter_mut().zip(bytes) {
        *slot = byte;
    }
    Ok(U256::from_be_bytes(word))
}
