//! The manage-template body checks: GC Notify's messages, and arbitrary bodies never panic
//! and are either read exactly or refused with a reason.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

const CATEGORY: &str = "b6c42a7e-2a26-4a07-802b-123a5c3198a9";

fn map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("the tests give objects"),
    }
}

fn refused(result: Result<CreateBody, Refused>) -> Vec<String> {
    result.expect_err("refused").messages
}

#[test]
fn a_complete_email_body_is_read() {
    let body = create_body(&map(json!({
        "name": "Rappel", "template_type": "email", "content": "Bonjour ((nom))",
        "subject": "Objet", "template_category_id": CATEGORY,
    })))
    .unwrap();
    assert_eq!(body.kind, NotificationType::Email);
    assert_eq!(body.subject.as_deref(), Some("Objet"));
    assert_eq!(body.category.to_string(), CATEGORY);
    assert_eq!(body.parent_folder, None);
}

#[test]
fn every_missing_field_is_named_and_email_needs_a_subject() {
    assert_eq!(
        refused(create_body(&map(json!({})))),
        [
            "name is a required property",
            "template_type is a required property",
            "content is a required property",
            "template_category_id is a required property",
        ]
    );
    let email = json!({"name": "n", "template_type": "email", "content": "c", "template_category_id": CATEGORY});
    assert_eq!(
        refused(create_body(&map(email))),
        ["subject is a required property"]
    );
    let sms = json!({"name": "n", "template_type": "sms", "content": "c", "template_category_id": CATEGORY});
    assert!(create_body(&map(sms)).is_ok());
}

#[test]
fn wrong_types_values_and_extra_fields_use_gc_messages() {
    let result = create_body(&map(json!({
        "name": 5, "template_type": "letter", "content": null, "template_category_id": "nope",
        "colour": "red",
    })));
    let refused = result.unwrap_err();
    assert_eq!(
        refused.messages,
        [
            "name 5 is not of type string",
            "template_type letter is not one of [sms, email]",
            "content None is not of type string",
            "template_category_id is not a valid UUID",
            "Additional properties are not allowed (colour was unexpected)",
        ]
    );
    assert!(refused.about_category);
    let other = create_body(&map(
        json!({"name": "n", "template_type": "sms", "content": 1, "template_category_id": CATEGORY}),
    ));
    assert!(!other.unwrap_err().about_category);
}

#[test]
fn patch_reads_only_what_is_given_and_null_folder_means_none() {
    assert_eq!(patch_body(&map(json!({}))).unwrap(), PatchBody::default());
    let body = patch_body(&map(json!({"content": "New", "parent_folder_id": null}))).unwrap();
    assert_eq!(body.content.as_deref(), Some("New"));
    assert_eq!(body.parent_folder, Some(None));
    let refused = patch_body(&map(
        json!({"template_category_id": 3, "template_type": "sms"}),
    ))
    .unwrap_err();
    assert_eq!(
        refused.messages,
        [
            "template_category_id 3 is not of type string",
            "Additional properties are not allowed (template_type was unexpected)",
        ]
    );
    assert!(refused.about_category);
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        Just(Value::String(CATEGORY.to_owned())),
        Just(Value::String("email".to_owned())),
        Just(Value::String("sms".to_owned())),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop::collection::vec(inner, 0..3).prop_map(Value::Array)
    })
}

fn body() -> impl Strategy<Value = Map<String, Value>> {
    let key = prop_oneof![
        prop::sample::select(CREATE_FIELDS.to_vec()).prop_map(str::to_owned),
        "[a-z_]{1,8}",
    ];
    prop::collection::btree_map(key, json_value(), 0..8).prop_map(|m| m.into_iter().collect())
}

proptest! {
    /// Any body is read back exactly or refused with at least one message; nothing panics.
    #[test]
    fn create_bodies_are_read_exactly_or_refused(body in body()) {
        match create_body(&body) {
            Ok(read) => {
                prop_assert_eq!(body.get("name"), Some(&Value::String(read.name.clone())));
                prop_assert_eq!(body.get("content"), Some(&Value::String(read.content.clone())));
                prop_assert_eq!(body.get("template_type").and_then(Value::as_str), Some(read.kind.as_str()));
                prop_assert!(body.keys().all(|k| CREATE_FIELDS.contains(&k.as_str())));
                if read.kind == NotificationType::Email {
                    prop_assert!(read.subject.is_some());
                }
            }
            Err(refused) => prop_assert!(!refused.messages.is_empty()),
        }
    }

    #[test]
    fn patch_bodies_are_read_exactly_or_refused(body in body()) {
        match patch_body(&body) {
            Ok(read) => {
                prop_assert_eq!(body.get("name").and_then(Value::as_str), read.name.as_deref());
                prop_assert_eq!(body.get("subject").and_then(Value::as_str), read.subject.as_deref());
                prop_assert!(body.keys().all(|k| PATCH_FIELDS.contains(&k.as_str())));
            }
            Err(refused) => prop_assert!(!refused.messages.is_empty()),
        }
    }
}
