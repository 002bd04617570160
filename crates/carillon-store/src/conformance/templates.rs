//! Checks for templates and their versions.

use carillon_domain::{
    NewTemplate, NotificationType, ProcessType, Template, TemplateId, TemplateUpdate,
};

use super::fixtures::{at, micros, service, template};
use crate::{Store, StoreError};

/// A new template is version 1 and reads back exactly, as latest and as version 1.
pub async fn templates_create_and_read(store: &dyn Store) {
    let ours = service(store, "Templates").await;
    let new = NewTemplate {
        id: TemplateId::new(),
        service_id: ours.id,
        name: "Rappel — rendez-vous".to_owned(),
        kind: NotificationType::Email,
        subject: Some("Votre rendez-vous ((date)) 📅".to_owned()),
        content: "Bonjour ((name)),\n\n* un\n* deux\n\n^ Note".to_owned(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Priority),
        process_type_override: None,
        created_by: Some("author@example.com".to_owned()),
    };
    let now = at(1).replace_nanosecond(5_000_999).unwrap();
    let created = store.create_template(&new, now).await.unwrap();
    let expected = Template {
        id: new.id,
        service_id: ours.id,
        name: new.name.clone(),
        kind: new.kind,
        subject: new.subject.clone(),
        content: new.content.clone(),
        version: 1,
        archived: false,
        process_type: ProcessType::Priority,
        category_id: new.category_id,
        process_type_override: None,
        text_direction_rtl: false,
        created_at: micros(now),
        updated_at: None,
        created_by: new.created_by.clone(),
    };
    assert_eq!(created, expected);
    assert_eq!(
        store.template(ours.id, new.id).await.unwrap(),
        Some(expected.clone())
    );
    assert_eq!(
        store.template_version(ours.id, new.id, 1).await.unwrap(),
        Some(expected)
    );
    assert_eq!(
        store.template_version(ours.id, new.id, 2).await.unwrap(),
        None
    );
    assert_eq!(
        store.template(ours.id, TemplateId::new()).await.unwrap(),
        None
    );
}

/// Each update makes the next version; earlier versions stay readable, unchanged.
pub async fn templates_update_makes_a_new_version(store: &dyn Store) {
    let ours = service(store, "Versions").await;
    let v1 = template(store, &ours, NotificationType::Email, at(1)).await;
    let update = TemplateUpdate {
        content: Some("Bonjour ((name))".to_owned()),
        created_by: Some("editor@example.com".to_owned()),
        ..TemplateUpdate::default()
    };
    let v2 = store
        .update_template(ours.id, v1.id, &update, at(2))
        .await
        .unwrap();
    let expected = Template {
        version: 2,
        content: "Bonjour ((name))".to_owned(),
        created_by: Some("editor@example.com".to_owned()),
        updated_at: Some(at(2)),
        ..v1.clone()
    };
    assert_eq!(v2, expected);

    let update = TemplateUpdate {
        name: Some("Renamed".to_owned()),
        subject: Some("New subject".to_owned()),
        process_type_override: Some(ProcessType::Bulk),
        ..TemplateUpdate::default()
    };
    let v3 = store
        .update_template(ours.id, v1.id, &update, at(3))
        .await
        .unwrap();
    let expected = Template {
        version: 3,
        name: "Renamed".to_owned(),
        subject: Some("New subject".to_owned()),
        process_type: ProcessType::Bulk,
        process_type_override: Some(ProcessType::Bulk),
        updated_at: Some(at(3)),
        ..v2.clone()
    };
    assert_eq!(v3, expected);

    assert_eq!(
        store.template(ours.id, v1.id).await.unwrap(),
        Some(v3.clone())
    );
    assert_eq!(
        store.template_version(ours.id, v1.id, 1).await.unwrap(),
        Some(v1.clone())
    );
    assert_eq!(
        store.template_version(ours.id, v1.id, 2).await.unwrap(),
        Some(v2.clone())
    );
    assert_eq!(
        store.template_version(ours.id, v1.id, 3).await.unwrap(),
        Some(v3.clone())
    );
    assert_eq!(store.templates(ours.id, None).await.unwrap().len(), 1);
    // Every version, newest first; none through another service.
    assert_eq!(
        store.template_versions(ours.id, v1.id).await.unwrap(),
        vec![v3, v2, v1.clone()]
    );
    let other = service(store, "Other").await;
    let versions = store.template_versions(other.id, v1.id).await.unwrap();
    assert!(versions.is_empty());

    let result = store
        .update_template(ours.id, TemplateId::new(), &update, at(4))
        .await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// An archived template is still readable by id (old notifications name it) but not listed.
pub async fn templates_archived_readable_not_listed(store: &dyn Store) {
    let ours = service(store, "Archive").await;
    let kept = template(store, &ours, NotificationType::Sms, at(1)).await;
    let gone = template(store, &ours, NotificationType::Sms, at(2)).await;
    let archive = TemplateUpdate {
        archived: Some(true),
        ..TemplateUpdate::default()
    };
    let archived = store
        .update_template(ours.id, gone.id, &archive, at(3))
        .await
        .unwrap();
    assert!(archived.archived);
    assert_eq!(archived.version, 2);

    assert_eq!(
        store.template(ours.id, gone.id).await.unwrap(),
        Some(archived)
    );
    assert_eq!(
        store.template_version(ours.id, gone.id, 1).await.unwrap(),
        Some(gone.clone())
    );
    assert_eq!(
        store.templates(ours.id, None).await.unwrap(),
        std::slice::from_ref(&kept)
    );
    assert_eq!(
        store
            .templates(ours.id, Some(NotificationType::Sms))
            .await
            .unwrap(),
        [kept]
    );

    let restore = TemplateUpdate {
        archived: Some(false),
        ..TemplateUpdate::default()
    };
    let restored = store
        .update_template(ours.id, gone.id, &restore, at(4))
        .await
        .unwrap();
    assert_eq!(restored.version, 3);
    assert_eq!(store.templates(ours.id, None).await.unwrap().len(), 2);
}

/// Listing is oldest first, filtered by channel, and only the service's own.
pub async fn templates_listed_by_kind_oldest_first(store: &dyn Store) {
    let ours = service(store, "Listing").await;
    let theirs = service(store, "Listing other").await;
    let email_1 = template(store, &ours, NotificationType::Email, at(1)).await;
    let sms = template(store, &ours, NotificationType::Sms, at(2)).await;
    let email_2 = template(store, &ours, NotificationType::Email, at(3)).await;
    template(store, &theirs, NotificationType::Email, at(4)).await;
    // An update moves a template to its latest version but not in the order.
    let update = TemplateUpdate {
        content: Some("v2".to_owned()),
        ..TemplateUpdate::default()
    };
    let email_1 = store
        .update_template(ours.id, email_1.id, &update, at(5))
        .await
        .unwrap();

    let all = store.templates(ours.id, None).await.unwrap();
    assert_eq!(all, [email_1.clone(), sms.clone(), email_2.clone()]);
    let emails = store
        .templates(ours.id, Some(NotificationType::Email))
        .await
        .unwrap();
    assert_eq!(emails, [email_1, email_2]);
    assert_eq!(
        store
            .templates(ours.id, Some(NotificationType::Sms))
            .await
            .unwrap(),
        [sms]
    );
}

/// Another service's template is invisible and cannot be changed.
pub async fn templates_scoped_to_service(store: &dyn Store) {
    let ours = service(store, "Scoped").await;
    let theirs = service(store, "Scoped other").await;
    let mine = template(store, &ours, NotificationType::Email, at(1)).await;
    assert_eq!(store.template(theirs.id, mine.id).await.unwrap(), None);
    assert_eq!(
        store.template_version(theirs.id, mine.id, 1).await.unwrap(),
        None
    );
    let update = TemplateUpdate {
        name: Some("stolen".to_owned()),
        ..TemplateUpdate::default()
    };
    let result = store
        .update_template(theirs.id, mine.id, &update, at(2))
        .await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
    assert_eq!(store.template(ours.id, mine.id).await.unwrap(), Some(mine));
    assert_eq!(store.templates(theirs.id, None).await.unwrap(), []);
}
