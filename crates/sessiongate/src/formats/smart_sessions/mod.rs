//! Rhinestone Smart Sessions (ERC-7579): the SDK's JSON shape (`"format": "smart-sessions"`) and
//! the module's own `Session` struct (`"format": "smart-sessions-onchain"`), both reduced to
//! policy configurations as the deployed policy contracts store them, then compiled onto the engine
//! with the module's dispatch (exact action, else the fallback action).

mod compile;
pub mod document;
pub mod ids;
mod load;
mod model;
#[cfg(feature = "test-util")]
pub mod onchain;
// The policy codecs: public only to tests and fuzzing (`test-util`).
#[cfg(not(feature = "test-util"))]
#[allow(unreachable_pub, dead_code)]
mod onchain;
mod sdk;

pub use load::{ActionIds, Identifiers, identifiers, onchain_from_json, to_onchain};
pub use model::{ParamCondition, PolicyContract, PolicyKindId, PolicyVersion};

#[cfg(feature = "test-util")]
pub use load::{compile_onchain, compile_sdk};
#[cfg(not(feature = "test-util"))]
pub(crate) use load::{compile_onchain, compile_sdk};
#[cfg(feature = "test-util")]
pub use model::{ArgNode, ParamRule, PolicyConfig, SpendingSemantics};
#[cfg(not(feature = "test-util"))]
pub(crate) use model::{ArgNode, ParamRule, PolicyConfig, SpendingSemantics};
