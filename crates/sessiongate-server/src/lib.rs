//! `sessiongate serve`: the engine as an HTTP JSON service for a relayer fleet.
//!
//! Sessions are registered once (`POST /sessions`, any format) and kept in memory under their
//! fingerprint; checks (`POST /sessions/{fingerprint}/check`) decide against a shared
//! [`Store`] and commit an allow's effects conditionally, or reserve them until the operation
//! lands (`POST /reservations/{id}/commit|release`). A store that does not answer makes a check
//! deny with `ledger_unavailable`, never allow. Budgets, health, readiness and Prometheus
//! metrics are served beside them. [`start`] binds and runs the service; the CLI's `serve` and
//! the tests both go through it.

mod error;
mod metrics;
mod observe;
mod request;
mod routes;
mod store_url;

pub use error::{ApiError, ServerError};
pub use store_url::{DEFAULT_STORE, open_store};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use metrics::Metrics;
use sessiongate::Session;
use sessiongate_store::Store;
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Limits of the service.
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request body, in bytes; past it a request gets 413.
    pub max_body: usize,
    /// Longest a request may take; past it it gets 503 `timeout`.
    pub timeout: Duration,
    /// Most sessions kept; past it a registration gets 507.
    pub max_sessions: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_body: 1 << 20,
            timeout: Duration::from_secs(10),
            max_sessions: 10_000,
        }
    }
}

/// What every handler shares.
pub(crate) struct App {
    store: Arc<dyn Store>,
    config: Config,
    metrics: Metrics,
    sessions: RwLock<HashMap<String, Arc<Session>>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Keeps `session` under its fingerprint; the same session registered twice is kept once.
    fn register(&self, session: Session) -> Result<String, ApiError> {
        let fingerprint = session.fingerprint().to_string();
        // A handler panicking while holding the lock leaves the map whole: inserts are atomic.
        let mut sessions = self
            .sessions
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if !sessions.contains_key(&fingerprint) {
            if sessions.len() >= self.config.max_sessions {
                return Err(ApiError::too_many_sessions(self.config.max_sessions));
            }
            sessions.insert(fingerprint.clone(), Arc::new(session));
        }
        Ok(fingerprint)
    }

    /// The session registered under `fingerprint` (any hex case).
    fn session(&self, fingerprint: &str) -> Result<Arc<Session>, ApiError> {
        let sessions = self.sessions.read().unwrap_or_else(PoisonError::into_inner);
        sessions
            .get(&fingerprint.to_ascii_lowercase())
            .cloned()
            .ok_or_else(|| ApiError::unknown_session(fingerprint))
    }
}

/// The service's routes over `store`.
pub fn router(store: Arc<dyn Store>, config: Config) -> Router {
    let max_body = config.max_body;
    let app = Arc::new(App {
        store,
        config,
        metrics: Metrics::default(),
        sessions: RwLock::default(),
    });
    Router::new()
        .route("/sessions", post(routes::register))
        .route("/sessions/{fingerprint}/check", post(routes::check))
        .route("/sessions/{fingerprint}/budgets", get(routes::budgets))
        .route("/reservations/{id}/commit", post(routes::commit))
        .route("/reservations/{id}/release", post(routes::release))
        .route("/health", get(routes::health))
        .route("/ready", get(routes::ready))
        .route("/metrics", get(routes::metrics))
        .fallback(routes::not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            observe::observe,
        ))
        .with_state(app)
}

/// A service running on its own task.
#[derive(Debug)]
pub struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// The address it listens on (the port chosen when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in flight finish (so no committed usage goes unreported),
    /// and waits for the server to end.
    pub async fn shutdown(self) -> Result<(), ServerError> {
        // The server may have ended already; then there is nothing to stop.
        let _ = self.stop.send(());
        match self.task.await {
            Ok(result) => Ok(result?),
            Err(e) => Err(ServerError::Task(e.to_string())),
        }
    }
}

/// Binds `listen` and serves the service on a new task until [`Running::shutdown`] (or until
/// the handle is dropped).
pub async fn start(
    listen: SocketAddr,
    store: Arc<dyn Store>,
    config: Config,
) -> Result<Running, ServerError> {
    let listener = TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = router(store, config);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Running { addr, stop, task })
}

/// Serves until `signal` completes, then shuts down gracefully.
pub async fn serve_until(
    running: Running,
    signal: impl Future<Output = ()>,
) -> Result<(), ServerError> {
    signal.await;
    tracing::info!("shutting down: finishing requests in flight");
    running.shutdown().await
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        // If the handler cannot be installed, only the other signal stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
