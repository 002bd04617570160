//! The OpenAPI document describes exactly what the server answers.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;

on_both_backends! {
    every_documented_operation_answers(app) {
        let (_, sent) = app.send_email(&app.live, "a@example.ca", json!({})).await;
        let notification = sent["id"].as_str().unwrap().to_owned();
        let template = app.email_template.id.to_string();
        let manager = carillon_domain::NewApiKey {
            id: carillon_domain::ApiKeyId::new(),
            service_id: app.service.id,
            name: "manager".into(),
            key_type: carillon_domain::KeyType::Normal,
            secret: carillon_crypto::api_key::generate_secret(),
            permissions: carillon_domain::ApiKeyPermissions::of(&[carillon_domain::ApiKeyPermission::ManageTemplates]),
        };
        let manager = app.store.create_api_key(&manager, time::OffsetDateTime::now_utc()).await.unwrap();
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
                "/v2/manage-template" => Some(json!({"name": "n", "template_type": "sms", "content": "c", "template_category_id": "b6c42a7e-2a26-4a07-802b-123a5c3198a9"})),
                "/v2/manage-template/{template_id}" if *method == "patch" => Some(json!({"name": "Renamed"})),
                _ => None,
            };
            let key = if path.starts_with("/v2/manage-template") { &manager } else { &app.live };
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let auth = app.api_key_header(key);
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

/// Every title, summary and description of a document, by where it is.
fn prose(value: &serde_json::Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let here = format!("{at}/{key}");
                match value.as_str() {
                    Some(text) if ["title", "summary", "description"].contains(&key.as_str()) => {
                        found.push((here, text.to_owned()));
                    }
                    _ => prose(value, &here, found),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                prose(item, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

/// GET `path` without credentials: the status, content type and body text.
async fn fetch(app: &crate::harness::TestApp, path: &str) -> (StatusCode, String, String) {
    let response = reqwest::get(format!("{}{path}", app.url)).await.unwrap();
    let status = response.status();
    let kind = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, kind, response.text().await.unwrap())
}

#[tokio::test]
async fn both_languages_are_served_at_gc_notify_paths() {
    let app = crate::harness::TestApp::spawn(crate::harness::Backend::Sqlite)
        .await
        .unwrap();
    let mut documents = Vec::new();
    for path in ["/v2/openapi.json", "/v2/openapi-en", "/v2/openapi-fr"] {
        let (status, kind, text) = fetch(&app, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(kind, "application/json", "{path}");
        let document: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(document["openapi"], "3.1.0", "{path}");
        documents.push(document);
    }
    assert_eq!(
        documents[0], documents[1],
        "openapi-en is the English document"
    );
    let (mut english, mut french) = (Vec::new(), Vec::new());
    prose(&documents[1], "", &mut english);
    prose(&documents[2], "", &mut french);
    assert_eq!(english.len(), french.len());
    let summaries = english
        .iter()
        .filter(|(at, _)| at.ends_with("/summary"))
        .count();
    assert_eq!(
        summaries,
        carillon_api::DOCUMENTED_OPERATIONS.len(),
        "one summary per operation"
    );
    for ((at, en), (fr_at, fr)) in english.iter().zip(&french) {
        assert_eq!(at, fr_at);
        assert_ne!(en, fr, "{at} is the same in French");
    }
    assert_eq!(
        documents[2]["paths"]["/v2/notifications/email"]["post"]["summary"],
        "Envoyer un courriel"
    );
    assert_eq!(
        documents[1]["paths"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        documents[2]["paths"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        "the same operations in both languages"
    );
}

on_both_backends! {
    the_documented_lowest_template_version_answers_the_latest(app) {
        let (_, doc) = app.request(Method::GET, "/v2/openapi-fr", None, None).await;
        let parameters = doc["paths"]["/v2/template/{template_id}/version/{version}"]["get"]["parameters"].clone();
        let version = parameters.as_array().unwrap().iter().find(|p| p["name"] == "version").unwrap().clone();
        let lowest = version["schema"]["minimum"].as_u64().unwrap();
        assert_eq!(lowest, 0, "{version}");
        let id = app.email_template.id;
        let (status, template) = app.get(&format!("/v2/template/{id}/version/{lowest}"), &app.live).await;
        assert_eq!(status, StatusCode::OK, "{template}");
        let (_, latest) = app.get(&format!("/v2/template/{id}"), &app.live).await;
        assert_eq!(template, latest, "version 0 is the latest version, as in GC Notify");
    }
}
