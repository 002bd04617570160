//! Going live: GC Notify's four-item checklist (use case, a template, a team of two managers,
//! the terms), the request, and the platform admin's decision, which switches the service to
//! live with GC Notify's live limits.

use carillon_domain::{InvitationStatus, MemberPermission, ServiceId, User};
use carillon_store::{GoLiveRequest, GoLiveStatus};
use serde::{Deserialize, Serialize};

use super::{Actor, TeamError};
use crate::App;

/// The "tell us how you intend to use GC Notify" answers (two form steps). Kept by the web
/// app between steps, stored sealed with the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoLiveAnswers {
    /// Department or organisation.
    pub organisation: String,
    /// The main use cases ticked (the form's values).
    pub main_use_cases: Vec<String>,
    pub other_use_case: String,
    /// Who receives: internal, other organisations, the public (the form's values).
    pub intended_recipients: Vec<String>,
    /// Expected volumes (the form's radio values).
    pub daily_email_volume: String,
    pub annual_email_volume: String,
    pub daily_sms_volume: String,
    pub annual_sms_volume: String,
}

impl GoLiveAnswers {
    /// Both steps answered.
    pub fn is_complete(&self) -> bool {
        let filled = |s: &String| !s.trim().is_empty();
        filled(&self.organisation)
            && (!self.main_use_cases.is_empty() || filled(&self.other_use_case))
            && !self.intended_recipients.is_empty()
            && [
                &self.daily_email_volume,
                &self.annual_email_volume,
                &self.daily_sms_volume,
                &self.annual_sms_volume,
            ]
            .into_iter()
            .all(filled)
    }
}

/// Where one checklist item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecklistItem {
    Done,
    InProgress,
    NotDone,
}

/// GC Notify's go-live checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoLiveChecklist {
    pub use_case: ChecklistItem,
    pub templates: ChecklistItem,
    /// Two members who manage the service (an invited second one: in progress).
    pub team: ChecklistItem,
    pub terms: ChecklistItem,
}

impl GoLiveChecklist {
    pub fn is_complete(&self) -> bool {
        [self.use_case, self.templates, self.team, self.terms]
            .iter()
            .all(|item| *item == ChecklistItem::Done)
    }
}

fn done_if(yes: bool) -> ChecklistItem {
    if yes {
        ChecklistItem::Done
    } else {
        ChecklistItem::NotDone
    }
}

impl App {
    /// The checklist, from the store and the answers so far (any member may look).
    pub async fn go_live_checklist(
        &self,
        actor: &User,
        service: ServiceId,
        answers: Option<&GoLiveAnswers>,
        terms_agreed: bool,
    ) -> Result<GoLiveChecklist, TeamError> {
        self.access(actor, service).await?;
        let templates = self.store().templates(service, None).await?;
        let managers = self
            .store()
            .members(service)
            .await?
            .iter()
            .filter(|m| m.permissions.contains(&MemberPermission::ManageService))
            .count();
        let now = self.clock().now();
        let invited_manager = self.store().invitations(service).await?.iter().any(|i| {
            i.status == InvitationStatus::Pending
                && i.expires_at > now
                && i.permissions.contains(&MemberPermission::ManageService)
        });
        let team = match managers {
            0 | 1 if invited_manager => ChecklistItem::InProgress,
            0 | 1 => ChecklistItem::NotDone,
            _ => ChecklistItem::Done,
        };
        let use_case = match answers {
            Some(a) if a.is_complete() => ChecklistItem::Done,
            Some(a) if *a != GoLiveAnswers::default() => ChecklistItem::InProgress,
            _ => ChecklistItem::NotDone,
        };
        Ok(GoLiveChecklist {
            use_case,
            templates: done_if(!templates.is_empty()),
            team,
            terms: done_if(terms_agreed),
        })
    }

    /// Asks to go live (manage_service), once the checklist is complete.
    pub async fn request_go_live(
        &self,
        actor: &User,
        service: ServiceId,
        answers: &GoLiveAnswers,
        terms_agreed: bool,
    ) -> Result<GoLiveRequest, TeamError> {
        let found = self
            .require(actor, service, MemberPermission::ManageService)
            .await?;
        if !found.restricted {
            return Err(TeamError::AlreadyLive);
        }
        let checklist = self
            .go_live_checklist(actor, service, Some(answers), terms_agreed)
            .await?;
        if !checklist.is_complete() {
            return Err(TeamError::ChecklistIncomplete(checklist));
        }
        let request = GoLiveRequest {
            service,
            requested_by: actor.id,
            answers: serde_json::to_string(answers).unwrap_or_default(),
            status: GoLiveStatus::Pending,
            requested_at: self.clock().now(),
            decided_by: None,
            decided_at: None,
        };
        self.store().put_go_live_request(&request).await?;
        self.record_change(
            actor.into(),
            Some(service),
            "go_live.requested",
            String::new(),
        )
        .await?;
        Ok(request)
    }

    /// The service's latest request to go live, if any (any member: the settings banner).
    pub async fn go_live_request(
        &self,
        actor: &User,
        service: ServiceId,
    ) -> Result<Option<GoLiveRequest>, TeamError> {
        self.access(actor, service).await?;
        Ok(self.store().go_live_request(service).await?)
    }

    /// Requests waiting for a decision, oldest first (platform admins).
    pub async fn go_live_requests<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
    ) -> Result<Vec<GoLiveRequest>, TeamError> {
        Self::require_platform_admin(actor.into())?;
        Ok(self.store().go_live_requests(GoLiveStatus::Pending).await?)
    }

    /// Approves a pending request: the service goes live with the live limits.
    pub async fn approve_go_live<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        service: ServiceId,
    ) -> Result<GoLiveRequest, TeamError> {
        let actor = actor.into();
        let pending = self.pending_request(actor, service).await?;
        self.set_live(actor, service, true).await?;
        self.decide(actor, pending, GoLiveStatus::Approved).await
    }

    /// Rejects a pending request: the service stays in trial mode.
    pub async fn reject_go_live<'a>(
        &self,
        actor: impl Into<Actor<'a>>,
        service: ServiceId,
    ) -> Result<GoLiveRequest, TeamError> {
        let actor = actor.into();
        let pending = self.pending_request(actor, service).await?;
        let request = self.decide(actor, pending, GoLiveStatus::Rejected).await?;
        self.record_change(actor, Some(service), "go_live.rejected", String::new())
            .await?;
        Ok(request)
    }

    async fn pending_request(
        &self,
        actor: Actor<'_>,
        service: ServiceId,
    ) -> Result<GoLiveRequest, TeamError> {
        Self::require_platform_admin(actor)?;
        let request = self.store().go_live_request(service).await?;
        request
            .filter(|r| r.status == GoLiveStatus::Pending)
            .ok_or(TeamError::NoPendingRequest)
    }

    async fn decide(
        &self,
        actor: Actor<'_>,
        pending: GoLiveRequest,
        status: GoLiveStatus,
    ) -> Result<GoLiveRequest, TeamError> {
        let decided = GoLiveRequest {
            status,
            decided_by: actor.user_id(),
            decided_at: Some(self.clock().now()),
            ..pending
        };
        self.store().put_go_live_request(&decided).await?;
        Ok(decided)
    }
}
