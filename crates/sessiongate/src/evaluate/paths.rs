//! Rules beyond a static word: paths into dynamic data, quantifiers over array elements,
//! relations, and all / any / not trees. Leaves are read lazily by the strict decoder; a failure
//! is explained after the walk, so the walk itself records nothing and allocates nothing.

use super::{At, Evaluator, Mode};
use crate::call::Call;
use crate::calldata::{DecodeError, Leaf, MAX_WORK, WordType, Work};
use crate::compiled::{BytesCheck, Expr, Operand, PathRule, Quant, Test, compare_words};
use crate::condition::Condition;
use crate::ledger::Ledger;
use crate::verdict::{Expected, Reason, Value};
use alloc::{boxed::Box, format, string::String};
use alloy_primitives::{U256, U512, hex};
use core::{cmp::Ordering, ops::ControlFlow};

/// Bytes shown of a `bytes` or `string` value in a verdict.
const SHOWN_BYTES: usize = 64;
/// Leaves one rule may visit: each `[*]` is capped by the decoder, and this caps nested ones
/// (`orders[*].items[*]`), whose product could otherwise reach a million in 64 KB of calldata.
const MAX_LEAVES: usize = 4096;

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    /// The action's rules beyond static words, as an implicit `all`. Kept out of line so the
    /// static-word path stays small enough to inline.
    #[inline(never)]
    pub(super) fn exprs(&mut self, at: At<'s>, exprs: &'s [Expr], call: &Call<'_>) -> bool {
        self.all(at, exprs, call, false)
    }

    /// Every rule holds. Explain goes on past a failure to report the rest, except under `any`
    /// or `not`: there a later leaf could be unreadable and turn the decision, so both modes
    /// stop at the first failure, as the contract's short-circuit does.
    fn all(&mut self, at: At<'s>, exprs: &'s [Expr], call: &Call<'_>, choice: bool) -> bool {
        let mut ok = true;
        for expr in exprs {
            if !ok && (self.mode == Mode::Fast || choice) {
                return false;
            }
            ok &= self.expr(at, expr, call, choice);
        }
        ok
    }

    fn expr(&mut self, at: At<'s>, expr: &'s Expr, call: &Call<'_>, choice: bool) -> bool {
        if !self.work.spend(1) {
            return self.fail(at, (None, None), Reason::WorkExhausted { max: MAX_WORK });
        }
        match expr {
            Expr::Word(rule) => self.rule(at, rule, call.data),
            Expr::Path(rule) => self.path_rule(at, rule, call),
            Expr::All(of) => self.all(at, of, call, choice),
            Expr::Any { path, of } => {
                let mark = self.mark();
                for child in of.iter() {
                    if self.expr(at, child, call, true) {
                        self.rewind(mark);
                        return true;
                    }
                    // Calldata the branch cannot read reverts on chain, whatever the others say.
                    if self.unreadable_since(mark) {
                        return false;
                    }
                }
                // Explain keeps why each branch failed; Fast keeps one violation.
                if self.mode == Mode::Fast {
                    self.rewind(mark);
                }
                self.fail(at, (Some(path), None), Reason::TreeFailed)
            }
            Expr::Not { path, of } => {
                let mark = self.mark();
                if self.expr(at, of, call, true) {
                    return self.fail(at, (Some(path), None), Reason::TreeFailed);
                }
                // Unreadable calldata is no "false" to negate: it stays a deny.
                if self.unreadable_since(mark) {
                    return false;
                }
                self.rewind(mark);
                true
            }
        }
    }

    /// A rule on the leaves a path reaches: each is tested, the quantifier decides, and a budget
    /// takes the sum of all of them.
    fn path_rule(&mut self, at: At<'s>, rule: &'s PathRule, call: &Call<'_>) -> bool {
        if every_word_holds(rule, call.data, self.work) {
            return true;
        }
        let here = (Some(&*rule.path), Some(&*rule.param));
        let other = match self.operand(&rule.test, call) {
            Ok(other) => other,
            Err(reason) => return self.fail(at, here, *reason),
        };
        let mut tally = Tally::default();
        let sums = rule.budget.is_some();
        // The walk goes to the end whatever the quantifier has decided: every element is decoded
        // strictly, as the contract's decoder would before any rule runs.
        let work = self.work;
        let walked = rule.at.visit_within(call.data, work, |index, leaf| {
            tally.elements = tally.elements.saturating_add(1);
            if tally.elements > MAX_LEAVES as u64 {
                tally.overflow_at = Some(leaf.at());
                return ControlFlow::Break(());
            }
            if sums {
                tally.sum = tally.sum.and_then(|s| s.checked_add(leaf_number(&leaf)));
            }
            if let (Test::Bytes { check, .. }, Leaf::Bytes { content, .. }) = (&rule.test, &leaf)
                && !work.spend_count(check.cost(content.len()))
            {
                tally.overflow_at = Some(leaf.at());
                tally.out_of_work = true;
                return ControlFlow::Break(());
            }
            let Some(passed) = holds(&rule.test, &leaf, &other) else {
                tally.unreadable = Some((index, leaf));
                return ControlFlow::Break(());
            };
            if passed {
                tally.matched = tally.matched.saturating_add(1);
            } else if tally.first_failure.is_none() {
                tally.first_failure = Some((index, leaf));
            }
            ControlFlow::Continue(())
        });
        if let Err(error) = walked {
            return self.fail(at, here, decode_reason(error));
        }
        if tally.out_of_work {
            return self.fail(at, here, Reason::WorkExhausted { max: MAX_WORK });
        }
        if let Some(leaf_at) = tally.overflow_at {
            let error = DecodeError::TooManyElements {
                at: leaf_at,
                len: U256::from(tally.elements),
                max: MAX_LEAVES,
            };
            return self.fail(at, here, Reason::BadEncoding { error });
        }
        // A leaf the test cannot read decides the rule, whatever the quantifier.
        if let Some((index, leaf)) = tally.unreadable {
            let reason = leaf_reason(&rule.test, &leaf, other);
            let param = element_label(&rule.param, index, rule.at.wildcards());
            return self.fail_owned(at, &rule.path, param, reason);
        }
        let (min, max) = match rule.quantifier {
            Quant::Every => {
                if let Some((index, leaf)) = tally.first_failure {
                    let reason = leaf_reason(&rule.test, &leaf, other);
                    let param = element_label(&rule.param, index, rule.at.wildcards());
                    return self.fail_owned(at, &rule.path, param, reason);
                }
                (0, None)
            }
            Quant::Some => (1, None),
            Quant::None => (0, Some(0)),
            Quant::Count(min, max) => (min, Some(max)),
        };
        if tally.matched < min || max.is_some_and(|max| tally.matched > max) {
            let reason = Reason::Count {
                matched: tally.matched,
                elements: tally.elements,
                min,
                max,
            };
            return self.fail(at, here, reason);
        }
        match (&rule.budget, tally.sum) {
            (None, _) => true,
            (Some(limit), Some(sum)) => self.charge(at, here, limit, sum),
            (Some(_), None) => {
                let reason = Reason::LimitOverflow {
                    used: U256::ZERO,
                    requested: U256::MAX,
                };
                self.fail(at, here, reason)
            }
        }
    }

    /// The other side of a relation, read once per call.
    fn operand(&self, test: &Test, call: &Call<'_>) -> Result<Other, Box<Reason>> {
        let Test::Relation { with, .. } = test else {
            return Ok(Other::default());
        };
        let word = match with {
            Operand::Account => match self.ctx.account {
                Some(account) => U256::from_be_slice(account.as_slice()),
                None => return Err(Box::new(Reason::NeedsAccount)),
            },
            Operand::ChainId => U256::from(self.ctx.chain_id),
            Operand::Value => call.value,
            Operand::Param { at, num, den, .. } => {
                let word = match at
                    .get(call.data, 0)
                    .map_err(|e| Box::new(decode_reason(e)))?
                {
                    Leaf::Word { word, .. } => word,
                    Leaf::Length { len, .. } => len,
                    Leaf::Bytes { .. } => U256::ZERO,
                };
                return Ok(Other {
                    word,
                    num: *num,
                    den: *den,
                });
            }
        };
        Ok(Other {
            word,
            ..Other::default()
        })
    }

    /// Records a violation whose parameter label was built for it (an array element).
    #[cold]
    fn fail_owned(&mut self, at: At<'s>, path: &'s str, param: String, reason: Reason) -> bool {
        let mark = self.mark();
        self.fail(at, (Some(path), None), reason);
        self.label_since(mark, param);
        false
    }
}

/// The common case, walked with nothing to tally: a word test on every leaf, no budget. False
/// sends the rule to the full walk, which explains the failure (or the decoding error); it stops
/// at the first failure, since the full walk decodes every element again.
#[inline]
fn every_word_holds(rule: &PathRule, data: &[u8], work: &Work) -> bool {
    let (Test::Word { ty, check }, Quant::Every, None) =
        (&rule.test, rule.quantifier, &rule.budget)
    else {
        return false;
    };
    let signed = ty.is_signed();
    let mut leaves = 0u64;
    let mut all = true;
    let walked = rule.at.visit_within(data, work, |_, leaf| {
        leaves = leaves.saturating_add(1);
        match leaf {
            Leaf::Word { word, .. } | Leaf::Length { len: word, .. }
                if leaves <= MAX_LEAVES as u64 && check.holds(&word, signed) =>
            {
                ControlFlow::Continue(())
            }
            Leaf::Word { .. } | Leaf::Bytes { .. } | Leaf::Length { .. } => {
                all = false;
                ControlFlow::Break(())
            }
        }
    });
    walked.is_ok() && all
}

/// What a walk over a path's leaves found.
#[derive(Clone, Copy)]
struct Tally<'d> {
    elements: u64,
    matched: u64,
    sum: Option<U256>,
    first_failure: Option<(u32, Leaf<'d>)>,
    /// A leaf the test could not read (a slice past its end): the walk stopped there.
    unreadable: Option<(u32, Leaf<'d>)>,
    /// Where the walk stopped for visiting more than [`MAX_LEAVES`], or for want of work.
    overflow_at: Option<usize>,
    out_of_work: bool,
}

impl Default for Tally<'_> {
    fn default() -> Self {
        Self {
            elements: 0,
            matched: 0,
            sum: Some(U256::ZERO),
            first_failure: None,
            unreadable: None,
            overflow_at: None,
            out_of_work: false,
        }
    }
}

/// A relation's other side: a word times `num / den`.
#[derive(Clone, Copy)]
struct Other {
    word: U256,
    num: U256,
    den: U256,
}

impl Default for Other {
    fn default() -> Self {
        Self {
            word: U256::ZERO,
            num: U256::from(1u8),
            den: U256::from(1u8),
        }
    }
}

impl Other {
    /// Orders `lhs` against `word × num / den` exactly: both sides are scaled to 512 bits.
    /// `None` cannot happen (two 256-bit factors fit in 512 bits); it is no ordering, since any
    /// ordering passes some comparison, so the leaf is unreadable instead.
    fn compare(self, lhs: &U256, signed: bool) -> Option<Ordering> {
        if self.num == self.den {
            return Some(compare_words(lhs, &self.word, signed));
        }
        let scaled = |a: &U256, b: &U256| U512::from(*a).checked_mul(U512::from(*b));
        Some(scaled(lhs, &self.den)?.cmp(&scaled(&self.word, &self.num)?))
    }

    /// The reference value as shown: the word itself, or `word × num / den` exactly, so a
    /// deny never shows a bound equal to the value it refused.
    fn reference(self, ty: WordType) -> Value {
        if self.num == self.den {
            return Value::of(ty, self.word);
        }
        match U512::from(self.word).checked_mul(U512::from(self.num)) {
            Some(num) => Value::Ratio { num, den: self.den },
            // Cannot happen: two 256-bit factors fit in 512 bits.
            None => Value::of(ty, self.word),
        }
    }
}

/// The number a leaf stands for, for sums: its word, or its length.
fn leaf_number(leaf: &Leaf<'_>) -> U256 {
    match leaf {
        Leaf::Word { word, .. } => *word,
        Leaf::Length { len, .. } => *len,
        Leaf::Bytes { .. } => U256::ZERO,
    }
}

/// Whether a leaf passes its test; `None` when the test cannot read the leaf (a slice past the
/// end of the bytes), an error no `not`, `any` or quantifier may turn into an allow.
#[inline]
fn holds(test: &Test, leaf: &Leaf<'_>, other: &Other) -> Option<bool> {
    let passed = match (test, leaf) {
        (Test::Pass, _) => true,
        (Test::Word { ty, check }, Leaf::Word { word, .. } | Leaf::Length { len: word, .. }) => {
            check.holds(word, ty.is_signed())
        }
        (Test::Bytes { slice, check, .. }, Leaf::Bytes { content, .. }) => {
            check.holds(slice_of(content, *slice).ok()?)
        }
        (
            Test::Relation { ty, op, .. },
            Leaf::Word { word, .. } | Leaf::Length { len: word, .. },
        ) => {
            let order = other.compare(word, ty.is_signed())?;
            match op {
                Condition::Eq => order.is_eq(),
                Condition::Ne => order.is_ne(),
                Condition::Gt => order.is_gt(),
                Condition::Gte => order.is_ge(),
                Condition::Lt => order.is_lt(),
                Condition::Lte => order.is_le(),
                // Refused at load for relations; fail closed.
                Condition::InRange
                | Condition::OneOf
                | Condition::BitsAll
                | Condition::BitsAny
                | Condition::Prefix => false,
            }
        }
        // A leaf of another kind than the test: refused at load; fail closed.
        _ => false,
    };
    Some(passed)
}

/// The bytes a test compares: all of them, or its slice; the slice's bounds when they run past
/// the end.
fn slice_of(content: &[u8], slice: Option<(usize, usize)>) -> Result<&[u8], (usize, usize)> {
    match slice {
        None => Ok(content),
        Some((start, end)) => content.get(start..end).ok_or((start, end)),
    }
}

/// Why a leaf failed its test.
#[cold]
fn leaf_reason(test: &Test, leaf: &Leaf<'_>, other: Other) -> Reason {
    match (test, leaf) {
        (Test::Word { ty, check }, Leaf::Word { word, .. } | Leaf::Length { len: word, .. }) => {
            Reason::Condition {
                expected: check.expected(*ty),
                actual: Value::of(*ty, *word),
            }
        }
        (Test::Bytes { slice, check, text }, Leaf::Bytes { content, .. }) => {
            match slice_of(content, *slice) {
                Ok(part) => bytes_reason(check, show(part, *text), *text),
                Err((start, end)) => Reason::SliceOutOfRange {
                    start,
                    end,
                    len: content.len(),
                },
            }
        }
        (Test::Relation { ty, .. }, Leaf::Word { word, .. } | Leaf::Length { len: word, .. })
            if other.compare(word, ty.is_signed()).is_none() =>
        {
            Reason::LimitOverflow {
                used: *word,
                requested: other.word,
            }
        }
        (
            Test::Relation { ty, op, .. },
            Leaf::Word { word, .. } | Leaf::Length { len: word, .. },
        ) => Reason::Condition {
            expected: Expected {
                op: *op,
                values: alloc::vec![other.reference(*ty)],
            },
            actual: Value::of(*ty, *word),
        },
        _ => Reason::TreeFailed,
    }
}

fn bytes_reason(check: &BytesCheck, actual: String, text: bool) -> Reason {
    Reason::BytesCondition {
        condition: check.op(),
        expected: check.values().iter().map(|v| show(v, text)).collect(),
        actual,
    }
}

/// Quoted text for `string`, 0x-hex for `bytes`; long values are cut.
fn show(bytes: &[u8], text: bool) -> String {
    let cut = bytes.get(..SHOWN_BYTES).unwrap_or(bytes);
    let more = if cut.len() < bytes.len() { "…" } else { "" };
    if text {
        format!("\"{}{more}\"", String::from_utf8_lossy(cut))
    } else {
        format!("0x{}{more}", hex::encode(cut))
    }
}

/// `recipients[*]` with the failing element's index: `recipients[3]`.
fn element_label(param: &str, index: u32, wildcards: usize) -> String {
    if wildcards == 0 {
        return param.into();
    }
    param.replacen("[*]", &format!("[{index}]"), 1)
}

/// A decoder error as a verdict reason: a dirty static word keeps its own kind.
pub(super) fn decode_reason(error: DecodeError) -> Reason {
    match error {
        DecodeError::DirtyWord { ty, at, word } => super::action::dirty(ty, at, word),
        DecodeError::WorkExhausted { .. } => Reason::WorkExhausted { max: MAX_WORK },
        error @ (DecodeError::ShortData { .. }
        | DecodeError::MisalignedOffset { .. }
        | DecodeError::OffsetIntoHead { .. }
        | DecodeError::OffsetOutOfBounds { .. }
        | DecodeError::OffsetsOutOfOrder { .. }
        | DecodeError::TooManyElements { .. }
        | DecodeError::LengthOutOfBounds { .. }
        | DecodeError::DirtyPadding { .. }
        | DecodeError::IndexOutOfBounds { .. }
        | DecodeError::TooManyWildcards { .. }) => Reason::BadEncoding { error },
    }
}
