//! The layer around every request: the time limit, and one log line per request with the
//! fingerprint, decision and deny reason a handler noted on its response.

use crate::{ApiError, App};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Instant;

/// What a check decided, noted on its response for the log line.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) fingerprint: String,
    pub(crate) decision: &'static str,
    pub(crate) reason: Option<&'static str>,
}

/// Runs the request within the configured time and logs it. A request cut off is answered
/// `timeout`; a check cut off after its commit still counts its usage (fail closed).
pub(crate) async fn observe(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let started = Instant::now();
    let response = match tokio::time::timeout(app.config.timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            app.metrics.timeout();
            ApiError::timeout(app.config.timeout.as_millis()).into_response()
        }
    };
    let latency_us = started.elapsed().as_micros();
    let status = response.status().as_u16();
    match response.extensions().get::<Outcome>() {
        Some(o) => tracing::info!(
            %method, %path, status, fingerprint = %o.fingerprint, decision = o.decision,
            reason = o.reason.unwrap_or(""), latency_us, "check"
        ),
        None => tracing::info!(%method, %path, status, latency_us, "request"),
    }
    response
}
