//! Shared fixtures for the benches and the allocation test: session documents, calldata, ledger
//! and context for an ERC-20 transfer check, and hand-written alloy baselines doing the same check.

pub mod baseline;
pub mod fixtures;
pub mod hostile;
