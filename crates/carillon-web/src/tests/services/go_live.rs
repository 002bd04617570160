//! Requesting to go live, and the platform admin approving it.

use axum::http::StatusCode;
use carillon_app::template_admin::CreateTemplate;
use carillon_domain::{MemberPermission, NotificationType, ProcessType};

use super::{Fx, location, renders_in_both};

const ANSWERS: [(&str, &str); 7] = [
    ("organisation", "Passport Canada"),
    ("use_case", "Renewal reminders"),
    ("daily_email", "1000"),
    ("annual_email", "100000"),
    ("daily_sms", "0"),
    ("annual_sms", "0"),
    ("recipients", "public"),
];

#[tokio::test]
async fn the_checklist_errors_then_request_then_approval() {
    let fx = Fx::new().await;
    let admin = fx.person("Root", true).await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let go_live = format!("/services/{}/go-live", service.id);
    let page = renders_in_both(&fx, &ada, &go_live, "Request to go live").await;
    assert!(page.body.contains("Not done"));

    let empty = fx.post_as(&ada, &go_live, &go_live, &[]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.title(), "Error: Request to go live – Carillon");
    assert!(
        empty
            .body
            .contains("<a href=\"#organisation\">Answer this question</a>")
    );
    assert!(empty.body.contains("<a href=\"#internal\">"));
    assert!(empty.body.contains("<a href=\"#terms\">"));

    let mut fields = ANSWERS.to_vec();
    fields.push(("terms", "yes"));
    let incomplete = fx.post_as(&ada, &go_live, &go_live, &fields).await;
    assert_eq!(incomplete.status, StatusCode::BAD_REQUEST);
    assert!(
        incomplete
            .body
            .contains("<a href=\"#checklist\">Create at least one template"),
        "{}",
        incomplete.body
    );
    assert!(
        incomplete.body.contains("value=\"Passport Canada\""),
        "kept"
    );

    fx.join(
        &ada,
        &service,
        &grace,
        vec![MemberPermission::ManageService],
    )
    .await;
    let template = CreateTemplate {
        name: "Reminder".to_owned(),
        kind: NotificationType::Email,
        subject: Some("Renew".to_owned()),
        content: "Renew your passport".to_owned(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Normal),
        process_type_override: None,
        created_by: None,
    };
    fx.app.create_template(service.id, template).await.unwrap();
    let sent = fx.post_as(&ada, &go_live, &go_live, &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        location(&sent),
        format!("/services/{}/settings?done=requested", service.id)
    );
    let settings = fx
        .get_as(&ada, &format!("/services/{}/settings", service.id))
        .await;
    assert!(
        settings.body.contains("being reviewed"),
        "{}",
        settings.body
    );

    let queue = fx.get_as(&admin, "/admin/go-live").await;
    assert!(queue.body.contains("Passport renewals"));
    let approve = format!("/admin/go-live/{}/approve", service.id);
    let approved = fx.post_as(&admin, "/admin/go-live", &approve, &[]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let live = fx.app.service(service.id).await.unwrap();
    assert!(!live.restricted);
    assert_eq!(
        (live.email_daily_limit, live.sms_daily_limit),
        (10_000, 1_500)
    );
}

#[tokio::test]
async fn a_member_who_cannot_manage_settings_cannot_request() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![MemberPermission::SendMessages])
        .await;
    let go_live = format!("/services/{}/go-live", service.id);
    let mut fields = ANSWERS.to_vec();
    fields.push(("terms", "yes"));
    let refused = fx.post_as(&grace, &go_live, &go_live, &fields).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
