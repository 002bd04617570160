//! The sent-messages page: a service's notifications filtered by channel, status group,
//! template, bulk send or recipient, in pages newest first, and a streamed CSV export of such a
//! selection. Recipients are sealed at rest; a search goes through the keyed hash of the
//! normalised address or number, so no row is decrypted to find it.

mod csv;
#[cfg(test)]
mod tests;

use carillon_domain::{
    EmailAddress, JobId, Notification, NotificationFilter, NotificationId, NotificationType,
    PhoneNumber, Recipient, RecipientError, ServiceId, StatusGroup, TemplateId,
};
use carillon_store::StoreError;
use thiserror::Error;

use crate::App;

pub use csv::{CsvHeaders, EXPORT_CHUNK, StatusLabel};

/// Rows on a page (GC Notify's pages of 50).
pub const PAGE_SIZE: u32 = 50;

/// Why the search text is not a recipient. The page words each case in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SearchError {
    /// Nothing but whitespace.
    #[error("enter an email address or a phone number")]
    Empty,
    /// Has an `@`, so meant as an address, but is not a valid one.
    #[error("not a valid email address: {0}")]
    Email(RecipientError),
    /// No `@`, so meant as a number, but is not a valid one.
    #[error("not a valid phone number: {0}")]
    Phone(RecipientError),
}

/// Reads the search box: an email address when the text has an `@`, else a phone number, each
/// validated (and later normalised) as the API does for sending, so a search finds what was
/// sent however either was written.
///
/// # Errors
/// [`SearchError`] when the text is empty or neither an address nor a number.
pub fn parse_search(text: &str) -> Result<Recipient, SearchError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(SearchError::Empty);
    }
    if text.contains('@') {
        EmailAddress::parse(text)
            .map(Recipient::Email)
            .map_err(SearchError::Email)
    } else {
        PhoneNumber::parse(text)
            .map(Recipient::Phone)
            .map_err(SearchError::Phone)
    }
}

/// What the page (or its CSV link) selects; everything left `None` selects all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SentQuery {
    pub kind: Option<NotificationType>,
    pub status_group: Option<StatusGroup>,
    pub template: Option<TemplateId>,
    pub job: Option<JobId>,
    /// From [`parse_search`].
    pub recipient: Option<Recipient>,
}

impl SentQuery {
    /// The store's filter for `limit` rows after `older_than` (`None`: from the newest).
    fn filter(&self, older_than: Option<NotificationId>, limit: u32) -> NotificationFilter {
        NotificationFilter {
            kinds: self.kind.into_iter().collect(),
            recipient: self.recipient.clone(),
            status_group: self.status_group,
            template: self.template,
            job: self.job,
            older_than,
            // Bulk rows are sent messages too; test sends are not (GC Notify's page leaves
            // them out, and the dashboard does not count them).
            include_jobs: true,
            exclude_test_keys: true,
            limit,
            ..NotificationFilter::default()
        }
    }
}

/// One page, newest first, and the cursor of the next (older) page if there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct SentPage {
    pub notifications: Vec<Notification>,
    /// Pass as `older_than` for the next page.
    pub next: Option<NotificationId>,
}

/// Why listing or exporting failed.
#[derive(Debug, Error)]
pub enum SentError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl App {
    /// A page of `page_size` (at most [`PAGE_SIZE`] is what the page shows) of the service's
    /// notifications selected by `query`, older than `older_than` if given, newest first.
    ///
    /// # Errors
    /// The store failed.
    pub async fn sent_messages(
        &self,
        service: ServiceId,
        query: &SentQuery,
        older_than: Option<NotificationId>,
        page_size: u32,
    ) -> Result<SentPage, SentError> {
        // One more row than the page says whether another page follows, without a count.
        let filter = query.filter(older_than, page_size.saturating_add(1));
        let mut notifications = self.store.notifications(service, &filter).await?;
        let size = usize::try_from(page_size).unwrap_or(usize::MAX);
        let next = if notifications.len() > size {
            notifications.truncate(size);
            notifications.last().map(|n| n.id)
        } else {
            None
        };
        Ok(SentPage {
            notifications,
            next,
        })
    }
}
