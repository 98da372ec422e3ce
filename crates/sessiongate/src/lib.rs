#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
// Every limit uses checked arithmetic; the lint keeps it that way outside tests.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

extern crate alloc;

// Layers, each importing only from those below it:
// faces (load, decide, budgets, transaction, user_op) → formats, evaluate → document →
// compiled → verdict, ledger, condition → account → call, calldata, wire (JSON shapes).
pub mod account;
mod budgets;
mod call;
pub mod calldata;
mod compiled;
mod condition;
mod decide;
pub mod document;
mod evaluate;
pub mod formats;
mod ledger;
mod load;
pub mod transaction;
pub mod user_op;
pub mod verdict;
mod wire;

pub use budgets::BudgetStatus;
pub use call::{Call, Context};
pub use compiled::{Session, Target};
pub use condition::Condition;
pub use decide::Input;
pub use document::{LoadError, SessionDocument};
pub use evaluate::{MAX_CALLS, Mode};
pub use ledger::{
    CommitError, Effect, Fingerprint, Ledger, LedgerKey, LedgerUnavailable, MemoryLedger, Op, Read,
    counter_id,
};
pub use transaction::Transaction;
pub use user_op::UserOperation;
pub use verdict::{Decision, Reason, Verdict, Violation};

// The workspace README's Rust example runs as a doctest too; the packaged crate leaves it out.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;
