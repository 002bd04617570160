//! Template categories and API key permissions through the use cases, on both backends.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "admin/support.rs"]
mod support;

use carillon_app::App;
use carillon_app::services::CreateService;
use carillon_app::template_admin::{CreateTemplate, TemplateAdminError, TemplateChanges};
use carillon_domain::{
    ApiKeyPermission, ApiKeyPermissions, EmailLocalPart, KeyType, NotificationType, ProcessType,
    Service, TemplateCategoryId,
};

async fn service(app: &App, name: &str) -> Service {
    app.create_service(CreateService {
        name: name.to_owned(),
        email_from: EmailLocalPart::parse(&name.to_lowercase().replace(' ', ".")).unwrap(),
        live: true,
    })
    .await
    .unwrap()
}

on_both_backends!(
    categories_listed_and_templates_refuse_unknown_ones,
    keys_created_with_permissions,
);

async fn categories_listed_and_templates_refuse_unknown_ones(app: &App) {
    let visible = app.template_categories(false).await.unwrap();
    let all = app.template_categories(true).await.unwrap();
    assert_eq!((visible.len(), all.len()), (9, 12));
    assert!(visible.iter().all(|c| !c.hidden));
    let reminder = visible.iter().find(|c| c.name_en == "Reminder").unwrap();
    assert_eq!(reminder.name_fr, "Rappel");

    let ours = service(app, "Categories").await;
    let new = CreateTemplate {
        name: "Rendez-vous".to_owned(),
        kind: NotificationType::Email,
        subject: Some("Rappel".to_owned()),
        content: "Votre rendez-vous est le ((date)).".to_owned(),
        category_id: reminder.id,
        process_type_override: None,
        created_by: None,
    };
    let created = app.create_template(ours.id, new.clone()).await.unwrap();
    assert_eq!(
        (created.category_id, created.process_type),
        (reminder.id, reminder.email_process_type)
    );

    let unknown = TemplateCategoryId::new();
    let refused = app
        .create_template(
            ours.id,
            CreateTemplate {
                category_id: unknown,
                ..new
            },
        )
        .await;
    assert!(
        matches!(refused, Err(TemplateAdminError::CategoryNotFound(id)) if id == unknown),
        "{refused:?}"
    );
    let changes = TemplateChanges {
        category_id: Some(unknown),
        ..TemplateChanges::default()
    };
    let refused = app.update_template(ours.id, created.id, changes).await;
    assert!(
        matches!(refused, Err(TemplateAdminError::CategoryNotFound(_))),
        "{refused:?}"
    );
    assert_eq!(
        app.template(ours.id, created.id, None)
            .await
            .unwrap()
            .version,
        1
    );

    let chosen = TemplateChanges {
        process_type_override: Some(ProcessType::Priority),
        ..TemplateChanges::default()
    };
    let changed = app
        .update_template(ours.id, created.id, chosen)
        .await
        .unwrap();
    assert_eq!(
        (changed.category_id, changed.process_type),
        (reminder.id, ProcessType::Priority)
    );
}

async fn keys_created_with_permissions(app: &App) {
    let ours = service(app, "Key permissions").await;
    let plain = app
        .create_api_key(ours.id, "plain", KeyType::Normal)
        .await
        .unwrap();
    assert_eq!(plain.key.permissions, ApiKeyPermissions::default());
    let permissions = ApiKeyPermissions::of(&[ApiKeyPermission::ManageTemplates]);
    let manager = app
        .create_api_key_with(ours.id, "templates", KeyType::Normal, permissions)
        .await
        .unwrap();
    assert_eq!(manager.key.permissions, permissions);
    let listed = app.api_keys(ours.id).await.unwrap();
    let found = listed.iter().find(|k| k.id == manager.key.id).unwrap();
    assert!(found.permissions.has(ApiKeyPermission::ManageTemplates));
    assert!(!found.permissions.has(ApiKeyPermission::ManageReports));
}
