//! The OpenAPI document describes exactly what the server answers.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;

on_both_backends! {
    every_documented_operation_answers(app) {
        let (_, sent) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        let notification = sent["id"].as_str().unwrap().to_owned();
        let template = app.email_template.id.to_string();
        let (status, doc) = app.request(Method::GET, "/v2/openapi.json", None, None).await;
        assert_eq!(status, StatusCode::OK);
        for (method, path) in carillon_api::DOCUMENTED_OPERATIONS {
            assert!(doc["paths"][*path][*method].is_object(), "{method} {path} missing from the served document");
            let url = path
                .replace("{notification_id}", &notification)
                .replace("{template_id}", &template)
                .replace("{version}", "1");
            let body = match *path {
                "/v2/notifications/email" => Some(json!({"email_address": "a@example.ca", "template_id": template, "personalisation": {"name": "A", "code": "1"}})),
                "/v2/notifications/sms" => Some(json!({"phone_number": "6135550123", "template_id": app.sms_template.id.to_string(), "personalisation": {"name": "A", "code": "1"}})),
                "/v2/notifications/bulk" => Some(json!({"name": "f.csv", "template_id": template, "rows": [["email address", "name", "code"], ["a@example.ca", "A", "1"]]})),
                "/v2/template/{template_id}/preview" => Some(json!({"personalisation": {"name": "A", "code": "1"}})),
                _ => None,
            };
            let method = if *method == "post" { Method::POST } else { Method::GET };
            let auth = app.api_key_header(&app.live);
            let (status, answer) = app.request(method, &url, Some(&auth), body.as_ref()).await;
            if *path == "/v2/notifications/letter" {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
                assert_eq!(answer["errors"][0]["message"], "Service is not allowed to send letters");
                continue;
            }
            assert!(status.is_success(), "{path}: {status} {answer}");
        }
    }
}
