//! `carillon outbox`: read what the built-in outbox kept, as a recipient would see it.

use std::sync::Arc;

use anyhow::{Result, anyhow};
use carillon_domain::NotificationId;
use carillon_store::{OutboxMessage, Store};

use crate::admin::app;
use clap::Subcommand;
use serde_json::{Value, json};

use crate::output::{print_json, print_line};

#[derive(Debug, Subcommand)]
pub(crate) enum OutboxCommand {
    /// List kept messages, newest first.
    List {
        /// How many, newest first (at most 500).
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Show one message whole (the notification id from the API).
    Show {
        /// The message's notification id.
        id: String,
        /// Print JSON (with the HTML) instead of text.
        #[arg(long)]
        json: bool,
        /// Print only the HTML document (to open in a browser).
        #[arg(long, conflicts_with = "json")]
        html: bool,
    },
}

fn message_json(m: &OutboxMessage, whole: bool) -> Value {
    let mut value = json!({
        "id": m.notification_id.to_string(),
        "service_id": m.service_id.to_string(),
        "type": m.kind.as_str(),
        "to": m.to,
        "from": m.from,
        "reply_to": m.reply_to,
        "subject": m.subject,
        "created_at": carillon_api::format_datetime(m.created_at),
    });
    if whole {
        value["text"] = json!(m.text);
        value["html"] = json!(m.html);
    }
    value
}

pub(crate) async fn run(store: Arc<dyn Store>, command: OutboxCommand) -> Result<()> {
    let app = app(store);
    match command {
        OutboxCommand::List { limit, json } => {
            let messages = app.outbox(limit, None).await?;
            if json {
                print_json(&Value::Array(
                    messages.iter().map(|m| message_json(m, false)).collect(),
                ));
            } else if messages.is_empty() {
                print_line("the outbox is empty");
            } else {
                for m in &messages {
                    let what = m
                        .subject
                        .clone()
                        .unwrap_or_else(|| m.text.chars().take(60).collect());
                    print_line(&format!(
                        "{}  {}  {:<5}  {}  {what}",
                        carillon_api::format_datetime(m.created_at),
                        m.notification_id,
                        m.kind.as_str(),
                        m.to
                    ));
                }
            }
        }
        OutboxCommand::Show { id, json, html } => {
            let id =
                NotificationId::parse(&id).map_err(|_| anyhow!("{id} is not a notification id"))?;
            let m = app.outbox_message(id).await?;
            if json {
                print_json(&message_json(&m, true));
            } else if html {
                print_line(
                    m.html
                        .as_deref()
                        .ok_or_else(|| anyhow!("a text message has no HTML"))?,
                );
            } else {
                print_line(&format!("From: {}\nTo: {}", m.from, m.to));
                if let Some(reply_to) = &m.reply_to {
                    print_line(&format!("Reply-To: {reply_to}"));
                }
                if let Some(subject) = &m.subject {
                    print_line(&format!("Subject: {subject}"));
                }
                print_line(&format!("\n{}", m.text));
            }
        }
    }
    Ok(())
}
