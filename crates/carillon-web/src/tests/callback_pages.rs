//! Callbacks through the pages, against a real receiver on this machine.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;

use super::account::Fixture;

/// A receiver answering 200 on `/ok` and 404 elsewhere; its base URL.
async fn receiver() -> String {
    let app = Router::new().route("/ok", post(|| async { StatusCode::OK }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

#[tokio::test]
async fn a_callback_is_saved_tested_and_removed_and_bad_urls_are_refused_inline() {
    let f = Fixture::new().await;
    let ada = f.person("ada@example.gc.ca").await;
    let service = f.service(&ada, "Passports").await;
    let base = format!("/services/{}/api/callbacks", service.id);
    let form = format!("{base}/delivery_status");
    let url = receiver().await;

    let missing = f
        .post(
            &ada,
            &form,
            &[
                ("url", &format!("{url}/missing")),
                ("token", "a-long-bearer-token"),
            ],
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
    assert_eq!(
        missing.title(),
        "Error: Delivery status callback – Carillon"
    );
    assert!(
        missing
            .body
            .contains("href=\"#url\">Your receiver did not answer"),
        "{}",
        missing.body
    );
    assert!(
        !missing.body.contains("a-long-bearer-token"),
        "the token is not sent back"
    );

    let plain = f
        .post(
            &ada,
            &format!("{form}?lang=fr"),
            &[
                ("url", "http://example.gc.ca/hook"),
                ("token", "a-long-bearer-token"),
            ],
        )
        .await;
    assert_eq!(plain.status, StatusCode::BAD_REQUEST);
    assert!(
        plain.body.contains("commence par https://"),
        "{}",
        plain.body
    );

    let short = f
        .post(
            &ada,
            &format!("{form}?lang=en"),
            &[("url", &format!("{url}/ok")), ("token", "short")],
        )
        .await;
    assert!(
        short
            .body
            .contains("href=\"#token\">Enter a bearer token of at least 10"),
        "{}",
        short.body
    );
    assert!(
        f.app
            .service_callbacks(&ada.user, service.id)
            .await
            .unwrap()
            .is_empty()
    );

    let saved = f
        .post(
            &ada,
            &form,
            &[
                ("url", &format!("{url}/ok")),
                ("token", "a-long-bearer-token"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let list = f.get(&ada, &base).await;
    assert!(
        list.body
            .contains("Your receiver answered with status 200 in "),
        "{}",
        list.body
    );
    assert!(
        list.body.contains(&format!("<code>{url}/ok</code>")),
        "{}",
        list.body
    );
    let again = f.get(&ada, &base).await;
    assert!(
        !again.body.contains("answered with status"),
        "the banner is shown once"
    );

    let tested = f.post(&ada, &format!("{form}/test"), &[]).await;
    assert_eq!(tested.status, StatusCode::SEE_OTHER);
    let french = f.get(&ada, &format!("{base}?lang=fr")).await;
    assert!(
        french
            .body
            .contains("Votre récepteur a répondu avec le code 200 en "),
        "{}",
        french.body
    );

    let confirm = f.get(&ada, &format!("{form}/remove?lang=en")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_eq!(confirm.title(), "Remove this callback – Carillon");
    assert_eq!(
        f.app
            .service_callbacks(&ada.user, service.id)
            .await
            .unwrap()
            .len(),
        1
    );
    let removed = f.post(&ada, &format!("{form}/remove"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        f.app
            .service_callbacks(&ada.user, service.id)
            .await
            .unwrap()
            .is_empty()
    );
}
