//! How a call finds its action. The evaluator knows three ways; what is specific to the system a
//! session came from (addresses, selectors, reserved targets) is data here, filled by its importer.

use alloy_primitives::Address;

/// How a call finds its action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Dispatch {
    /// Actions are alternatives, tried most specific first; any one may allow (native).
    #[default]
    Alternatives,
    /// The exact (target, selector) action, else a fallback action; the first one found decides
    /// (Smart Sessions).
    ExactOrFallback(ExactDispatch),
    /// The most specific candidate decides, with no second try (thirdweb's first matching
    /// policy); calldata shorter than 4 bytes is a native transfer.
    FirstMatch,
}

/// What exact-or-fallback dispatch needs beyond the action index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ExactDispatch {
    /// The selector calldata shorter than 4 bytes is looked up under.
    pub(crate) short_selector: [u8; 4],
    /// A call to the account with this selector is refused (the module refuses to be re-entered
    /// through the account's own execute).
    pub(crate) self_execute: [u8; 4],
    /// A target no call may name (the fallback's flag address).
    pub(crate) reserved_target: Address,
    /// The session's own module: calls to it only match the admin action.
    pub(crate) module: Address,
    /// The fallback action, if it has policies.
    pub(crate) fallback: Option<u32>,
    /// The admin action, if it has policies.
    pub(crate) admin: Option<u32>,
    /// Every known deployment of the module. A call to one other than `module` is, on chain, an
    /// ordinary call; here it also needs the admin action, so a session key cannot enable
    /// sessions or change policies there through an ordinary or fallback action (a deliberate
    /// fail-closed deviation).
    pub(crate) deployments: &'static [Address],
}
