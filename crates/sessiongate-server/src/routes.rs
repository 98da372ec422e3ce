//! The endpoints. Each parses its body itself, so every bad input gets a typed error body.

use crate::observe::Outcome;
use crate::request::{self, parse_json, system_now};
use crate::{ApiError, App};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sessiongate::{MemoryLedger, Session, Verdict};
use sessiongate_store::{Settle, StoreError};
use std::sync::Arc;
use std::time::Instant;

/// The body, or `too_large` past the limit.
fn body(app: &App, body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(app.config.max_body),
        _ => ApiError::bad_request(e.body_text()),
    })
}

#[derive(Serialize)]
struct Registered {
    fingerprint: String,
}

/// `POST /sessions`: loads a session document of any format and keeps it under its fingerprint.
pub(crate) async fn register(
    State(app): State<Arc<App>>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body(&app, raw)?;
    let text = std::str::from_utf8(&raw).map_err(|e| ApiError::bad_json(e.to_string()))?;
    // A syntax error is bad JSON; a document that parses but does not load is a bad session.
    parse_json::<serde::de::IgnoredAny>(raw.as_ref())?;
    let session = Session::from_json(text).map_err(|e| ApiError::bad_session(e.to_string()))?;
    let fingerprint = app.register(session)?;
    Ok(Json(Registered { fingerprint }).into_response())
}

#[derive(Serialize)]
struct Checked<'a> {
    #[serde(flatten)]
    verdict: &'a Verdict<'a>,
    written: bool,
    retries: u32,
}

/// `POST /sessions/{fingerprint}/check`: decides against the store and commits an allow (or
/// reserves it). A deny is a 200 like an allow: it is an answer.
pub(crate) async fn check(
    State(app): State<Arc<App>>,
    Path(fingerprint): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let session = app.session(&fingerprint)?;
    let raw = body(&app, raw)?;
    let check = request::check(&raw)?;
    let mut calls = Vec::new();
    let input = check.subject.input(&mut calls);
    let started = Instant::now();
    let result = sessiongate_store::check(
        app.store.as_ref(),
        &session,
        input,
        &check.ctx,
        check.mode,
        check.reserve.clone(),
    )
    .await;
    app.metrics.store_latency(started.elapsed());
    let checked = match result {
        Ok(checked) => checked,
        Err(StoreError::Contended(n)) => {
            app.metrics.contended();
            return Err(ApiError::contended(format!(
                "the budget kept changing through {n} retries; try again"
            )));
        }
        Err(e) => {
            app.metrics.store_error();
            return Err(ApiError::store_unavailable(e.to_string()));
        }
    };
    let verdict = &checked.verdict;
    let reason = match verdict.is_allow() {
        true => None,
        false => Some(verdict.violations.first().map_or("", |v| v.reason.kind())),
    };
    app.metrics
        .decided(reason, checked.written, checked.retries);
    let body = serde_json::to_vec(&Checked {
        verdict,
        written: checked.written,
        retries: checked.retries,
    })
    .map_err(|e| ApiError::internal(format!("cannot write the verdict: {e}")))?;
    let mut response = ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    response.extensions_mut().insert(Outcome {
        fingerprint: session.fingerprint().to_string(),
        decision: if verdict.is_allow() { "allow" } else { "deny" },
        reason,
    });
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AtQuery {
    now: Option<u64>,
}

fn now_of(query: Result<Query<AtQuery>, QueryRejection>) -> Result<u64, ApiError> {
    let Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    Ok(q.now.unwrap_or_else(system_now))
}

/// `GET /sessions/{fingerprint}/budgets?now=`: every budget with what is used and left, read
/// through the store.
pub(crate) async fn budgets(
    State(app): State<Arc<App>>,
    Path(fingerprint): Path<String>,
    query: Result<Query<AtQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let session = app.session(&fingerprint)?;
    let now = now_of(query)?;
    let keys = session.counters(now);
    let names: Vec<String> = keys.iter().map(ToString::to_string).collect();
    let started = Instant::now();
    let values = app.store.read(&names, now).await;
    app.metrics.store_latency(started.elapsed());
    let values = values.map_err(|e| {
        app.metrics.store_error();
        ApiError::store_unavailable(e.to_string())
    })?;
    let mut ledger = MemoryLedger::new();
    for (key, value) in keys.iter().zip(values) {
        ledger.set(key, value);
    }
    // A memory ledger always answers.
    let budgets = session
        .budgets(&ledger, now)
        .map_err(|e| ApiError::store_unavailable(e.to_string()))?;
    Ok(Json(budgets).into_response())
}

#[derive(Serialize)]
struct Settled {
    settled: bool,
}

/// `POST /reservations/{id}/commit?now=`: the operation was included.
pub(crate) async fn commit(
    state: State<Arc<App>>,
    id: Path<String>,
    query: Result<Query<AtQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    settle(state, id, query, Settle::Commit).await
}

/// `POST /reservations/{id}/release?now=`: the operation was dropped, replaced or reverted.
pub(crate) async fn release(
    state: State<Arc<App>>,
    id: Path<String>,
    query: Result<Query<AtQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    settle(state, id, query, Settle::Release).await
}

async fn settle(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    query: Result<Query<AtQuery>, QueryRejection>,
    how: Settle,
) -> Result<Response, ApiError> {
    let now = now_of(query)?;
    let settled = app.store.settle(&id, how, now).await.map_err(|e| {
        app.metrics.store_error();
        ApiError::store_unavailable(e.to_string())
    })?;
    Ok(Json(Settled { settled }).into_response())
}

/// `GET /health`: the process answers.
pub(crate) async fn health() -> Response {
    Json(serde_json::json!({ "status": "ok" })).into_response()
}

/// `GET /ready`: the store answers a read.
pub(crate) async fn ready(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    app.store.read(&[], system_now()).await.map_err(|e| {
        app.metrics.store_error();
        ApiError::store_unavailable(e.to_string())
    })?;
    Ok(Json(serde_json::json!({ "status": "ready" })).into_response())
}

/// `GET /metrics`: Prometheus text.
pub(crate) async fn metrics(State(app): State<Arc<App>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response()
}

/// Any other path.
pub(crate) async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(uri.path())
}
