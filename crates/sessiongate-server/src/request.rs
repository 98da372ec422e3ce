//! Request bodies: JSON parsed into what the core decides, through the same parsers the CLI uses
//! (`Transaction`, `UserOperation`, `agree`), so the service and the CLI read an input alike.

use crate::ApiError;
use alloy_primitives::{Address, Bytes};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sessiongate::account::AccountKind;
use sessiongate::transaction::agree;
use sessiongate::{Call, Context, Input, LoadError, Mode, Transaction, UserOperation};
use std::time::{SystemTime, UNIX_EPOCH};

/// The body of `POST /sessions/{fingerprint}/check`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckBody {
    now: Option<u64>,
    chain_id: Option<u64>,
    account: Option<Address>,
    mode: Option<ModeName>,
    calls: Option<Value>,
    account_calldata: Option<Bytes>,
    kind: Option<AccountKind>,
    transaction: Option<Value>,
    user_op: Option<Value>,
    reserve: Option<Reserve>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ModeName {
    Fast,
    Explain,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reserve {
    id: String,
    ttl: u64,
}

/// Longest reservation id: ids are the caller's (a user operation hash fits in 66).
const MAX_ID: usize = 128;

/// What a check decides, owned; [`Subject::input`] borrows it for the core.
#[derive(Debug)]
pub(crate) enum Subject {
    Calls(Transaction),
    AccountCalldata(Bytes, Option<AccountKind>),
    Transaction(Transaction, Option<AccountKind>),
    UserOp(Box<UserOperation>, Option<AccountKind>),
}

impl Subject {
    /// The core's input; `calls` holds the borrowed calls of a batch.
    pub(crate) fn input<'a>(&'a self, calls: &'a mut Vec<Call<'a>>) -> Input<'a> {
        match self {
            Self::Calls(tx) => {
                *calls = tx.as_calls();
                Input::Calls(calls)
            }
            Self::Transaction(tx, kind) => {
                *calls = tx.as_calls();
                Input::Transaction { calls, kind: *kind }
            }
            Self::AccountCalldata(data, kind) => Input::AccountCalldata { data, kind: *kind },
            Self::UserOp(op, kind) => Input::UserOp { op, kind: *kind },
        }
    }
}

/// A check request, validated.
#[derive(Debug)]
pub(crate) struct Check {
    pub(crate) subject: Subject,
    pub(crate) ctx: Context,
    pub(crate) mode: Mode,
    /// Reservation id and the second it expires.
    pub(crate) reserve: Option<(String, u64)>,
}

/// Parses JSON of type `T`: a syntax error is `bad_json`, a wrong shape `bad_request` with the
/// path of the field at fault.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match (inner.classify(), path.as_str()) {
            (serde_json::error::Category::Data, "." | "") => {
                ApiError::bad_request(inner.to_string())
            }
            (serde_json::error::Category::Data, _) => {
                ApiError::bad_request(format!("{path}: {inner}"))
            }
            _ => ApiError::bad_json(inner.to_string()),
        }
    })?;
    // Trailing text after the value.
    de.end().map_err(|e| ApiError::bad_json(e.to_string()))?;
    Ok(value)
}

/// Parses and validates a check body.
pub(crate) fn check(body: &[u8]) -> Result<Check, ApiError> {
    let b: CheckBody = parse_json(body)?;
    fn load(field: &str) -> impl Fn(LoadError) -> ApiError + '_ {
        move |e| ApiError::bad_request(e.within(field).to_string())
    }
    let given = [
        b.calls.is_some(),
        b.account_calldata.is_some(),
        b.transaction.is_some(),
        b.user_op.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(ApiError::bad_request(
            "give exactly one of calls, account_calldata, transaction, user_op",
        ));
    }
    if b.kind.is_some() && (b.calls.is_some()) {
        return Err(ApiError::bad_request(
            "kind applies to account_calldata, transaction and user_op, not to calls",
        ));
    }
    let (subject, chain_id, account) = if let Some(calls) = b.calls {
        let tx = Transaction::from_value(serde_json::json!({ "calls": calls }))
            .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let (chain_id, account) = origin(&tx, "calls", b.chain_id, b.account)?;
        (Subject::Calls(tx), chain_id, account)
    } else if let Some(value) = b.transaction {
        let tx = Transaction::from_value(value).map_err(load("transaction"))?;
        let (chain_id, account) = origin(&tx, "transaction", b.chain_id, b.account)?;
        (Subject::Transaction(tx, b.kind), chain_id, account)
    } else if let Some(value) = b.user_op {
        let op = UserOperation::from_value(value).map_err(load("user_op"))?;
        let account = agree(Some(op.sender), b.account).map_err(|d| {
            ApiError::bad_request(format!(
                "user_op.sender is {}, but account is {}; they must agree",
                d.found, d.given
            ))
        })?;
        (Subject::UserOp(Box::new(op), b.kind), b.chain_id, account)
    } else if let Some(data) = b.account_calldata {
        (
            Subject::AccountCalldata(data, b.kind),
            b.chain_id,
            b.account,
        )
    } else {
        return Err(ApiError::bad_request("nothing to check"));
    };
    let chain_id = chain_id.ok_or_else(|| ApiError::bad_request("chain_id is required"))?;
    let now = b.now.unwrap_or_else(system_now);
    let reserve = match b.reserve {
        None => None,
        Some(r) if r.id.is_empty() || r.id.len() > MAX_ID => {
            return Err(ApiError::bad_request(format!(
                "reserve.id: 1 to {MAX_ID} bytes"
            )));
        }
        Some(r) if r.ttl == 0 => {
            return Err(ApiError::bad_request("reserve.ttl: at least 1 second"));
        }
        Some(r) => Some((r.id, now.saturating_add(r.ttl))),
    };
    Ok(Check {
        subject,
        ctx: Context {
            now,
            chain_id,
            account,
        },
        mode: match b.mode {
            Some(ModeName::Explain) => Mode::Explain,
            Some(ModeName::Fast) | None => Mode::Fast,
        },
        reserve,
    })
}

/// The chain and account, from the request and the transaction's `chainId` and `from`, which
/// must agree.
fn origin(
    tx: &Transaction,
    field: &str,
    chain_id: Option<u64>,
    account: Option<Address>,
) -> Result<(Option<u64>, Option<Address>), ApiError> {
    let load = |e: LoadError| ApiError::bad_request(e.within(field).to_string());
    let chain_id = agree(tx.chain_id().map_err(load)?, chain_id).map_err(|d| {
        ApiError::bad_request(format!(
            "{field} names chainId {}, but chain_id is {}; they must agree",
            d.found, d.given
        ))
    })?;
    let account = agree(tx.from().map_err(load)?, account).map_err(|d| {
        ApiError::bad_request(format!(
            "{field} names from {}, but account is {}; they must agree",
            d.found, d.given
        ))
    })?;
    Ok((chain_id, account))
}

/// The system clock in unix seconds: the default `now`.
pub(crate) fn system_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
