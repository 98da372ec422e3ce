//! Importers for the session formats of the systems people already run. Each one loads its own
//! JSON shape and compiles it onto the engine with the exact semantics of its contracts.

pub mod smart_sessions;
