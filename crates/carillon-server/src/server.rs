//! A server for one role: the API and the web app on the public listener, the delivery
//! workers with the callback dispatcher, and Prometheus metrics on a listener of their own.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use carillon_api::{AppState, SystemClock};
use carillon_app::{App, AppSettings};
use carillon_crypto::TokenKey;
use carillon_receipts::{ReceiptsSettings, ReceiptsState};
use carillon_store::Store;
use carillon_web::{CookieMode, WebSettings, WebState};
use carillon_worker::{CallbackDispatcher, Worker, WorkerSettings};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::backend::{OpenMode, open_store};
use crate::error::ServerError;
use crate::guard::RequestLimits;
use crate::providers::Providers;
use crate::settings::{Role, ServerSettings};

/// Connections the metrics listener serves at once: it has a scraper or two.
const METRICS_MAX_CONNECTIONS: usize = 64;

/// Everything one process runs, ready to serve. Cloning shares the store, the API's state and
/// the accepted-notification signal.
#[derive(Debug, Clone)]
pub struct Server {
    settings: Arc<ServerSettings>,
    store: Arc<dyn Store>,
    providers: Providers,
    /// The use cases, shared by every front door of the process.
    app: App,
    state: AppState,
    /// Shared so the SNS signing certificates are cached once per process.
    receipts: ReceiptsState,
    /// The web app's state, or why it could not be made (reported by `run` for a role that
    /// serves it).
    web: Result<WebState, String>,
}

/// The listeners a server serves on.
#[derive(Debug, Default)]
pub struct Listeners {
    /// The public listener: the API, when the role serves it.
    pub api: Option<TcpListener>,
    /// Prometheus metrics, when configured.
    pub metrics: Option<TcpListener>,
}

impl Listeners {
    /// Where the API answers.
    #[must_use]
    pub fn api_address(&self) -> Option<SocketAddr> {
        self.api.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Where the metrics are served.
    #[must_use]
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }
}

async fn bind(address: SocketAddr) -> Result<TcpListener, ServerError> {
    TcpListener::bind(address)
        .await
        .map_err(|source| ServerError::Bind { address, source })
}

impl Server {
    /// Opens (creating or migrating) the database, chooses the providers and prepares the
    /// routers for the role.
    ///
    /// # Errors
    /// When the database cannot be opened or a provider cannot be set up.
    pub async fn build(settings: ServerSettings) -> Result<Self, ServerError> {
        let store = open_store(&settings.database, &settings.master_key, OpenMode::Create).await?;
        Self::from_store(store, settings).await
    }

    /// A server over an already open store (its `database` setting is not used, and its
    /// `master_key` only for the web app's token hashes): what a caller that seeds data before serving needs.
    ///
    /// # Errors
    /// When a provider cannot be set up.
    pub async fn from_store(
        store: Arc<dyn Store>,
        settings: ServerSettings,
    ) -> Result<Self, ServerError> {
        let providers =
            Providers::choose(&settings.email, &settings.sms, &settings.aws, &store).await?;
        Ok(Self::new(store, settings, providers))
    }

    /// A server over an open store with these providers. Call it inside a Tokio runtime: the
    /// API's write batching starts here.
    #[must_use]
    pub fn new(store: Arc<dyn Store>, settings: ServerSettings, providers: Providers) -> Self {
        let api = settings.api();
        // Sessions and sign-in codes are hashed with a key every process derives alike; links
        // in the platform's emails point at the public address (the listener's without one).
        let app_settings = AppSettings {
            token_key: TokenKey::from_master_key(&settings.master_key),
            web_base_url: settings
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", settings.listen)),
            government_domains: settings.government_domains.clone(),
            ..api.app_settings()
        };
        let app = App::new(Arc::clone(&store), Arc::new(SystemClock), app_settings);
        let state = AppState::with_app(app.clone(), api);
        let receipts = ReceiptsState::new(
            Arc::clone(&store),
            Arc::new(SystemClock),
            ReceiptsSettings {
                sns_trusted_origins: settings.sns.trusted_origins.clone(),
                sns_topic_arns: settings.sns.topic_arns.clone(),
            },
        );
        let web = WebState::new(app.clone(), web_settings(&settings)).map_err(|e| e.to_string());
        Self {
            settings: Arc::new(settings),
            store,
            providers,
            app,
            state,
            receipts,
            web,
        }
    }

    /// The same server delivering through other providers.
    #[must_use]
    pub fn with_providers(&self, providers: Providers) -> Self {
        Self {
            providers,
            ..self.clone()
        }
    }

    /// The same server with other worker settings.
    #[must_use]
    pub fn with_worker_settings(&self, worker: WorkerSettings) -> Self {
        let settings = ServerSettings {
            worker,
            ..ServerSettings::clone(&self.settings)
        };
        Self {
            settings: Arc::new(settings),
            ..self.clone()
        }
    }

    /// Its settings.
    #[must_use]
    pub fn settings(&self) -> &ServerSettings {
        &self.settings
    }

    /// Its store.
    #[must_use]
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The use cases every front door of this process calls.
    #[must_use]
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Signalled whenever the API accepts a notification; wakes this process's workers.
    #[must_use]
    pub fn accepted(&self) -> Arc<Notify> {
        Arc::clone(self.app.accepted())
    }

    /// The public routes of the role: the API's (with the delivery receipts), the web app's,
    /// or both side by side (the web app's pages use paths the API does not). The one place
    /// where the routers of the parts of the product are put together.
    pub fn router(&self) -> Router {
        let role = self.settings.role;
        let api = || {
            carillon_api::router(self.state.clone()).merge(carillon_api::observed(
                carillon_receipts::router(self.receipts.clone()),
            ))
        };
        match (&self.web, role) {
            (Ok(web), Role::All) => api().merge(carillon_web::router(web.clone())),
            (Ok(web), Role::Web) => carillon_web::standalone(web.clone()),
            _ => api(),
        }
    }

    /// A delivery worker as this server runs it, woken by its accepted-notification signal.
    #[must_use]
    pub fn worker(&self) -> Worker {
        Worker::new(
            Arc::clone(&self.store),
            Arc::clone(&self.providers.email),
            Arc::clone(&self.providers.sms),
            self.settings.worker(),
            self.accepted(),
        )
        .with_clock(Arc::clone(self.app.clock()))
    }

    /// The callback dispatcher as this server runs it, woken by `wake`.
    ///
    /// # Errors
    /// When its HTTP client cannot be built.
    pub fn callback_dispatcher(
        &self,
        wake: Arc<Notify>,
    ) -> Result<CallbackDispatcher, ServerError> {
        Ok(CallbackDispatcher::new(
            Arc::clone(&self.store),
            self.settings.callbacks.clone(),
            wake,
        )?
        .with_clock(Arc::clone(self.app.clock())))
    }

    /// The connection cap of the API's listener: the configured one, else one sized from
    /// the open-file limit, which is first raised to its hard limit.
    fn max_connections(&self) -> usize {
        let open_files = crate::listen::raise_open_file_limit();
        match self.settings.connections.max_connections {
            Some(max) => {
                let max = max.get();
                let fits =
                    open_files.is_none_or(|limit| u64::try_from(max).is_ok_and(|max| max < limit));
                if !fits {
                    tracing::warn!(
                        max_connections = max,
                        open_files = ?open_files,
                        "the connection cap is above the open-file limit: accepting will fail (and be retried) before it is reached"
                    );
                }
                max
            }
            None => crate::listen::default_max_connections(open_files),
        }
    }

    /// What each request is held to before it reaches the routes.
    fn request_limits(&self) -> RequestLimits {
        RequestLimits {
            api: Arc::clone(&self.state.settings),
            body_timeout: self.settings.connections.body_timeout,
        }
    }

    /// Binds what the settings ask for: the public listener when the role serves the API,
    /// the metrics listener when one is configured. Callers learn the ports before serving.
    ///
    /// # Errors
    /// [`ServerError::Bind`].
    pub async fn bind(&self) -> Result<Listeners, ServerError> {
        let api = match self.settings.role.serves_http() {
            true => Some(bind(self.settings.listen).await?),
            false => None,
        };
        let metrics = match self.settings.metrics_listen {
            Some(address) => Some(bind(address).await?),
            None => None,
        };
        Ok(Listeners { api, metrics })
    }

    /// Runs what the role names until `shutdown` completes: in-flight requests are drained,
    /// the worker finishes its batch and the dispatcher its requests.
    ///
    /// # Errors
    /// When serving fails or a background task panics.
    pub async fn run(
        self,
        listeners: Listeners,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let role = self.settings.role;
        if role.serves_web()
            && let Err(error) = &self.web
        {
            return Err(ServerError::Web(error.clone()));
        }
        if role.serves_api() && self.settings.uses_aws() && self.settings.sns.topic_arns.is_empty()
        {
            tracing::warn!(
                "delivery receipts are accepted from any SNS topic: set CARILLON_SNS_TOPIC_ARNS"
            );
        }
        if role.runs_workers()
            && let Some(warning) = self.settings.sending_domain_warning()
        {
            tracing::warn!("{warning}");
        }
        if let Some(warning) = self.store.maintenance_warning().await {
            tracing::warn!("{warning}");
        }
        let (stop, stopped) = watch::channel(false);
        let metrics = match listeners.metrics {
            Some(listener) => {
                let app = crate::metrics::router()?;
                tracing::info!(address = ?listener.local_addr().ok(), "serving metrics");
                let mut stopped = stopped.clone();
                let until = async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                };
                let serving = crate::listen::serve(
                    listener,
                    app,
                    self.settings.connections,
                    self.request_limits(),
                    METRICS_MAX_CONNECTIONS,
                    until,
                );
                Some(tokio::spawn(serving))
            }
            None => None,
        };
        let workers = if role.runs_workers() {
            let callbacks_wake = Arc::new(Notify::new());
            let dispatcher = self.callback_dispatcher(Arc::clone(&callbacks_wake))?;
            let dispatcher = tokio::spawn(dispatcher.run(stopped.clone()));
            let worker = self.worker().with_callback_wake(callbacks_wake);
            Some((tokio::spawn(worker.run(stopped)), dispatcher))
        } else {
            None
        };
        match listeners.api.filter(|_| role.serves_http()) {
            Some(listener) => {
                let max_connections = self.max_connections();
                tracing::info!(
                    address = ?listener.local_addr().ok(),
                    max_connections,
                    api = role.serves_api(),
                    web = role.serves_web(),
                    "serving HTTP"
                );
                crate::listen::serve(
                    listener,
                    self.router(),
                    self.settings.connections,
                    self.request_limits(),
                    max_connections,
                    shutdown,
                )
                .await;
            }
            None => shutdown.await,
        }
        let _ = stop.send(true);
        if let Some((worker, dispatcher)) = workers {
            worker
                .await
                .map_err(|_| ServerError::Panicked("delivery worker"))?;
            dispatcher
                .await
                .map_err(|_| ServerError::Panicked("callback dispatcher"))?;
        }
        if let Some(metrics) = metrics {
            metrics
                .await
                .map_err(|_| ServerError::Panicked("metrics listener"))?;
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// The web app's settings. The session cookie is `__Host-` and `Secure` unless the server
/// listens on a loopback address and its public URL (if set) is not `https://`: that is
/// development over plain HTTP, where browsers would drop a `Secure` cookie. A deployment
/// behind a TLS proxy on the same host sets `CARILLON_PUBLIC_URL=https://…` to keep `Secure`.
fn web_settings(settings: &ServerSettings) -> WebSettings {
    let https = settings
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"));
    let cookies = match !https && settings.listen.ip().is_loopback() {
        true => CookieMode::LoopbackDevelopment,
        false => CookieMode::Secure,
    };
    WebSettings {
        product_name: settings.product_name.clone(),
        cookies,
        hsts_max_age: settings.hsts_max_age,
        trusted_proxies: settings.trusted_proxies.clone(),
        ..WebSettings::default()
    }
}
