//! The team pages (A11–A13): the members with their permissions and the pending invitations,
//! inviting someone with GC Notify's five permissions, changing a member's permissions,
//! removing a member and leaving the service (both behind a confirmation page).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use carillon_app::team::TeamError;
use carillon_domain::{EmailAddress, InvitationId, MemberPermission, ServiceId, UserId};
use serde::Deserialize;

use crate::form::{Field, Msg, Problem};
use crate::page::Page;
use crate::security::CSRF_FIELD;
use crate::views::member::{
    Member, PermissionBox, confirm_page, failure, field, not_found, permission_boxes,
    permission_label, service_id, ticked,
};
use crate::views::{page_response, render, see_other};

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: Option<String>,
}

/// The success banner a finished action leaves (`?done=`).
fn banner(done: Option<&str>) -> Option<Msg> {
    match done? {
        "invited" => Some(Msg("team-done-invited")),
        "cancelled" => Some(Msg("team-done-cancelled")),
        "updated" => Some(Msg("team-done-updated")),
        "removed" => Some(Msg("team-done-removed")),
        "joined" => Some(Msg("team-done-joined")),
        _ => None,
    }
}

struct MemberRow {
    name: String,
    email: String,
    permissions: Vec<Msg>,
    edit_href: Option<String>,
}

struct InviteRow {
    email: String,
    cancel_action: String,
}

#[derive(Template)]
#[template(path = "team/team.html")]
struct TeamView {
    page: Page,
    banner: Option<Msg>,
    service_name: String,
    base: String,
    can_manage: bool,
    settings_href: String,
    members: Vec<MemberRow>,
    invites: Vec<InviteRow>,
    csrf_field: &'static str,
}

/// Everything the team list needs, or the refusal.
async fn team_view(m: &Member, id: ServiceId, done: Option<&str>) -> Result<TeamView, TeamError> {
    let team = m.app().team_overview(&m.user, id).await?;
    let can_manage = team.permissions.contains(&MemberPermission::ManageService);
    let base = format!("/services/{id}/team");
    Ok(TeamView {
        page: m.ctx.page(Msg("team-title"), Vec::new()),
        banner: banner(done),
        service_name: team.service.name,
        can_manage,
        settings_href: format!("/services/{id}/settings"),
        members: team
            .members
            .into_iter()
            .map(|member| MemberRow {
                edit_href: (can_manage && member.user != m.user.id)
                    .then(|| format!("{base}/members/{}", member.user)),
                name: member.name,
                email: member.email.as_str().to_owned(),
                permissions: member
                    .permissions
                    .into_iter()
                    .map(permission_label)
                    .collect(),
            })
            .collect(),
        invites: team
            .invitations
            .into_iter()
            .map(|invite| InviteRow {
                email: invite.email.as_str().to_owned(),
                cancel_action: format!("{base}/invitations/{}/cancel", invite.id),
            })
            .collect(),
        base,
        csrf_field: CSRF_FIELD,
    })
}

/// The team list.
pub(crate) async fn show(m: Member, Path(id): Path<String>, Query(q): Query<Done>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match team_view(&m, id, q.done.as_deref()).await {
        Ok(view) => render(StatusCode::OK, &view),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Cancels a pending invitation, then back to the list.
pub(crate) async fn cancel_invitation(
    m: Member,
    Path((id, invitation)): Path<(String, String)>,
) -> Response {
    let (Some(id), Ok(invitation)) = (service_id(&id), InvitationId::parse(&invitation)) else {
        return not_found(&m.ctx);
    };
    match m.app().cancel_invitation(&m.user, id, invitation).await {
        Ok(()) => see_other(&format!("/services/{id}/team?done=cancelled")),
        Err(error) => failure(&m.ctx, &error),
    }
}

#[derive(Template)]
#[template(path = "team/permissions.html")]
struct PermissionsView {
    page: Page,
    action: String,
    email: Option<Field>,
    /// Whose permissions these are, when changing a member's.
    who: Option<String>,
    boxes: Vec<PermissionBox>,
    permissions_error: Option<Msg>,
    submit: Msg,
    remove_href: Option<String>,
    back_href: String,
}

fn invite_view(
    m: &Member,
    id: ServiceId,
    email: &str,
    held: &[MemberPermission],
    problems: Vec<Problem>,
) -> PermissionsView {
    let email = Field::email("email", Msg("team-invite-email"))
        .value(email)
        .problems(&problems);
    PermissionsView {
        permissions_error: None,
        page: m.ctx.page(Msg("team-invite-title"), problems),
        action: format!("/services/{id}/team/invite"),
        email: Some(email),
        who: None,
        boxes: permission_boxes(held),
        submit: Msg("team-invite-submit"),
        remove_href: None,
        back_href: format!("/services/{id}/team"),
    }
}

/// The invite form: only for members who manage the service.
pub(crate) async fn show_invite(m: Member, Path(id): Path<String>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let app = m.app();
    match app
        .require(&m.user, id, MemberPermission::ManageService)
        .await
    {
        Ok(_) => page_response(false, &invite_view(&m, id, "", &[], Vec::new())),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Sends the invitation, or shows what is wrong.
pub(crate) async fn submit_invite(
    m: Member,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    let (typed, chosen) = (field(&fields, "email").trim(), ticked(&fields));
    let message = match EmailAddress::parse(typed) {
        _ if typed.is_empty() => Msg("team-invite-error-email-missing"),
        Err(_) => Msg("team-invite-error-email-invalid"),
        Ok(email) => {
            let app = m.app();
            match app.invite(&m.user, id, &email, chosen.clone(), app).await {
                Ok(_) => return see_other(&format!("/services/{id}/team?done=invited")),
                Err(TeamError::InviteYourself) => Msg("team-invite-error-yourself"),
                Err(TeamError::AlreadyMember) => Msg("team-invite-error-member"),
                Err(TeamError::InvitationNotSent) => Msg("team-invite-error-not-sent"),
                Err(error) => return failure(&m.ctx, &error),
            }
        }
    };
    let problems = vec![Problem::new("email", message)];
    page_response(true, &invite_view(&m, id, typed, &chosen, problems))
}

/// The member's name and permissions, for the edit and remove pages.
async fn find_member(
    m: &Member,
    id: ServiceId,
    user: UserId,
) -> Result<carillon_app::team::Member, TeamError> {
    let members = m.app().members(&m.user, id).await?;
    members
        .into_iter()
        .find(|member| member.user == user)
        .ok_or(TeamError::NotFound)
}

fn edit_view(
    m: &Member,
    id: ServiceId,
    member: &carillon_app::team::Member,
    held: &[MemberPermission],
    error: Option<Msg>,
) -> PermissionsView {
    let problems = error
        .map(|message| vec![Problem::new(MemberPermission::ALL[0].as_str(), message)])
        .unwrap_or_default();
    let action = format!("/services/{id}/team/members/{}", member.user);
    PermissionsView {
        page: m.ctx.page(Msg("team-edit-title"), problems),
        remove_href: Some(format!("{action}/remove")),
        action,
        email: None,
        who: Some(format!("{} ({})", member.name, member.email.as_str())),
        boxes: permission_boxes(held),
        permissions_error: error,
        submit: Msg("team-edit-submit"),
        back_href: format!("/services/{id}/team"),
    }
}

fn parse_ids(id: &str, user: &str) -> Option<(ServiceId, UserId)> {
    Some((service_id(id)?, UserId::parse(user).ok()?))
}

/// A member's permissions, to change.
pub(crate) async fn show_edit(m: Member, Path((id, user)): Path<(String, String)>) -> Response {
    let Some((id, user)) = parse_ids(&id, &user) else {
        return not_found(&m.ctx);
    };
    let found = match m
        .app()
        .require(&m.user, id, MemberPermission::ManageService)
        .await
    {
        Ok(_) => find_member(&m, id, user).await,
        Err(error) => Err(error),
    };
    match found {
        Ok(member) => page_response(
            false,
            &edit_view(&m, id, &member, &member.permissions, None),
        ),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Saves a member's permissions.
pub(crate) async fn submit_edit(
    m: Member,
    Path((id, user)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let Some((id, user)) = parse_ids(&id, &user) else {
        return not_found(&m.ctx);
    };
    let chosen = ticked(&fields);
    match m
        .app()
        .set_member_permissions(&m.user, id, user, chosen.clone())
        .await
    {
        Ok(_) => see_other(&format!("/services/{id}/team?done=updated")),
        Err(TeamError::LastManager) => match find_member(&m, id, user).await {
            Ok(member) => {
                let error = Some(Msg("team-error-last-manager"));
                page_response(true, &edit_view(&m, id, &member, &chosen, error))
            }
            Err(error) => failure(&m.ctx, &error),
        },
        Err(error) => failure(&m.ctx, &error),
    }
}

/// The removal's problem as the confirmation page shows it.
fn removal_problem(error: &TeamError) -> Option<Problem> {
    match error {
        TeamError::LastManager => Some(Problem::new("confirm", Msg("team-error-last-manager"))),
        TeamError::TooFewMembers => Some(Problem::new("confirm", Msg("team-error-too-few"))),
        _ => None,
    }
}

async fn remove_page(m: &Member, id: ServiceId, user: UserId, problems: Vec<Problem>) -> Response {
    let found = match m
        .app()
        .require(&m.user, id, MemberPermission::ManageService)
        .await
    {
        Ok(_) => find_member(m, id, user).await,
        Err(error) => Err(error),
    };
    match found {
        Ok(member) => {
            let who = Some(format!("{} ({})", member.name, member.email.as_str()));
            let action = format!("/services/{id}/team/members/{user}/remove");
            let texts = [
                Msg("team-remove-title"),
                Msg("team-remove-body"),
                Msg("team-remove-submit"),
            ];
            let back = format!("/services/{id}/team");
            confirm_page(&m.ctx, texts, who, action, back, problems)
        }
        Err(error) => failure(&m.ctx, &error),
    }
}

/// "Are you sure?" before removing a member.
pub(crate) async fn show_remove(m: Member, Path((id, user)): Path<(String, String)>) -> Response {
    match parse_ids(&id, &user) {
        Some((id, user)) => remove_page(&m, id, user, Vec::new()).await,
        None => not_found(&m.ctx),
    }
}

/// Removes the member.
pub(crate) async fn submit_remove(m: Member, Path((id, user)): Path<(String, String)>) -> Response {
    let Some((id, user)) = parse_ids(&id, &user) else {
        return not_found(&m.ctx);
    };
    match m.app().remove_member(&m.user, id, user).await {
        Ok(()) => see_other(&format!("/services/{id}/team?done=removed")),
        Err(error) => match removal_problem(&error) {
            Some(problem) => remove_page(&m, id, user, vec![problem]).await,
            None => failure(&m.ctx, &error),
        },
    }
}

fn leave_page(m: &Member, id: ServiceId, problems: Vec<Problem>) -> Response {
    let action = format!("/services/{id}/team/leave");
    let texts = [
        Msg("team-leave-title"),
        Msg("team-leave-body"),
        Msg("team-leave-submit"),
    ];
    let back = format!("/services/{id}/team");
    confirm_page(&m.ctx, texts, None, action, back, problems)
}

/// "Are you sure?" before leaving the service.
pub(crate) async fn show_leave(m: Member, Path(id): Path<String>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match m.app().member_permissions(&m.user, id).await {
        Ok(_) => leave_page(&m, id, Vec::new()),
        Err(error) => failure(&m.ctx, &error),
    }
}

/// Leaves the service, then to the list of the person's services.
pub(crate) async fn submit_leave(m: Member, Path(id): Path<String>) -> Response {
    let Some(id) = service_id(&id) else {
        return not_found(&m.ctx);
    };
    match m.app().leave_service(&m.user, id).await {
        Ok(()) => see_other("/services"),
        Err(error) => match removal_problem(&error) {
            Some(problem) => leave_page(&m, id, vec![problem]),
            None => failure(&m.ctx, &error),
        },
    }
}
