//! The bodies of `POST` and `PATCH /v2/manage-template`, checked as GC Notify's JSON schemas
//! check them, with its messages (`<field> <reason>`, every problem at once).

use carillon_domain::{NotificationType, TemplateCategoryId};
use serde_json::{Map, Value};

use crate::json::repr;

/// A template to create, as the client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CreateBody {
    pub name: String,
    pub kind: NotificationType,
    pub content: String,
    pub subject: Option<String>,
    pub category: TemplateCategoryId,
    /// GC Notify's folders are not kept (yet): any folder named is unknown.
    pub parent_folder: Option<String>,
}

/// Changes to a template; absent fields keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PatchBody {
    pub name: Option<String>,
    pub content: Option<String>,
    pub subject: Option<String>,
    pub category: Option<TemplateCategoryId>,
    /// `Some(None)`: out of any folder (a no-op without folders).
    pub parent_folder: Option<Option<String>>,
}

/// Why a body was refused: every message, and whether one is about the category (GC Notify
/// answers those with its list of categories).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub messages: Vec<String>,
    pub about_category: bool,
}

const CREATE_FIELDS: [&str; 7] = [
    "name",
    "template_type",
    "content",
    "subject",
    "postage",
    "template_category_id",
    "parent_folder_id",
];
const PATCH_FIELDS: [&str; 5] = [
    "name",
    "content",
    "subject",
    "template_category_id",
    "parent_folder_id",
];

/// Collects the messages while reading fields.
struct Check<'a> {
    body: &'a Map<String, Value>,
    messages: Vec<String>,
}

impl<'a> Check<'a> {
    fn string(&mut self, field: &str) -> Option<&'a str> {
        match self.body.get(field)? {
            Value::String(text) => Some(text),
            other => {
                self.messages
                    .push(format!("{field} {} is not of type string", repr(other)));
                None
            }
        }
    }

    fn uuid(&mut self, field: &str) -> Option<&'a str> {
        let text = self.string(field)?;
        if uuid::Uuid::try_parse(text).is_err() {
            self.messages.push(format!("{field} is not a valid UUID"));
            return None;
        }
        Some(text)
    }

    fn required(&mut self, field: &str) {
        if !self.body.contains_key(field) {
            self.messages
                .push(format!("{field} is a required property"));
        }
    }

    fn only(&mut self, allowed: &[&str]) {
        for key in self.body.keys() {
            if !allowed.contains(&key.as_str()) {
                self.messages.push(format!(
                    "Additional properties are not allowed ({key} was unexpected)"
                ));
            }
        }
    }

    fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Refused> {
        if self.messages.is_empty()
            && let Some(value) = value()
        {
            return Ok(value);
        }
        let about_category = self
            .messages
            .iter()
            .any(|m| m.contains("template_category_id"));
        Err(Refused {
            messages: self.messages,
            about_category,
        })
    }
}

fn category(text: Option<&str>) -> Option<TemplateCategoryId> {
    text.and_then(|t| TemplateCategoryId::parse(t).ok())
}

/// Reads a `POST /v2/manage-template` body.
pub(crate) fn create_body(body: &Map<String, Value>) -> Result<CreateBody, Refused> {
    let mut check = Check {
        body,
        messages: Vec::new(),
    };
    let name = check.string("name");
    let kind = match body.get("template_type") {
        None => None,
        Some(Value::String(t)) if NotificationType::parse(t).is_some() => {
            NotificationType::parse(t)
        }
        Some(other) => {
            let shown = other.as_str().map_or_else(|| repr(other), str::to_owned);
            check
                .messages
                .push(format!("template_type {shown} is not one of [sms, email]"));
            None
        }
    };
    let content = check.string("content");
    let subject = check.string("subject");
    check.string("postage");
    let category_id = check.uuid("template_category_id");
    let parent_folder = check.uuid("parent_folder_id");
    for field in ["name", "template_type", "content", "template_category_id"] {
        check.required(field);
    }
    if kind == Some(NotificationType::Email) {
        check.required("subject");
    }
    check.only(&CREATE_FIELDS);
    check.finish(|| {
        Some(CreateBody {
            name: name?.to_owned(),
            kind: kind?,
            content: content?.to_owned(),
            subject: subject.map(str::to_owned),
            category: category(category_id)?,
            parent_folder: parent_folder.map(str::to_owned),
        })
    })
}

/// Reads a `PATCH /v2/manage-template/{id}` body.
pub(crate) fn patch_body(body: &Map<String, Value>) -> Result<PatchBody, Refused> {
    let mut check = Check {
        body,
        messages: Vec::new(),
    };
    let name = check.string("name");
    let content = check.string("content");
    let subject = check.string("subject");
    let category_id = check.uuid("template_category_id");
    let parent_folder = match body.get("parent_folder_id") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(_) => check.uuid("parent_folder_id").map(|t| Some(t.to_owned())),
    };
    check.only(&PATCH_FIELDS);
    check.finish(|| {
        Some(PatchBody {
            name: name.map(str::to_owned),
            content: content.map(str::to_owned),
            subject: subject.map(str::to_owned),
            category: category_id.and_then(|t| TemplateCategoryId::parse(t).ok()),
            parent_folder,
        })
    })
}

#[cfg(test)]
mod tests;
