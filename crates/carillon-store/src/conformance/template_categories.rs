//! Checks for template categories: GC Notify's defaults, and the lane they give templates.

use carillon_domain::{
    NewTemplate, NotificationType, ProcessType, TemplateCategoryId, TemplateId, TemplateUpdate,
};

use super::fixtures::{at, service};
use crate::{Store, StoreError};

/// GC Notify's "Authentication" category.
const AUTHENTICATION: &str = "b6c42a7e-2a26-4a07-802b-123a5c3198a9";
/// GC Notify's "Information blast" category.
const INFORMATION_BLAST: &str = "207b293c-2ae5-48e8-836d-fcabd60b2153";

fn category(id: &str) -> TemplateCategoryId {
    TemplateCategoryId::parse(id).unwrap()
}

/// The store holds GC Notify's twelve defaults, by English name: nine to choose from and the
/// three hidden generic ones, one per lane.
pub async fn template_categories_are_gc_defaults(store: &dyn Store) {
    let all = store.template_categories().await.unwrap();
    let names: Vec<&str> = all.iter().map(|c| c.name_en.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "ordered by English name");
    assert_eq!(all.len(), 12, "{names:?}");
    assert_eq!(all.iter().filter(|c| !c.hidden).count(), 9);
    for lane in [
        ProcessType::Bulk,
        ProcessType::Normal,
        ProcessType::Priority,
    ] {
        let generic = store
            .template_category(TemplateCategoryId::generic(lane))
            .await
            .unwrap()
            .expect("a generic category per lane");
        assert!(generic.hidden);
        assert_eq!(generic.process_type(NotificationType::Email), lane);
        assert_eq!(generic.process_type(NotificationType::Sms), lane);
    }
    let auth = store
        .template_category(category(AUTHENTICATION))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (auth.name_en.as_str(), auth.name_fr.as_str()),
        ("Authentication", "Authentification")
    );
    assert_eq!(auth.email_process_type, ProcessType::Priority);
    assert!(
        auth.description_fr
            .as_deref()
            .unwrap()
            .contains("deux facteurs")
    );
    assert!(!auth.hidden);
    let unknown = store
        .template_category(TemplateCategoryId::new())
        .await
        .unwrap();
    assert_eq!(unknown, None);
}

/// A template takes its category's lane until it overrides it; changing the category moves
/// the lane only when there is no override. An unknown category is refused.
pub async fn template_lane_follows_its_category(store: &dyn Store) {
    let ours = service(store, "Categories").await;
    let mut new = NewTemplate {
        id: TemplateId::new(),
        service_id: ours.id,
        name: "Code".to_owned(),
        kind: NotificationType::Sms,
        subject: None,
        content: "Your code is ((code))".to_owned(),
        category_id: category(AUTHENTICATION),
        process_type_override: None,
        created_by: None,
    };
    let created = store.create_template(&new, at(1)).await.unwrap();
    assert_eq!(created.category_id, category(AUTHENTICATION));
    assert_eq!(
        (created.process_type, created.process_type_override),
        (ProcessType::Priority, None)
    );
    assert_eq!(
        store.template(ours.id, new.id).await.unwrap().unwrap(),
        created
    );

    let moved = TemplateUpdate {
        category_id: Some(category(INFORMATION_BLAST)),
        ..TemplateUpdate::default()
    };
    let v2 = store
        .update_template(ours.id, new.id, &moved, at(2))
        .await
        .unwrap();
    assert_eq!(
        (v2.category_id, v2.process_type),
        (category(INFORMATION_BLAST), ProcessType::Bulk)
    );

    let chosen = TemplateUpdate {
        process_type_override: Some(ProcessType::Normal),
        ..TemplateUpdate::default()
    };
    let v3 = store
        .update_template(ours.id, new.id, &chosen, at(3))
        .await
        .unwrap();
    assert_eq!(
        (v3.process_type, v3.process_type_override),
        (ProcessType::Normal, Some(ProcessType::Normal))
    );
    let back = TemplateUpdate {
        category_id: Some(category(AUTHENTICATION)),
        ..TemplateUpdate::default()
    };
    let v4 = store
        .update_template(ours.id, new.id, &back, at(4))
        .await
        .unwrap();
    assert_eq!(
        (v4.category_id, v4.process_type),
        (category(AUTHENTICATION), ProcessType::Normal)
    );
    assert_eq!(store.template(ours.id, new.id).await.unwrap().unwrap(), v4);
    // Each version keeps the category and lane it had.
    let old = store
        .template_version(ours.id, new.id, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old, v2);

    let unknown = TemplateUpdate {
        category_id: Some(TemplateCategoryId::new()),
        ..TemplateUpdate::default()
    };
    let refused = store
        .update_template(ours.id, new.id, &unknown, at(5))
        .await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(
        store
            .template(ours.id, new.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        4
    );

    new.id = TemplateId::new();
    new.category_id = TemplateCategoryId::new();
    let refused = store.create_template(&new, at(6)).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "{refused:?}");
    assert_eq!(store.template(ours.id, new.id).await.unwrap(), None);
}
