//! `carillon callback …`: a service's delivery-status and complaint callbacks. Setting one
//! checks the receiver answers first, as GC Notify's admin does: the rules are
//! `carillon_app::callbacks`'; the HTTP request of the health check is made here.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use carillon_app::callbacks::HealthCheck;
use carillon_store::{CallbackKind, Store};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use crate::admin::{JsonFlag, ServiceArg, app, print_list};
use crate::output::print_line;

/// GC Notify's admin gives a receiver 2 s to answer the health check.
const HEALTH_CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum KindArg {
    /// Status changes of notifications.
    DeliveryStatus,
    /// Complaints about emails.
    Complaint,
}

impl From<KindArg> for CallbackKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::DeliveryStatus => CallbackKind::DeliveryStatus,
            KindArg::Complaint => CallbackKind::Complaint,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct Target {
    #[command(flatten)]
    service: ServiceArg,
    /// Which callback.
    #[arg(long, value_enum)]
    kind: KindArg,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CallbackCommand {
    /// Create or replace a callback, after checking the receiver answers.
    Set {
        #[command(flatten)]
        target: Target,
        /// https:// URL (http:// only for 127.0.0.1, ::1 and localhost).
        #[arg(long)]
        url: String,
        /// Sent as `Authorization: Bearer <token>`; at least 10 characters.
        #[arg(
            long,
            env = "CARILLON_CALLBACK_BEARER_TOKEN",
            hide_env_values = true,
            conflicts_with = "bearer_token_stdin"
        )]
        bearer_token: Option<String>,
        /// Read the bearer token from standard input instead.
        #[arg(long)]
        bearer_token_stdin: bool,
    },
    /// List a service's callbacks (never their tokens).
    List {
        #[command(flatten)]
        service: ServiceArg,
        #[command(flatten)]
        out: JsonFlag,
    },
    /// Remove a callback.
    Remove {
        #[command(flatten)]
        target: Target,
    },
    /// Stop sending a callback's notices (queued ones are dropped).
    Suspend {
        #[command(flatten)]
        target: Target,
    },
    /// Send a suspended callback's notices again.
    Resume {
        #[command(flatten)]
        target: Target,
    },
}

pub(crate) async fn run(store: Arc<dyn Store>, command: CallbackCommand) -> Result<()> {
    let app = app(store);
    match command {
        CallbackCommand::Set {
            target,
            url,
            bearer_token,
            bearer_token_stdin,
        } => {
            let service = target.service.resolve(&app).await?;
            let token = match (bearer_token, bearer_token_stdin) {
                (Some(token), _) => token,
                (None, true) => {
                    let mut text = String::new();
                    std::io::stdin()
                        .read_to_string(&mut text)
                        .context("reading the bearer token from standard input")?;
                    text.trim().to_owned()
                }
                (None, false) => bail!(
                    "give the bearer token with --bearer-token, CARILLON_CALLBACK_BEARER_TOKEN \
                     or --bearer-token-stdin"
                ),
            };
            let kind = CallbackKind::from(target.kind);
            app.set_callback(service, kind, &url, &token, &HttpHealthCheck)
                .await?;
            print_line(&format!("{kind} callback set to {url}"));
        }
        CallbackCommand::List { service, out } => {
            let service = service.resolve(&app).await?;
            print_list(
                out.json,
                &app.callbacks(service).await?,
                |c| {
                    json!({"type": c.kind.as_str(), "url": c.url, "suspended": c.suspended,
                        "updated_at": c.updated_at.to_string()})
                },
                |c| {
                    let state = if c.suspended { "suspended" } else { "active" };
                    format!("{}  {}  {state}", c.kind, c.url)
                },
            );
        }
        CallbackCommand::Remove { target } => {
            let service = target.service.resolve(&app).await?;
            let kind = CallbackKind::from(target.kind);
            app.remove_callback(service, kind).await?;
            print_line(&format!("{kind} callback removed"));
        }
        CallbackCommand::Suspend { target } => suspend(&app, &target, true).await?,
        CallbackCommand::Resume { target } => suspend(&app, &target, false).await?,
    }
    Ok(())
}

async fn suspend(app: &carillon_app::App, target: &Target, suspended: bool) -> Result<()> {
    let service = target.service.resolve(app).await?;
    let kind = CallbackKind::from(target.kind);
    app.suspend_callback(service, kind, suspended).await?;
    let done = if suspended { "suspended" } else { "resumed" };
    print_line(&format!("{kind} callback {done}"));
    Ok(())
}

/// GC Notify's health check over HTTP: a POST of `{"health_check": true}` with the token,
/// no redirects, 2 seconds to answer.
#[derive(Debug)]
struct HttpHealthCheck;

impl HealthCheck for HttpHealthCheck {
    async fn check(&self, url: &str, token: &str) -> Result<(), String> {
        let client = reqwest::Client::builder()
            .timeout(HEALTH_CHECK_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("the HTTP client could not be built: {e}"))?;
        let response = client
            .post(url)
            .bearer_auth(token)
            .json(&json!({"health_check": true}))
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    "it did not answer within 2 seconds"
                } else if e.is_connect() {
                    "the connection failed"
                } else {
                    "the request failed"
                }
                .to_owned()
            })?;
        let status = response.status();
        if status.is_client_error() {
            return Err(format!(
                "it answered {status} to a POST of {{\"health_check\": true}} with the bearer token"
            ));
        }
        Ok(())
    }
}
