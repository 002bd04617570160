//! Validates `POST /v2/notifications/{email,sms}` bodies in GC Notify's order and wording,
//! reporting every problem at once.

use carillon_domain::{NotificationType, Recipient, TemplateId};
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::datetime::parse_iso8601;
use crate::error::ApiError;
use crate::json::repr;

/// How far ahead a send may be scheduled.
pub(crate) const MAX_SCHEDULE_HOURS: i64 = 96;

/// A valid send request.
#[derive(Debug, Clone)]
pub(crate) struct SendRequest {
    pub(crate) recipient: Recipient,
    /// The recipient as the client wrote it.
    pub to: String,
    pub template_id: TemplateId,
    pub personalisation: Map<String, Value>,
    pub reference: Option<String>,
    /// The client's text (echoed back) and the instant it names.
    pub scheduled_for: Option<(String, OffsetDateTime)>,
    /// `email_reply_to_id` or `sms_sender_id`.
    pub sender_id: Option<Uuid>,
}

struct Fields {
    recipient: &'static str,
    sender: &'static str,
}

fn fields(kind: NotificationType) -> Fields {
    match kind {
        NotificationType::Email => Fields {
            recipient: "email_address",
            sender: "email_reply_to_id",
        },
        NotificationType::Sms => Fields {
            recipient: "phone_number",
            sender: "sms_sender_id",
        },
    }
}

fn uuid_field(body: &Map<String, Value>, name: &str, errors: &mut Vec<String>) -> Option<Uuid> {
    let value = body.get(name)?;
    match value.as_str().and_then(|s| Uuid::try_parse(s).ok()) {
        Some(uuid) => Some(uuid),
        None => {
            errors.push(format!("{name} is not a valid UUID"));
            None
        }
    }
}

fn string_field<'a>(
    body: &'a Map<String, Value>,
    name: &str,
    errors: &mut Vec<String>,
) -> Option<&'a str> {
    let value = body.get(name)?;
    match value {
        Value::String(s) => Some(s),
        other => {
            errors.push(format!("{name} {} is not of type string", repr(other)));
            None
        }
    }
}

/// Checks a body against the send schema of `kind`.
pub(crate) fn send_request(
    kind: NotificationType,
    body: &Map<String, Value>,
    now: OffsetDateTime,
) -> Result<SendRequest, ApiError> {
    let names = fields(kind);
    let mut errors = Vec::new();

    let reference = string_field(body, "reference", &mut errors).map(str::to_owned);
    let to = string_field(body, names.recipient, &mut errors);
    let recipient = to.and_then(|text| match Recipient::parse(kind, text) {
        Ok(recipient) => Some(recipient),
        Err(error) => {
            errors.push(format!("{} {error}", names.recipient));
            None
        }
    });
    let template_id = uuid_field(body, "template_id", &mut errors).map(TemplateId::from_uuid);
    let personalisation = match body.get("personalisation") {
        None => Map::new(),
        Some(Value::Object(map)) => {
            personalisation_objects(map, &mut errors);
            map.clone()
        }
        Some(other) => {
            errors.push(format!(
                "personalisation {} is not of type object",
                repr(other)
            ));
            Map::new()
        }
    };
    let scheduled_for = match body.get("scheduled_for") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => schedule(text, now, &mut errors).map(|at| (text.clone(), at)),
        Some(other) => {
            errors.push(format!(
                "scheduled_for {} is not of type string, null",
                repr(other)
            ));
            None
        }
    };
    let sender_id = uuid_field(body, names.sender, &mut errors);

    for required in [names.recipient, "template_id"] {
        if !body.contains_key(required) {
            errors.push(format!("{required} is a required property"));
        }
    }
    let allowed = [
        "reference",
        names.recipient,
        "template_id",
        "personalisation",
        "scheduled_for",
        names.sender,
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

    match (errors.is_empty(), recipient, to, template_id) {
        (true, Some(recipient), Some(to), Some(template_id)) => Ok(SendRequest {
            recipient,
            to: to.to_owned(),
            template_id,
            personalisation,
            reference,
            scheduled_for,
            sender_id,
        }),
        _ => Err(ApiError::validation(errors)),
    }
}

/// Object values in personalisation are GC Notify's file uploads; each needs `file` and
/// `sending_method` (and `filename` to attach).
fn personalisation_objects(map: &Map<String, Value>, errors: &mut Vec<String>) {
    for value in map.values() {
        let Value::Object(object) = value else {
            continue;
        };
        for required in ["file", "sending_method"] {
            if !object.contains_key(required) {
                errors.push(format!("personalisation {required} is a required property"));
            }
        }
        if object.get("sending_method").and_then(Value::as_str) == Some("attach")
            && !object.contains_key("filename")
        {
            errors.push("personalisation filename is a required property".to_owned());
        }
        if let Some(method) = object
            .get("sending_method")
            .filter(|m| !matches!(m.as_str(), Some("attach" | "link")))
        {
            errors.push(format!(
                "personalisation {} is not one of [attach, link]",
                repr(method)
            ));
        }
        if let Some(file) = object.get("file").filter(|f| !f.is_string()) {
            errors.push(format!(
                "personalisation {} is not of type string",
                repr(file)
            ));
        }
    }
}

pub(crate) fn schedule(
    text: &str,
    now: OffsetDateTime,
    errors: &mut Vec<String>,
) -> Option<OffsetDateTime> {
    let Some(at) = parse_iso8601(text) else {
        errors.push(
            "scheduled_for datetime format is invalid. It must be a valid ISO8601 date time \
             format, https://en.wikipedia.org/wiki/ISO_8601"
                .to_owned(),
        );
        return None;
    };
    if at < now {
        errors.push("scheduled_for datetime cannot be in the past".to_owned());
        return None;
    }
    if at > now + Duration::hours(MAX_SCHEDULE_HOURS) {
        errors.push(format!(
            "scheduled_for datetime can only be up to {MAX_SCHEDULE_HOURS} hours in the future"
        ));
        return None;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-22 12:00 UTC);

    fn check(kind: NotificationType, body: &Value) -> Result<SendRequest, Vec<String>> {
        send_request(kind, body.as_object().unwrap(), NOW).map_err(|e| e.messages)
    }

    #[test]
    fn valid_email_request() {
        let ok = check(NotificationType::Email, &json!({"email_address": "a@b.ca", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6",
                   "personalisation": {"name": "Ada"}, "reference": "r1",
                   "scheduled_for": "2026-11-23T12:00:00Z"}),
        )
        .unwrap();
        assert_eq!(ok.to, "a@b.ca");
        assert_eq!(ok.scheduled_for.unwrap().1, datetime!(2026-11-23 12:00 UTC));
    }

    #[test]
    fn every_problem_reported_in_gc_order() {
        let errors = check(NotificationType::Sms, &json!({"reference": 5, "phone_number": "abc", "template_id": "x", "personalisation": [1],
                   "scheduled_for": "2026-11-21T00:00:00", "sms_sender_id": 3, "zz": 1, "aa": 2}),
        )
        .unwrap_err();
        assert_eq!(errors[0], "reference 5 is not of type string");
        assert!(errors[1].starts_with("phone_number "), "{errors:?}");
        assert_eq!(errors[2], "template_id is not a valid UUID");
        assert_eq!(errors[3], "personalisation [1] is not of type object");
        assert_eq!(errors[4], "scheduled_for datetime cannot be in the past");
        assert_eq!(errors[5], "sms_sender_id is not a valid UUID");
        assert_eq!(
            errors[6],
            "Additional properties are not allowed (aa, zz were unexpected)"
        );
    }

    #[test]
    fn missing_fields_and_bad_schedule() {
        let errors = check(
            NotificationType::Email,
            &json!({"scheduled_for": "2026-11-27T12:00:01Z"}),
        )
        .unwrap_err();
        assert_eq!(
            errors,
            vec![
                "scheduled_for datetime can only be up to 96 hours in the future",
                "email_address is a required property",
                "template_id is a required property",
            ]
        );
        let errors = check(NotificationType::Email, &json!({"email_address": "x", "template_id": "6af522d0-2915-4e52-83a3-3690455a5fe6", "scheduled_for": "soon"})).unwrap_err();
        assert_eq!(errors[0], "email_address Not a valid email address");
        assert!(errors[1].starts_with("scheduled_for datetime format is invalid."));
    }
}
