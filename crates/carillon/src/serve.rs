//! Runs the HTTP server until SIGINT or SIGTERM, then drains in-flight requests.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use carillon_api::{ApiSettings, AppState, SystemClock, router};
use carillon_store::Store;
use tokio::net::TcpListener;

use crate::settings::Settings;

/// Binds the listener (so callers know the port before serving).
pub(crate) async fn bind(listen: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))
}

/// Serves the API on `listener` until a shutdown signal.
pub(crate) async fn serve(
    listener: TcpListener,
    store: Arc<dyn Store>,
    settings: &Settings,
) -> Result<()> {
    let api = ApiSettings {
        sending_domain: settings.sending_domain.clone(),
        public_url: settings.public_url.clone(),
        ..ApiSettings::default()
    };
    let state = AppState::new(store, Arc::new(SystemClock), api);
    let address = listener.local_addr()?;
    tracing::info!(%address, "serving the API");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
