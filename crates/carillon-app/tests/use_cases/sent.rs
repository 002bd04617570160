//! The sent-messages use cases: a search typed as a person would, pages through the cursor,
//! and the CSV export streamed with the caller's headers.

use carillon_app::sent::{CsvHeaders, SentQuery, parse_search};
use carillon_domain::{KeyType, NotificationId, NotificationStatus, NotificationType, StatusGroup};

use super::fixture::{Fixture, input};

/// Sends an email to each address in turn; returns their ids, oldest first.
pub(crate) async fn send_all(f: &Fixture, to: &[&str]) -> Vec<NotificationId> {
    let mut ids = Vec::new();
    for address in to {
        let accepted = f
            .app
            .send(input(f, KeyType::Normal, address))
            .await
            .unwrap();
        ids.push(accepted.id);
    }
    ids
}

pub(crate) async fn search_and_pages(f: &Fixture) {
    let sent = send_all(
        f,
        &[
            "ada@example.ca",
            "bob@example.ca",
            "Ada@Example.ca",
            "cy@example.ca",
            "ada@example.ca",
        ],
    )
    .await;
    let query = SentQuery {
        recipient: Some(parse_search(" ADA@example.CA ").unwrap()),
        ..SentQuery::default()
    };
    let page = f
        .app
        .sent_messages(f.service.id, &query, None, 50)
        .await
        .unwrap();
    let found: Vec<_> = page.notifications.iter().map(|n| n.id).collect();
    assert_eq!(found, [sent[4], sent[2], sent[0]]);
    assert_eq!(page.next, None);

    // Pages of two over everything: 2, 2, 1, each pointing at the next.
    let all = SentQuery {
        kind: Some(NotificationType::Email),
        status_group: Some(StatusGroup::Sending),
        ..SentQuery::default()
    };
    let first = f
        .app
        .sent_messages(f.service.id, &all, None, 2)
        .await
        .unwrap();
    let ids = |page: &carillon_app::sent::SentPage| -> Vec<NotificationId> {
        page.notifications.iter().map(|n| n.id).collect()
    };
    assert_eq!(ids(&first), [sent[4], sent[3]]);
    assert_eq!(first.next, Some(sent[3]));
    let second = f
        .app
        .sent_messages(f.service.id, &all, first.next, 2)
        .await
        .unwrap();
    assert_eq!(ids(&second), [sent[2], sent[1]]);
    let third = f
        .app
        .sent_messages(f.service.id, &all, second.next, 2)
        .await
        .unwrap();
    assert_eq!(ids(&third), [sent[0]]);
    assert_eq!(third.next, None);

    // Nothing has been delivered yet.
    let delivered = SentQuery {
        status_group: Some(StatusGroup::Delivered),
        ..SentQuery::default()
    };
    let page = f
        .app
        .sent_messages(f.service.id, &delivered, None, 50)
        .await
        .unwrap();
    assert!(page.notifications.is_empty());
}

pub(crate) async fn csv_export(f: &Fixture) {
    let sent = send_all(f, &["ada@example.ca", "=cmd@example.ca", "bob@example.ca"]).await;
    let headers = CsvHeaders {
        recipient: "Destinataire".to_owned(),
        template: "Gabarit".to_owned(),
        status: "État".to_owned(),
        created_at: "Envoyé le".to_owned(),
        updated_at: "Mis à jour le".to_owned(),
    };
    let label = |status: NotificationStatus, _kind: NotificationType| format!("« {status} »");
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let app = f.app.clone();
    let service = f.service.id;
    let export = tokio::spawn(async move {
        app.export_sent_csv(service, &SentQuery::default(), &headers, &label, &tx)
            .await
            .unwrap()
    });
    let mut bytes = Vec::new();
    while let Some(piece) = rx.recv().await {
        bytes.extend(piece);
    }
    assert_eq!(export.await.unwrap(), 3);
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(
        lines[0],
        "Destinataire,Gabarit,État,Envoyé le,Mis à jour le"
    );
    assert_eq!(lines.len(), 4, "{text}");
    let stored = f
        .app
        .store()
        .notification(f.service.id, sent[2])
        .await
        .unwrap()
        .unwrap();
    let created = stored
        .created_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    assert_eq!(
        lines[1],
        format!("bob@example.ca,email template,« created »,{created},")
    );
    assert!(
        lines[2].starts_with("\"'=cmd@example.ca\",email template,"),
        "{}",
        lines[2]
    );
    assert!(lines[3].starts_with("ada@example.ca,"));

    // A selection with nothing in it is the header alone.
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let none = SentQuery {
        recipient: Some(parse_search("nobody@example.ca").unwrap()),
        ..SentQuery::default()
    };
    let headers = CsvHeaders {
        recipient: "Recipient".to_owned(),
        template: "Template".to_owned(),
        status: "Status".to_owned(),
        created_at: "Sent".to_owned(),
        updated_at: "Updated".to_owned(),
    };
    let written = f
        .app
        .export_sent_csv(f.service.id, &none, &headers, &label, &tx)
        .await
        .unwrap();
    drop(tx);
    assert_eq!(written, 0);
    let mut pieces = Vec::new();
    while let Some(piece) = rx.recv().await {
        pieces.push(String::from_utf8(piece).unwrap());
    }
    assert_eq!(pieces, ["Recipient,Template,Status,Sent,Updated\r\n"]);
}
