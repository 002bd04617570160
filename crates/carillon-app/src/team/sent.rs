//! Sent messages as the team sees them: a page of the service's notifications with their
//! templates' names (view_activity or send_messages, as GC Notify lets senders follow what
//! they sent), and the CSV download of a selection (view_activity only).

use std::collections::HashMap;

use carillon_domain::{MemberPermission, Notification, NotificationId, Service, ServiceId, User};
use tokio::sync::mpsc::Sender;

use super::TeamError;
use crate::App;
use crate::sent::{CsvHeaders, PAGE_SIZE, SentError, SentQuery, StatusLabel};

/// A notification and its template's name (`None` when the template is gone).
#[derive(Debug, Clone)]
pub struct SentRow {
    pub notification: Notification,
    pub template_name: Option<String>,
}

/// One page of sent messages.
#[derive(Debug, Clone)]
pub struct TeamSent {
    pub service: Service,
    pub permissions: Vec<MemberPermission>,
    pub rows: Vec<SentRow>,
    /// The cursor of the next (older) page, if there is one.
    pub next: Option<NotificationId>,
}

impl From<SentError> for TeamError {
    fn from(error: SentError) -> Self {
        match error {
            SentError::Store(error) => error.into(),
        }
    }
}

impl App {
    /// A page of the service's sent messages selected by `query`, after `older_than`.
    pub async fn team_sent_messages(
        &self,
        actor: &User,
        service: ServiceId,
        query: &SentQuery,
        older_than: Option<NotificationId>,
    ) -> Result<TeamSent, TeamError> {
        let (found, permissions) = self.access(actor, service).await?;
        let may = [
            MemberPermission::ViewActivity,
            MemberPermission::SendMessages,
        ];
        if !may.iter().any(|p| permissions.contains(p)) {
            return Err(TeamError::Forbidden);
        }
        let page = self
            .sent_messages(service, query, older_than, PAGE_SIZE)
            .await?;
        let mut names: HashMap<carillon_domain::TemplateId, Option<String>> = HashMap::new();
        let mut rows = Vec::with_capacity(page.notifications.len());
        for notification in page.notifications {
            let id = notification.template_id;
            if let std::collections::hash_map::Entry::Vacant(entry) = names.entry(id) {
                let template = self.cached_template(service, id).await?;
                entry.insert(template.map(|t| t.name));
            }
            rows.push(SentRow {
                template_name: names.get(&id).cloned().flatten(),
                notification,
            });
        }
        Ok(TeamSent {
            service: found,
            permissions,
            rows,
            next: page.next,
        })
    }

    /// Streams the selection as CSV into `sink` (view_activity); returns the rows written.
    pub async fn team_export_sent_csv(
        &self,
        actor: &User,
        service: ServiceId,
        query: &SentQuery,
        headers: &CsvHeaders,
        status_label: &StatusLabel,
        sink: &Sender<Vec<u8>>,
    ) -> Result<u64, TeamError> {
        self.require(actor, service, MemberPermission::ViewActivity)
            .await?;
        Ok(self
            .export_sent_csv(service, query, headers, status_label, sink)
            .await?)
    }
}
