//! Transactions as callers write them: the JSON-RPC shape `{ "to", "value", "data" }` with hex or
//! decimal quantities, or `{ "calls": [ … ] }` for an atomic batch.

use crate::document::{LoadError, Quantity, from_json_text, from_json_value};
use crate::session::Call;
use alloc::vec::Vec;
use alloy_primitives::{Address, Bytes};
use serde::{Deserialize, Serialize};

/// One call in the JSON-RPC transaction shape. Fields of that shape that do not bear on the
/// decision (gas, fees, nonce, type) are accepted; any other field is an error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CallDocument {
    /// The contract or account called.
    pub to: Address,
    /// Native value in wei; zero when absent.
    #[serde(default)]
    pub value: Quantity,
    /// Calldata (`input` is accepted too); empty when absent.
    #[serde(default, alias = "input")]
    pub data: Bytes,
    /// The sender; taken as the account when the context gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Address>,
    /// The chain; taken as the context's chain when none is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<Quantity>,
    /// Accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gas: Option<Quantity>,
    /// Accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gas_price: Option<Quantity>,
    /// Accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_fee_per_gas: Option<Quantity>,
    /// Accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_priority_fee_per_gas: Option<Quantity>,
    /// Accepted and not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<Quantity>,
    /// Accepted and not used.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub tx_type: Option<Quantity>,
}

impl CallDocument {
    /// Borrows the call for evaluation.
    pub fn as_call(&self) -> Call<'_> {
        Call {
            to: self.to,
            value: self.value.0,
            data: &self.data,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Batch {
    calls: Vec<CallDocument>,
}

/// A single call or an atomic batch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    /// The calls, in order.
    pub calls: Vec<CallDocument>,
}

impl Transaction {
    /// Parses `{ "to", "value", "data" }` or `{ "calls": [ … ] }`.
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        let value: serde_json::Value = from_json_text(text)?;
        Self::from_value(value)
    }

    /// Parses an already parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Self, LoadError> {
        let is_batch = value.as_object().is_some_and(|o| o.contains_key("calls"));
        if is_batch {
            let batch: Batch = from_json_value(value)?;
            Ok(Self { calls: batch.calls })
        } else if value.is_object() {
            Ok(Self {
                calls: alloc::vec![from_json_value(value)?],
            })
        } else {
            Err(LoadError::invalid(
                "",
                "a transaction is an object: { \"to\", \"value\", \"data\" } or { \"calls\": [...] }",
            ))
        }
    }

    /// The calls borrowed for evaluation.
    pub fn as_calls(&self) -> Vec<Call<'_>> {
        self.calls.iter().map(CallDocument::as_call).collect()
    }

    /// The `from` of the first call that gives one.
    pub fn from(&self) -> Option<Address> {
        self.calls.iter().find_map(|c| c.from)
    }

    /// The `chainId` of the first call that gives one, if it fits 64 bits.
    pub fn chain_id(&self) -> Option<u64> {
        self.calls
            .iter()
            .find_map(|c| c.chain_id)
            .and_then(|q| u64::try_from(q.0).ok())
    }
}
