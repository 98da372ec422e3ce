//! Rhinestone Smart Sessions (ERC-7579): the SDK's JSON shape (`"format": "smart-sessions"`) and
//! the module's own `Session` struct (`"format": "smart-sessions-onchain"`), both reduced to
//! [`PolicyConfig`]s as the deployed policy contracts store them, then compiled onto the engine
//! with the module's dispatch (exact action, else the fallback action).

mod compile;
pub mod document;
pub mod ids;
mod load;
mod model;
pub mod onchain;
mod sdk;

pub use load::{
    ActionIds, Identifiers, compile_onchain, compile_sdk, identifiers, onchain_from_json,
    to_onchain,
};
pub use model::{
    ArgNode, ParamCondition, ParamRule, PolicyConfig, PolicyContract, PolicyKindId, PolicyVersion,
    SpendingSemantics,
};
