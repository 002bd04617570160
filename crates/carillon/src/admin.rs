//! Operator commands on the administration use cases of `carillon-app`: services, API keys,
//! templates, reply-to addresses, SMS senders, the safelist and web app accounts. `--json` prints
//! machine-readable output for scripts; `--service` may be left out when the database holds
//! exactly one service.

mod keys;
mod senders;
mod services;
mod templates;
mod users;

use std::sync::Arc;

use anyhow::{Result, anyhow};
use carillon_app::{App, AppSettings};
use carillon_domain::{ServiceId, SystemClock};
use carillon_store::Store;
use clap::Args;
use serde_json::Value;

use crate::output::{print_json, print_line};

pub(crate) use keys::{ApiKeyCommand, api_key};
pub(crate) use senders::{
    ReplyToCommand, SafelistCommand, SmsSenderCommand, reply_to, safelist, sms_sender,
};
pub(crate) use services::{ServiceCommand, service};
pub(crate) use templates::{TemplateCommand, template};
pub(crate) use users::{UserCommand, user};

#[derive(Debug, Args)]
pub(crate) struct JsonFlag {
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The service a command acts on.
#[derive(Debug, Args)]
pub(crate) struct ServiceArg {
    /// The service's id; may be left out when there is only one service.
    #[arg(long, value_name = "ID")]
    pub(crate) service: Option<String>,
}

impl ServiceArg {
    /// The service named, or the only one there is.
    pub(crate) async fn resolve(&self, app: &App) -> Result<ServiceId> {
        let id = self
            .service
            .as_deref()
            .map(|text| {
                ServiceId::parse(text)
                    .map_err(|_| anyhow!("--service must be a service id (a UUID)"))
            })
            .transpose()?;
        Ok(app.service_or_only(id).await?.id)
    }
}

/// The use cases over the opened store. Administration reads no deployment setting, so the
/// defaults do.
pub(crate) fn app(store: Arc<dyn Store>) -> App {
    App::new(store, Arc::new(SystemClock), AppSettings::default())
}

/// Prints a listing: one JSON array, or one line per item.
pub(crate) fn print_list<T>(
    json: bool,
    items: &[T],
    to_json: impl Fn(&T) -> Value,
    to_line: impl Fn(&T) -> String,
) {
    if json {
        print_json(&Value::Array(items.iter().map(to_json).collect()));
    } else {
        for item in items {
            print_line(&to_line(item));
        }
    }
}

/// Reads text given inline or in a file (`--content` or `--content-file`).
pub(crate) fn text_or_file(
    text: Option<String>,
    file: Option<&std::path::Path>,
) -> Result<Option<String>> {
    use anyhow::Context;
    match (text, file) {
        (Some(text), _) => Ok(Some(text)),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map(Some)
            .with_context(|| format!("reading {}", path.display())),
        (None, None) => Ok(None),
    }
}
