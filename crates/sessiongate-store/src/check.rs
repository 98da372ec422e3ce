//! Decide and commit through a store: read the session's counters in one round trip, decide,
//! commit conditionally, and decide again on conflict, a bounded number of times.

use crate::{Applied, Change, Store, StoreError};
use alloy_primitives::U256;
use sessiongate::{
    Context, Input, Ledger, LedgerKey, LedgerUnavailable, MemoryLedger, Mode, Session, Verdict,
};

/// Conflicts one check retries before it gives up with [`StoreError::Contended`].
pub const MAX_RETRIES: u32 = 16;

/// A decision and what became of it.
#[derive(Debug)]
pub struct Checked<'s> {
    /// The verdict. An allow was committed (or reserved) unless it changed nothing.
    pub verdict: Verdict<'s>,
    /// Conflicts met before this decision held.
    pub retries: u32,
    /// Whether the store was written.
    pub written: bool,
}

/// The counters read in one round trip; a key outside them reads as unavailable, never as 0.
struct Snapshot(MemoryLedger);

impl Ledger for Snapshot {
    fn read(&self, key: &LedgerKey<'_>) -> Result<U256, LedgerUnavailable> {
        if self.0.contains(key) {
            Ok(self.0.get(key))
        } else {
            Err(LedgerUnavailable)
        }
    }
}

/// A store that could not be reached.
struct Down;

impl Ledger for Down {
    fn read(&self, _: &LedgerKey<'_>) -> Result<U256, LedgerUnavailable> {
        Err(LedgerUnavailable)
    }
}

/// Decides `input` against the store's usage and commits an allow's effects, or reserves them
/// under `reserve` (id, expiry) for a later [`Store::settle`]. A store that cannot be read or
/// written makes a decision that needs usage deny with `ledger_unavailable`.
pub async fn check<'s>(
    store: &dyn Store,
    session: &'s Session,
    input: Input<'_>,
    ctx: &Context,
    mode: Mode,
    reserve: Option<(String, u64)>,
) -> Result<Checked<'s>, StoreError> {
    let keys = session.counters(ctx.now);
    let names: Vec<String> = keys.iter().map(ToString::to_string).collect();
    for retries in 0..=MAX_RETRIES {
        let values = match store.read(&names, ctx.now).await {
            Ok(values) => values,
            Err(_) => return Ok(unavailable(session, input, ctx, mode, retries)),
        };
        let mut snapshot = MemoryLedger::new();
        for (key, value) in keys.iter().zip(values) {
            snapshot.set(key, value);
        }
        let verdict = session.decide(input, &Snapshot(snapshot), ctx, mode);
        if !verdict.is_allow() || verdict.effects.is_empty() {
            return Ok(Checked {
                verdict,
                retries,
                written: false,
            });
        }
        let change = Change {
            reserve: reserve.clone(),
            ..Change::of(&verdict)
        };
        match store.apply(&change, ctx.now).await {
            Ok(Applied::Done) => {
                return Ok(Checked {
                    verdict,
                    retries,
                    written: true,
                });
            }
            Ok(Applied::Conflict) => {}
            Err(_) => return Ok(unavailable(session, input, ctx, mode, retries)),
        }
    }
    Err(StoreError::Contended(MAX_RETRIES))
}

/// The decision with usage unknown: a deny (`ledger_unavailable`) whenever usage matters.
fn unavailable<'s>(
    session: &'s Session,
    input: Input<'_>,
    ctx: &Context,
    mode: Mode,
    retries: u32,
) -> Checked<'s> {
    Checked {
        verdict: session.decide(input, &Down, ctx, mode),
        retries,
        written: false,
    }
}
