//! What is left of each budget of a session, for a wallet to show before the next call.

use crate::compiled::{Limit, Session};
use crate::ledger::{Fingerprint, Ledger, LedgerKey, LedgerUnavailable};
use alloc::{string::String, vec::Vec};
use alloy_primitives::U256;
use serde::Serialize;

/// One budget as it stands: how much of it is used and left now, and when it grows again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetStatus {
    /// The budget's counter id within the session (see [`Session::key`]).
    pub key: String,
    /// Its cap: per window, the bucket's size, or for all time.
    #[serde(serialize_with = "decimal")]
    pub limit: U256,
    /// Used now: in the current window, or taken from a refilling budget's balance.
    #[serde(serialize_with = "decimal")]
    pub used: U256,
    /// What one more call may use now.
    #[serde(serialize_with = "decimal")]
    pub left: U256,
    /// When more becomes available: the next window, or the next refill (none for a lifetime
    /// cap). Before a windowed budget's first window, when it opens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resets_at: Option<u64>,
}

fn decimal<S: serde::Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

impl Limit {
    /// This budget's standing at `now` against what the ledger recorded.
    pub(crate) fn status<L: Ledger + ?Sized>(
        &self,
        session: Fingerprint,
        ledger: &L,
        now: u64,
    ) -> Result<BudgetStatus, LedgerUnavailable> {
        let read =
            |counter: &str, window| ledger.read(&LedgerKey::borrowed(session, counter, window));
        let (used, left, resets_at) = match (&self.window, &self.refill) {
            (_, Some(refill)) => match refill.every.at(now) {
                None => (U256::ZERO, U256::ZERO, Some(refill.every.start)),
                Some((period, end)) => {
                    let bucket = refill.bucket(
                        self.cap,
                        read(&self.key, None)?,
                        read(&refill.refilled_key, None)?,
                        read(&refill.periods_key, None)?,
                        period,
                    );
                    (
                        self.cap.saturating_sub(bucket.balance),
                        bucket.balance,
                        Some(end),
                    )
                }
            },
            (Some(window), None) => match window.at(now) {
                None => (U256::ZERO, U256::ZERO, Some(window.start)),
                Some((index, end)) => {
                    let used = read(&self.key, Some(window.opens(index)))?;
                    (used, self.cap.saturating_sub(used), Some(end))
                }
            },
            (None, None) => {
                let used = read(&self.key, None)?;
                (used, self.cap.saturating_sub(used), None)
            }
        };
        Ok(BudgetStatus {
            key: self.key.name.as_ref().into(),
            limit: self.cap,
            used,
            left,
            resets_at,
        })
    }
}

impl Session {
    /// Every budget of the session (rule budgets, rule-tree budgets, value, usage and spend
    /// limits; a shared budget once) with what is used and left at `now`, and when it next
    /// grows. Fails if the ledger cannot be read.
    pub fn budgets<L: Ledger + ?Sized>(
        &self,
        ledger: &L,
        now: u64,
    ) -> Result<Vec<BudgetStatus>, LedgerUnavailable> {
        let mut out: Vec<BudgetStatus> = Vec::new();
        let mut failed = None;
        self.for_each_limit(&mut |limit| {
            if failed.is_none() && !out.iter().any(|s| *s.key == *limit.key) {
                match limit.status(self.fingerprint, ledger, now) {
                    Ok(status) => out.push(status),
                    Err(e) => failed = Some(e),
                }
            }
        });
        failed.map_or(Ok(out), Err)
    }
}

impl Session {
    /// Every ledger counter a decision at `now` may read, once each: what a store fetches in one
    /// round trip before deciding (see the README's ledger section).
    pub fn counters(&self, now: u64) -> Vec<LedgerKey<'_>> {
        let mut out: Vec<LedgerKey<'_>> = Vec::new();
        let fp = self.fingerprint;
        self.for_each_limit(&mut |limit| match (&limit.window, &limit.refill) {
            (_, Some(refill)) => {
                push_new(&mut out, fp, &limit.key, None);
                push_new(&mut out, fp, &refill.refilled_key, None);
                push_new(&mut out, fp, &refill.periods_key, None);
            }
            (Some(window), None) => {
                if let Some((index, _)) = window.at(now) {
                    push_new(&mut out, fp, &limit.key, Some(window.opens(index)));
                }
            }
            (None, None) => push_new(&mut out, fp, &limit.key, None),
        });
        self.for_each_spacing(&mut |spacing| push_new(&mut out, fp, &spacing.key, None));
        out
    }
}

/// Adds a key unless it is listed already (a shared budget is met at each place naming it).
fn push_new<'s>(
    out: &mut Vec<LedgerKey<'s>>,
    fp: Fingerprint,
    counter: &'s str,
    window: Option<u64>,
) {
    let key = LedgerKey::borrowed(fp, counter, window);
    if !out.iter().any(|k| k.same(&key)) {
        out.push(key);
    }
}
