//! Shared fixtures for the benches and the allocation test: session documents, calldata, ledger
//! and context for an ERC-20 transfer check, hand-written alloy baselines doing the same check,
//! and a relayer replica's fleet of example sessions with a seeded stream of their transactions.

pub mod baseline;
pub mod fixtures;
pub mod hostile;
pub mod replica;
