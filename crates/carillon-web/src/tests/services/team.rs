//! The team pages: list, invite, change permissions, remove, leave.

use axum::http::StatusCode;
use carillon_domain::MemberPermission;

use super::{Fx, location, renders_in_both};

#[tokio::test]
async fn a_manager_sees_the_team_and_invites_someone() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let team = format!("/services/{}/team", service.id);
    let list = renders_in_both(&fx, &ada, &team, "Team members").await;
    assert!(list.body.contains("ada@example.gc.ca"), "{}", list.body);
    assert!(list.body.contains("Passport renewals"));
    assert!(list.body.contains("Manage settings, team and usage"));

    let invite = format!("{team}/invite");
    renders_in_both(&fx, &ada, &invite, "Invite a team member").await;
    let sent = fx
        .post_as(
            &ada,
            &invite,
            &invite,
            &[("email", "grace@example.gc.ca"), ("send_messages", "yes")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(location(&sent), format!("{team}?done=invited"));
    let emails = fx.emails_to("grace@example.gc.ca").await;
    assert_eq!(
        emails.len(),
        1,
        "the invitation is sent through the pipeline"
    );

    let after = fx.get_as(&ada, &format!("{team}?done=invited")).await;
    assert!(after.body.contains("Invitation sent."), "{}", after.body);
    assert!(after.body.contains("grace@example.gc.ca"));
    assert!(after.body.contains("Cancel invitation"));
}

#[tokio::test]
async fn the_invite_form_shows_its_errors_in_both_languages() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let invite = format!("/services/{}/team/invite", service.id);
    let empty = fx.post_as(&ada, &invite, &invite, &[("email", "")]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.title(), "Error: Invite a team member – Carillon");
    assert!(
        empty
            .body
            .contains("<a href=\"#email\">Enter an email address</a>"),
        "{}",
        empty.body
    );
    let yourself = fx
        .post_as(
            &ada,
            &invite,
            &format!("{invite}?lang=fr"),
            &[("email", "ada@example.gc.ca"), ("view_activity", "yes")],
        )
        .await;
    assert_eq!(yourself.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        yourself.title(),
        "Erreur : Inviter un membre de l’équipe – Carillon"
    );
    assert!(yourself.body.contains("vous inviter vous-même"));
    assert!(
        yourself
            .body
            .contains("id=\"view_activity\" name=\"view_activity\" value=\"yes\" checked"),
        "the ticked permissions are kept: {}",
        yourself.body
    );
}

#[tokio::test]
async fn a_member_without_manage_settings_gets_403_on_the_invite_page() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![MemberPermission::SendMessages])
        .await;
    let team = format!("/services/{}/team", service.id);
    let list = fx.get_as(&grace, &team).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("/invite\""), "no invite button");

    let invite = fx.get_as(&grace, &format!("{team}/invite")).await;
    assert_eq!(invite.status, StatusCode::FORBIDDEN);
    assert_eq!(
        invite.title(),
        "You do not have permission to see this page – Carillon"
    );
    let french = fx.get_as(&grace, &format!("{team}/invite?lang=fr")).await;
    assert_eq!(french.status, StatusCode::FORBIDDEN);
    assert!(french.body.contains("<html lang=\"fr\">"));

    let page = fx.get_as(&grace, &format!("{team}/leave")).await;
    let token = page.csrf_token();
    let posted = super::send(
        &fx.router,
        super::post(
            &format!("{team}/invite"),
            &grace.cookie,
            &[("csrf_token", &token), ("email", "someone@example.gc.ca")],
        ),
    )
    .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert!(fx.emails_to("someone@example.gc.ca").await.is_empty());

    let stranger = fx.person("Linus", false).await;
    let outside = fx.get_as(&stranger, &team).await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN, "not a member");
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_forms_need_the_token() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let team = format!("/services/{}/team", service.id);
    let answer = fx.get_signed_out(&team).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&answer),
        format!("/sign-in?next=%2Fservices%2F{}%2Fteam", service.id)
    );
    let refused = fx.post_without_token(&ada, &format!("{team}/invite")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let missing = fx.get_as(&ada, "/services/not-an-id/team").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn changing_permissions_removing_and_leaving() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![MemberPermission::SendMessages])
        .await;
    let team = format!("/services/{}/team", service.id);
    let edit = format!("{team}/members/{}", grace.user.id);
    let page = renders_in_both(&fx, &ada, &edit, "Change a team member’s permissions").await;
    assert!(
        page.body
            .contains("id=\"send_messages\" name=\"send_messages\" value=\"yes\" checked")
    );
    let saved = fx
        .post_as(&ada, &edit, &edit, &[("manage_templates", "yes")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        fx.app
            .member_permissions(&grace.user, service.id)
            .await
            .unwrap(),
        vec![MemberPermission::ManageTemplates]
    );

    // Ada is the only manager: taking it from herself is refused with an inline error.
    let own = format!("{team}/members/{}", ada.user.id);
    let refused = fx
        .post_as(&ada, &own, &own, &[("view_activity", "yes")])
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.title().starts_with("Error: "),
        "{}",
        refused.title()
    );
    assert!(refused.body.contains("at least one member who can manage"));

    let leave = format!("{team}/leave");
    renders_in_both(&fx, &ada, &leave, "Leave this service").await;
    let stays = fx.post_as(&ada, &leave, &leave, &[]).await;
    assert_eq!(
        stays.status,
        StatusCode::BAD_REQUEST,
        "the last manager stays"
    );

    let remove = format!("{edit}/remove");
    let confirm = renders_in_both(&fx, &ada, &remove, "Remove this team member").await;
    assert!(confirm.body.contains("grace@example.gc.ca"));
    let removed = fx.post_as(&ada, &remove, &remove, &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&removed), format!("{team}?done=removed"));
    assert!(
        fx.app
            .member_permissions(&grace.user, service.id)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn cancelling_an_invitation() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let team = format!("/services/{}/team", service.id);
    let invitation = fx
        .app
        .invite(
            &ada.user,
            service.id,
            &carillon_domain::EmailAddress::parse("grace@example.gc.ca").unwrap(),
            vec![],
            &fx.app,
        )
        .await
        .unwrap();
    let cancel = format!("{team}/invitations/{}/cancel", invitation.id);
    let done = fx.post_as(&ada, &team, &cancel, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(
        fx.app
            .pending_invitations(&ada.user, service.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_service_home_links_to_what_the_member_may_use() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![MemberPermission::SendMessages])
        .await;
    let home = format!("/services/{}", service.id);
    let page = renders_in_both(&fx, &ada, &home, "Dashboard").await;
    assert!(page.body.contains("Passport renewals"));
    assert!(page.body.contains(&format!("{home}/settings\"")));
    assert!(page.body.contains(&format!("{home}/go-live\"")));
    assert!(page.body.contains(&format!("{home}/api\"")));
    let member = fx.get_as(&grace, &home).await;
    assert_eq!(member.status, StatusCode::OK);
    assert!(member.body.contains(&format!("{home}/team\"")));
    assert!(!member.body.contains(&format!("{home}/settings\"")));
    assert!(!member.body.contains(&format!("{home}/api\"")));
    let stranger = fx.person("Linus", false).await;
    assert_eq!(
        fx.get_as(&stranger, &home).await.status,
        StatusCode::FORBIDDEN
    );
}
