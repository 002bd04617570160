//! Template endpoints and health.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::harness::messages;
use crate::on_both_backends;

on_both_backends! {
    template_reads_versions_and_preview(app) {
        let id = app.email_template.id;
        let (status, body) = app.get(&format!("/v2/template/{id}"), &app.live).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["type"], "email");
        assert_eq!(body["subject"], "Hello ((name))");
        assert_eq!(body["personalisation"], json!({"name": {"required": true}, "code": {"required": true}}));

        let update = carillon_domain::TemplateUpdate { content: Some("Changed ((name))".into()), ..Default::default() };
        app.store.update_template(app.service.id, id, &update, time::OffsetDateTime::now_utc()).await.unwrap();
        let (_, v2) = app.get(&format!("/v2/template/{id}"), &app.live).await;
        assert_eq!(v2["version"], 2);
        let (_, v1) = app.get(&format!("/v2/template/{id}/version/1"), &app.live).await;
        assert_eq!(v1["body"], "Dear ((name)),\n\nYour code is **((code))**.");
        let (status, _) = app.get(&format!("/v2/template/{id}/version/9"), &app.live).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, current) = app.get(&format!("/v2/template/{id}/version/0"), &app.live).await;
        assert_eq!(current["version"], 2, "version 0 is the current version, as in GC Notify");
        let (status, _) = app.get(&format!("/v2/template/{id}/version/x"), &app.live).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, letters) = app.get("/v2/templates?type=letter", &app.live).await;
        assert_eq!(letters["templates"], serde_json::json!([]));

        let (_, list) = app.get("/v2/templates?type=sms", &app.live).await;
        assert_eq!(list["templates"].as_array().unwrap().len(), 1);
        let (_, list) = app.get("/v2/templates", &app.live).await;
        assert_eq!(list["templates"].as_array().unwrap().len(), 2);

        let (status, preview) = app.post(&format!("/v2/template/{id}/preview"), &app.live, &json!({"personalisation": {"name": "<b>Ada</b>"}})).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        assert_eq!(preview["body"], "Changed <b>Ada</b>");
        assert!(preview["html"].as_str().unwrap().contains("Changed &lt;b&gt;Ada&lt;/b&gt;"));
        let (status, body) = app.post(&format!("/v2/template/{id}/preview"), &app.live, &json!({})).await;
        assert_eq!((status, messages(&body)), (StatusCode::BAD_REQUEST, vec!["Missing personalisation: name".to_owned()]));
        let (status, body) = app.get("/v2/template/xyz", &app.live).await;
        assert_eq!((status, messages(&body)), (StatusCode::BAD_REQUEST, vec!["template_id is not a valid UUID".to_owned()]));
    }

    status_endpoint(app) {
        let (status, body) = app.request(Method::GET, "/_status", None, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
        assert!(body["db_version"].as_str().is_some());
        let (_, body) = app.request(Method::GET, "/_status?simple=1", None, None).await;
        assert_eq!(body, json!({"status": "ok"}));
        let (status, _) = app.request(Method::GET, "/nowhere", None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}
