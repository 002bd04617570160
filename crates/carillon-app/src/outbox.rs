//! The built-in outbox as people read it: what each recipient would have received, newest
//! first, for the command line now and the web pages next.

use carillon_domain::NotificationId;
use carillon_store::{OutboxMessage, StoreError};
use thiserror::Error;

use crate::App;

/// Most messages one page may hold, whatever the caller asks: a page is read whole into memory.
pub const MAX_PAGE: u32 = 500;

/// Why an outbox use case failed.
#[derive(Debug, Error)]
pub enum OutboxError {
    #[error("no message {0} in the outbox")]
    NotFound(NotificationId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl App {
    /// Up to `limit` kept messages (at least 1, at most [`MAX_PAGE`]), newest first; `before`
    /// pages back from a message.
    pub async fn outbox(
        &self,
        limit: u32,
        before: Option<NotificationId>,
    ) -> Result<Vec<OutboxMessage>, OutboxError> {
        Ok(self
            .store()
            .outbox(limit.clamp(1, MAX_PAGE), before)
            .await?)
    }

    /// One kept message, whole.
    pub async fn outbox_message(&self, id: NotificationId) -> Result<OutboxMessage, OutboxError> {
        self.store()
            .outbox_message(id)
            .await?
            .ok_or(OutboxError::NotFound(id))
    }
}
