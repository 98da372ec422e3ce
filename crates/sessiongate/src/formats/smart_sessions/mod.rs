//! Rhinestone Smart Sessions (ERC-7579): the SDK's JSON shape and the on-chain form, both
//! reduced to [`PolicyConfig`]s as the deployed policy contracts store them, then compiled onto
//! the engine with the module's dispatch (exact action, else the fallback action).

pub mod ids;
mod model;
pub mod onchain;

pub use model::{
    ArgNode, ParamCondition, ParamRule, PolicyConfig, PolicyContract, PolicyKindId, PolicyVersion,
    SpendingSemantics,
};
