//! Limits that need memory across calls: the ledger the caller keeps, the effects an allowed
//! verdict asks it to apply, and the compiled policies that read it.

mod ledger;
mod policy;
mod spending;
mod status;

pub(crate) use ledger::same_key;
pub use ledger::{Effect, Ledger, LedgerError, LedgerKey, MemoryLedger};
pub(crate) use policy::{
    Limit, Policy, PolicyKind, Refill, Spacing, TokenSpend, Window, token_spend,
};
pub(crate) use spending::{Refusal, TokenLimits, counted};
pub use status::BudgetStatus;
