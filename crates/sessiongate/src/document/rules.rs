//! An action's rules compiled: a condition on a static word at a fixed offset stays a fast
//! [`Rule`]; paths into dynamic data, quantifiers, relations and all / any / not trees become
//! [`Expr`]s. Every error names the field at fault.

use super::budgets::Budgets;
use super::{
    Condition, ContextValue, LoadError, ParamRef, Quantifier, Ratio, RelationDocument,
    RuleDocument, RuleValue, Scalar, parse_u256,
};
use crate::calldata::{LeafKind, ParamPath, Signature, WordType};
use crate::compiled::{
    BytesCheck, Check, Expr, Limit, Operand, PathRule, Quant, Rule, SelectorMatch, Test,
};
use alloc::{
    boxed::Box,
    format,
    string::{String, ToString},
    vec::Vec,
};
use alloy_primitives::{I256, U256, hex};

type Result<T> = core::result::Result<T, LoadError>;

/// Raw offsets beyond this are refused: no calldata is that long, and it keeps `4 + offset`
/// far from overflow on every target.
const MAX_OFFSET: u64 = 1 << 24;
/// `one_of` sets beyond this are refused.
const MAX_ONE_OF: usize = 256;
/// Rule trees nest at most this deep…
const MAX_TREE_DEPTH: usize = 16;
/// …and have at most this many nodes per action.
const MAX_TREE_NODES: usize = 256;

/// What an action's rules are compiled against.
pub(super) struct Scope<'a> {
    pub(super) action_path: &'a str,
    pub(super) key_scope: &'a str,
    pub(super) selector: SelectorMatch,
    pub(super) signature: Option<&'a Signature>,
    pub(super) budgets: &'a Budgets,
}

/// The compiled rules of one action: fast word rules, and the rest.
pub(super) fn compile(scope: &Scope<'_>, docs: &[RuleDocument]) -> Result<(Vec<Rule>, Vec<Expr>)> {
    let mut fast = Vec::new();
    let mut exprs = Vec::new();
    let mut nodes = 0usize;
    for (r, doc) in docs.iter().enumerate() {
        let path = format!("{}.rules[{r}]", scope.action_path);
        let key = format!("{}/rules[{r}]", scope.key_scope);
        let place = Place {
            path: &path,
            key: &key,
            depth: 1,
            budget_ok: true,
        };
        match node(scope, doc, place, &mut nodes)? {
            Expr::Word(rule) => fast.push(rule),
            other => exprs.push(other),
        }
    }
    Ok((fast, exprs))
}

/// Where a rule sits: its document path, its ledger key, its depth, and whether a budget may
/// sit there (only under `all` from the top: a budget under `any` or `not` has no clear meaning).
#[derive(Clone, Copy)]
struct Place<'p> {
    path: &'p str,
    key: &'p str,
    depth: usize,
    budget_ok: bool,
}

fn node(
    scope: &Scope<'_>,
    doc: &RuleDocument,
    place: Place<'_>,
    nodes: &mut usize,
) -> Result<Expr> {
    *nodes = nodes.saturating_add(1);
    if *nodes > MAX_TREE_NODES {
        let message = format!("an action's rules may have at most {MAX_TREE_NODES} nodes");
        return Err(LoadError::invalid(place.path, message));
    }
    if place.depth > MAX_TREE_DEPTH {
        let message = format!("rule trees may nest at most {MAX_TREE_DEPTH} levels");
        return Err(LoadError::invalid(place.path, message));
    }
    let combinators = [doc.all.is_some(), doc.any.is_some(), doc.not.is_some()];
    let count = combinators.iter().filter(|c| **c).count();
    if count == 0 {
        return leaf(scope, doc, place);
    }
    let leaf_fields = doc.param.is_some()
        || doc.offset.is_some()
        || doc.ty.is_some()
        || doc.condition.is_some()
        || doc.value.is_some()
        || doc.budget.is_some()
        || doc.slice.is_some()
        || doc.quantifier.is_some()
        || doc.count.is_some();
    if count > 1 || leaf_fields {
        let message = "a rule is either a leaf (param, condition, value) or exactly one of \
                       `all`, `any`, `not`";
        return Err(LoadError::invalid(place.path, message));
    }
    let deeper = place.depth.saturating_add(1);
    let children = |name: &str, list: &[RuleDocument], budget_ok: bool, nodes: &mut usize| {
        list.iter()
            .enumerate()
            .map(|(k, child)| {
                let path = format!("{}.{name}[{k}]", place.path);
                let key = format!("{}.{name}[{k}]", place.key);
                let place = Place {
                    path: &path,
                    key: &key,
                    depth: deeper,
                    budget_ok,
                };
                node(scope, child, place, nodes)
            })
            .collect::<Result<Vec<_>>>()
    };
    if let Some(list) = &doc.all {
        let of = children("all", list, place.budget_ok, nodes)?;
        return Ok(Expr::All(of.into()));
    }
    if let Some(list) = &doc.any {
        let of = children("any", list, false, nodes)?;
        let path = format!("{}.any", place.path).into();
        return Ok(Expr::Any {
            path,
            of: of.into(),
        });
    }
    match &doc.not {
        Some(child) => {
            let path = format!("{}.not", place.path);
            let inner = Place {
                path: &path,
                key: place.key,
                depth: deeper,
                budget_ok: false,
            };
            let of = Box::new(node(scope, child, inner, nodes)?);
            Ok(Expr::Not {
                path: path.as_str().into(),
                of,
            })
        }
        None => Err(LoadError::invalid(place.path, "empty rule")),
    }
}

fn leaf(scope: &Scope<'_>, doc: &RuleDocument, place: Place<'_>) -> Result<Expr> {
    let at = |field: &str| format!("{}.{field}", place.path);
    if scope.selector == SelectorMatch::Native {
        return Err(LoadError::invalid(
            place.path,
            "a native transfer has no calldata for rules to read",
        ));
    }
    if doc.budget.is_some() && !place.budget_ok {
        let message = "a budget may not sit under `any` or `not`: whether it is charged would \
                       depend on which branch ran; put it on a rule outside the tree";
        return Err(LoadError::invalid(at("budget"), message));
    }
    let budget = match &doc.budget {
        Some(budget) => Some(
            scope
                .budgets
                .limit(budget, place.key.into(), &at("budget"))?,
        ),
        None => None,
    };
    match (&doc.param, scope.signature) {
        (Some(param), Some(sig)) if doc.offset.is_none() => {
            if doc.ty.is_some() {
                let message = "the signature gives the parameter's type; remove `type`";
                return Err(LoadError::invalid(at("type"), message));
            }
            let path = match param {
                ParamRef::Index(i) => usize::try_from(*i)
                    .map_err(|_| String::from("index too large"))
                    .and_then(|i| ParamPath::index(sig, i).map_err(|e| e.to_string())),
                ParamRef::Name(text) => ParamPath::parse(sig, text).map_err(|e| e.to_string()),
            }
            .map_err(|m| LoadError::invalid(at("param"), m))?;
            path_leaf(scope, doc, place, path, budget)
        }
        _ => raw_leaf(doc, place, budget),
    }
}

/// A rule on a word at a raw offset, or by index without a signature: always a fast rule.
fn raw_leaf(doc: &RuleDocument, place: Place<'_>, budget: Option<Limit>) -> Result<Expr> {
    let at = |field: &str| format!("{}.{field}", place.path);
    for (field, given) in [
        ("slice", doc.slice.is_some()),
        ("quantifier", doc.quantifier.is_some()),
        ("count", doc.count.is_some()),
    ] {
        if given {
            let message = "this needs a path into a signature with names, not a raw word";
            return Err(LoadError::invalid(at(field), message));
        }
    }
    let (offset, label) = raw_slot(doc).map_err(|(field, m)| LoadError::invalid(at(field), m))?;
    let ty = match &doc.ty {
        None => WordType::Uint(256),
        Some(name) => WordType::parse(name).ok_or_else(|| {
            let message =
                format!("`{name}` is not an elementary static ABI type such as uint256 or address");
            LoadError::invalid(at("type"), message)
        })?,
    };
    let check = match (doc.condition, &doc.value) {
        (_, Some(RuleValue::Relation(_))) => {
            let message = "relations need a selector written as a signature with names";
            return Err(LoadError::invalid(at("value"), message));
        }
        (condition, value) => constant_check(condition, value.as_ref(), ty, budget.is_some())
            .map_err(|(field, m)| LoadError::invalid(at(field), m))?,
    };
    check_budget_type(budget.as_ref(), ty, &at("budget"))?;
    Ok(Expr::Word(Rule {
        path: place.path.into(),
        param: label.into(),
        at: offset.saturating_add(4),
        ty,
        validate: !ty.accepts_any_word(),
        check,
        budget,
    }))
}

fn raw_slot(doc: &RuleDocument) -> core::result::Result<(usize, String), (&'static str, String)> {
    match (&doc.param, doc.offset) {
        (Some(_), Some(_)) => Err(("offset", "give `param` or `offset`, not both".into())),
        (None, None) => Err((
            "param",
            "a rule needs `param` (name, path or index) or `offset`".into(),
        )),
        (None, Some(offset)) if offset > MAX_OFFSET => Err((
            "offset",
            format!("offset {offset} is beyond any calldata (max {MAX_OFFSET})"),
        )),
        (None, Some(offset)) => Ok((
            usize::try_from(offset).map_err(|_| ("offset", String::from("offset too large")))?,
            format!("offset {offset}"),
        )),
        (Some(ParamRef::Index(i)), None) if *i < MAX_OFFSET / 32 => Ok((
            usize::try_from(i.saturating_mul(32)).unwrap_or(usize::MAX),
            format!("param {i}"),
        )),
        (Some(ParamRef::Index(i)), None) => Err(("param", format!("index {i} is too large"))),
        (Some(ParamRef::Name(name)), None) => Err((
            "param",
            format!(
                "parameter `{name}` needs a selector written as a signature with names, \
                 such as `transfer(address to, uint256 amount)`"
            ),
        )),
    }
}

/// A rule on a path into a signature's parameters.
fn path_leaf(
    scope: &Scope<'_>,
    doc: &RuleDocument,
    place: Place<'_>,
    path: ParamPath,
    budget: Option<Limit>,
) -> Result<Expr> {
    let at = |field: &str| format!("{}.{field}", place.path);
    let wildcards = path.wildcards() > 0;
    let quantifier = match (doc.quantifier, doc.count) {
        (Some(_), Some(_)) => {
            let message = "give `quantifier` or `count`, not both";
            return Err(LoadError::invalid(at("count"), message));
        }
        (_, Some([min, max])) if min > max => {
            return Err(LoadError::invalid(at("count"), "min is above max"));
        }
        (None, Some([min, max])) => Quant::Count(min, max),
        (Some(Quantifier::Every) | None, None) => Quant::Every,
        (Some(Quantifier::Some), None) => Quant::Some,
        (Some(Quantifier::None), None) => Quant::None,
    };
    if !wildcards && (doc.quantifier.is_some() || doc.count.is_some()) {
        let field = if doc.count.is_some() {
            "count"
        } else {
            "quantifier"
        };
        let message = "quantifiers apply to paths with `[*]`, such as `recipients[*]`";
        return Err(LoadError::invalid(at(field), message));
    }
    let kind = path.leaf_kind();
    let word_ty = match kind {
        LeafKind::Word(ty) => Some(ty),
        LeafKind::Length => Some(WordType::Uint(256)),
        LeafKind::Bytes | LeafKind::String => None,
    };
    if doc.slice.is_some() && kind != LeafKind::Bytes {
        let message = "`slice` applies to `bytes` parameters";
        return Err(LoadError::invalid(at("slice"), message));
    }
    let test = match (word_ty, &doc.value) {
        (Some(ty), Some(RuleValue::Relation(rel))) => relation(scope, doc.condition, rel, ty)
            .map_err(|(f, m)| LoadError::invalid(at(f), m))?,
        (Some(ty), value) => {
            let check = constant_check(doc.condition, value.as_ref(), ty, budget.is_some())
                .map_err(|(f, m)| LoadError::invalid(at(f), m))?;
            match check {
                Check::Pass => Test::Pass,
                check => Test::Word { ty, check },
            }
        }
        (None, _) => bytes_test(doc, kind == LeafKind::String)
            .map_err(|(f, m)| LoadError::invalid(at(f), m))?,
    };
    match word_ty {
        Some(ty) => check_budget_type(budget.as_ref(), ty, &at("budget"))?,
        None if budget.is_some() => {
            let message = "a budget sums numbers; this parameter is bytes or string";
            return Err(LoadError::invalid(at("budget"), message));
        }
        None => {}
    }
    // A static word at a fixed offset: the fast rule, already validated by the head check.
    if let (Some(offset), LeafKind::Word(ty), false) = (path.static_offset(), kind, wildcards) {
        let check = match &test {
            Test::Word { check, .. } => Some(check.clone()),
            Test::Pass => Some(Check::Pass),
            Test::Bytes { .. } | Test::Relation { .. } => None,
        };
        if let Some(check) = check {
            return Ok(Expr::Word(Rule {
                path: place.path.into(),
                param: path.label().into(),
                at: offset.saturating_add(4),
                ty,
                validate: false,
                check,
                budget,
            }));
        }
    }
    Ok(Expr::Path(Box::new(PathRule {
        path: place.path.into(),
        param: path.label().into(),
        at: path,
        test,
        quantifier,
        budget,
    })))
}

fn check_budget_type(budget: Option<&Limit>, ty: WordType, path: &str) -> Result<()> {
    if budget.is_some() && !matches!(ty, WordType::Uint(_)) {
        let message = format!("a budget sums the parameter, so it must be unsigned, not {ty}");
        return Err(LoadError::invalid(path, message));
    }
    Ok(())
}

type FieldResult<T> = core::result::Result<T, (&'static str, String)>;

/// A comparison with constants; no condition at all is allowed only for a budget.
fn constant_check(
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
fn bytes_test(doc: &RuleDocument, text: bool) -> FieldResult<Test> {
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
fn relation(
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
