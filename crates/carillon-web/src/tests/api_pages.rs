//! API integration pages: hub, keys (created key shown once, revoke after confirming, no live
//! key in trial), safelist, permissions and CSRF.

use axum::http::{StatusCode, header};

use super::account::Fixture;
use super::{get, send};

#[tokio::test]
async fn the_api_pages_render_in_both_languages_for_a_manager() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let service = f.service(&ada, "Passports").await;
    let base = format!("/services/{}/api", service.id);
    let pages = [
        (base.clone(), "API integration", "Intégration API"),
        (format!("{base}/keys"), "API keys", "Clés API"),
        (
            format!("{base}/keys/create"),
            "Create an API key",
            "Créer une clé API",
        ),
        (format!("{base}/safelist"), "Safelist", "Liste de sécurité"),
        (format!("{base}/callbacks"), "Callbacks", "Rappels"),
        (
            format!("{base}/callbacks/delivery_status"),
            "Delivery status callback",
            "Rappel d’état de livraison",
        ),
    ];
    for (uri, english, french) in pages {
        let answer = f.get(&ada, &format!("{uri}?lang=en")).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
        assert_eq!(answer.title(), format!("{english} – Carillon"), "{uri}");
        assert!(
            answer.body.contains("action=\"/sign-out\""),
            "{uri}: signed-in header"
        );
        let answer = f.get(&ada, &format!("{uri}?lang=fr")).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}");
        assert_eq!(answer.title(), format!("{french} – Carillon"), "{uri}");
        assert!(answer.body.contains("<html lang=\"fr\">"), "{uri}");
    }
}

#[tokio::test]
async fn a_created_key_is_shown_once_then_revoked_after_confirming() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let service = f.service(&ada, "Passports").await;
    let keys = format!("/services/{}/api/keys", service.id);

    let created = f
        .post(
            &ada,
            &format!("{keys}/create"),
            &[("name", "Payroll"), ("key_type", "team")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(created.location(), format!("{keys}/created"));

    let shown = f.get(&ada, &format!("{keys}/created")).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(shown.headers[header::CACHE_CONTROL], "no-store");
    let marker = "<code id=\"api-key\">";
    let start = shown.body.find(marker).expect("the key") + marker.len();
    let key: String = shown.body[start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert!(key.starts_with("gcntfy-payroll-"), "{key}");
    assert!(key.contains(&service.id.to_string()), "{key}");

    let again = f.get(&ada, &format!("{keys}/created")).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), keys);
    assert!(!again.body.contains(&key));
    let list = f.get(&ada, &keys).await;
    assert!(list.body.contains("Payroll"), "{}", list.body);
    assert!(!list.body.contains(&key), "the list never shows a key");
    assert!(!list.body.contains(">Revoked<"));

    let key_id = f.app.service_api_keys(&ada.user, service.id).await.unwrap()[0].id;
    let revoke = format!("{keys}/{key_id}/revoke");
    let confirm = f.get(&ada, &revoke).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_eq!(confirm.title(), "Revoke an API key – Carillon");
    assert!(confirm.body.contains("“Payroll”"), "{}", confirm.body);
    assert!(
        f.app.service_api_keys(&ada.user, service.id).await.unwrap()[0]
            .revoked_at
            .is_none()
    );

    let revoked = f.post(&ada, &revoke, &[]).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    let list = f.get(&ada, revoked.location()).await;
    assert!(list.body.contains("The key was revoked."), "{}", list.body);
    assert!(list.body.contains("<td>Revoked</td>"), "{}", list.body);
    let french = f.get(&ada, &format!("{keys}?lang=fr")).await;
    assert!(french.body.contains("<td>Révoquée</td>"), "{}", french.body);
}

#[tokio::test]
async fn a_trial_service_cannot_choose_a_live_key_and_empty_forms_show_errors() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let service = f.service(&ada, "Passports").await;
    let create = format!("/services/{}/api/keys/create", service.id);

    let form = f.get(&ada, &create).await;
    assert!(
        form.body
            .contains("value=\"normal\" disabled aria-describedby=\"key_type-normal-hint\""),
        "{}",
        form.body
    );

    let live = f
        .post(&ada, &create, &[("name", "Live"), ("key_type", "normal")])
        .await;
    assert_eq!(live.status, StatusCode::BAD_REQUEST);
    assert_eq!(live.title(), "Error: Create an API key – Carillon");
    assert!(
        live.body
            .contains("href=\"#key_type-team\">Your service is in trial mode"),
        "{}",
        live.body
    );
    assert!(
        f.app
            .service_api_keys(&ada.user, service.id)
            .await
            .unwrap()
            .is_empty()
    );

    let empty = f.post(&ada, &format!("{create}?lang=fr"), &[]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(empty.title(), "Erreur : Créer une clé API – Carillon");
    assert!(
        empty
            .body
            .contains("<a href=\"#name\">Entrez un nom pour la clé</a>"),
        "{}",
        empty.body
    );
    assert!(
        empty
            .body
            .contains("<a href=\"#key_type-team\">Choisissez un type de clé</a>")
    );
    assert!(empty.body.contains("aria-invalid=\"true\""));

    f.post(
        &ada,
        &format!("{create}?lang=en"),
        &[("name", "Same"), ("key_type", "test")],
    )
    .await;
    let twice = f
        .post(&ada, &create, &[("name", "Same"), ("key_type", "test")])
        .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert!(
        twice
            .body
            .contains("Another key of this service has this name"),
        "{}",
        twice.body
    );
}

#[tokio::test]
async fn a_member_without_the_permission_is_refused() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let bob = f.person("bob@example.gc.ca").await;
    let service = f.service(&ada, "Passports").await;
    f.viewer(&service, &bob).await;
    let base = format!("/services/{}/api", service.id);
    for uri in [
        base.clone(),
        format!("{base}/keys"),
        format!("{base}/keys/create"),
        format!("{base}/safelist"),
        format!("{base}/callbacks"),
    ] {
        // The language chosen is remembered by the session: ask for each explicitly.
        let answer = f.get(&bob, &format!("{uri}?lang=en")).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{uri}");
        assert!(answer.body.contains("You do not have permission"), "{uri}");
        let french = f.get(&bob, &format!("{uri}?lang=fr")).await;
        assert!(
            french.body.contains("Vous n’avez pas la permission"),
            "{uri}"
        );
    }
    let create = f
        .post(
            &bob,
            &format!("{base}/keys/create"),
            &[("name", "Mine"), ("key_type", "test")],
        )
        .await;
    assert_eq!(create.status, StatusCode::FORBIDDEN);
    assert!(
        f.app
            .service_api_keys(&ada.user, service.id)
            .await
            .unwrap()
            .is_empty()
    );
    // A stranger's service and a malformed id are "not found", not an error.
    assert_eq!(
        f.get(&bob, "/services/not-an-id/api").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn forms_without_the_token_are_refused_and_visitors_are_sent_to_sign_in() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let service = f.service(&ada, "Passports").await;
    let create = format!("/services/{}/api/keys/create", service.id);
    let forged = send(
        &f.router,
        super::post(
            &create,
            &ada.cookie,
            &[("name", "Forged"), ("key_type", "test")],
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        f.app
            .service_api_keys(&ada.user, service.id)
            .await
            .unwrap()
            .is_empty()
    );

    let visitor = get(&f.router, &create).await;
    assert_eq!(visitor.status, StatusCode::SEE_OTHER);
    let next = format!(
        "/sign-in?next=%2Fservices%2F{}%2Fapi%2Fkeys%2Fcreate",
        service.id
    );
    assert_eq!(visitor.location(), next);
}

#[tokio::test]
async fn the_safelist_is_saved_and_an_invalid_entry_is_shown_on_its_field() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let service = f.service(&ada, "Passports").await;
    let uri = format!("/services/{}/api/safelist", service.id);

    let saved = f
        .post(
            &ada,
            &uri,
            &[
                ("email-1", "tester@example.gc.ca"),
                ("phone-2", "613 555 0100"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = f.get(&ada, saved.location()).await;
    assert!(
        page.body.contains("The safelist was saved."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"tester@example.gc.ca\""),
        "{}",
        page.body
    );
    let list = f.app.service_safelist(&ada.user, service.id).await.unwrap();
    assert_eq!(list.len(), 2);

    let bad = f
        .post(
            &ada,
            &uri,
            &[
                ("email-1", "tester@example.gc.ca"),
                ("email-2", "not an address"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.title(), "Error: Safelist – Carillon");
    assert!(
        bad.body
            .contains("<a href=\"#email-2\">Enter a valid email address"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"not an address\""));
    assert_eq!(
        f.app
            .service_safelist(&ada.user, service.id)
            .await
            .unwrap()
            .len(),
        2,
        "unchanged"
    );

    let cleared = f.post(&ada, &uri, &[]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    assert!(
        f.app
            .service_safelist(&ada.user, service.id)
            .await
            .unwrap()
            .is_empty()
    );
}
