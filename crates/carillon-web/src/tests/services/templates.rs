//! The template pages: create with a preview, edit into a new version, read the versions,
//! archive behind a confirmation; the form's errors; who may do what.

use axum::http::StatusCode;
use carillon_domain::MemberPermission;

use super::{Fx, Person, location, renders_in_both};

/// The template id at the end of a redirect to its page (`…/templates/<id>?done=…`).
fn template_id(to: &str) -> String {
    let path = to.split('?').next().unwrap();
    path.rsplit('/').next().unwrap().to_owned()
}

/// The id of the first category a person may choose.
async fn first_category(fx: &Fx) -> String {
    fx.app.template_categories(false).await.unwrap()[0]
        .id
        .to_string()
}

/// Chooses `kind` and creates a template from `fields`; the template's page address.
async fn create(
    fx: &Fx,
    person: &Person,
    base: &str,
    kind: &str,
    fields: &[(&str, &str)],
) -> String {
    let create = format!("{base}/create");
    let chosen = fx
        .post_as(person, &create, &create, &[("kind", kind)])
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.body);
    let form = location(&chosen).to_owned();
    assert_eq!(form, format!("{base}/new/{kind}"));
    let category = first_category(fx).await;
    let mut all = vec![("action", "save"), ("category", category.as_str())];
    all.extend_from_slice(fields);
    let saved = fx.post_as(person, &form, &form, &all).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    location(&saved).to_owned()
}

#[tokio::test]
async fn a_template_is_previewed_created_edited_versioned_and_archived() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let base = format!("/services/{}/templates", service.id);
    let list = renders_in_both(&fx, &ada, &base, "Templates").await;
    assert!(list.body.contains("No templates match."), "{}", list.body);
    renders_in_both(
        &fx,
        &ada,
        &format!("{base}/create"),
        "What type of template do you want to create?",
    )
    .await;
    let form = format!("{base}/new/email");
    renders_in_both(&fx, &ada, &form, "Create an email template").await;

    // Preview: the form again, with the placeholders named once each.
    let fields = [
        ("name", "Renewal reminder"),
        ("subject", "Your passport, ((name))"),
        (
            "content",
            "Hello ((name)),\r\n\r\nRenew by ((date)). ((Name))",
        ),
    ];
    let mut previewing = vec![("action", "preview")];
    previewing.extend_from_slice(&fields);
    let preview = fx.post_as(&ada, &form, &form, &previewing).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(
        preview.body.contains("<li><code>((name))</code></li>"),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("<li><code>((date))</code></li>"));
    assert_eq!(
        preview.body.matches("<li><code>((").count(),
        2,
        "names once each"
    );
    assert!(
        preview.body.contains("value=\"Renewal reminder\""),
        "the form keeps what was typed"
    );
    assert!(
        fx.app.templates(service.id, None).await.unwrap().is_empty(),
        "not saved"
    );

    let page = create(&fx, &ada, &base, "email", &fields).await;
    assert!(page.ends_with("?done=created"), "{page}");
    let shown = fx.get_as(&ada, &page).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(shown.body.contains("The template was created."));
    assert!(
        shown.body.contains("Hello ((name)),\n\nRenew by ((date))."),
        "LF line ends: {}",
        shown.body
    );
    let id = template_id(&page);
    let template = format!("{base}/{id}");
    let stored = &fx.app.templates(service.id, None).await.unwrap()[0];
    assert_eq!(stored.created_by.as_deref(), Some("ada@example.gc.ca"));

    let edit = format!("{template}/edit");
    let category = first_category(&fx).await;
    let edited = renders_in_both(&fx, &ada, &edit, "Edit the template").await;
    assert!(
        edited
            .body
            .contains(&format!("value=\"{category}\" checked")),
        "the template's category is chosen: {}",
        edited.body
    );
    assert!(
        edited.body.contains("Renew by ((date))."),
        "{}",
        edited.body
    );
    let saved = fx
        .post_as(
            &ada,
            &edit,
            &edit,
            &[
                ("action", "save"),
                ("category", category.as_str()),
                ("name", "Renewal reminder"),
                ("subject", "Your passport"),
                ("content", "Version two"),
            ],
        )
        .await;
    assert_eq!(location(&saved), format!("{template}?done=saved"));
    let versions = renders_in_both(
        &fx,
        &ada,
        &format!("{template}/versions"),
        "Previous versions",
    )
    .await;
    assert!(
        versions.body.contains("Version 2") && versions.body.contains("Version 1"),
        "{}",
        versions.body
    );
    let first = renders_in_both(&fx, &ada, &format!("{template}/versions/1"), "Template").await;
    assert!(first.body.contains("Renew by ((date))"), "{}", first.body);
    assert!(first.body.contains("You are looking at version 1."));
    assert!(
        !first.body.contains("Edit this template"),
        "old versions are read only"
    );

    let archive = format!("{template}/archive");
    let confirm = renders_in_both(&fx, &ada, &archive, "Delete this template").await;
    assert!(confirm.body.contains("Renewal reminder"));
    let archived = fx.post_as(&ada, &archive, &archive, &[]).await;
    assert_eq!(location(&archived), format!("{base}?archived=1"));
    let list = fx.get_as(&ada, location(&archived)).await;
    assert!(
        list.body.contains("The template was deleted."),
        "{}",
        list.body
    );
    assert!(!list.body.contains("Renewal reminder"));
    assert_eq!(
        fx.get_as(&ada, &edit).await.status,
        StatusCode::NOT_FOUND,
        "an archived template is not editable"
    );
}

#[tokio::test]
async fn the_list_filters_by_type_and_name() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let base = format!("/services/{}/templates", service.id);
    create(
        &fx,
        &ada,
        &base,
        "email",
        &[
            ("name", "Renewal email"),
            ("subject", "S"),
            ("content", "Body"),
        ],
    )
    .await;
    create(
        &fx,
        &ada,
        &base,
        "sms",
        &[("name", "Renewal text"), ("content", "Body")],
    )
    .await;
    create(
        &fx,
        &ada,
        &base,
        "sms",
        &[("name", "Appointment text"), ("content", "Body")],
    )
    .await;

    let all = fx.get_as(&ada, &base).await;
    assert_eq!(
        all.body.matches("<tr><td><a href=").count(),
        3,
        "{}",
        all.body
    );
    let texts = fx.get_as(&ada, &format!("{base}?kind=sms")).await;
    assert_eq!(texts.body.matches("<tr><td><a href=").count(), 2);
    assert!(
        texts
            .body
            .contains(&format!("href=\"{base}?kind=sms\" aria-current=\"page\"")),
        "{}",
        texts.body
    );
    let named = fx.get_as(&ada, &format!("{base}?kind=sms&q=RENEWAL")).await;
    assert_eq!(named.body.matches("<tr><td><a href=").count(), 1);
    assert!(named.body.contains("Renewal text"));
    // The type links keep the search.
    assert!(
        named
            .body
            .contains(&format!("href=\"{base}?kind=email&#38;q=RENEWAL\"")),
        "{}",
        named.body
    );
}

#[tokio::test]
async fn the_form_shows_every_error_on_its_field_and_counts_text_message_parts() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    let base = format!("/services/{}/templates", service.id);
    let email = format!("{base}/new/email");
    let cases = [
        (
            vec![("name", ""), ("subject", "S"), ("content", "Body")],
            "#name",
            "Enter a template name of at most 255 characters",
        ),
        (
            vec![("name", "N"), ("subject", " "), ("content", "Body")],
            "#subject",
            "Enter a subject",
        ),
        (
            vec![("name", "N"), ("subject", "S"), ("content", "  ")],
            "#content",
            "Enter a message",
        ),
    ];
    for (fields, anchor, message) in cases {
        for action in ["save", "preview"] {
            let mut all = vec![("action", action)];
            all.extend_from_slice(&fields);
            let answer = fx.post_as(&ada, &email, &email, &all).await;
            assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{message}");
            assert_eq!(answer.title(), "Error: Create an email template – Carillon");
            assert!(
                answer
                    .body
                    .contains(&format!("<a href=\"{anchor}\">{message}</a>")),
                "{}",
                answer.body
            );
        }
    }
    let no_category = fx
        .post_as(
            &ada,
            &email,
            &email,
            &[
                ("action", "save"),
                ("name", "N"),
                ("subject", "S"),
                ("content", "Body"),
            ],
        )
        .await;
    assert_eq!(no_category.status, StatusCode::BAD_REQUEST);
    assert!(
        no_category
            .body
            .contains("<a href=\"#category-first\">Choose a category</a>"),
        "{}",
        no_category.body
    );
    assert!(no_category.body.contains("id=\"category-first\""));
    let sms = format!("{base}/new/sms");
    let long = "a".repeat(613);
    let answer = fx
        .post_as(
            &ada,
            &sms,
            &sms,
            &[("action", "save"), ("name", "N"), ("content", &long)],
        )
        .await;
    assert!(
        answer
            .body
            .contains("A text message can be at most 612 characters"),
        "{}",
        answer.body
    );
    // 161 characters with the service's name in front: two parts.
    let text = "b".repeat(161 - "Passport renewals: ".len());
    let preview = fx
        .post_as(
            &ada,
            &sms,
            &sms,
            &[("action", "preview"), ("name", "N"), ("content", &text)],
        )
        .await;
    assert!(
        preview
            .body
            .contains("161 characters, sent as 2 text message parts."),
        "{}",
        preview.body
    );
    // The same error in French (the language stays chosen for the session).
    let french = fx
        .post_as(
            &ada,
            &format!("{sms}?lang=fr"),
            &sms,
            &[("action", "save"), ("name", "N"), ("content", &long)],
        )
        .await;
    assert!(
        french
            .body
            .contains("Un message texte peut compter au plus 612 caractères"),
        "{}",
        french.body
    );
    assert!(fx.app.templates(service.id, None).await.unwrap().is_empty());
}

#[tokio::test]
async fn members_without_manage_templates_only_read() {
    let fx = Fx::new().await;
    let ada = fx.person("Ada", false).await;
    let sender = fx.person("Grace", false).await;
    let viewer = fx.person("Katherine", false).await;
    let stranger = fx.person("Mary", false).await;
    let service = fx.service(&ada, "Passport renewals").await;
    fx.join(
        &ada,
        &service,
        &sender,
        vec![MemberPermission::SendMessages],
    )
    .await;
    fx.join(
        &ada,
        &service,
        &viewer,
        vec![MemberPermission::ViewActivity],
    )
    .await;
    let base = format!("/services/{}/templates", service.id);
    let page = create(
        &fx,
        &ada,
        &base,
        "sms",
        &[("name", "Reminder"), ("content", "Hi ((name))")],
    )
    .await;
    let template = format!("{base}/{}", template_id(&page));

    let list = fx.get_as(&sender, &base).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(!list.body.contains("Create a template"), "{}", list.body);
    let shown = fx.get_as(&sender, &template).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        !shown.body.contains("Edit this template") && !shown.body.contains("Previous versions")
    );
    for uri in [
        format!("{base}/create"),
        format!("{base}/new/sms"),
        format!("{template}/edit"),
        format!("{template}/archive"),
        format!("{template}/versions"),
        format!("{template}/versions/1"),
    ] {
        assert_eq!(
            fx.get_as(&sender, &uri).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }
    let posted = fx
        .post_as(&sender, &base, &format!("{template}/archive"), &[])
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert_eq!(
        fx.get_as(&viewer, &format!("{template}/versions"))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        fx.get_as(&viewer, &format!("{template}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fx.get_as(&stranger, &template).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        fx.get_as(&ada, &format!("{base}/not-an-id")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        fx.get_as(&ada, &format!("{template}/versions/9"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
