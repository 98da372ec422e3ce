use crate::calldata::{WordType, limbs};
use crate::condition::Condition;
use crate::verdict::{Expected, Value};
use alloc::{boxed::Box, vec::Vec};
use alloy_primitives::{I256, U256};
use core::cmp::Ordering;

/// A compiled comparison against reference words of the parameter's type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Check {
    Eq(U256),
    Ne(U256),
    Gt(U256),
    Gte(U256),
    Lt(U256),
    Lte(U256),
    InRange(U256, U256),
    /// Sorted, so long sets are searched in log time.
    OneOf(Box<[U256]>),
    BitsAll(U256),
    BitsAny(U256),
    /// No condition: the rule only counts toward its budget.
    Pass,
}

/// Orders two words as unsigned numbers, or as two's-complement signed ones.
#[inline(always)]
pub(crate) fn compare(a: &U256, b: &U256, signed: bool) -> Ordering {
    if signed {
        I256::from_raw(*a).cmp(&I256::from_raw(*b))
    } else {
        a.cmp(b)
    }
}

/// Equality of two words' limbs, without branches.
#[inline(always)]
fn same_limbs(a: [u64; 4], b: [u64; 4]) -> bool {
    let [a0, a1, a2, a3] = a;
    let [b0, b1, b2, b3] = b;
    ((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2) | (a3 ^ b3)) == 0
}

/// [`compare`] on limbs: the most significant limb first; signed words flip its sign bit, which
/// orders two's complement like unsigned.
#[inline(always)]
fn compare_limbs(a: [u64; 4], b: [u64; 4], signed: bool) -> Ordering {
    let flip = if signed { 1u64 << 63 } else { 0 };
    let [a0, a1, a2, a3] = a;
    let [b0, b1, b2, b3] = b;
    (a3 ^ flip, a2, a1, a0).cmp(&(b3 ^ flip, b2, b1, b0))
}

/// Membership in a sorted set: a scan for short sets, binary search for long ones.
#[inline]
fn one_of(set: &[U256], word: &U256) -> bool {
    if set.len() <= 8 {
        // The low limb differs between almost all distinct values: compare it first.
        let [low, ..] = *word.as_limbs();
        set.iter()
            .any(|w| matches!(*w.as_limbs(), [l, ..] if l == low) && w == word)
    } else {
        set.binary_search(word).is_ok()
    }
}

impl Check {
    /// Whether `word` satisfies the comparison. Inlined so the word stays in registers: passed
    /// through memory, it is stored a limb at a time and reloaded wider, which stalls.
    #[inline(always)]
    pub(crate) fn holds(&self, word: &U256, signed: bool) -> bool {
        let cmp = |reference: &U256| compare(word, reference, signed);
        match self {
            Self::Eq(r) => word == r,
            Self::Ne(r) => word != r,
            Self::Gt(r) => cmp(r).is_gt(),
            Self::Gte(r) => cmp(r).is_ge(),
            Self::Lt(r) => cmp(r).is_lt(),
            Self::Lte(r) => cmp(r).is_le(),
            Self::InRange(lo, hi) => cmp(lo).is_ge() && cmp(hi).is_le(),
            Self::OneOf(set) => one_of(set, word),
            Self::BitsAll(mask) => (*word & *mask) == *mask,
            Self::BitsAny(mask) => !(*word & *mask).is_zero(),
            Self::Pass => true,
        }
    }

    /// Whether a word as it lies in calldata satisfies the comparison: equality and order are
    /// decided on limbs read straight from the bytes, most significant first, with no word built
    /// in memory.
    #[inline(always)]
    pub(crate) fn holds_at(&self, bytes: &[u8; 32], signed: bool) -> bool {
        let word = limbs(bytes);
        let cmp = |reference: &U256| compare_limbs(word, *reference.as_limbs(), signed);
        match self {
            Self::Eq(r) => same_limbs(word, *r.as_limbs()),
            Self::Ne(r) => !same_limbs(word, *r.as_limbs()),
            Self::Gt(r) => cmp(r).is_gt(),
            Self::Gte(r) => cmp(r).is_ge(),
            Self::Lt(r) => cmp(r).is_lt(),
            Self::Lte(r) => cmp(r).is_le(),
            Self::InRange(lo, hi) => cmp(lo).is_ge() && cmp(hi).is_le(),
            Self::OneOf(_) | Self::BitsAll(_) | Self::BitsAny(_) | Self::Pass => {
                self.holds(&U256::from_limbs(word), signed)
            }
        }
    }

    pub(crate) fn op(&self) -> Condition {
        match self {
            Self::Eq(_) => Condition::Eq,
            Self::Ne(_) => Condition::Ne,
            Self::Gt(_) => Condition::Gt,
            Self::Gte(_) => Condition::Gte,
            Self::Lt(_) => Condition::Lt,
            Self::Lte(_) => Condition::Lte,
            Self::InRange(..) => Condition::InRange,
            Self::OneOf(_) => Condition::OneOf,
            Self::BitsAll(_) => Condition::BitsAll,
            Self::BitsAny(_) => Condition::BitsAny,
            // Never fails, so never explained; `eq` is only a placeholder.
            Self::Pass => Condition::Eq,
        }
    }

    /// The reference words, for explaining a failed comparison.
    pub(crate) fn expected(&self, ty: WordType) -> Expected {
        let words: Vec<Value> = match self {
            Self::Eq(r)
            | Self::Ne(r)
            | Self::Gt(r)
            | Self::Gte(r)
            | Self::Lt(r)
            | Self::Lte(r)
            | Self::BitsAll(r)
            | Self::BitsAny(r) => {
                alloc::vec![Value::of(ty, *r)]
            }
            Self::InRange(lo, hi) => alloc::vec![Value::of(ty, *lo), Value::of(ty, *hi)],
            Self::OneOf(set) => set.iter().map(|w| Value::of(ty, *w)).collect(),
            Self::Pass => Vec::new(),
        };
        Expected {
            op: self.op(),
            values: words,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u64) -> U256 {
        U256::from(v)
    }

    fn neg(v: u64) -> U256 {
        (I256::ZERO - I256::try_from(v).unwrap()).into_raw()
    }

    #[test]
    fn unsigned_boundaries() {
        let at = u(100);
        for (check, below, equal, above) in [
            (Check::Eq(at), false, true, false),
            (Check::Ne(at), true, false, true),
            (Check::Gt(at), false, false, true),
            (Check::Gte(at), false, true, true),
            (Check::Lt(at), true, false, false),
            (Check::Lte(at), true, true, false),
        ] {
            assert_eq!(check.holds(&u(99), false), below, "{check:?} below");
            assert_eq!(check.holds(&u(100), false), equal, "{check:?} equal");
            assert_eq!(check.holds(&u(101), false), above, "{check:?} above");
        }
    }

    #[test]
    fn range_is_inclusive() {
        let range = Check::InRange(u(10), u(20));
        assert!(!range.holds(&u(9), false));
        assert!(range.holds(&u(10), false));
        assert!(range.holds(&u(20), false));
        assert!(!range.holds(&u(21), false));
    }

    #[test]
    fn one_of() {
        let set = Check::OneOf(vec![u(1), u(5)].into());
        assert!(set.holds(&u(5), false));
        assert!(!set.holds(&u(4), false));
        let long: Vec<U256> = (0..40).map(|i| u(i * 3)).collect();
        let set = Check::OneOf(long.into());
        assert!(set.holds(&u(39), false));
        assert!(set.holds(&u(117), false));
        assert!(!set.holds(&u(40), false));
    }

    #[test]
    fn signed_versus_unsigned() {
        // -1 is below 0 when signed, but the largest number when unsigned.
        let minus_one = neg(1);
        assert!(Check::Lt(u(0)).holds(&minus_one, true));
        assert!(!Check::Lt(u(0)).holds(&minus_one, false));
        let range = Check::InRange(neg(10), u(10));
        assert!(range.holds(&neg(10), true));
        assert!(!range.holds(&neg(11), true));
        assert!(range.holds(&u(10), true));
        assert!(!range.holds(&u(11), true));
    }

    #[test]
    fn bitmasks() {
        let all = Check::BitsAll(u(0b101));
        assert!(all.holds(&u(0b111), false));
        assert!(!all.holds(&u(0b100), false));
        let any = Check::BitsAny(u(0b101));
        assert!(any.holds(&u(0b100), false));
        assert!(!any.holds(&u(0b010), false));
        assert!(Check::BitsAll(U256::ZERO).holds(&U256::ZERO, false));
        assert!(!Check::BitsAny(U256::ZERO).holds(&U256::MAX, false));
    }

    #[test]
    fn extremes() {
        assert!(Check::Lte(U256::MAX).holds(&U256::MAX, false));
        assert!(!Check::Gt(U256::MAX).holds(&U256::MAX, false));
        assert!(Check::Gte(U256::ZERO).holds(&U256::ZERO, false));
    }

    /// Words that differ in one limb only, the sign bit and the extremes: where a limb-wise
    /// comparison could go wrong.
    fn word() -> impl proptest::strategy::Strategy<Value = U256> {
        use proptest::prelude::*;
        let edge = prop_oneof![
            Just(0u64),
            Just(1),
            Just(u64::MAX),
            Just(1 << 63),
            any::<u64>()
        ];
        proptest::array::uniform4(edge).prop_map(U256::from_limbs)
    }

    proptest::proptest! {
        #[test]
        fn in_place_agrees_with_words(a in word(), b in word(), signed: bool) {
            for check in [
                Check::Eq(b), Check::Ne(b), Check::Gt(b), Check::Gte(b), Check::Lt(b),
                Check::Lte(b), Check::InRange(b, a), Check::InRange(a, b), Check::BitsAll(b),
                Check::BitsAny(b), Check::OneOf(vec![b].into()), Check::Pass,
            ] {
                let bytes = a.to_be_bytes::<32>();
                proptest::prop_assert_eq!(
                    check.holds_at(&bytes, signed), check.holds(&a, signed), "{:?} {}", check, a
                );
            }
        }
    }
}
