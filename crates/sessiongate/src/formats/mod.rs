//! Importers for the session formats of the systems people already run. Each one loads its own
//! JSON shape and compiles it onto the engine with the exact semantics of its contracts.

pub mod biconomy;
pub mod smart_sessions;
pub mod thirdweb;

/// The formats a session document may declare in `"format"`.
pub const FORMATS: &[&str] = &[
    "sessiongate",
    "smart-sessions",
    "smart-sessions-onchain",
    "thirdweb",
    "biconomy-abi-svm",
    "biconomy-erc20-svm",
];
