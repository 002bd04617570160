//! A NUL character (U+0000), which PostgreSQL text cannot hold, in any stored field, in the
//! `reference` filter or in a preview is a 400 in GC Notify's format on both backends, and in a
//! `send-bulk` file a problem of its row and column; nothing is stored, and valid requests sent
//! at the same time all succeed.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::bulk::set_limits;
use crate::harness::{TestApp, messages};
use crate::on_both_backends;

fn cannot_store(field: &str) -> String {
    format!("{field} contains a character that cannot be stored (U+0000)")
}

/// Asserts a 400 `ValidationError` naming `field`.
fn assert_refused(status: StatusCode, body: &Value, field: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["status_code"], 400, "{body}");
    assert_eq!(body["errors"][0]["error"], "ValidationError", "{body}");
    assert_eq!(messages(body), vec![cannot_store(field)], "{body}");
}

fn sms(app: &TestApp, extra: Value) -> Value {
    let mut body = json!({
        "phone_number": "613-555-0123",
        "template_id": app.sms_template.id.to_string(),
        "personalisation": {"name": "Zoé", "code": 42},
    });
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    body
}

async fn stored(app: &TestApp) -> usize {
    let (status, body) = app.get("/v2/notifications", &app.live).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["notifications"].as_array().unwrap().len()
}

/// POSTs from a task of its own, so that many requests are in flight at once.
fn spawn_post(
    app: &TestApp,
    path: &str,
    body: Value,
) -> tokio::task::JoinHandle<(StatusCode, Value)> {
    let url = format!("{}{path}", app.url);
    let auth = app.api_key_header(&app.live);
    tokio::spawn(async move {
        let response = reqwest::Client::new()
            .post(url)
            .header("Authorization", auth)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    })
}

on_both_backends! {
    nul_in_a_send_is_a_400_and_stores_nothing(app) {
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({"reference": "ref\u{0}1"})).await;
        assert_refused(status, &body, "reference");
        let (status, body) = app.post("/v2/notifications/sms", &app.live, &sms(app, json!({"reference": "\u{0}"}))).await;
        assert_refused(status, &body, "reference");
        let (status, body) = app
            .send_email(&app.live, "a@example.ca", json!({"personalisation": {"name": "A\u{0}da", "code": "1"}}))
            .await;
        assert_refused(status, &body, "personalisation");
        let (status, body) = app
            .post("/v2/notifications/sms", &app.live, &sms(app, json!({"personalisation": {"name": "Zoé", "code": 42, "x\u{0}": "1"}})))
            .await;
        assert_refused(status, &body, "personalisation");
        let (status, body) = app.send_email(&app.live, "a\u{0}@example.ca", json!({})).await;
        assert_refused(status, &body, "email_address");
        assert_eq!(stored(app).await, 0);
        // The same body without the NUL is accepted.
        let (status, body) = app.send_email(&app.live, "a@example.ca", json!({"reference": "ref1"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(stored(app).await, 1);
    }

    nul_in_a_bulk_job_is_a_400_and_makes_no_job(app) {
        set_limits(app, 1_000, 1_000).await;
        let rows = json!([["email address", "name", "code"], ["a@example.ca", "Ada", "1"]]);
        let job = |name: &str, rows: Value| json!({"name": name, "template_id": app.email_template.id.to_string(), "rows": rows});
        let (status, body) = app.post("/v2/notifications/bulk", &app.live, &job("people\u{0}.csv", rows.clone())).await;
        assert_refused(status, &body, "name");
        let nul_cell = json!([["email address", "name", "code"], ["a@example.ca", "A\u{0}da", "1"]]);
        let (status, body) = app.post("/v2/notifications/bulk", &app.live, &job("people.csv", nul_cell)).await;
        assert_refused(status, &body, "rows");
        let csv = json!({"name": "people.csv", "template_id": app.email_template.id.to_string(),
                         "csv": "email address,name,code\na@example.ca,A\u{0}da,1\n"});
        let (status, body) = app.post("/v2/notifications/bulk", &app.live, &csv).await;
        assert_refused(status, &body, "csv");
        assert!(app.store.jobs(app.service.id).await.unwrap().is_empty());
        let (status, body) = app.post("/v2/notifications/bulk", &app.live, &job("people.csv", rows)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    nul_in_a_preview_is_a_400(app) {
        let path = format!("/v2/template/{}/preview", app.email_template.id);
        let (status, body) = app.post(&path, &app.live, &json!({"personalisation": {"name": "A\u{0}", "code": "1"}})).await;
        assert_refused(status, &body, "personalisation");
        let (status, body) = app.post(&path, &app.live, &json!({"personalisation": {"name": "A", "code": "1"}})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    nul_in_a_send_bulk_file_is_reported_by_row_and_column(app) {
        set_limits(app, 1_000, 1_000).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("people.csv");
        std::fs::write(&file, "email address,name,code,reference\na@example.ca,Ada,1,r1\nb@example.ca,B\0o,2,r2\nc@example.ca,Cy,3,r\x003\n").unwrap();
        let template = app.email_template.id.to_string();
        let out = crate::bulk::carillon(app, &["send-bulk", file.to_str().unwrap(), "--template", &template]);
        let report = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{report}");
        assert!(report.contains("2 rows cannot be sent"), "{report}");
        assert!(report.contains("row 3, column \"name\": Contains a character that cannot be stored (U+0000)"), "{report}");
        assert!(report.contains("row 4, column \"reference\": Contains a character that cannot be stored (U+0000)"), "{report}");
        assert!(app.store.jobs(app.service.id).await.unwrap().is_empty(), "nothing stored");
    }

    nul_in_the_reference_filter_is_a_400(app) {
        let (status, body) = app.get("/v2/notifications?reference=a%00b", &app.live).await;
        assert_refused(status, &body, "reference");
        let (status, body) = app.get("/v2/notifications?reference=ab", &app.live).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    valid_sends_beside_nul_ones_all_succeed(app) {
        let mut requests = Vec::new();
        for i in 0..24 {
            let nul = i % 4 == 1;
            let reference = if nul { format!("bad\u{0}{i}") } else { format!("good-{i}") };
            let (path, body) = if i % 2 == 0 {
                ("/v2/notifications/email", json!({
                    "email_address": format!("person{i}@example.ca"),
                    "template_id": app.email_template.id.to_string(),
                    "personalisation": {"name": "Ada", "code": "1"},
                    "reference": reference,
                }))
            } else {
                ("/v2/notifications/sms", sms(app, json!({"reference": reference})))
            };
            requests.push((nul, spawn_post(app, path, body)));
        }
        let mut good = 0;
        for (nul, request) in requests {
            let (status, body) = request.await.unwrap();
            if nul {
                assert_refused(status, &body, "reference");
            } else {
                assert_eq!(status, StatusCode::CREATED, "{body}");
                good += 1;
            }
        }
        assert_eq!(good, 18);
        assert_eq!(stored(app).await, 18);
    }
}
