//! The CSV export of a sent-messages selection, streamed: rows are read a chunk at a time
//! through the listing's cursor and each chunk is handed on before the next is read, so memory
//! stays bounded however many rows the selection holds. Header names and status labels come
//! from the caller, which knows the interface's language.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;

use carillon_domain::{Notification, NotificationStatus, NotificationType, ServiceId, TemplateId};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::mpsc::Sender;

use super::{SentError, SentQuery};
use crate::App;

/// Rows read and sent on per chunk (GC Notify streams its CSV in chunks of this size too).
pub const EXPORT_CHUNK: u32 = 5_000;

/// The header row, in the interface's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvHeaders {
    pub recipient: String,
    pub template: String,
    pub status: String,
    /// When the notification was accepted.
    pub created_at: String,
    /// When its status last changed (empty while it has not).
    pub updated_at: String,
}

/// How a status reads in the interface's language, for a channel.
pub type StatusLabel = dyn Fn(NotificationStatus, NotificationType) -> String + Send + Sync;

impl App {
    /// Writes the service's notifications selected by `query` as CSV, newest first, to `sink`:
    /// the header row, then one piece per [`EXPORT_CHUNK`] rows. Returns how many rows were
    /// written. A sink whose receiver has gone (a download abandoned) ends the export early.
    ///
    /// # Errors
    /// The store failed.
    pub async fn export_sent_csv(
        &self,
        service: ServiceId,
        query: &SentQuery,
        headers: &CsvHeaders,
        status_label: &StatusLabel,
        sink: &Sender<Vec<u8>>,
    ) -> Result<u64, SentError> {
        let mut piece = String::new();
        row(
            &mut piece,
            [
                (headers.recipient.as_str(), false),
                (&headers.template, false),
                (&headers.status, false),
                (&headers.created_at, false),
                (&headers.updated_at, false),
            ],
        );
        if sink.send(piece.into_bytes()).await.is_err() {
            return Ok(0);
        }
        let mut names: HashMap<TemplateId, String> = HashMap::new();
        let mut older_than = None;
        let mut written = 0_u64;
        loop {
            let filter = query.filter(older_than, EXPORT_CHUNK);
            let chunk = self.store.notifications(service, &filter).await?;
            let Some(last) = chunk.last() else { break };
            older_than = Some(last.id);
            let mut piece = String::new();
            for notification in &chunk {
                let name = self
                    .template_name(&mut names, service, notification)
                    .await?;
                let status = status_label(notification.status, notification.kind);
                write_notification(&mut piece, notification, name, &status);
            }
            written += chunk.len() as u64;
            if sink.send(piece.into_bytes()).await.is_err() {
                break;
            }
            if chunk.len() < EXPORT_CHUNK as usize {
                break;
            }
        }
        Ok(written)
    }

    /// The template's name, read once per export (a service has few templates; archived ones
    /// stay readable).
    async fn template_name<'a>(
        &self,
        names: &'a mut HashMap<TemplateId, String>,
        service: ServiceId,
        notification: &Notification,
    ) -> Result<&'a str, SentError> {
        let id = notification.template_id;
        if let Entry::Vacant(entry) = names.entry(id) {
            let template = self.store.template(service, id).await?;
            entry.insert(template.map_or_else(|| id.to_string(), |t| t.name));
        }
        Ok(names.get(&id).map_or("", String::as_str))
    }
}

fn write_notification(out: &mut String, notification: &Notification, template: &str, status: &str) {
    // A validated phone number may start with `+`; it is data, not a formula.
    let phone = notification.kind == NotificationType::Sms;
    let created = time_text(Some(notification.created_at));
    let updated = time_text(notification.updated_at);
    row(
        out,
        [
            (notification.to.as_str(), phone),
            (template, false),
            (status, false),
            (&created, true),
            (&updated, true),
        ],
    );
}

fn time_text(at: Option<OffsetDateTime>) -> String {
    at.and_then(|at| at.format(&Rfc3339).ok())
        .unwrap_or_default()
}

/// One CSV line (RFC 4180, CRLF). Each cell comes with whether it is trusted data (a number or
/// time we wrote); other cells starting like a spreadsheet formula get a leading `'` so that
/// opening the file cannot run one.
fn row<const N: usize>(out: &mut String, cells: [(&str, bool); N]) {
    for (index, (cell, trusted)) in cells.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        let risky = !trusted && cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let prefix = if risky { "'" } else { "" };
        if cell.contains([',', '"', '\n', '\r']) || risky {
            let _ = write!(out, "\"{prefix}{}\"", cell.replace('"', "\"\""));
        } else {
            out.push_str(cell);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::row;

    fn line<const N: usize>(cells: [(&str, bool); N]) -> String {
        let mut out = String::new();
        row(&mut out, cells);
        out
    }

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        assert_eq!(line([("a", false), ("b c", false)]), "a,b c\r\n");
        assert_eq!(
            line([("a,b", false), ("say \"hi\"", false), ("two\nlines", false)]),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
        );
    }

    #[test]
    fn formulas_are_defused_unless_the_cell_is_trusted() {
        assert_eq!(
            line([("=HYPERLINK(\"x\")", false), ("@SUM(A1)", false)]),
            "\"'=HYPERLINK(\"\"x\"\")\",\"'@SUM(A1)\"\r\n"
        );
        assert_eq!(line([("+16135550100", true)]), "+16135550100\r\n");
        assert_eq!(line([("+16135550100", false)]), "\"'+16135550100\"\r\n");
    }
}
