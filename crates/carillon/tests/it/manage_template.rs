//! `/v2/manage-template`: GC Notify's shapes, codes and messages, and the `manage_templates`
//! key permission.

use carillon_domain::{ApiKey, ApiKeyId, ApiKeyPermission, ApiKeyPermissions, KeyType, NewApiKey};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{TestApp, messages};
use crate::on_both_backends;

const AUTHENTICATION: &str = "b6c42a7e-2a26-4a07-802b-123a5c3198a9";
const INFORMATION_BLAST: &str = "207b293c-2ae5-48e8-836d-fcabd60b2153";

async fn manager(app: &TestApp) -> ApiKey {
    let new = NewApiKey {
        id: ApiKeyId::new(),
        service_id: app.service.id,
        name: "templates key".into(),
        key_type: KeyType::Normal,
        secret: carillon_crypto::api_key::generate_secret(),
        permissions: ApiKeyPermissions::of(&[ApiKeyPermission::ManageTemplates]),
    };
    app.store
        .create_api_key(&new, time::OffsetDateTime::now_utc())
        .await
        .unwrap()
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &ApiKey,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    app.request(method, path, Some(&app.api_key_header(key)), body)
        .await
}

fn error(body: &Value) -> (&str, &str) {
    (
        body["errors"][0]["error"].as_str().unwrap(),
        body["errors"][0]["message"].as_str().unwrap(),
    )
}

on_both_backends! {
    manage_template_needs_the_permission(app) {
        let id = app.email_template.id;
        let forbidden = ("ForbiddenError", "This API key does not have permission to manage templates.");
        for (method, path) in [
            (Method::GET, "/v2/manage-template/template-categories".to_owned()),
            (Method::GET, format!("/v2/manage-template/{id}")),
            (Method::PATCH, format!("/v2/manage-template/{id}")),
            (Method::DELETE, format!("/v2/manage-template/{id}")),
            (Method::POST, "/v2/manage-template".to_owned()),
        ] {
            let (status, body) = call(app, method.clone(), &path, &app.live, Some(&json!({}))).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
            assert_eq!(error(&body), forbidden);
            assert_eq!(body["status_code"], 403);
        }
        let (_, unchanged) = app.get(&format!("/v2/template/{id}"), &app.live).await;
        assert_eq!(unchanged["version"], 1, "nothing was archived or changed");
    }

    manage_template_lists_categories_and_creates(app) {
        let key = manager(app).await;
        let (status, body) = call(app, Method::GET, "/v2/manage-template/template-categories", &key, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let categories = body["template_categories"].as_array().unwrap();
        assert_eq!(categories.len(), 9, "the hidden generic categories are not listed");
        assert!(categories.contains(&json!({"template_category_id": AUTHENTICATION, "name": "Authentication"})));

        let new = json!({"name": "Code", "template_type": "sms", "content": "Your code is ((code))", "template_category_id": AUTHENTICATION});
        let (status, created) = call(app, Method::POST, "/v2/manage-template", &key, Some(&new)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let keys: Vec<&str> = created.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = ["archived", "body", "created_at", "created_by", "folder_id", "id", "name", "postage", "subject", "template_category_id", "template_category_name", "type", "updated_at", "version"];
        expected.sort_unstable();
        assert_eq!(keys, expected);
        assert_eq!((created["type"].as_str(), created["version"].as_i64(), created["archived"].as_bool()), (Some("sms"), Some(1), Some(false)));
        assert_eq!(created["template_category_name"], "Authentication");
        assert_eq!((created["subject"].clone(), created["folder_id"].clone(), created["updated_at"].clone()), (Value::Null, Value::Null, Value::Null));
        let id = created["id"].as_str().unwrap();
        let stored = app.store.template(app.service.id, carillon_domain::TemplateId::parse(id).unwrap()).await.unwrap().unwrap();
        assert_eq!(stored.process_type, carillon_domain::ProcessType::Priority, "the category sets the lane");
        let (status, read) = call(app, Method::GET, &format!("/v2/manage-template/{id}"), &key, None).await;
        assert_eq!((status, &read), (StatusCode::OK, &created));
        // It sends like any other template.
        let (_, v2) = app.get(&format!("/v2/template/{id}"), &key).await;
        assert_eq!(v2["body"], "Your code is ((code))");
    }

    manage_template_refuses_bad_bodies_as_gc_does(app) {
        let key = manager(app).await;
        let post = |body: Value| { let key = key.clone(); async move { call(app, Method::POST, "/v2/manage-template", &key, Some(&body)).await } };
        let (status, body) = post(json!({"name": "n", "template_type": "email", "content": "c", "template_category_id": AUTHENTICATION})).await;
        assert_eq!((status, messages(&body)), (StatusCode::BAD_REQUEST, vec!["subject is a required property".to_owned()]));
        assert_eq!(error(&body).0, "ValidationError");

        let (status, body) = post(json!({"name": "n", "template_type": "sms", "content": "c", "template_category_id": "nope"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error(&body), ("ValidationError", "template_category_id is not a valid UUID"));
        assert_eq!(body["template_categories"].as_array().map(Vec::len), Some(9), "{body}");

        let unknown = uuid::Uuid::new_v4().to_string();
        let (status, body) = post(json!({"name": "n", "template_type": "sms", "content": "c", "template_category_id": unknown})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error(&body), ("InvalidRequest", "template_category_id not found"));
        assert_eq!(body["template_categories"].as_array().map(Vec::len), Some(9));

        let (status, body) = post(json!({"name": "n", "template_type": "sms", "content": "x".repeat(613), "template_category_id": AUTHENTICATION})).await;
        assert_eq!((status, error(&body)), (StatusCode::BAD_REQUEST, ("InvalidRequest", "Content has a character count greater than the limit of 612")));
        let (status, body) = post(json!({"name": "n".repeat(256), "template_type": "sms", "content": "c", "template_category_id": AUTHENTICATION})).await;
        assert_eq!((status, error(&body)), (StatusCode::BAD_REQUEST, ("InvalidRequest", "Template name must be less than 255 characters")));
        let (status, body) = post(json!({"name": "n", "template_type": "sms", "content": "c", "template_category_id": AUTHENTICATION, "parent_folder_id": unknown})).await;
        assert_eq!((status, error(&body)), (StatusCode::BAD_REQUEST, ("InvalidRequest", "parent_folder_id not found")));
        let (status, body) = post(json!({"name": 1, "template_type": "fax", "content": "c", "template_category_id": AUTHENTICATION, "extra": true})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(messages(&body), ["name 1 is not of type string", "template_type fax is not one of [sms, email]", "Additional properties are not allowed (extra was unexpected)"]);
        let (status, _) = app.request(Method::POST, "/v2/manage-template", Some(&app.api_key_header(&key)), None).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

        let (status, body) = call(app, Method::GET, "/v2/manage-template/xyz", &key, None).await;
        assert_eq!((status, messages(&body)), (StatusCode::BAD_REQUEST, vec!["template_id is not a valid UUID".to_owned()]));
        let (status, body) = call(app, Method::GET, &format!("/v2/manage-template/{unknown}"), &key, None).await;
        assert_eq!((status, error(&body)), (StatusCode::NOT_FOUND, ("NoResultFound", "No result found")));
        let (_, list) = app.get("/v2/templates", &key).await;
        assert_eq!(list["templates"].as_array().unwrap().len(), 2, "nothing refused was created");
    }

    manage_template_updates_and_archives(app) {
        let key = manager(app).await;
        let id = app.email_template.id;
        let path = format!("/v2/manage-template/{id}");
        let change = json!({"name": "Renamed", "subject": "New ((name))", "template_category_id": INFORMATION_BLAST, "parent_folder_id": null});
        let (status, updated) = call(app, Method::PATCH, &path, &key, Some(&change)).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!((updated["name"].as_str(), updated["subject"].as_str(), updated["version"].as_i64()), (Some("Renamed"), Some("New ((name))"), Some(2)));
        assert_eq!(updated["template_category_name"], "Information blast");
        assert_eq!(updated["body"], app.email_template.content, "what is not given is kept");
        assert!(updated["updated_at"].is_string());
        let stored = app.store.template(app.service.id, id).await.unwrap().unwrap();
        assert_eq!(stored.process_type, carillon_domain::ProcessType::Bulk);

        let (status, body) = call(app, Method::PATCH, &path, &key, Some(&json!({"template_category_id": 7}))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(error(&body), ("TemplateCategoryValidationError", "template_category_id 7 is not of type string"));
        assert!(body["template_categories"].is_array());
        let unknown = uuid::Uuid::new_v4().to_string();
        let (status, body) = call(app, Method::PATCH, &path, &key, Some(&json!({"template_category_id": unknown}))).await;
        assert_eq!((status, error(&body)), (StatusCode::BAD_REQUEST, ("TemplateCategoryNotFoundError", "template_category_id not found")));
        let (status, body) = call(app, Method::PATCH, &format!("/v2/manage-template/{unknown}"), &key, Some(&json!({"name": "x"}))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

        let (status, archived) = call(app, Method::DELETE, &path, &key, None).await;
        assert_eq!(status, StatusCode::OK, "{archived}");
        assert_eq!((archived["archived"].as_bool(), archived["version"].as_i64()), (Some(true), Some(3)));
        let (status, body) = call(app, Method::DELETE, &path, &key, None).await;
        assert_eq!((status, error(&body)), (StatusCode::BAD_REQUEST, ("BadRequestError", "Template is already archived.")));
        let (_, list) = app.get("/v2/templates?type=email", &key).await;
        assert_eq!(list["templates"], json!([]));
        let (status, read) = call(app, Method::GET, &path, &key, None).await;
        assert_eq!((status, read["archived"].as_bool()), (StatusCode::OK, Some(true)));
    }
}
