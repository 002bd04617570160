//! The accounts' entries in the audit log: stable action codes and ids, never personal data.

use carillon_domain::UserId;
use carillon_store::{AuditEvent, StoreError};

use crate::App;

impl App {
    /// Appends an account event (`detail`: setting names and ids only).
    pub(crate) async fn audit(
        &self,
        actor: Option<UserId>,
        action: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.store
            .record_audit(&AuditEvent {
                at: self.clock.now(),
                actor,
                service: None,
                action: action.to_owned(),
                detail: detail.to_owned(),
            })
            .await
    }
}
