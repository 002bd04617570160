//! The settings pages: overview, name and sending address with the password, language order,
//! reply-to addresses.

use axum::http::StatusCode;
use carillon_domain::{Language, MemberPermission};

use super::{Fx, PASSWORD, location, renders_in_both};

#[tokio::test]
async fn the_overview_renders_for_managers_and_refuses_others() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let grace = fx.person("Grace", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(&ada, &service, &grace, vec![MemberPermission::SendMessages])
        .await;
    let settings = format!("/services/{}/settings", service.id);
    let page = renders_in_both(&fx, &ada, &settings, "Settings").await;
    assert!(page.body.contains("Passport renewals"));
    assert!(page.body.contains("passport.renewals@"), "{}", page.body);
    assert!(page.body.contains("trial mode"));
    for path in ["name", "sending-address", "branding", "reply-to"] {
        assert!(
            page.body.contains(&format!("{settings}/{path}\"")),
            "{path}"
        );
    }
    renders_in_both(
        &fx,
        &ada,
        &format!("{settings}/name"),
        "Change your service name",
    )
    .await;
    renders_in_both(
        &fx,
        &ada,
        &format!("{settings}/sending-address"),
        "Change your sending email address",
    )
    .await;
    renders_in_both(
        &fx,
        &ada,
        &format!("{settings}/branding"),
        "Choose the language order of your emails",
    )
    .await;
    renders_in_both(
        &fx,
        &ada,
        &format!("{settings}/reply-to"),
        "Reply-to email addresses",
    )
    .await;

    for path in ["", "/name", "/branding", "/reply-to"] {
        let refused = fx.get_as(&grace, &format!("{settings}{path}")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn renaming_needs_the_right_password() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let name = format!("/services/{}/settings/name", service.id);
    let wrong = fx
        .post_as(
            &ada,
            &name,
            &name,
            &[("value", "Passports"), ("password", "not the password")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.title(), "Error: Change your service name – Carillon");
    assert!(
        wrong
            .body
            .contains("<a href=\"#password\">Your password is not correct</a>")
    );
    assert!(wrong.body.contains("value=\"Passports\""), "kept");
    assert!(!wrong.body.contains("not the password"));

    let missing = fx
        .post_as(
            &ada,
            &name,
            &format!("{name}?lang=fr"),
            &[("value", "Passports")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(
        missing.title().starts_with("Erreur : "),
        "{}",
        missing.title()
    );

    let done = fx
        .post_as(
            &ada,
            &name,
            &name,
            &[("value", "Passports"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        location(&done),
        format!("/services/{}/settings?done=saved", service.id)
    );
    assert_eq!(fx.app.service(service.id).await.unwrap().name, "Passports");

    let address = format!("/services/{}/settings/sending-address", service.id);
    let bad = fx
        .post_as(
            &ada,
            &address,
            &address,
            &[("value", "not valid@"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let good = fx
        .post_as(
            &ada,
            &address,
            &address,
            &[("value", "passports"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let saved = fx.app.service(service.id).await.unwrap();
    assert_eq!(saved.email_from.as_str(), "passports");
}

#[tokio::test]
async fn language_order_and_reply_to_addresses() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let settings = format!("/services/{}/settings", service.id);
    let branding = format!("{settings}/branding");
    let saved = fx
        .post_as(&ada, &branding, &branding, &[("language", "fr")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let service_now = fx.app.service(service.id).await.unwrap();
    assert_eq!(service_now.default_language, Language::French);

    let reply = format!("{settings}/reply-to");
    let bad = fx
        .post_as(&ada, &reply, &reply, &[("email", "not an address")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.title(), "Error: Reply-to email addresses – Carillon");
    let private = fx
        .post_as(&ada, &reply, &reply, &[("email", "help@gmail.com")])
        .await;
    assert_eq!(
        private.status,
        StatusCode::BAD_REQUEST,
        "a refusal, not a 500"
    );
    assert!(private.body.contains("Enter a government email address"));
    let added = fx
        .post_as(&ada, &reply, &reply, &[("email", "help@example.gc.ca")])
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(location(&added), format!("{reply}?sent"));
    let list = renders_in_both(
        &fx,
        &ada,
        &format!("{reply}?sent"),
        "Reply-to email addresses",
    )
    .await;
    assert!(list.body.contains("help@example.gc.ca"));
    assert!(list.body.contains("We emailed a verification link"));
    assert!(list.body.contains("Waiting for verification"));
    let rows = fx
        .app
        .service_reply_tos(&ada.user, service.id)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].verified && !rows[0].is_default);

    // Sending the link again replaces the first one.
    let first = fx
        .link_token("help@example.gc.ca", "/reply-to/verify/")
        .await;
    let resend = format!("{reply}/{}/resend", rows[0].id);
    let resent = fx.post_as(&ada, &reply, &resend, &[]).await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    assert_eq!(
        fx.post_without_token(&ada, &resend).await.status,
        StatusCode::FORBIDDEN
    );
    let token = fx
        .link_token("help@example.gc.ca", "/reply-to/verify/")
        .await;
    assert_ne!(first, token);
    let stale = fx
        .get_signed_out(&format!("/reply-to/verify/{first}?lang=fr"))
        .await;
    assert_eq!(stale.status, StatusCode::NOT_FOUND);
    assert!(
        stale.body.contains("Ce lien ne fonctionne pas"),
        "{}",
        stale.body
    );
    // Whoever opens the link verifies it: no sign-in needed.
    let opened = fx
        .get_signed_out(&format!("/reply-to/verify/{token}"))
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert!(opened.body.contains("Reply-to address verified"));
    let again = fx
        .get_signed_out(&format!("/reply-to/verify/{token}"))
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "single use");
    let list = fx.get_as(&ada, &reply).await;
    assert!(!list.body.contains("Waiting for verification"));
    assert!(list.body.contains("Default"));

    let remove = format!("{reply}/{}/remove", rows[0].id);
    renders_in_both(&fx, &ada, &remove, "Remove this reply-to email address").await;
    let removed = fx.post_as(&ada, &remove, &remove, &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert!(
        fx.app
            .service_reply_tos(&ada.user, service.id)
            .await
            .unwrap()
            .is_empty()
    );
}
