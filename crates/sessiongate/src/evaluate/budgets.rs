//! Charging budgets: lifetime caps, fixed windows, refilling buckets and minimum spacing. What is
//! used is the ledger's amount plus what earlier calls of the batch already added, so a batch is
//! judged as a whole and its effects are one list of additions.

use super::{At, Evaluator, Here};
use crate::calldata::MAX_WORK;
use crate::compiled::{Limit, Refill, Spacing, Window};
use crate::ledger::{Effect, Ledger, LedgerKey, same_key};
use crate::verdict::Reason;
use alloy_primitives::U256;

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    /// Adds `amount` to a limit's counter as a pending effect, if the cap allows it.
    pub(super) fn charge(
        &mut self,
        at: At<'s>,
        here: Here<'s>,
        limit: &'s Limit,
        amount: U256,
    ) -> bool {
        match self.try_charge(limit, amount) {
            Ok(()) => true,
            Err(short) => {
                let reason = short.reason(limit, amount, self.ctx.now);
                self.fail(at, here, reason)
            }
        }
    }

    /// Records `amount` against the limit, or says why the cap does not allow it.
    pub(super) fn try_charge(&mut self, limit: &'s Limit, amount: U256) -> Result<(), Shortfall> {
        if let Some(refill) = &limit.refill {
            return self.try_refill(limit, refill, amount);
        }
        let key = match limit.window {
            None => LedgerKey::borrowed(&limit.key),
            Some(window) => window_key(limit, window, self.ctx.now)?,
        };
        let used = self.used(key.as_str(), amount)?;
        match used.checked_add(amount) {
            None => Err(Shortfall::Overflow {
                used,
                adding: amount,
            }),
            Some(total) if total > limit.cap => Err(Shortfall::Exceeded {
                used,
                left: limit.cap.saturating_sub(used),
            }),
            Some(_) => {
                self.add(key, amount);
                Ok(())
            }
        }
    }

    /// A refilling budget: credit the whole periods since the last refill (never above the cap),
    /// then take `amount` from the balance.
    #[cold]
    fn try_refill(
        &mut self,
        limit: &'s Limit,
        refill: &'s Refill,
        amount: U256,
    ) -> Result<(), Shortfall> {
        let Some((period, _)) = refill.every.at(self.ctx.now) else {
            return Err(Shortfall::NotOpen(refill.every.start));
        };
        let read = |key: &str| self.used(key, amount);
        let used = read(&limit.key)?;
        let refilled = read(&refill.refilled_key)?;
        let counted = read(&refill.periods_key)?;
        let bucket = refill.bucket(limit.cap, used, refilled, counted, period);
        if amount > bucket.balance {
            return Err(Shortfall::Exceeded {
                used: limit.cap.saturating_sub(bucket.balance),
                left: bucket.balance,
            });
        }
        // The counters only grow, so a bucket that keeps refilling near 2^256 eventually cannot
        // record a charge: deny then, so applying the effects to this ledger never overflows.
        let adds = [
            (&limit.key, used, amount),
            (&refill.refilled_key, refilled, bucket.credit),
            (&refill.periods_key, counted, bucket.elapsed),
        ];
        for (_, before, add) in adds {
            if before.checked_add(add).is_none() {
                return Err(Shortfall::Overflow {
                    used: before,
                    adding: add,
                });
            }
        }
        for (key, _, add) in adds {
            self.add(LedgerKey::borrowed(key), add);
        }
        Ok(())
    }

    /// A minimum time between allowed calls. The counter holds the first second the next call
    /// may come (0 before any call, so a call at second 0 counts like any other); each allowed
    /// call moves it to `now + seconds`, exactly, in 256 bits.
    pub(super) fn space(&mut self, at: At<'s>, here: Here<'s>, spacing: &'s Spacing) -> bool {
        let now = self.ctx.now;
        let next = match self.used(&spacing.key, U256::ZERO) {
            Ok(next) => next,
            Err(Shortfall::OutOfWork) => {
                return self.fail(at, here, Reason::WorkExhausted { max: MAX_WORK });
            }
            Err(_) => {
                let reason = Reason::LimitOverflow {
                    used: U256::MAX,
                    requested: U256::ZERO,
                };
                return self.fail(at, here, reason);
            }
        };
        let seconds = U256::from(spacing.seconds);
        if U256::from(now) < next {
            // Display only: a next time past 2^64-1 (never) shows as the last second there is.
            let reason = Reason::TooSoon {
                min_spacing: spacing.seconds,
                last: u64::try_from(next.saturating_sub(seconds)).unwrap_or(u64::MAX),
                now,
                next_at: u64::try_from(next).unwrap_or(u64::MAX),
            };
            return self.fail(at, here, reason);
        }
        // `next <= now < 2^64`, so the counter becomes `now + seconds < 2^65`: no overflow.
        let moved = U256::from(now).saturating_add(seconds).saturating_sub(next);
        self.add(LedgerKey::borrowed(&spacing.key), moved);
        true
    }

    /// The ledger's amount under `key` plus what this batch already added to it, or why it
    /// cannot be had: the sum overflows (checked additions rule that out unless the ledger
    /// changes meanwhile), or the transaction's work ran out. The scan of pending effects is
    /// work: a session with thousands of limits charged by every call of a batch would otherwise
    /// be quadratic.
    fn used(&self, key: &str, amount: U256) -> Result<U256, Shortfall> {
        let pending = self.out.effects.len();
        if pending > 0 && !self.work.spend_count(pending) {
            return Err(Shortfall::OutOfWork);
        }
        let pending = self
            .out
            .effects
            .iter()
            .filter(|e| same_key(e.key.as_str(), key))
            .try_fold(U256::ZERO, |sum, e| sum.checked_add(e.add));
        pending
            .and_then(|p| p.checked_add(self.ledger.used(key)))
            .ok_or_else(|| overflow(amount))
    }

    /// A pending effect; zero additions are not recorded.
    fn add(&mut self, key: LedgerKey<'s>, amount: U256) {
        if !amount.is_zero() {
            self.out.effects.push(Effect { key, add: amount });
        }
    }
}

/// A counter whose pending sum already overflows cannot take `amount`.
#[cold]
fn overflow(amount: U256) -> Shortfall {
    Shortfall::Overflow {
        used: U256::MAX,
        adding: amount,
    }
}

/// Each window of a windowed limit counts under its own key, named by the second it opens.
#[cold]
fn window_key(limit: &Limit, window: Window, now: u64) -> Result<LedgerKey<'static>, Shortfall> {
    let Some((index, _)) = window.at(now) else {
        return Err(Shortfall::NotOpen(window.start));
    };
    Ok(LedgerKey::new(window.key(&limit.key, index)))
}

/// Why a limit does not take an amount.
#[derive(Clone, Copy)]
pub(super) enum Shortfall {
    /// The cap would be passed: what is used, and what is left.
    Exceeded { used: U256, left: U256 },
    /// Recording the charge would overflow a counter: what it holds, and what would be added.
    Overflow { used: U256, adding: U256 },
    /// A windowed or refilling budget before its first period opens.
    NotOpen(u64),
    /// The transaction's work budget ran out.
    OutOfWork,
}

impl Shortfall {
    #[cold]
    pub(super) fn reason(self, limit: &Limit, requested: U256, now: u64) -> Reason {
        match self {
            Self::Exceeded { used, left } => Reason::LimitExceeded {
                limit: limit.cap,
                used,
                requested,
                left,
                resets_at: limit.renews_at(now),
            },
            Self::NotOpen(valid_after) => Reason::NotYetValid { valid_after, now },
            Self::Overflow { used, adding } => Reason::LimitOverflow {
                used,
                requested: adding,
            },
            Self::OutOfWork => Reason::WorkExhausted { max: MAX_WORK },
        }
    }
}
