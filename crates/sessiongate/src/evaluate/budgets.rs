//! Charging budgets: lifetime caps, fixed windows, refilling buckets and minimum spacing. What is
//! used is the ledger's value plus what earlier calls of the batch already did, so a batch is
//! judged as a whole; every counter read is recorded with the value seen, for a conditional
//! commit.

use super::{At, Evaluator, Here};
use crate::calldata::MAX_WORK;
use crate::compiled::{Limit, Refill, Spacing};
use crate::ledger::{Effect, Ledger, LedgerKey, Op, Read};
use crate::verdict::Reason;
use alloy_primitives::U256;

impl<'s, L: Ledger + ?Sized> Evaluator<'s, '_, L> {
    /// Adds `amount` to a limit's counter as a pending effect, if the cap allows it.
    #[inline]
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
    #[inline]
    pub(super) fn try_charge(&mut self, limit: &'s Limit, amount: U256) -> Result<(), Shortfall> {
        if let Some(refill) = &limit.refill {
            return self.try_refill(limit, refill, amount);
        }
        let (window, expires_at) = match limit.window {
            None => (None, None),
            Some(window) => {
                let now = self.ctx.now;
                let (index, end) = window.at(now).ok_or(Shortfall::NotOpen(window.start))?;
                (Some(window.opens(index)), Some(end))
            }
        };
        let key = self.key(&limit.key, window);
        let used = self.read(&key, limit.key.id)?;
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
                if !amount.is_zero() {
                    self.effect(key, Op::Add(amount), expires_at);
                }
                Ok(())
            }
        }
    }

    /// A refilling budget: credit the whole periods since the last refill (never above the cap),
    /// then take `amount` from the balance. What was used grows by the amount; the refill's
    /// running totals are absolute state, set rather than added, so a store that commits
    /// conditionally never counts one period twice.
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
        let used_key = self.key(&limit.key, None);
        let refilled_key = self.key(&refill.refilled_key, None);
        let periods_key = self.key(&refill.periods_key, None);
        let used = self.read(&used_key, limit.key.id)?;
        let refilled = self.read(&refilled_key, refill.refilled_key.id)?;
        let counted = self.read(&periods_key, refill.periods_key.id)?;
        let bucket = refill.bucket(limit.cap, used, refilled, counted, period);
        if amount > bucket.balance {
            return Err(Shortfall::Exceeded {
                used: limit.cap.saturating_sub(bucket.balance),
                left: bucket.balance,
            });
        }
        // The counters only grow, so a bucket that keeps refilling near 2^256 eventually cannot
        // record a charge: deny then, so applying the effects to this ledger never overflows.
        let grow = |before: U256, add: U256| {
            before.checked_add(add).ok_or(Shortfall::Overflow {
                used: before,
                adding: add,
            })
        };
        grow(used, amount)?;
        let refilled_now = grow(refilled, bucket.credit)?;
        let counted_now = grow(counted, bucket.elapsed)?;
        if !amount.is_zero() {
            self.effect(used_key, Op::Add(amount), None);
        }
        if refilled_now != refilled {
            self.effect(refilled_key, Op::Set(refilled_now), None);
        }
        if counted_now != counted {
            self.effect(periods_key, Op::Set(counted_now), None);
        }
        Ok(())
    }

    /// A minimum time between allowed calls. The counter holds the first second the next call
    /// may come (0 before any call, so a call at second 0 counts like any other); each allowed
    /// call sets it to `now + seconds`, exactly, in 256 bits.
    pub(super) fn space(&mut self, at: At<'s>, here: Here<'s>, spacing: &'s Spacing) -> bool {
        let now = self.ctx.now;
        let key = self.key(&spacing.key, None);
        let next = match self.read(&key, spacing.key.id) {
            Ok(next) => next,
            Err(short) => return self.fail(at, here, short.unreadable()),
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
        // `now` and `seconds` are below 2^64, so the sum is exact; it is never below `next`.
        let next = U256::from(now).saturating_add(seconds);
        self.effect(key, Op::Set(next), now.checked_add(spacing.seconds));
        true
    }

    /// The key of one of the session's counters.
    #[inline]
    fn key(&self, counter: &'s str, window: Option<u64>) -> LedgerKey<'s> {
        LedgerKey::borrowed(self.session.fingerprint, counter, window)
    }

    /// The counter's value as this batch leaves it so far: the ledger's value (read once per
    /// counter and recorded, so a store can commit only if it has not changed) with this batch's
    /// pending effects applied. Fails when the ledger cannot answer, a sum overflows, or the
    /// transaction's work runs out: the scans are work, or a session with thousands of limits
    /// charged by every call of a batch would be quadratic.
    #[inline(always)]
    fn read(&mut self, key: &LedgerKey<'s>, id: u128) -> Result<U256, Shortfall> {
        let scanned = self.out.reads.len().saturating_add(self.out.effects.len());
        if scanned > 0 && !self.work.spend_count(scanned) {
            return Err(Shortfall::OutOfWork);
        }
        let recorded = if self.out.reads.is_empty() {
            None
        } else {
            self.out.reads.iter().find(|r| r.key.same_in_session(key))
        };
        let seen = match recorded {
            Some(read) => read.seen,
            None => {
                let seen = self
                    .ledger
                    .read_numbered(key, id)
                    .map_err(|_| Shortfall::Unavailable)?;
                self.out.reads.push(Read {
                    key: key.clone(),
                    seen,
                });
                seen
            }
        };
        if self.out.effects.is_empty() {
            return Ok(seen);
        }
        self.pending(key, seen)
    }

    /// The value with this batch's pending effects on the counter applied.
    #[inline]
    fn pending(&self, key: &LedgerKey<'s>, seen: U256) -> Result<U256, Shortfall> {
        let mut value = seen;
        for effect in self.out.effects.iter() {
            if effect.key.same_in_session(key) {
                value = effect.apply_to(value).ok_or(Shortfall::Overflow {
                    used: U256::MAX,
                    adding: U256::ZERO,
                })?;
            }
        }
        Ok(value)
    }

    /// A pending effect.
    fn effect(&mut self, key: LedgerKey<'s>, op: Op, expires_at: Option<u64>) {
        self.out.effects.push(Effect {
            key,
            op,
            expires_at,
        });
    }
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
    /// The ledger could not be read.
    Unavailable,
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
            Self::OutOfWork | Self::Unavailable => self.unreadable(),
        }
    }

    /// Why a counter could not be had at all: no cap is involved.
    #[cold]
    pub(super) fn unreadable(self) -> Reason {
        match self {
            Self::OutOfWork => Reason::WorkExhausted { max: MAX_WORK },
            Self::Overflow { used, adding } => Reason::LimitOverflow {
                used,
                requested: adding,
            },
            Self::Unavailable | Self::Exceeded { .. } | Self::NotOpen(_) => {
                Reason::LedgerUnavailable
            }
        }
    }
}
