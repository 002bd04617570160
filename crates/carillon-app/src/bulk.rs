//! Bulk sending: a file checked whole (header, every row, limits, safelist) in GC Notify's
//! order before anything is stored; then the job and all its rows stored in one transaction,
//! the file read a second time in batches.

mod check;
mod rows;

use carillon_domain::{ApiKeyId, Job, KeyType, Service, Template};
use carillon_store::StoreError;
use thiserror::Error;

pub use check::{BulkFile, Checked};

use crate::App;
use crate::limits::{LimitExceeded, RateError, RateLimited};
use crate::recipients::{SenderError, UnknownSender};
use crate::send::{SendError, check_permission};
use crate::templates::TemplateError;

/// Why a bulk send was refused; each variant is one of GC Notify's answers.
#[derive(Debug, Error)]
pub enum BulkError {
    #[error("Service is suspended")]
    Suspended,
    /// The service lacks the channel's permission.
    #[error("Service is not allowed to send {}", crate::send::plural(*.0))]
    NotAllowed(carillon_domain::NotificationType),
    #[error(transparent)]
    RateLimited(#[from] RateLimited),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    UnknownSender(#[from] UnknownSender),
    /// The file cannot be read as rows.
    #[error("Error converting to CSV: {0}")]
    Read(String),
    /// The header does not fit the template (GC Notify's message).
    #[error("{0}")]
    Header(String),
    /// The first rule the rows break (see [`Checked::problem`]).
    #[error("{0}")]
    Problem(String),
    /// A limit was reached between the check and the submission.
    #[error(transparent)]
    LimitExceeded(#[from] LimitExceeded),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<RateError> for BulkError {
    fn from(error: RateError) -> Self {
        match error {
            RateError::Limited(limited) => Self::RateLimited(limited),
            RateError::Store(error) => Self::Store(error),
        }
    }
}

impl From<SenderError> for BulkError {
    fn from(error: SenderError) -> Self {
        match error {
            SenderError::Unknown(unknown) => Self::UnknownSender(unknown),
            SenderError::Store(error) => Self::Store(error),
        }
    }
}

/// GC Notify's first bulk check: a suspended service sends nothing.
///
/// # Errors
/// [`BulkError::Suspended`].
pub fn check_active(service: &Service) -> Result<(), BulkError> {
    if service.active {
        Ok(())
    } else {
        Err(BulkError::Suspended)
    }
}

impl App {
    /// The template of a bulk send, checked as GC Notify does before the file is read: not
    /// archived, then the channel's permission.
    ///
    /// # Errors
    /// Not found, deleted, or the service may not send on the template's channel.
    pub async fn bulk_template(
        &self,
        service: &Service,
        id: carillon_domain::TemplateId,
    ) -> Result<Template, BulkError> {
        let template = self.active_template(service.id, id).await?;
        check_permission(service, template.kind).map_err(|e| match e {
            SendError::NotAllowed(kind) => BulkError::NotAllowed(kind),
            _ => BulkError::NotAllowed(template.kind),
        })?;
        Ok(template)
    }

    /// Checks `file` for sending `template` as `service` with a key of `key_type` (an
    /// operator at the command line sends like a live key).
    ///
    /// # Errors
    /// Problems found before rows are read: the sender, a file that cannot be read, its
    /// header. Row problems and limits come back in [`Checked::problem`].
    pub async fn check_bulk(
        &self,
        service: &Service,
        key_type: KeyType,
        template: &Template,
        file: &BulkFile,
    ) -> Result<Checked, BulkError> {
        check::check_bulk(self, service, key_type, template, file).await
    }

    /// Stores the job of a checked file and all its rows, and wakes a worker of this process.
    ///
    /// # Errors
    /// The checked problem, a limit reached meanwhile, or the store's error.
    pub async fn submit_bulk(
        &self,
        service: &Service,
        api_key_id: Option<ApiKeyId>,
        file: &BulkFile,
        checked: Checked,
    ) -> Result<Job, BulkError> {
        check::submit(self, service, api_key_id, file, checked).await
    }
}
