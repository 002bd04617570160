//! The dashboard on the service's home page: its figures move by what was sent, the charts
//! and their tables cover 7 and 30 days, and only members with view_activity see them.

use axum::http::StatusCode;
use carillon_domain::{
    KeyType, MemberPermission, NewNotification, NotificationId, NotificationType, ProcessType,
    Service,
};
use serde_json::json;
use time::OffsetDateTime;

use super::{Fx, Person, renders_in_both};

/// Stores `count` emails to `to`, of a new template of `service`, sent now.
pub(super) async fn sent_emails_to(
    fx: &Fx,
    person: &Person,
    service: &Service,
    to: &str,
    count: usize,
) {
    let category = fx.app.template_categories(false).await.unwrap()[0].id;
    let template = fx
        .app
        .create_team_template(
            &person.user,
            service.id,
            NotificationType::Email,
            carillon_app::team::TemplateDraft {
                name: "Renewal reminder".to_owned(),
                subject: Some("Subject".to_owned()),
                content: "Body".to_owned(),
                category: Some(category),
            },
        )
        .await
        .unwrap();
    let batch: Vec<_> = (0..count)
        .map(|_| {
            let notification = NewNotification {
                id: NotificationId::new(),
                service_id: service.id,
                template_id: template.id,
                template_version: template.version,
                api_key_id: None,
                key_type: KeyType::Normal,
                kind: NotificationType::Email,
                to: to.to_owned(),
                normalised_to: to.to_lowercase(),
                personalisation: json!({}),
                body: "Body".to_owned(),
                subject: Some("Subject".to_owned()),
                client_reference: None,
                sender: None,
                process_type: ProcessType::Normal,
                billable_units: 1,
                scheduled_for: None,
                created_at: OffsetDateTime::now_utc(),
            };
            (notification, Vec::new())
        })
        .collect();
    fx.app.store().insert_notifications(&batch).await.unwrap();
}

async fn sent_emails(fx: &Fx, person: &Person, service: &Service, count: usize) {
    sent_emails_to(fx, person, service, "a@example.gc.ca", count).await;
}

/// The text of the first `<p class="figure-number">`: the emails sent in the last 7 days.
fn emails_sent(body: &str) -> &str {
    let marker = "<p class=\"figure-number\">";
    let start = body.find(marker).expect("the figures") + marker.len();
    &body[start..start + body[start..].find('<').unwrap()]
}

#[tokio::test]
async fn the_dashboard_counts_what_was_sent_in_charts_and_tables() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let home = format!("/services/{}", service.id);
    let before = renders_in_both(&fx, &ada, &home, "Dashboard").await;
    assert_eq!(emails_sent(&before.body), "0", "{}", before.body);
    assert!(
        before
            .body
            .contains("No template was used in the last 7 days.")
    );

    sent_emails(&fx, &ada, &service, 1_234).await;
    let after = fx.get_as(&ada, &home).await;
    assert_eq!(emails_sent(&after.body), "1,234", "{}", after.body);
    let french = fx.get_as(&ada, &format!("{home}?lang=fr")).await;
    assert_eq!(emails_sent(&french.body), "1\u{a0}234");
    let after = fx.get_as(&ada, &format!("{home}?lang=en")).await;
    // Two charts, each an image with a title, and each followed by its table.
    assert_eq!(after.body.matches("<svg class=\"chart\"").count(), 2);
    assert_eq!(after.body.matches("role=\"img\"").count(), 2);
    let tables = after.body.matches("<table class=\"chart-table\">").count();
    assert_eq!(tables, 2);
    let day_rows = after.body.matches("<tr><th scope=\"row\">").count();
    // 7 and 30 days, plus two usage tables of two rows each.
    assert_eq!(day_rows, 7 + 30 + 4, "{}", after.body);
    assert!(
        after.body.contains("<td>Renewal reminder</td>"),
        "templates used"
    );
    assert!(after.body.contains("<td>1,234</td>"));
}

#[tokio::test]
async fn members_without_view_activity_see_the_links_but_no_figures() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![MemberPermission::SendMessages])
        .await;
    let home = format!("/services/{}", service.id);
    let page = fx.get_as(&grace, &home).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("figure-number"), "{}", page.body);
    assert!(!page.body.contains("<svg"));
    assert!(page.body.contains(&format!("href=\"{home}/templates\"")));
}

#[tokio::test]
async fn usage_lists_the_fiscal_years_months_and_their_total() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![MemberPermission::SendMessages])
        .await;
    sent_emails(&fx, &ada, &service, 1_234).await;
    let usage = format!("/services/{}/usage", service.id);
    let page = renders_in_both(&fx, &ada, &usage, "Usage").await;
    // Twelve months, April first, then the total of the year.
    assert_eq!(
        page.body.matches("<tr><th scope=\"row\">").count(),
        13,
        "{}",
        page.body
    );
    let april = page.body.find(">April ").expect("April");
    let march = page.body.find(">March ").expect("March");
    assert!(april < march, "April to March");
    assert!(
        page.body
            .contains("<tfoot><tr><th scope=\"row\">Total</th><td>1,234</td>"),
        "{}",
        page.body
    );
    assert_eq!(
        page.body.matches("?year=").count(),
        3,
        "this year and the two before"
    );
    assert!(page.body.contains("aria-current=\"page\""));

    let today = OffsetDateTime::now_utc().date();
    let current = if today.month() >= time::Month::April {
        today.year()
    } else {
        today.year() - 1
    };
    let last_year = fx
        .get_as(&ada, &format!("{usage}?year={}", current - 1))
        .await;
    assert_eq!(last_year.status, StatusCode::OK);
    assert!(
        last_year
            .body
            .contains("<tfoot><tr><th scope=\"row\">Total</th><td>0</td>")
    );
    for year in [
        format!("{}", current - 3),
        format!("{}", current + 1),
        "soon".to_owned(),
    ] {
        let answer = fx.get_as(&ada, &format!("{usage}?year={year}")).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{year}");
    }
    assert_eq!(
        fx.get_as(&grace, &usage).await.status,
        StatusCode::FORBIDDEN
    );
}
