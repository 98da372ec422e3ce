//! A budget of decoding and matching steps, so that any input is decided in bounded time.
//!
//! Caps on single things (elements per `[*]`, leaves per rule, inner calls, candidates) do not
//! bound their products: paths with several `[*]` over arrays that alias one another, or many
//! calls each trying many actions, multiply. One counter per transaction does.

use core::cell::Cell;

/// Steps a transaction may take: elements and leaves visited, candidate actions tried with their
/// rules and policies, inner calls walked. Running out is a deny.
pub const MAX_WORK: u32 = 1 << 20;

/// What is left of a step budget. Spending never wraps: once the budget is spent, every further
/// spend fails. Shared by reference (its counters are cells), so a walk over nested calldata and
/// the inner calls it judges spend from one budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Work {
    budget: Cell<u32>,
    left: Cell<u32>,
}

impl Default for Work {
    fn default() -> Self {
        Self::new(MAX_WORK)
    }
}

impl Work {
    /// A budget of `units` steps.
    pub const fn new(units: u32) -> Self {
        Self {
            budget: Cell::new(units),
            left: Cell::new(units),
        }
    }

    /// Takes `units` steps; false, spending what was left, when fewer are left.
    #[inline]
    pub fn spend(&self, units: u32) -> bool {
        match self.left.get().checked_sub(units) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => {
                self.left.set(0);
                false
            }
        }
    }

    /// Like [`spend`](Self::spend), for a count that may not fit in `u32`.
    #[inline]
    pub fn spend_count(&self, units: usize) -> bool {
        self.spend(u32::try_from(units).unwrap_or(u32::MAX))
    }

    /// Steps taken so far.
    pub fn spent(&self) -> u32 {
        self.budget.get().saturating_sub(self.left.get())
    }

    /// Steps left.
    pub fn left(&self) -> u32 {
        self.left.get()
    }

    /// Gives back the whole budget of `units` steps.
    #[inline]
    pub fn reset(&self, units: u32) {
        self.budget.set(units);
        self.left.set(units);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_stops_at_zero_and_stays_there() {
        let work = Work::new(5);
        assert!(work.spend(3));
        assert!(!work.spend(3));
        assert_eq!((work.left(), work.spent()), (0, 5));
        assert!(!work.spend(1));
        assert!(work.spend(0));
        assert!(!Work::new(1).spend_count(usize::MAX));
    }
}
