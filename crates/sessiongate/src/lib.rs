#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
// Every limit uses checked arithmetic; the lint keeps it that way outside tests.
#![cfg_attr(not(test), deny(clippy::arithmetic_side_effects))]

extern crate alloc;

pub mod account;
pub mod calldata;
pub mod document;
mod evaluate;
pub mod formats;
mod index;
pub mod limits;
pub mod rules;
pub mod scenario;
mod session;
pub mod transaction;
pub mod user_op;
pub mod verdict;
mod wire;

pub use document::{LoadError, SessionDocument};
pub use evaluate::{MAX_CALLS, Mode};
pub use limits::{BudgetStatus, Effect, Ledger, LedgerKey, MemoryLedger};
pub use session::{Call, Context, Session};
pub use transaction::Transaction;
pub use user_op::UserOperation;
pub use verdict::{Decision, Reason, Verdict, Violation};

// The workspace README's Rust example runs as a doctest too; the packaged crate leaves it out.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct WorkspaceReadme;
