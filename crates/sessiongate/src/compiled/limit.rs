//! Cumulative caps and the ledger counters they read: lifetime caps, fixed windows, refilling
//! buckets and minimum spacing between calls.

use crate::ledger::counter_id;
use alloc::{boxed::Box, string::String};
use alloy_primitives::U256;
use core::ops::Deref;

/// A ledger counter's id within its session, with its number ([`counter_id`]) computed once here
/// so a ledger indexed by number reads it without hashing the text on every call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Counter {
    pub(crate) name: Box<str>,
    pub(crate) id: u128,
}

impl From<Box<str>> for Counter {
    fn from(name: Box<str>) -> Self {
        let id = counter_id(&name);
        Self { name, id }
    }
}

impl From<String> for Counter {
    fn from(name: String) -> Self {
        Self::from(name.into_boxed_str())
    }
}

impl From<&str> for Counter {
    fn from(name: &str) -> Self {
        Self::from(Box::<str>::from(name))
    }
}

impl Deref for Counter {
    type Target = str;
    fn deref(&self) -> &str {
        &self.name
    }
}

/// A cumulative cap and the ledger counter it reads.
#[derive(Clone, Debug)]
pub(crate) struct Limit {
    pub(crate) key: Counter,
    pub(crate) cap: U256,
    /// When set, the cap applies per fixed window of time and each window has its own counter.
    pub(crate) window: Option<Window>,
    /// When set, the budget refills instead of resetting (`window` is then `None`).
    pub(crate) refill: Option<Box<Refill>>,
}

/// A refilling budget (a token bucket, as Zodiac's allowances): it starts full at the cap, and
/// each whole period of `every` since the last refill adds `amount`, never above the cap.
///
/// The ledger holds only counters that grow, so the bucket is three of them: what was used
/// (the limit's own key), what was refilled, and how many periods were already accounted for.
/// The balance is `cap + refilled - used`.
#[derive(Clone, Debug)]
pub(crate) struct Refill {
    pub(crate) every: Window,
    pub(crate) amount: U256,
    pub(crate) refilled_key: Counter,
    pub(crate) periods_key: Counter,
}

/// A refilling budget's standing before a charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bucket {
    /// What one more call may take now, refill included.
    pub(crate) balance: U256,
    /// What this period's refill adds (0 when already counted or full).
    pub(crate) credit: U256,
    /// Whole periods since the last refill was counted.
    pub(crate) elapsed: U256,
}

impl Refill {
    /// The bucket after crediting the whole periods up to `period` (the index `now` falls in),
    /// never above `cap`. A clock that went back credits nothing. The balance is computed as
    /// `cap - (used - refilled)`, so it stays exact when `cap + refilled` passes 2^256.
    pub(crate) fn bucket(
        &self,
        cap: U256,
        used: U256,
        refilled: U256,
        counted: U256,
        period: u64,
    ) -> Bucket {
        // Refills never pass what was used (the balance never passes the cap); counters that say
        // otherwise were not written by this budget and read as an empty bucket: fail closed.
        let balance = used
            .checked_sub(refilled)
            .map_or(U256::ZERO, |taken| cap.saturating_sub(taken));
        let elapsed = U256::from(period).saturating_sub(counted);
        let credit = self
            .amount
            .saturating_mul(elapsed)
            .min(cap.saturating_sub(balance));
        Bucket {
            balance: balance.saturating_add(credit).min(cap),
            credit,
            elapsed,
        }
    }
}

impl Window {
    /// The second window `index` opens: what names its counter.
    pub(crate) fn opens(self, index: u64) -> u64 {
        index.saturating_mul(self.period).saturating_add(self.start)
    }
}

/// At least `seconds` between two allowed calls; the counter holds the first second the next
/// call may come (0 until a call is allowed).
#[derive(Clone, Debug)]
pub(crate) struct Spacing {
    pub(crate) key: Counter,
    pub(crate) seconds: u64,
}

/// Fixed windows of `period` seconds counted from `start`: window `n` is
/// `[start + n·period, start + (n+1)·period)`. thirdweb's Allowance uses `start = 0` (the epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    /// Length in seconds; never 0 (refused at load).
    pub(crate) period: u64,
    pub(crate) start: u64,
}

impl Window {
    /// The window `now` falls in and when it ends; `None` before `start`, or when `period` is 0.
    pub(crate) fn at(self, now: u64) -> Option<(u64, u64)> {
        let index = now.checked_sub(self.start)?.checked_div(self.period)?;
        let end = index
            .checked_add(1)
            .and_then(|n| n.checked_mul(self.period))
            .and_then(|n| n.checked_add(self.start))
            .unwrap_or(u64::MAX);
        Some((index, end))
    }
}

impl Limit {
    /// A cap over all time.
    pub(crate) fn new(key: impl Into<Counter>, cap: U256) -> Self {
        Self {
            key: key.into(),
            cap,
            window: None,
            refill: None,
        }
    }

    /// When the budget next grows: the end of the current window, or the next refill.
    pub(crate) fn renews_at(&self, now: u64) -> Option<u64> {
        let window = self.window.or(self.refill.as_ref().map(|r| r.every))?;
        window.at(now).map(|(_, end)| end)
    }
}
