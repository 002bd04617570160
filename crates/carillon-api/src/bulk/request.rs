//! Validates `POST /v2/notifications/bulk` bodies as GC Notify's schema does (properties in
//! its order, then required ones, then unknown ones), and turns `rows` into CSV text.

use carillon_domain::TemplateId;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::ApiError;
use crate::json::repr;

/// A valid bulk request.
#[derive(Debug)]
pub(crate) struct BulkRequest {
    pub(crate) name: String,
    pub(crate) template_id: TemplateId,
    /// The client's text and the instant it names.
    pub(crate) scheduled_for: Option<(String, OffsetDateTime)>,
    pub(crate) reply_to_id: Option<Uuid>,
    /// `csv` or `rows` as CSV text, when exactly one was given.
    pub(crate) file: Option<String>,
}

/// GC Notify's "You should specify either rows or csv".
pub(crate) fn either_rows_or_csv() -> ApiError {
    ApiError::bad_request("You should specify either rows or csv")
}

/// Checks the body; `max_rows` bounds `rows` (plus its header row).
pub(crate) fn bulk_request(
    body: &Map<String, Value>,
    max_rows: usize,
    now: OffsetDateTime,
) -> Result<BulkRequest, ApiError> {
    let mut errors = Vec::new();
    let template_id = body.get("template_id").and_then(|value| {
        let parsed = value.as_str().and_then(|s| Uuid::try_parse(s).ok());
        if parsed.is_none() {
            errors.push("template_id is not a valid UUID".to_owned());
        }
        parsed.map(TemplateId::from_uuid)
    });
    if let Some(value) = body.get("reference").filter(|v| !v.is_string()) {
        errors.push(format!("reference {} is not of type string", repr(value)));
    }
    let scheduled_for = match body.get("scheduled_for") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => {
            crate::schema::schedule(text, now, &mut errors).map(|at| (text.clone(), at))
        }
        Some(other) => {
            errors.push(format!(
                "scheduled_for {} is not of type string, null",
                repr(other)
            ));
            None
        }
    };
    let reply_to_id = match body.get("reply_to_id") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let parsed = value.as_str().and_then(|s| Uuid::try_parse(s).ok());
            if parsed.is_none() {
                errors.push("reply_to_id is not a valid UUID".to_owned());
            }
            parsed
        }
    };
    let csv = match body.get("csv") {
        None => None,
        Some(Value::String(text)) => Some(text.as_str()),
        Some(other) => {
            errors.push(format!("csv {} is not of type string", repr(other)));
            None
        }
    };
    let rows = match body.get("rows") {
        None => None,
        Some(Value::Array(rows)) => {
            if rows.len() < 2 {
                errors.push(format!("rows {} is too short", repr(&body["rows"])));
            } else if rows.len() > max_rows + 1 {
                // GC Notify prints the whole array here; a count says as much, shorter.
                errors.push(format!(
                    "rows has too many items ({}; at most {})",
                    rows.len(),
                    max_rows + 1
                ));
            }
            Some(rows)
        }
        Some(other) => {
            errors.push(format!("rows {} is not of type array", repr(other)));
            None
        }
    };
    let name = match body.get("name") {
        None => None,
        Some(Value::String(name)) => Some(name.clone()),
        Some(other) => {
            errors.push(format!("name {} is not of type string", repr(other)));
            None
        }
    };
    for required in ["template_id", "name"] {
        if !body.contains_key(required) {
            errors.push(format!("{required} is a required property"));
        }
    }
    let allowed = [
        "template_id",
        "reference",
        "scheduled_for",
        "reply_to_id",
        "csv",
        "rows",
        "name",
    ];
    let mut extra: Vec<&str> = body
        .keys()
        .map(String::as_str)
        .filter(|k| !allowed.contains(k))
        .collect();
    if !extra.is_empty() {
        extra.sort_unstable();
        let verb = if extra.len() == 1 { "was" } else { "were" };
        errors.push(format!(
            "Additional properties are not allowed ({} {verb} unexpected)",
            extra.join(", ")
        ));
    }
    let (Some(name), Some(template_id), true) = (name, template_id, errors.is_empty()) else {
        return Err(ApiError::validation(errors));
    };

    // Empty values count as not given, as in GC Notify.
    let csv = csv.filter(|text| !text.is_empty());
    let rows = rows.filter(|rows| !rows.is_empty());
    let file = match (csv, rows) {
        (Some(text), None) => Some(text.to_owned()),
        (None, Some(rows)) => Some(rows_to_csv(rows)?),
        _ => None,
    };
    Ok(BulkRequest {
        name,
        template_id,
        scheduled_for,
        reply_to_id,
        file,
    })
}

/// Writes `rows` as CSV the way Python's `csv.writer` would, with its error for a row that
/// is not a list.
fn rows_to_csv(rows: &[Value]) -> Result<String, ApiError> {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = match row {
            Value::Array(cells) => cells.iter().map(cell_text).collect(),
            // Python iterates a string's characters and a dict's keys.
            Value::String(text) => text.chars().map(String::from).collect(),
            Value::Object(map) => map.keys().cloned().collect(),
            other => {
                let type_name = match other {
                    Value::Null => "NoneType",
                    Value::Bool(_) => "bool",
                    Value::Number(n) if n.is_f64() => "float",
                    _ => "int",
                };
                return Err(ApiError::bad_request(format!(
                    "Error converting to CSV: iterable expected, not {type_name}"
                )));
            }
        };
        writer
            .write_record(&cells)
            .map_err(|e| ApiError::bad_request(format!("Error converting to CSV: {e}")))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::bad_request(format!("Error converting to CSV: {e}")))?;
    String::from_utf8(bytes)
        .map_err(|e| ApiError::bad_request(format!("Error converting to CSV: {e}")))
}

/// A cell as Python's `str()` writes it: `None` empty, booleans capitalised.
fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        other => repr(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 12:00 UTC);

    fn check(body: &Value) -> Result<BulkRequest, Vec<String>> {
        bulk_request(body.as_object().unwrap(), 50_000, NOW).map_err(|e| e.messages)
    }

    #[test]
    fn rows_become_csv() {
        let ok = check(
            &json!({"name": "n", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6",
            "rows": [["email address", "n"], ["a@b.ca", 1, null, true, "x,\"y\""]]}),
        )
        .unwrap();
        assert_eq!(
            ok.file.unwrap(),
            "email address,n\r\na@b.ca,1,,True,\"x,\"\"y\"\"\"\r\n"
        );
    }

    #[test]
    fn problems_in_gc_order() {
        let errors = check(&json!({"template_id": "x", "reply_to_id": 5, "rows": [1],
            "scheduled_for": "2026-11-21T00:00:00", "zz": 1}))
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                "template_id is not a valid UUID",
                "scheduled_for datetime cannot be in the past",
                "reply_to_id is not a valid UUID",
                "rows [1] is too short",
                "name is a required property",
                "Additional properties are not allowed (zz was unexpected)",
            ]
        );
    }

    #[test]
    fn both_or_neither_leave_no_file() {
        let both = check(
            &json!({"name": "n", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6",
            "rows": [["a"], ["b"]], "csv": "a\nb"}),
        )
        .unwrap();
        assert!(both.file.is_none());
        let neither =
            check(&json!({"name": "n", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6"}))
                .unwrap();
        assert!(neither.file.is_none());
        let error = check(
            &json!({"name": "n", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6",
            "rows": [["a"], 5]}),
        )
        .unwrap_err();
        assert_eq!(
            error,
            vec!["Error converting to CSV: iterable expected, not int"]
        );
    }
}
