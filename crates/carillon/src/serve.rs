//! Runs the HTTP server until SIGINT or SIGTERM, then drains in-flight requests.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::routing::get;
use carillon_api::{ApiSettings, AppState, SystemClock, observed, router};
use carillon_receipts::{ReceiptsSettings, ReceiptsState};
use carillon_render::{BannerOrder, Branding};
use carillon_store::Store;
use carillon_worker::{CallbackDispatcher, CallbackSettings, Worker, WorkerSettings};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::cli::{Role, ServeArgs};

use crate::settings::Settings;

/// Binds the listener (so callers know the port before serving).
pub(crate) async fn bind(listen: SocketAddr) -> Result<TcpListener> {
    TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))
}

/// Runs what `role` names until a shutdown signal: the API on `listener`, the delivery
/// worker with the callback dispatcher, or both. In-flight requests are drained, the worker
/// finishes its batch and the dispatcher its requests.
pub(crate) async fn serve(
    args: &ServeArgs,
    listener: Option<TcpListener>,
    store: Arc<dyn Store>,
    settings: &Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let role = args.role;
    let api = ApiSettings {
        sending_domain: settings.sending_domain.clone(),
        public_url: settings.public_url.clone(),
        bulk_max_rows: args.bulk_max_rows,
        ..ApiSettings::default()
    };
    let uses_aws = settings.email_provider == "ses" || settings.sms_provider == "sns";
    if role != Role::Worker && uses_aws && settings.sns_topic_arns.is_empty() {
        tracing::warn!(
            "delivery receipts are accepted from any SNS topic: set CARILLON_SNS_TOPIC_ARNS"
        );
    }
    let state = AppState::new(Arc::clone(&store), Arc::new(SystemClock), api);
    // Built before the worker takes the store; only served by roles that serve HTTP.
    let receipts = ReceiptsState::new(
        Arc::clone(&store),
        Arc::new(carillon_receipts::SystemClock),
        ReceiptsSettings {
            sns_trusted_origins: settings.sns_trusted_origins.clone(),
            sns_topic_arns: settings.sns_topic_arns.clone(),
        },
    );
    let (stop, stopped) = watch::channel(false);
    // API-only processes send no callbacks: the workers' processes do.
    let worker = if role == Role::Api {
        None
    } else {
        let callbacks_wake = Arc::new(tokio::sync::Notify::new());
        let callback_settings = CallbackSettings {
            retry_delay: time::Duration::seconds(i64::from(args.callback_retry_seconds)),
            max_retries: args.callback_max_retries,
            ..CallbackSettings::default()
        };
        let dispatcher = CallbackDispatcher::new(
            Arc::clone(&store),
            callback_settings,
            Arc::clone(&callbacks_wake),
        )?;
        let dispatcher = tokio::spawn(dispatcher.run(stopped.clone()));
        let (email, sms) = crate::providers::choose(settings, &store).await?;
        let worker_settings = WorkerSettings {
            sending_domain: settings.sending_domain.clone(),
            branding: Branding::GovernmentOfCanada(BannerOrder::EnglishFirst),
            lease: time::Duration::seconds(i64::from(args.worker_lease_seconds.max(1))),
            concurrency: usize::from(args.worker_concurrency),
            ..WorkerSettings::default()
        };
        let worker = Worker::new(
            store,
            email,
            sms,
            worker_settings,
            Arc::clone(&state.accepted),
        )
        .with_callback_wake(callbacks_wake);
        Some((tokio::spawn(worker.run(stopped)), dispatcher))
    };
    match (role, listener) {
        (Role::Worker, _) | (_, None) => shutdown.await,
        (_, Some(listener)) => {
            let address = listener.local_addr()?;
            tracing::info!(%address, "serving the API");
            let app = router(state)
                .merge(observed(carillon_receipts::router(receipts)))
                .merge(metrics_route()?);
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
                .context("serving HTTP")?;
        }
    }
    let _ = stop.send(true);
    if let Some((worker, dispatcher)) = worker {
        worker.await.context("the delivery worker panicked")?;
        dispatcher
            .await
            .context("the callback dispatcher panicked")?;
    }
    tracing::info!("stopped");
    Ok(())
}

/// `GET /metrics`: Prometheus text format. The recorder is installed once per process.
fn metrics_route() -> Result<axum::Router> {
    static HANDLE: std::sync::OnceLock<PrometheusHandle> = std::sync::OnceLock::new();
    let handle = match HANDLE.get() {
        Some(handle) => handle.clone(),
        None => {
            let handle = PrometheusBuilder::new()
                .install_recorder()
                .context("installing the metrics recorder")?;
            HANDLE.get_or_init(|| handle).clone()
        }
    };
    Ok(axum::Router::new().route("/metrics", get(move || std::future::ready(handle.render()))))
}

/// Registers SIGINT and SIGTERM handlers now (so a signal sent right after start-up is not
/// lost) and returns a future that completes on the first of them.
pub(crate) fn shutdown_signal() -> Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("installing the SIGTERM handler")?;
    #[cfg(unix)]
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("installing the SIGINT handler")?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}
