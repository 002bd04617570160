//! Template categories (GC Notify's): what a template is for, which sets the delivery lane its
//! messages take unless the template overrides it.

use uuid::Uuid;

use crate::ids::TemplateCategoryId;
use crate::status::NotificationType;
use crate::template::ProcessType;

/// GC Notify's hidden generic category for the bulk lane ("Low Category (Bulk)").
const GENERIC_BULK: Uuid = Uuid::from_u128(0x0dda24c2_982a_4f44_9749_0e38b2607e89);
/// GC Notify's hidden generic category for the normal lane ("Medium Category (Normal)").
const GENERIC_NORMAL: Uuid = Uuid::from_u128(0xf75d6706_21b7_437e_b93a_2c0ab771e28e);
/// GC Notify's hidden generic category for the priority lane ("High Category (Priority)").
const GENERIC_PRIORITY: Uuid = Uuid::from_u128(0xc4f87d7c_a55b_4c0f_91fe_e56c65bb1871);

impl TemplateCategoryId {
    /// The hidden generic category whose lane is `lane` on both channels. The same ids as GC
    /// Notify's, so a template moved between the two keeps its category. Templates made before
    /// categories existed were given the one matching the lane they had.
    pub const fn generic(lane: ProcessType) -> Self {
        Self::from_uuid(match lane {
            ProcessType::Bulk => GENERIC_BULK,
            ProcessType::Normal => GENERIC_NORMAL,
            ProcessType::Priority => GENERIC_PRIORITY,
        })
    }
}

/// A template category. The store holds GC Notify's defaults, seeded by a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateCategory {
    pub id: TemplateCategoryId,
    pub name_en: String,
    pub name_fr: String,
    pub description_en: Option<String>,
    pub description_fr: Option<String>,
    /// The lane of text messages from templates in this category.
    pub sms_process_type: ProcessType,
    /// The lane of emails from templates in this category.
    pub email_process_type: ProcessType,
    /// Hidden categories are not offered to people or listed by the API, but templates can be
    /// in them (the generic ones are).
    pub hidden: bool,
}

impl TemplateCategory {
    /// The lane a template of `kind` in this category takes when it has no override.
    pub fn process_type(&self, kind: NotificationType) -> ProcessType {
        match kind {
            NotificationType::Email => self.email_process_type,
            NotificationType::Sms => self.sms_process_type,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lane_has_its_own_generic_category() {
        let ids = [
            TemplateCategoryId::generic(ProcessType::Bulk),
            TemplateCategoryId::generic(ProcessType::Normal),
            TemplateCategoryId::generic(ProcessType::Priority),
        ];
        assert_ne!(ids[0], ids[1]);
        assert_ne!(ids[1], ids[2]);
        assert_ne!(ids[0], ids[2]);
        assert_eq!(ids[0].to_string(), "0dda24c2-982a-4f44-9749-0e38b2607e89");
    }

    #[test]
    fn the_lane_follows_the_channel() {
        let category = TemplateCategory {
            id: TemplateCategoryId::new(),
            name_en: "Mixed".into(),
            name_fr: "Mixte".into(),
            description_en: None,
            description_fr: None,
            sms_process_type: ProcessType::Priority,
            email_process_type: ProcessType::Bulk,
            hidden: false,
        };
        assert_eq!(
            category.process_type(NotificationType::Sms),
            ProcessType::Priority
        );
        assert_eq!(
            category.process_type(NotificationType::Email),
            ProcessType::Bulk
        );
    }
}
