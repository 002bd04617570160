//! Reading JSON request bodies (as leniently as GC Notify's Python does) and describing JSON
//! values the way GC Notify's validator does.

mod python;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use crate::error::ApiError;

/// The request body, or GC Notify's error format when it could not be read (too large).
pub(crate) fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        ApiError::new(
            rejection.status(),
            "BadRequestError",
            "Request body is too large or could not be read",
        )
    })
}

/// Checks the content type and decodes a JSON object body, with GC Notify's errors.
pub(crate) fn object_body(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Map<String, Value>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime != "application/json" && !(mime.starts_with("application/") && mime.ends_with("+json"))
    {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BadRequestError",
            "UnsupportedMediaType error: Did not attempt to load JSON data because the request \
             Content-Type was not 'application/json'.",
        ));
    }
    let value: Value = python::parse(body).map_err(|_| {
        ApiError::bad_request(
            "Error decoding arguments: Failed to decode JSON object: the body is not valid JSON",
        )
    })?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::validation(vec![format!(
            "{} is not of type object",
            repr(&other)
        )])),
    }
}

/// Refuses a body holding a NUL character (`\u0000`) in any string or key: PostgreSQL text
/// cannot store it, so both backends refuse it here, before anything is stored, with one
/// message per top-level field that holds one. (Lone surrogates, the only other JSON text
/// PostgreSQL could not hold, were replaced when the body was parsed.)
pub(crate) fn refuse_unstorable(body: &Map<String, Value>) -> Result<(), ApiError> {
    let errors: Vec<String> = body
        .iter()
        .filter(|(key, value)| unstorable(key) || holds_unstorable(value))
        .map(|(key, _)| cannot_store(key))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// The message for a field whose text holds a character that cannot be stored.
pub(crate) fn cannot_store(field: &str) -> String {
    // A NUL in a key is shown escaped, so the message itself stays storable and printable.
    format!(
        "{} contains a character that cannot be stored (U+0000)",
        field.replace('\0', "\\u0000")
    )
}

/// Whether `text` holds a character no backend can store.
pub(crate) fn unstorable(text: &str) -> bool {
    text.contains('\0')
}

fn holds_unstorable(value: &Value) -> bool {
    match value {
        Value::String(s) => unstorable(s),
        Value::Array(items) => items.iter().any(holds_unstorable),
        Value::Object(map) => map
            .iter()
            .any(|(key, value)| unstorable(key) || holds_unstorable(value)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// A JSON value as Python prints it, without quotes (GC Notify strips them from messages).
pub(crate) fn repr(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(repr).collect::<Vec<_>>().join(", ")
            )
        }
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{k}: {}", repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn python_repr_without_quotes() {
        assert_eq!(repr(&json!(null)), "None");
        assert_eq!(repr(&json!(true)), "True");
        assert_eq!(repr(&json!([1, "a"])), "[1, a]");
        assert_eq!(repr(&json!({"a": 1})), "{a: 1}");
    }

    #[test]
    fn content_type_and_decoding() {
        let mut headers = HeaderMap::new();
        let body = Bytes::from_static(b"{\"a\":1}");
        assert_eq!(
            object_body(&headers, &body).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        headers.insert(
            header::CONTENT_TYPE,
            "application/json; charset=utf-8".parse().unwrap(),
        );
        assert!(object_body(&headers, &body).is_ok());
        let bad = Bytes::from_static(b"{nope");
        assert_eq!(
            object_body(&headers, &bad).unwrap_err().kind,
            "BadRequestError"
        );
        // A lone surrogate, which Python reads, is the replacement character.
        let surrogate = Bytes::from_static(b"{\"reference\": \"\\ud800\"}");
        assert_eq!(
            object_body(&headers, &surrogate).unwrap()["reference"],
            "\u{FFFD}"
        );
        let list = Bytes::from_static(b"[1]");
        assert_eq!(
            object_body(&headers, &list).unwrap_err().messages,
            vec!["[1] is not of type object"]
        );
    }

    #[test]
    fn nul_anywhere_is_refused_per_field() {
        let Value::Object(fine) =
            json!({"reference": "a", "personalisation": {"n": ["x", 1, null]}})
        else {
            unreachable!()
        };
        assert!(refuse_unstorable(&fine).is_ok());
        let Value::Object(bad) = json!({
            "reference": "a\0b",
            "personalisation": {"n": [{"deep": "x\0"}]},
            "name": "ok",
            "k\0": 1,
        }) else {
            unreachable!()
        };
        let error = refuse_unstorable(&bad).unwrap_err();
        assert_eq!(error.kind, "ValidationError");
        assert_eq!(error.status, StatusCode::BAD_REQUEST);
        let mut messages = error.messages;
        messages.sort();
        assert_eq!(
            messages,
            vec![
                "k\\u0000 contains a character that cannot be stored (U+0000)",
                "personalisation contains a character that cannot be stored (U+0000)",
                "reference contains a character that cannot be stored (U+0000)",
            ]
        );
    }
}
