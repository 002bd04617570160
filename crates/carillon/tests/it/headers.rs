//! Headers that keep answers out of caches and browsers' guesses: `nosniff` everywhere,
//! `no-store` under `/v2/`, and HSTS only when configured.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;

use crate::harness::TestApp;
use crate::on_both_backends;

/// Sends `method path` to `base` with the app's live key; returns the status and headers.
async fn answer(
    app: &TestApp,
    base: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&serde_json::Value>,
) -> (StatusCode, HeaderMap, String) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .header("Authorization", app.api_key_header(&app.live));
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.text().await.unwrap())
}

fn assert_private(headers: &HeaderMap, what: &str) {
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["cache-control"], "no-store", "{what}");
}

on_both_backends! {
    answers_carry_nosniff_and_no_store(app) {
        let body = json!({"email_address": "a@example.ca", "template_id": app.email_template.id.to_string(),
                          "personalisation": {"name": "A", "code": "1"}});
        let (status, headers, text) =
            answer(app, &app.url, reqwest::Method::POST, "/v2/notifications/email", Some(&body)).await;
        assert_eq!(status, StatusCode::CREATED, "{text}");
        assert_private(&headers, "201");
        assert!(headers.get("strict-transport-security").is_none(), "no HSTS by default");
        let id = serde_json::from_str::<serde_json::Value>(&text).unwrap()["id"].as_str().unwrap().to_owned();

        let (status, headers, _) =
            answer(app, &app.url, reqwest::Method::GET, &format!("/v2/notifications/{id}"), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_private(&headers, "GET");

        let (status, headers, _) = answer(
            app, &app.url, reqwest::Method::GET,
            "/v2/notifications/00000000-0000-4000-8000-000000000000", None,
        ).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_private(&headers, "404");

        // Outside /v2/: nosniff only, on the API and on the receipts alike.
        let (_, headers, _) = answer(app, &app.url, reqwest::Method::GET, "/_status", None).await;
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let (_, headers, _) =
            answer(app, &app.url, reqwest::Method::POST, "/receipts/ses", Some(&json!({}))).await;
        assert_eq!(headers["x-content-type-options"], "nosniff", "receipts");
    }

    hsts_is_sent_when_configured(app) {
        let url = app
            .another_server(carillon_server::ServerSettings {
                hsts_max_age: Some(31_536_000),
                ..crate::harness::test_settings()
            })
            .await;
        for path in ["/_status", "/v2/notifications/00000000-0000-4000-8000-000000000000"] {
            let (_, headers, _) = answer(app, &url, reqwest::Method::GET, path, None).await;
            assert_eq!(headers["strict-transport-security"], "max-age=31536000", "{path}");
        }
    }
}
