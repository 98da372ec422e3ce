//! `sessiongate serve`: the HTTP service of `sessiongate-server`, with a store chosen by URL,
//! until SIGINT or SIGTERM; requests in flight finish before it exits.

use crate::error::CliError;
use clap::Args;
use sessiongate_server::{Config, DEFAULT_STORE, open_store};
use std::net::SocketAddr;
use std::time::Duration;

/// Arguments of `sessiongate serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; loopback unless you put it behind something that authenticates.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8545")]
    listen: SocketAddr,
    /// Where usage lives: sqlite://PATH or a bare path (SQLite, embedded), memory (this process
    /// only); redis:// and postgres:// when built with those stores.
    #[arg(long, value_name = "URL", default_value = DEFAULT_STORE)]
    store: String,
    /// Largest request body in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_body: usize,
    /// Longest a request may take, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    timeout_ms: u64,
    /// Most sessions kept in memory.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_sessions: usize,
}

/// Serves until a signal; errors are a store that cannot be opened or an address in use.
pub(crate) fn run(args: &ServeArgs) -> Result<(), CliError> {
    tracing_subscriber::fmt()
        .with_target(false)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Other(format!("cannot start the runtime: {e}")))?;
    let config = Config {
        max_body: args.max_body,
        timeout: Duration::from_millis(args.timeout_ms),
        max_sessions: args.max_sessions,
    };
    runtime
        .block_on(async {
            let store = open_store(&args.store).await?;
            let running = sessiongate_server::start(args.listen, store, config).await?;
            tracing::info!(addr = %running.addr(), store = %args.store, "listening");
            sessiongate_server::serve_until(running, sessiongate_server::shutdown_signal()).await
        })
        .map_err(|e| CliError::Other(e.to_string()))
}
