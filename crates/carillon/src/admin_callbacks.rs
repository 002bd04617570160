//! `carillon callback …`: a service's delivery-status and complaint callbacks. Setting one
//! checks the receiver answers first, as GC Notify's admin does.
//!
//! URLs must be `https://`; `http://` is accepted only for loopback hosts (127.0.0.1, ::1,
//! localhost), for receivers on the same machine and for tests.

use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use carillon_store::{BearerToken, CallbackConfig, CallbackKind, Store};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::admin::{JsonFlag, existing_service};
use crate::output::{print_json, print_line};

/// GC Notify's shortest bearer token.
const MIN_TOKEN_CHARS: usize = 10;
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
    #[arg(long)]
    service: String,
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
        #[arg(long)]
        service: String,
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
    match command {
        CallbackCommand::Set {
            target,
            url,
            bearer_token,
            bearer_token_stdin,
        } => {
            let service_id = existing_service(&store, &target.service).await?;
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
            if token.chars().count() < MIN_TOKEN_CHARS {
                bail!("the bearer token must be at least {MIN_TOKEN_CHARS} characters");
            }
            check_url(&url)?;
            health_check(&url, &token).await?;
            let kind = CallbackKind::from(target.kind);
            store
                .set_callback(&CallbackConfig {
                    service_id,
                    kind,
                    url: url.clone(),
                    bearer_token: BearerToken::new(token),
                    suspended: false,
                    updated_at: OffsetDateTime::now_utc(),
                })
                .await?;
            print_line(&format!("{kind} callback set to {url}"));
        }
        CallbackCommand::List { service, out } => {
            let service_id = existing_service(&store, &service).await?;
            let list = store.callbacks(service_id).await?;
            if out.json {
                let values = list
                    .iter()
                    .map(|c| {
                        json!({"type": c.kind.as_str(), "url": c.url, "suspended": c.suspended,
                            "updated_at": c.updated_at.to_string()})
                    })
                    .collect();
                print_json(&Value::Array(values));
            } else {
                for c in &list {
                    let state = if c.suspended { "suspended" } else { "active" };
                    print_line(&format!("{}  {}  {state}", c.kind, c.url));
                }
            }
        }
        CallbackCommand::Remove { target } => {
            let service_id = existing_service(&store, &target.service).await?;
            let kind = CallbackKind::from(target.kind);
            store
                .remove_callback(service_id, kind)
                .await
                .map_err(|e| not_set(e, kind))?;
            print_line(&format!("{kind} callback removed"));
        }
        CallbackCommand::Suspend { target } => suspend(&store, &target, true).await?,
        CallbackCommand::Resume { target } => suspend(&store, &target, false).await?,
    }
    Ok(())
}

async fn suspend(store: &Arc<dyn Store>, target: &Target, suspended: bool) -> Result<()> {
    let service_id = existing_service(store, &target.service).await?;
    let kind = CallbackKind::from(target.kind);
    store
        .suspend_callback(service_id, kind, suspended, OffsetDateTime::now_utc())
        .await
        .map_err(|e| not_set(e, kind))?;
    let done = if suspended { "suspended" } else { "resumed" };
    print_line(&format!("{kind} callback {done}"));
    Ok(())
}

fn not_set(error: carillon_store::StoreError, kind: CallbackKind) -> anyhow::Error {
    match error {
        carillon_store::StoreError::NotFound => anyhow!("the service has no {kind} callback"),
        other => other.into(),
    }
}

/// `https://`, or `http://` to a loopback host.
fn check_url(text: &str) -> Result<()> {
    let url = url::Url::parse(text).map_err(|e| anyhow!("{text} is not a valid URL: {e}"))?;
    let loopback = matches!(
        url.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    );
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => bail!(
            "callback URLs must start with https:// (http:// only for 127.0.0.1, ::1 and \
             localhost)"
        ),
    }
}

/// POSTs `{"health_check": true}` with the token: a 4xx answer or no answer rejects the URL;
/// anything else (a 5xx included, as in GC Notify) accepts it.
async fn health_check(url: &str, token: &str) -> Result<()> {
    let client = reqwest::Client::builder()
        .timeout(HEALTH_CHECK_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("building the HTTP client")?;
    let response = client
        .post(url)
        .bearer_auth(token)
        .json(&json!({"health_check": true}))
        .send()
        .await
        .map_err(|e| {
            let why = if e.is_timeout() {
                "it did not answer within 2 seconds"
            } else if e.is_connect() {
                "the connection failed"
            } else {
                "the request failed"
            };
            anyhow!("the callback URL did not pass the health check: {why}")
        })?;
    let status = response.status();
    if status.is_client_error() {
        bail!(
            "the callback URL did not pass the health check: it answered {status} to a POST of \
             {{\"health_check\": true}} with the bearer token"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_or_loopback_http() {
        for ok in [
            "https://example.com/cb",
            "http://127.0.0.1:8080/cb",
            "http://[::1]:9/x",
            "http://localhost/cb",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://example.com/cb",
            "http://127.0.0.2/cb",
            "ftp://localhost/",
            "not a url",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
