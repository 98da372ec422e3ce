//! Errors: what a request gets back when it is not decided (a deny is a decision, not an error),
//! and why the server could not start.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A request the service could not decide, answered as `{"error": {"kind", "message"}}`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A stable name for clients and logs, e.g. `bad_json`.
    pub kind: &'static str,
    /// What is wrong, for a person.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            message: message.into(),
        }
    }

    /// The body is not JSON (or not UTF-8).
    pub(crate) fn bad_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_json", message)
    }

    /// The body is JSON of the wrong shape, or its values do not make a request.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A session document that does not load.
    pub(crate) fn bad_session(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_session", message)
    }

    /// No session registered under that fingerprint.
    pub(crate) fn unknown_session(fingerprint: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "unknown_session",
            format!("no session registered as {fingerprint}; POST it to /sessions first"),
        )
    }

    /// No such route.
    pub(crate) fn not_found(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no route {path}"),
        )
    }

    /// The body passed the limit.
    pub(crate) fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body passes the limit of {limit} bytes"),
        )
    }

    /// The registry is full.
    pub(crate) fn too_many_sessions(limit: usize) -> Self {
        Self::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "too_many_sessions",
            format!("{limit} sessions are registered, the most this server keeps"),
        )
    }

    /// The request ran out of time; a check may or may not have committed.
    pub(crate) fn timeout(limit_ms: u128) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!(
                "no answer within {limit_ms} ms; a check may have committed, so do not treat it as denied"
            ),
        )
    }

    /// The store did not answer.
    pub(crate) fn store_unavailable(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            message,
        )
    }

    /// Every retry of a check met a conflict.
    pub(crate) fn contended(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "contended", message)
    }

    /// Something the service could not produce (a JSON it could not write).
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    kind: &'a str,
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Detail {
                kind: self.kind,
                message: &self.message,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// `--store` names something this build cannot open.
    #[error("--store {url}: {reason}")]
    Store {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The listener could not bind, or the server failed while running.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The server's task ended abnormally.
    #[error("the server task failed: {0}")]
    Task(String),
}
