//! The platform admin's pages: find services, limits, make live, suspend and resume, and the
//! requests to go live.

use axum::http::StatusCode;

use super::{Fx, location, renders_in_both};

#[tokio::test]
async fn platform_admins_find_services_and_others_get_403() {
    let fx = Fx::new().await;
    let admin = fx.person("Root", true).await;
    let ada = fx.person("Ada", false).await;
    let passports = fx.service(&ada, "Passport renewals").await;
    fx.service(&ada, "Fishing licences").await;
    let all = renders_in_both(&fx, &admin, "/admin/services", "All services").await;
    assert!(all.body.contains("Passport renewals") && all.body.contains("Fishing licences"));
    let found = fx.get_as(&admin, "/admin/services?q=passport").await;
    assert!(found.body.contains("Passport renewals"));
    assert!(!found.body.contains("Fishing licences"), "{}", found.body);
    assert!(
        found
            .body
            .contains(&format!("/admin/services/{}", passports.id))
    );
    renders_in_both(&fx, &admin, "/admin/go-live", "Requests to go live").await;
    let page = format!("/admin/services/{}", passports.id);
    renders_in_both(&fx, &admin, &page, "Service administration").await;

    for uri in ["/admin/services", "/admin/go-live", page.as_str()] {
        let refused = fx.get_as(&ada, uri).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{uri}");
    }
    let token_page = format!("/services/{}/team/leave", passports.id);
    let posted = fx
        .post_as(&ada, &token_page, &format!("{page}/live"), &[])
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert!(fx.app.service(passports.id).await.unwrap().restricted);
    let refused = fx.post_without_token(&admin, &format!("{page}/live")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(fx.app.service(passports.id).await.unwrap().restricted);
}

#[tokio::test]
async fn limits_live_suspend_and_resume() {
    let fx = Fx::new().await;
    let admin = fx.person("Root", true).await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let page = format!("/admin/services/{}", service.id);
    let limits = format!("{page}/limits");
    let fields = [
        ("email_daily", "0"),
        ("sms_daily", "60"),
        ("email_annual", "1000"),
        ("sms_annual", "2000"),
        ("rate", "100"),
    ];
    let zero = fx.post_as(&admin, &page, &limits, &fields).await;
    assert_eq!(zero.status, StatusCode::BAD_REQUEST);
    assert_eq!(zero.title(), "Error: Service administration – Carillon");
    assert!(
        zero.body
            .contains("<a href=\"#email_daily\">Enter a limit of at least 1</a>")
    );
    let words = fx
        .post_as(&admin, &page, &limits, &[("sms_daily", "many")])
        .await;
    assert_eq!(words.status, StatusCode::BAD_REQUEST);
    assert!(
        words
            .body
            .contains("<a href=\"#sms_daily\">Enter a whole number</a>")
    );

    let mut good = fields;
    good[0] = ("email_daily", "1,234");
    let saved = fx.post_as(&admin, &page, &limits, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(location(&saved), format!("{page}?done=saved"));
    let now = fx.app.service(service.id).await.unwrap();
    assert_eq!(
        (now.email_daily_limit, now.sms_daily_limit, now.rate_limit),
        (1234, 60, 100)
    );

    let live = fx
        .post_as(&admin, &page, &format!("{page}/live"), &[])
        .await;
    assert_eq!(live.status, StatusCode::SEE_OTHER);
    assert!(!fx.app.service(service.id).await.unwrap().restricted);

    let suspend = format!("{page}/suspend");
    let confirm = renders_in_both(&fx, &admin, &suspend, "Suspend this service").await;
    assert!(confirm.body.contains("Passport renewals"));
    let suspended = fx.post_as(&admin, &suspend, &suspend, &[]).await;
    assert_eq!(suspended.status, StatusCode::SEE_OTHER);
    assert!(!fx.app.service(service.id).await.unwrap().active);
    let shown = fx.get_as(&admin, &page).await;
    assert!(shown.body.contains("Suspended"));
    let resumed = fx
        .post_as(&admin, &page, &format!("{page}/resume"), &[])
        .await;
    assert_eq!(resumed.status, StatusCode::SEE_OTHER);
    assert!(fx.app.service(service.id).await.unwrap().active);
}

#[tokio::test]
async fn deciding_without_a_pending_request_is_not_found() {
    let fx = Fx::new().await;
    let admin = fx.person("Root", true).await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let approve = format!("/admin/go-live/{}/approve", service.id);
    let form_page = format!("/admin/services/{}", service.id);
    let answer = fx.post_as(&admin, &form_page, &approve, &[]).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(fx.app.service(service.id).await.unwrap().restricted);
}

#[tokio::test]
async fn every_service_form_refuses_a_post_without_the_token() {
    let fx = Fx::new().await;
    let admin = fx.person("Root", true).await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![]).await;
    let s = format!("/services/{}", service.id);
    let a = format!("/admin/services/{}", service.id);
    let forms = [
        format!("{s}/team/invite"),
        format!("{s}/team/members/{}", grace.user.id),
        format!("{s}/team/members/{}/remove", grace.user.id),
        format!("{s}/team/leave"),
        format!("{s}/settings/name"),
        format!("{s}/settings/sending-address"),
        format!("{s}/settings/branding"),
        format!("{s}/settings/reply-to"),
        format!("{s}/go-live"),
        format!("{a}/limits"),
        format!("{a}/live"),
        format!("{a}/suspend"),
        format!("{a}/resume"),
        format!("/admin/go-live/{}/approve", service.id),
        "/invitation/a-token/register".to_owned(),
    ];
    for uri in &forms {
        let refused = fx.post_without_token(&admin, uri).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{uri}");
        assert_eq!(refused.title(), "Request refused – Carillon", "{uri}");
    }
    assert_eq!(
        fx.app.members(&ada.user, service.id).await.unwrap().len(),
        2
    );
    let unchanged = fx.app.service(service.id).await.unwrap();
    assert!(unchanged.restricted && unchanged.active);
}
