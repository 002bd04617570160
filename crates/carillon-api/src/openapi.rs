//! The OpenAPI 3 description of the v2 API, served in English at `/v2/openapi.json` and, at
//! GC Notify's paths, in English at `/v2/openapi-en` and in French at `/v2/openapi-fr`. A test
//! requests every documented operation, so the document and the routes cannot drift apart.

mod french;

use axum::Json;
use carillon_domain::Language;
use serde_json::{Value, json};

/// Every operation the document describes, as (method, path).
pub const OPERATIONS: &[(&str, &str)] = &[
    ("post", "/v2/notifications/email"),
    ("post", "/v2/notifications/sms"),
    ("post", "/v2/notifications/bulk"),
    ("get", "/v2/notifications"),
    ("get", "/v2/notifications/{notification_id}"),
    ("get", "/v2/template/{template_id}"),
    ("get", "/v2/template/{template_id}/version/{version}"),
    ("post", "/v2/template/{template_id}/preview"),
    ("get", "/v2/templates"),
    ("post", "/v2/notifications/letter"),
    ("get", "/v2/received-text-messages"),
    ("get", "/_status"),
    ("get", "/v2/manage-template/template-categories"),
    ("post", "/v2/manage-template"),
    ("get", "/v2/manage-template/{template_id}"),
    ("patch", "/v2/manage-template/{template_id}"),
    ("delete", "/v2/manage-template/{template_id}"),
];

fn errors(codes: &[u16]) -> Value {
    let mut responses = serde_json::Map::new();
    for code in codes {
        responses.insert(
            code.to_string(),
            json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
        );
    }
    Value::Object(responses)
}

fn ok(code: u16, schema: &str) -> Value {
    json!({code.to_string(): {"description": "Success", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

fn send_request(recipient: &str, recipient_format: &str, sender: &str) -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": [recipient, "template_id"],
        "properties": {
            recipient: {"type": "string", "description": recipient_format},
            "template_id": {"type": "string", "format": "uuid"},
            "personalisation": {"type": "object", "description": "Placeholder values: strings, numbers, booleans or lists. Keys match placeholders ignoring case, spaces, `_` and `-`."},
            "reference": {"type": "string", "description": "Your reference; must not hold personal information."},
            "scheduled_for": {"type": ["string", "null"], "description": "ISO 8601; up to 96 hours ahead."},
            sender: {"type": "string", "format": "uuid"},
        }
    })
}

fn path_param(name: &str, format: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string", "format": format}})
}

/// The document.
pub fn document() -> Value {
    let auth = json!([{"bearer": []}, {"apiKey": []}]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Carillon API (GC Notify v2 compatible)",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Send email and text messages from templates and track them. Compatible with GC Notify's API v2 and its client libraries."
        },
        "security": auth,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT (HS256; iss = service id, iat within 30 s; signed with the key's secret)"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "`ApiKey-v1 gcntfy-<name>-<service id>-<secret>`"}
            },
            "schemas": {
                "Error": {"type": "object", "properties": {
                    "status_code": {"type": "integer"},
                    "errors": {"type": "array", "items": {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}}
                }},
                "EmailRequest": send_request("email_address", "Email address", "email_reply_to_id"),
                "SmsRequest": send_request("phone_number", "Phone number; without a country code it is North American", "sms_sender_id"),
                "BulkRequest": {"type": "object", "additionalProperties": false, "required": ["template_id", "name"], "properties": {
                    "template_id": {"type": "string", "format": "uuid"},
                    "name": {"type": "string", "description": "The job's name (its original file name)."},
                    "rows": {"type": "array", "items": {"type": "array"}, "minItems": 2, "description": "The header row (recipient column `email address`/`adresse courriel` or `phone number`/`numéro de téléphone`, one column per placeholder, optional `reference`), then one row per recipient; at most 50,000 rows by default. Give `rows` or `csv`, not both."},
                    "csv": {"type": "string", "description": "The same as CSV text."},
                    "scheduled_for": {"type": ["string", "null"], "description": "ISO 8601; up to 96 hours ahead."},
                    "reply_to_id": {"type": ["string", "null"], "format": "uuid", "description": "Email reply-to address or SMS sender."},
                    "reference": {"type": "string", "description": "Accepted and ignored, as in GC Notify."}
                }},
                "Job": {"type": "object", "properties": {
                    "id": {"type": "string"}, "original_file_name": {"type": "string"},
                    "job_status": {"enum": ["pending", "scheduled", "in progress", "finished", "cancelled", "sending limits exceeded", "error"]},
                    "notification_count": {"type": "integer"}, "template": {"type": "string"}, "template_version": {"type": "integer"},
                    "template_type": {"enum": ["email", "sms"]}, "service": {"type": "string"}, "service_name": {"type": "object"},
                    "api_key": {"type": ["object", "null"]}, "created_by": {"type": "object"}, "sender_id": {"type": ["string", "null"]},
                    "created_at": {"type": "string"}, "updated_at": {"type": ["string", "null"]}, "scheduled_for": {"type": ["string", "null"]},
                    "processing_started": {"type": ["string", "null"]}, "processing_finished": {"type": ["string", "null"]}, "archived": {"type": "boolean"}
                }},
                "JobResponse": {"type": "object", "properties": {"data": {"$ref": "#/components/schemas/Job"}}},
                "TemplateRef": {"type": "object", "properties": {"id": {"type": "string"}, "version": {"type": "integer"}, "uri": {"type": "string"}}},
                "SendResponse": {"type": "object", "required": ["id", "content", "uri", "template"], "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "reference": {"type": ["string", "null"]},
                    "uri": {"type": "string"},
                    "template": {"$ref": "#/components/schemas/TemplateRef"},
                    "content": {"type": "object", "description": "Email: body, subject, from_email. SMS: body, from_number."},
                    "scheduled_for": {"type": ["string", "null"]}
                }},
                "Notification": {"type": "object", "properties": {
                    "id": {"type": "string"}, "reference": {"type": ["string", "null"]},
                    "email_address": {"type": ["string", "null"]}, "phone_number": {"type": ["string", "null"]},
                    "type": {"enum": ["email", "sms"]}, "status": {"type": "string"}, "status_description": {"type": "string"},
                    "provider_response": {"type": ["string", "null"]}, "template": {"$ref": "#/components/schemas/TemplateRef"},
                    "body": {"type": "string"}, "subject": {"type": ["string", "null"]},
                    "created_at": {"type": "string"}, "sent_at": {"type": ["string", "null"]}, "completed_at": {"type": ["string", "null"]},
                    "scheduled_for": {"type": ["string", "null"]}, "created_by_name": {"type": ["string", "null"]}
                }},
                "NotificationList": {"type": "object", "properties": {
                    "notifications": {"type": "array", "items": {"$ref": "#/components/schemas/Notification"}},
                    "links": {"type": "object", "properties": {"current": {"type": "string"}, "next": {"type": "string"}}}
                }},
                "Template": {"type": "object", "properties": {
                    "id": {"type": "string"}, "type": {"enum": ["email", "sms"]}, "name": {"type": "string"},
                    "version": {"type": "integer"}, "body": {"type": "string"}, "subject": {"type": ["string", "null"]},
                    "created_at": {"type": "string"}, "updated_at": {"type": ["string", "null"]}, "created_by": {"type": ["string", "null"]},
                    "personalisation": {"type": "object"}
                }},
                "TemplateList": {"type": "object", "properties": {"templates": {"type": "array", "items": {"$ref": "#/components/schemas/Template"}}}},
                "Preview": {"type": "object", "properties": {
                    "id": {"type": "string"}, "type": {"type": "string"}, "version": {"type": "integer"},
                    "body": {"type": "string"}, "html": {"type": ["string", "null"]}, "subject": {"type": ["string", "null"]}
                }},
                "Status": {"type": "object", "properties": {"status": {"type": "string"}}},
                "ManagedTemplate": {"type": "object", "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"}, "type": {"enum": ["email", "sms"]},
                    "created_at": {"type": "string"}, "updated_at": {"type": ["string", "null"]}, "created_by": {"type": ["string", "null"]},
                    "version": {"type": "integer"}, "body": {"type": "string"}, "subject": {"type": ["string", "null"]},
                    "postage": {"type": "null"}, "template_category_id": {"type": "string"}, "template_category_name": {"type": "string"},
                    "folder_id": {"type": "null"}, "archived": {"type": "boolean"}
                }},
                "ManageTemplateRequest": {"type": "object", "additionalProperties": false,
                    "required": ["name", "template_type", "content", "template_category_id"],
                    "properties": {
                        "name": {"type": "string"}, "template_type": {"enum": ["email", "sms"]}, "content": {"type": "string"},
                        "subject": {"type": "string"}, "postage": {"type": "string"},
                        "template_category_id": {"type": "string", "format": "uuid"}, "parent_folder_id": {"type": "string", "format": "uuid"}
                    }},
                "ManageTemplatePatch": {"type": "object", "additionalProperties": false, "properties": {
                    "name": {"type": "string"}, "content": {"type": "string"}, "subject": {"type": "string"},
                    "template_category_id": {"type": "string", "format": "uuid"}, "parent_folder_id": {"type": ["string", "null"], "format": "uuid"}
                }},
                "TemplateCategories": {"type": "object", "properties": {"template_categories": {"type": "array", "items": {"type": "object", "properties": {
                    "template_category_id": {"type": "string"}, "name": {"type": "string"}
                }}}}}
            }
        },
        "paths": {
            "/v2/notifications/email": {"post": {
                "summary": "Send an email", "operationId": "sendEmail",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EmailRequest"}}}},
                "responses": merge(ok(201, "SendResponse"), errors(&[400, 401, 403, 415, 429]))
            }},
            "/v2/notifications/sms": {"post": {
                "summary": "Send a text message", "operationId": "sendSms",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SmsRequest"}}}},
                "responses": merge(ok(201, "SendResponse"), errors(&[400, 401, 403, 415, 429]))
            }},
            "/v2/notifications/bulk": {"post": {
                "summary": "Send to many recipients from rows or CSV text: the whole file is checked first (every problem row listed), then sent as a job", "operationId": "sendBulk",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BulkRequest"}}}},
                "responses": merge(ok(201, "JobResponse"), errors(&[400, 401, 403, 413, 415, 429]))
            }},
            "/v2/notifications": {"get": {
                "summary": "List notifications, newest first, 250 at a time", "operationId": "listNotifications",
                "parameters": [
                    {"name": "template_type", "in": "query", "schema": {"type": "array", "items": {"enum": ["email", "sms", "letter"]}}, "explode": true},
                    {"name": "status", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "explode": true},
                    {"name": "reference", "in": "query", "schema": {"type": "string"}},
                    {"name": "older_than", "in": "query", "schema": {"type": "string", "format": "uuid"}},
                    {"name": "include_jobs", "in": "query", "schema": {"enum": ["true", "True", "false", "False"]}}
                ],
                "responses": merge(ok(200, "NotificationList"), errors(&[400, 401, 403]))
            }},
            "/v2/notifications/{notification_id}": {"get": {
                "summary": "Get one notification", "operationId": "getNotification",
                "parameters": [path_param("notification_id", "uuid")],
                "responses": merge(ok(200, "Notification"), errors(&[400, 401, 403, 404]))
            }},
            "/v2/template/{template_id}": {"get": {
                "summary": "Get a template's latest version", "operationId": "getTemplate",
                "parameters": [path_param("template_id", "uuid")],
                "responses": merge(ok(200, "Template"), errors(&[400, 401, 403, 404]))
            }},
            "/v2/template/{template_id}/version/{version}": {"get": {
                "summary": "Get one version of a template", "operationId": "getTemplateVersion",
                // GC Notify's route takes any digits, and 0 (falsy in its Python) is the latest.
                "parameters": [path_param("template_id", "uuid"), {"name": "version", "in": "path", "required": true,
                    "description": "The version number; 0 means the latest version, as in GC Notify.",
                    "schema": {"type": "integer", "minimum": 0}}],
                "responses": merge(ok(200, "Template"), errors(&[400, 401, 403, 404]))
            }},
            "/v2/template/{template_id}/preview": {"post": {
                "summary": "Render a template with personalisation", "operationId": "previewTemplate",
                "parameters": [path_param("template_id", "uuid")],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"personalisation": {"type": "object"}}}}}},
                "responses": merge(ok(200, "Preview"), errors(&[400, 401, 403, 404, 415]))
            }},
            "/v2/templates": {"get": {
                "summary": "List templates that are not archived", "operationId": "listTemplates",
                "parameters": [{"name": "type", "in": "query", "schema": {"enum": ["email", "sms", "letter"]}}],
                "responses": merge(ok(200, "TemplateList"), errors(&[400, 401, 403]))
            }},
            "/v2/notifications/letter": {"post": {
                "summary": "Letters are not available: always 400 `Service is not allowed to send letters`", "operationId": "sendLetter",
                "responses": errors(&[400, 401, 403])
            }},
            "/v2/received-text-messages": {"get": {
                "summary": "Received text messages (none: there is no inbound SMS)", "operationId": "receivedTextMessages",
                "parameters": [{"name": "older_than", "in": "query", "schema": {"type": "string", "format": "uuid"}}],
                "responses": merge(ok(200, "Status"), errors(&[400, 401, 403]))
            }},
            "/_status": {"get": {
                "summary": "Health", "operationId": "status", "security": [],
                "parameters": [{"name": "simple", "in": "query", "schema": {"type": "string"}}],
                "responses": ok(200, "Status")
            }},
            "/v2/manage-template": {"post": {
                "summary": "Create a template (a key with manage_templates)", "operationId": "createManagedTemplate",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ManageTemplateRequest"}}}},
                "responses": merge(ok(201, "ManagedTemplate"), errors(&[400, 401, 403, 415]))
            }},
            "/v2/manage-template/template-categories": {"get": {
                "summary": "List the template categories", "operationId": "listTemplateCategories",
                "responses": merge(ok(200, "TemplateCategories"), errors(&[401, 403]))
            }},
            "/v2/manage-template/{template_id}": {
                "get": {
                    "summary": "Get a template with its category", "operationId": "getManagedTemplate",
                    "parameters": [path_param("template_id", "uuid")],
                    "responses": merge(ok(200, "ManagedTemplate"), errors(&[400, 401, 403, 404]))
                },
                "patch": {
                    "summary": "Change a template (a new version)", "operationId": "updateManagedTemplate",
                    "parameters": [path_param("template_id", "uuid")],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ManageTemplatePatch"}}}},
                    "responses": merge(ok(200, "ManagedTemplate"), errors(&[400, 401, 403, 404, 415]))
                },
                "delete": {
                    "summary": "Archive a template", "operationId": "archiveManagedTemplate",
                    "parameters": [path_param("template_id", "uuid")],
                    "responses": merge(ok(200, "ManagedTemplate"), errors(&[400, 401, 403, 404]))
                }
            }
        }
    })
}

/// The document in `language`.
pub fn document_in(language: Language) -> Value {
    let mut document = document();
    if language == Language::French {
        french::translate(&mut document);
    }
    document
}

/// `/v2/openapi.json` and `/v2/openapi-en`. Served as JSON, which YAML readers read too.
pub(crate) async fn serve() -> Json<Value> {
    Json(document())
}

/// `/v2/openapi-fr`.
pub(crate) async fn serve_french() -> Json<Value> {
    Json(document_in(Language::French))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_operation_is_documented_and_nothing_else() {
        let doc = document();
        let paths = doc["paths"].as_object().unwrap();
        let mut documented: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect();
        let mut listed: Vec<(String, String)> = OPERATIONS
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        documented.sort();
        listed.sort();
        assert_eq!(documented, listed);
    }

    /// Every title, summary and description, with where it is.
    fn prose(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    let here = format!("{at}/{key}");
                    match value {
                        Value::String(text) if french::PROSE.contains(&key.as_str()) => {
                            found.push((here, text.clone()));
                        }
                        other => prose(other, &here, found),
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    prose(item, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_text_is_translated_and_nothing_else_changes() {
        let (english, french) = (document(), document_in(Language::French));
        let (mut en, mut fr) = (Vec::new(), Vec::new());
        prose(&english, "", &mut en);
        prose(&french, "", &mut fr);
        assert!(en.iter().filter(|(at, _)| at.ends_with("/summary")).count() >= 12);
        assert_eq!(en.len(), fr.len());
        for ((at, en), (_, fr)) in en.iter().zip(&fr) {
            assert_ne!(en, fr, "{at} is not translated");
        }
        // Only the prose differs: the same paths, schemas and codes.
        let mut back = french;
        fn restore(french: &mut Value, english: &Value) {
            match (french, english) {
                (Value::Object(f), Value::Object(e)) => {
                    for (key, value) in f.iter_mut() {
                        if french::PROSE.contains(&key.as_str()) && value.is_string() {
                            value.clone_from(&e[key]);
                        } else {
                            restore(value, &e[key]);
                        }
                    }
                }
                (Value::Array(f), Value::Array(e)) => {
                    f.iter_mut().zip(e).for_each(|(f, e)| restore(f, e));
                }
                _ => {}
            }
        }
        restore(&mut back, &english);
        assert_eq!(back, english);
    }

    #[test]
    fn template_version_zero_is_documented_as_the_latest() {
        let doc = document();
        let parameters =
            &doc["paths"]["/v2/template/{template_id}/version/{version}"]["get"]["parameters"];
        let version = parameters
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "version")
            .unwrap();
        assert_eq!(version["schema"]["minimum"], 0);
    }
}
