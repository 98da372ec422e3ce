//! Limits that need memory across calls: the ledger the caller keeps, the effects an allowed
//! verdict asks it to apply, and the compiled policies that read it.

mod ledger;
mod policy;
mod spending;

pub(crate) use ledger::same_key;
pub use ledger::{Effect, Ledger, LedgerError, LedgerKey, MemoryLedger};
pub(crate) use policy::{Limit, Policy, PolicyKind, TokenSpend, Window, token_spend};
pub(crate) use spending::{Refusal, TokenLimits, counted};
