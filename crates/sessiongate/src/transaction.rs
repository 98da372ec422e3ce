//! Transactions as callers write them: the JSON-RPC shape `{ "to", "value", "data" }` with hex or
//! decimal quantities, or `{ "calls": [ … ] }` for an atomic batch.

use crate::call::Call;
use crate::document::{LoadError, Quantity, from_json_text, from_json_value};
use alloc::{format, string::String, vec::Vec};
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
    /// Parses `{ "to", "value", "data" }` or `{ "calls": [ … ] }`. A key given twice, a `chainId`
    /// that does not fit 64 bits, and calls that name different senders or chains are errors.
    pub fn from_json(text: &str) -> Result<Self, LoadError> {
        let value: serde_json::Value = from_json_text(text)?;
        Self::from_value(value)
    }

    /// Parses an already parsed JSON value, with the checks of [`Transaction::from_json`] but
    /// duplicate keys, which a `serde_json::Value` has already dropped.
    pub fn from_value(value: serde_json::Value) -> Result<Self, LoadError> {
        let is_batch = value.as_object().is_some_and(|o| o.contains_key("calls"));
        if is_batch {
            let batch: Batch = from_json_value(value)?;
            if batch.calls.len() > crate::evaluate::MAX_CALLS {
                let message = format!(
                    "{} calls, more than the {} a transaction may have",
                    batch.calls.len(),
                    crate::evaluate::MAX_CALLS
                );
                return Err(LoadError::invalid("calls", message));
            }
            origin(&batch.calls, |i| format!("calls[{i}]"))?;
            Ok(Self { calls: batch.calls })
        } else if value.is_object() {
            let calls = alloc::vec![from_json_value(value)?];
            origin(&calls, |_| String::new())?;
            Ok(Self { calls })
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

    /// The sender the calls name, if any; calls that name different ones are an error.
    pub fn from(&self) -> Result<Option<Address>, LoadError> {
        Ok(origin(&self.calls, |i| self.call_path(i))?.from)
    }

    /// The chain the calls name, if any; a `chainId` that does not fit 64 bits, or calls that
    /// name different chains, are an error.
    pub fn chain_id(&self) -> Result<Option<u64>, LoadError> {
        Ok(origin(&self.calls, |i| self.call_path(i))?.chain_id)
    }

    /// Where call `i` is in the document: a lone call is the document itself.
    fn call_path(&self, i: usize) -> String {
        match self.calls.len() {
            1 => String::new(),
            _ => format!("calls[{i}]"),
        }
    }
}

/// One fact named twice with different values: by the caller (a flag, a request field) and by
/// the input (a transaction's `chainId` or `from`, a user operation's `sender`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Disagreement<T> {
    /// The input's value.
    pub found: T,
    /// The caller's value.
    pub given: T,
}

/// `given` or else `found`, refusing the two when they differ: a verdict for either could be
/// wrong, so neither wins. Every face (CLI, service) builds its [`Context`](crate::Context)
/// through this, so they cannot resolve a chain or an account differently.
pub fn agree<T: PartialEq>(
    found: Option<T>,
    given: Option<T>,
) -> Result<Option<T>, Disagreement<T>> {
    match (found, given) {
        (Some(found), Some(given)) if found != given => Err(Disagreement { found, given }),
        (found, given) => Ok(given.or(found)),
    }
}

/// What calls say about where they run. An atomic batch runs from one sender on one chain, so
/// each must be the same on every call that names it: judging a batch by its first call's chain
/// would let a later call claim another.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The sender named by the calls.
    pub from: Option<Address>,
    /// The chain named by the calls.
    pub chain_id: Option<u64>,
}

/// The calls' sender and chain; `at(i)` is the path of call `i`, for errors.
pub(crate) fn origin(
    calls: &[CallDocument],
    at: impl Fn(usize) -> String,
) -> Result<Origin, LoadError> {
    let field = |i: usize, name: &str| match at(i) {
        call if call.is_empty() => String::from(name),
        call => format!("{call}.{name}"),
    };
    let mut origin = Origin::default();
    let mut first_from = 0;
    let mut first_chain = 0;
    for (i, call) in calls.iter().enumerate() {
        if let Some(from) = call.from {
            match origin.from {
                None => (origin.from, first_from) = (Some(from), i),
                Some(seen) if seen != from => {
                    return Err(LoadError::invalid(
                        field(i, "from"),
                        format!(
                            "{from} differs from {seen} at {}: the calls of one transaction have one sender",
                            field(first_from, "from")
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        if let Some(Quantity(chain)) = call.chain_id {
            let Ok(chain) = u64::try_from(chain) else {
                return Err(LoadError::invalid(
                    field(i, "chainId"),
                    format!("{chain} is not a chain id: chain ids fit 64 bits"),
                ));
            };
            match origin.chain_id {
                None => (origin.chain_id, first_chain) = (Some(chain), i),
                Some(seen) if seen != chain => {
                    return Err(LoadError::invalid(
                        field(i, "chainId"),
                        format!(
                            "chain {chain} differs from chain {seen} at {}: the calls of one transaction run on one chain",
                            field(first_chain, "chainId")
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
    }
    Ok(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0x1111111111111111111111111111111111111111";
    const B: &str = "0x2222222222222222222222222222222222222222";

    fn error(text: &str) -> String {
        match Transaction::from_json(text) {
            Ok(tx) => panic!("accepted: {tx:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_chain_id_wider_than_64_bits_is_refused() {
        // 2^64 + 1: once read as chain 1 because it did not fit.
        let text = format!(r#"{{"to": "{A}", "chainId": "0x10000000000000001"}}"#);
        assert_eq!(
            error(&text),
            "chainId: 18446744073709551617 is not a chain id: chain ids fit 64 bits"
        );
        let text = format!(
            r#"{{"calls": [{{"to": "{A}", "chainId": 1}}, {{"to": "{A}", "chainId": "18446744073709551617"}}]}}"#
        );
        assert!(error(&text).starts_with("calls[1].chainId: 18446744073709551617 is not"));
    }

    #[test]
    fn a_batch_on_two_chains_is_refused() {
        let text = format!(
            r#"{{"calls": [{{"to": "{A}"}}, {{"to": "{A}", "chainId": 1}}, {{"to": "{A}", "chainId": "0x5"}}]}}"#
        );
        assert_eq!(
            error(&text),
            "calls[2].chainId: chain 5 differs from chain 1 at calls[1].chainId: the calls of one transaction run on one chain"
        );
    }

    #[test]
    fn a_batch_from_two_senders_is_refused() {
        let text = format!(
            r#"{{"calls": [{{"to": "{A}", "from": "{A}"}}, {{"to": "{A}", "from": "{B}"}}]}}"#
        );
        let e = error(&text);
        assert!(
            e.starts_with("calls[1].from: 0x2222222222222222222222222222222222222222 differs from 0x1111111111111111111111111111111111111111 at calls[0].from"),
            "{e}"
        );
    }

    #[test]
    fn calls_that_agree_give_their_sender_and_chain() {
        let text = format!(
            r#"{{"calls": [{{"to": "{A}", "from": "{B}", "chainId": 10}}, {{"to": "{A}"}}, {{"to": "{A}", "from": "{B}", "chainId": "0xa"}}]}}"#
        );
        let tx = Transaction::from_json(&text).unwrap();
        assert_eq!(tx.chain_id().unwrap(), Some(10));
        assert_eq!(tx.from().unwrap(), Some(B.parse().unwrap()));
        let tx = Transaction::from_json(&format!(r#"{{"to": "{A}"}}"#)).unwrap();
        assert_eq!((tx.chain_id().unwrap(), tx.from().unwrap()), (None, None));
    }

    #[test]
    fn a_built_transaction_is_checked_too() {
        let call = |chain: u64| CallDocument {
            chain_id: Some(Quantity::from(chain)),
            ..CallDocument::default()
        };
        let tx = Transaction {
            calls: alloc::vec![call(1), call(2)],
        };
        let e = tx.chain_id().unwrap_err();
        assert_eq!(e.path(), "calls[1].chainId");
        assert!(tx.from().is_err());
    }

    #[test]
    fn a_key_given_twice_is_refused() {
        // Read through a JSON value, the second `to` used to win silently.
        let text = format!(r#"{{"to": "{A}", "to": "{B}"}}"#);
        assert!(error(&text).starts_with("duplicate key `to`"));
        let text = format!(r#"{{"calls": [{{"to": "{A}", "value": 1, "value": 0}}]}}"#);
        assert!(error(&text).starts_with("calls[0]: duplicate key `value`"));
    }

    #[test]
    fn a_batch_of_more_calls_than_a_transaction_may_have_is_refused() {
        let call = format!(r#"{{"to": "{A}"}}"#);
        let batch = |n: usize| {
            format!(
                r#"{{"calls": [{}]}}"#,
                alloc::vec![call.as_str(); n].join(",")
            )
        };
        assert_eq!(
            Transaction::from_json(&batch(crate::MAX_CALLS))
                .unwrap()
                .calls
                .len(),
            256
        );
        let message = error(&batch(crate::MAX_CALLS + 1));
        assert!(
            message.starts_with("calls: 257 calls, more than the 256"),
            "{message}"
        );
    }
}
