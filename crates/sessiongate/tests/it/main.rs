//! The core's integration tests, one target so they link once: a module per concern, and
//! `common` with the helpers and `sol!` ABIs they share. The scenario generators among them
//! (`rules_scenarios`, `smart_sessions_scenarios`, `account_scenarios`, `fail_closed`,
//! `biconomy_conformance`) rewrite their committed files with `UPDATE_SCENARIOS=1`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests: a failed expectation should panic"
)]

// Shared helpers: `pub` so the fuzz crate can include the ABI module by path.
#[allow(unreachable_pub)]
mod common;

mod abi_path;
mod account_roundtrip;
mod account_scenarios;
mod accounts;
mod biconomy;
mod biconomy_conformance;
mod conditions;
mod conformance;
mod evaluate;
mod examples;
mod fail_closed;
mod fail_closed_limits;
mod layers;
mod ledger_protocol;
mod load_errors;
mod properties;
mod readme;
mod rule_properties;
mod rules_scenarios;
mod same_intent;
mod smart_sessions_forms;
mod smart_sessions_onchain;
mod smart_sessions_scenarios;
mod thirdweb;
mod user_op;
