//! Bad input never yields a 500, a panic or a hang: arbitrary JSON bodies, headers and paths
//! against the real server (SQLite).

use proptest::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Backend, TestApp};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        Just(json!("6af522d0-2915-4e52-83a3-3690455a5fe6")),
        Just(json!("a@example.ca")),
        Just(json!("+16135550123")),
        Just(json!("2030-01-01T00:00:00")),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("email_address".to_owned()),
                    Just("phone_number".to_owned()),
                    Just("template_id".to_owned()),
                    Just("personalisation".to_owned()),
                    Just("reference".to_owned()),
                    Just("scheduled_for".to_owned()),
                    Just("email_reply_to_id".to_owned()),
                    Just("sms_sender_id".to_owned()),
                    Just("file".to_owned()),
                    Just("sending_method".to_owned()),
                    "[a-z_]{1,12}",
                ],
                inner,
                0..8,
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/v2/notifications/email".to_owned()),
        Just("/v2/notifications/sms".to_owned()),
        Just("/v2/notifications".to_owned()),
        Just("/v2/templates".to_owned()),
        "/v2/notifications/[a-z0-9-]{0,40}",
        "/v2/template/[a-z0-9-]{0,40}(/version/[0-9a-z]{0,4})?",
        "/v2/template/[a-z0-9-]{0,40}/preview",
        "/v2/notifications\\?[a-z_=&%0-9-]{0,40}",
    ]
}

#[test]
fn no_input_gets_a_server_error() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(TestApp::spawn(Backend::Sqlite)).unwrap();
    let valid_key = app.api_key_header(&app.live);
    let mut config = ProptestConfig::with_cases(256);
    config.failure_persistence = None;
    proptest!(config, |(
        body in json_value(),
        path in path(),
        post in any::<bool>(),
        auth in prop_oneof![Just(valid_key), "[ -~]{0,60}", Just("Bearer a.b.c".to_owned())],
    )| {
        let method = if post { Method::POST } else { Method::GET };
        let (status, answer) = runtime.block_on(app.request(method, &path, Some(&auth), Some(&body)));
        prop_assert!(status.as_u16() < 500, "{status} for {path} {body}: {answer}");
        prop_assert!(answer.is_object(), "non-JSON answer {answer} for {path}");
    });
}
