//! JSON that Python's `json` module reads, and so GC Notify takes, is taken too: a lone
//! surrogate escape becomes U+FFFD, an integer of any length keeps its digits, a number beyond
//! a float's range keeps its text; stored and read back alike on both backends. And SMS text
//! keeps a narrow no-break space as a space (GC Notify sends `?`).

use carillon_domain::NotificationId;
use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::TestApp;
use crate::on_both_backends;

const FORTY: &str = "1234567890123456789012345678901234567890";

/// POSTs `body`, written by hand because no JSON library writes a lone surrogate.
async fn post_raw(app: &TestApp, path: &str, body: String) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", app.url))
        .header("Authorization", app.api_key_header(&app.live))
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

on_both_backends! {
    lone_surrogates_and_long_numbers_are_taken_as_python_takes_them(app) {
        let template = app.email_template.id;
        let body = format!(
            r#"{{"email_address": "a@example.ca", "template_id": "{template}", "reference": "r\ud800",
                "personalisation": {{"name": "Zo\udc00", "code": {FORTY}}}}}"#
        );
        let (status, sent) = post_raw(app, "/v2/notifications/email", body).await;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        assert_eq!(sent["reference"], "r\u{FFFD}");
        assert_eq!(sent["content"]["subject"], "Hello Zo\u{FFFD}");
        let text = sent["content"]["body"].as_str().unwrap();
        assert!(text.contains(&format!("**{FORTY}**")), "the digits, as Python prints an int: {text}");

        // Stored and read back the same way on either backend.
        let id = sent["id"].as_str().unwrap();
        let (_, got) = app.get(&format!("/v2/notifications/{id}"), &app.live).await;
        assert_eq!(got["reference"], "r\u{FFFD}");
        assert!(got["body"].as_str().unwrap().contains(FORTY), "{got}");
        let (_, found) = app.get("/v2/notifications?reference=r%EF%BF%BD", &app.live).await;
        assert_eq!(found["notifications"].as_array().unwrap().len(), 1, "{found}");
        assert_eq!(app.worker().run_once().await.unwrap(), 1);
        let kept = app.store.outbox_message(NotificationId::parse(id).unwrap()).await.unwrap().unwrap();
        assert!(kept.text.contains(FORTY), "{}", kept.text);

        // Beyond a float's range: Python prints `inf`; Carillon keeps what was sent.
        let body = format!(
            r#"{{"email_address": "a@example.ca", "template_id": "{template}",
                "personalisation": {{"name": -{FORTY}, "code": 1e999}}}}"#
        );
        let (status, sent) = post_raw(app, "/v2/notifications/email", body).await;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        assert_eq!(sent["content"]["subject"], format!("Hello -{FORTY}"));
        assert!(sent["content"]["body"].as_str().unwrap().contains("**1e+999**"), "{sent}");

        // The preview reads bodies the same way.
        let body = r#"{"personalisation": {"name": "\ud83d", "code": 1.50}}"#.to_owned();
        let (status, preview) = post_raw(app, &format!("/v2/template/{template}/preview"), body).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["subject"], "Hello \u{FFFD}");
        assert!(preview["body"].as_str().unwrap().contains("**1.5**"), "as Python prints 1.50: {preview}");

        // What Python refuses stays refused.
        let (status, refused) = post_raw(app, "/v2/notifications/email", r#"{"a": "\ud800"#.to_owned()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert_eq!(refused["errors"][0]["error"], "BadRequestError");
    }

    narrow_no_break_spaces_are_sent_as_spaces_in_sms(app) {
        let body = serde_json::json!({
            "phone_number": "613 555 0123",
            "template_id": app.sms_template.id.to_string(),
            "personalisation": {"name": "M.\u{00A0}Tremblay", "code": "10\u{202F}h\u{202F}30"},
        });
        let (status, sent) = app.post("/v2/notifications/sms", &app.live, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{sent}");
        assert_eq!(app.worker().run_once().await.unwrap(), 1);
        let id = NotificationId::parse(sent["id"].as_str().unwrap()).unwrap();
        let kept = app.store.outbox_message(id).await.unwrap().unwrap();
        // GC Notify deletes U+00A0 (`M.Tremblay`) and turns U+202F into `?` (`10?h?30`).
        assert_eq!(kept.text, "Test Service: Hi M. Tremblay, your code is 10 h 30.");
    }
}
