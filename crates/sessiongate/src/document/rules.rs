//! An action's rules compiled: a condition on a static word at a fixed offset stays a fast
//! [`Rule`]; paths into dynamic data, quantifiers, relations and all / any / not trees become
//! [`Expr`]s. Every error names the field at fault.

use super::budgets::Budgets;
use super::operands::{bytes_test, constant_check, relation};
use super::{LoadError, ParamRef, Quantifier, RuleDocument, RuleValue};
use crate::calldata::{LeafKind, ParamPath, Signature, WordType};
use crate::compiled::{Check, Expr, Limit, PathRule, Quant, Rule, SelectorMatch, Test};
use alloc::{
    boxed::Box,
    format,
    string::{String, ToString},
    vec::Vec,
};

type Result<T> = core::result::Result<T, LoadError>;

/// Raw offsets beyond this are refused: no calldata is that long, and it keeps `4 + offset`
/// far from overflow on every target.
pub(super) const MAX_OFFSET: u64 = 1 << 24;
/// `one_of` sets beyond this are refused.
pub(super) const MAX_ONE_OF: usize = 256;
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
