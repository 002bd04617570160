//! The second pass over a checked file: each row rendered into a notification, in batches,
//! while the store writes them (memory holds one batch whatever the file size).

use carillon_bulk::{DataRows, Row};
use carillon_domain::{
    KeyType, NewNotification, NotificationId, NotificationType, ProcessType, Recipient, ServiceId,
    TemplateId,
};
use carillon_render::RenderError;
use carillon_store::{JobRow, StoreError, StoreResult};
use serde_json::Value;
use time::OffsetDateTime;

use crate::templates::ParsedTemplate as Parsed;

/// Rows per batch handed to the store.
pub(crate) const BATCH: usize = 1_000;

/// What a rendered row becomes.
pub(crate) struct Rendered {
    pub(crate) body: String,
    pub(crate) subject: Option<String>,
    pub(crate) units: u32,
}

/// Renders one row with the template.
pub(crate) fn render(
    parsed: &Parsed,
    row: &Row,
    prefix: Option<&str>,
) -> Result<Rendered, RenderError> {
    let personalisation = row.personalisation();
    match parsed {
        Parsed::Email(email) => {
            let email = email.render(&personalisation)?;
            Ok(Rendered {
                body: email.body,
                subject: Some(email.subject),
                units: 1,
            })
        }
        Parsed::Sms(sms) => {
            let sms = sms.render(&personalisation, prefix)?;
            Ok(Rendered {
                body: sms.body,
                subject: None,
                units: u32::try_from(sms.fragments).unwrap_or(u32::MAX),
            })
        }
    }
}

/// Whether a recipient is a smoke-test one (its notification is simulated, like a test key's).
pub(crate) type Simulated = fn(&Recipient) -> bool;

/// Everything a row's notification shares with the others of its job.
#[derive(Clone)]
pub(crate) struct Common {
    pub(crate) service_id: ServiceId,
    pub(crate) template_id: TemplateId,
    pub(crate) template_version: i32,
    pub(crate) api_key_id: Option<carillon_domain::ApiKeyId>,
    pub(crate) key_type: KeyType,
    pub(crate) kind: NotificationType,
    pub(crate) sender: Option<String>,
    pub(crate) prefix: Option<String>,
    pub(crate) process_type: ProcessType,
    pub(crate) scheduled_for: Option<OffsetDateTime>,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) simulated: Simulated,
}

/// The batches of a job's rows.
pub(crate) struct Batches<'a> {
    pub(crate) rows: DataRows<'a>,
    pub(crate) parsed: Parsed,
    pub(crate) common: Common,
}

impl Batches<'_> {
    fn job_row(&self, row: &Row) -> StoreResult<JobRow> {
        let c = &self.common;
        let rendered = render(&self.parsed, row, c.prefix.as_deref())
            .map_err(|e| StoreError::Other(format!("row {}: {e}", row.number)))?;
        let key_type = if (c.simulated)(&row.recipient) {
            KeyType::Test
        } else {
            c.key_type
        };
        Ok(JobRow {
            row_number: u32::try_from(row.index).unwrap_or(u32::MAX),
            notification: NewNotification {
                id: NotificationId::new(),
                service_id: c.service_id,
                template_id: c.template_id,
                template_version: c.template_version,
                api_key_id: c.api_key_id,
                key_type,
                kind: c.kind,
                to: row.to.clone(),
                normalised_to: row.recipient.normalised(),
                personalisation: Value::Object(row.personalisation_json()),
                body: rendered.body,
                subject: rendered.subject,
                client_reference: row.reference.clone(),
                sender: c.sender.clone(),
                process_type: c.process_type,
                billable_units: rendered.units,
                scheduled_for: c.scheduled_for,
                created_at: c.created_at,
            },
        })
    }
}

impl Iterator for Batches<'_> {
    type Item = StoreResult<Vec<JobRow>>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut batch = Vec::with_capacity(BATCH);
        while batch.len() < BATCH {
            let Some(checked) = self.rows.next() else {
                break;
            };
            // The first pass accepted every row; anything else now means the file changed.
            let row = match checked {
                Ok(Ok(row)) => row,
                Ok(Err(problem)) => {
                    return Some(Err(StoreError::Other(format!(
                        "row {} failed its check on the second pass",
                        problem.row
                    ))));
                }
                Err(error) => return Some(Err(StoreError::Other(error.to_string()))),
            };
            match self.job_row(&row) {
                Ok(job_row) => batch.push(job_row),
                Err(error) => return Some(Err(error)),
            }
        }
        (!batch.is_empty()).then_some(Ok(batch))
    }
}
