//! Templates, their versions and the delivery lane their messages take.

use time::OffsetDateTime;

use crate::ids::{ServiceId, TemplateCategoryId, TemplateId};
use crate::status::NotificationType;

/// The delivery lane a template's messages take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProcessType {
    /// Authentication codes and the like: never wait behind bulk sends.
    Priority,
    /// Ordinary messages.
    Normal,
    /// Mass sends.
    Bulk,
}

impl ProcessType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessType::Priority => "priority",
            ProcessType::Normal => "normal",
            ProcessType::Bulk => "bulk",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "priority" => Some(ProcessType::Priority),
            "normal" => Some(ProcessType::Normal),
            "bulk" => Some(ProcessType::Bulk),
            _ => None,
        }
    }
}

/// One version of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub id: TemplateId,
    pub service_id: ServiceId,
    pub name: String,
    pub kind: NotificationType,
    /// Email only.
    pub subject: Option<String>,
    pub content: String,
    /// Starts at 1; every change makes a new immutable version.
    pub version: i32,
    pub archived: bool,
    /// The lane messages take: the override if there is one, else the category's lane for
    /// the channel. Kept with the template so sending never needs the category.
    pub process_type: ProcessType,
    pub category_id: TemplateCategoryId,
    /// A lane chosen for this template rather than taken from its category.
    pub process_type_override: Option<ProcessType>,
    pub text_direction_rtl: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: Option<OffsetDateTime>,
    /// Who made this version (an email address), if known.
    pub created_by: Option<String>,
}

/// What is needed to create a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTemplate {
    pub id: TemplateId,
    pub service_id: ServiceId,
    pub name: String,
    pub kind: NotificationType,
    pub subject: Option<String>,
    pub content: String,
    /// The store takes the lane from the category unless this overrides it.
    pub category_id: TemplateCategoryId,
    pub process_type_override: Option<ProcessType>,
    pub created_by: Option<String>,
}

/// A change to a template; fields left `None` keep their value. Makes a new version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateUpdate {
    pub name: Option<String>,
    pub subject: Option<String>,
    pub content: Option<String>,
    /// A new category; the lane follows it unless the template has an override.
    pub category_id: Option<TemplateCategoryId>,
    /// Sets an override (there is no way back to the category's lane yet).
    pub process_type_override: Option<ProcessType>,
    pub archived: Option<bool>,
    pub created_by: Option<String>,
}
