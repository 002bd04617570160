//! Checks for the built-in outbox.

use carillon_domain::{NotificationId, NotificationType, Service};
use time::OffsetDateTime;

use super::fixtures::{T0, at, micros, service};
use crate::{OutboxMessage, Store};

/// The `n`th SMS of a check, as the outbox keeps it.
fn sms(service: &Service, n: u32, created_at: OffsetDateTime) -> OutboxMessage {
    OutboxMessage {
        notification_id: NotificationId::new(),
        service_id: service.id,
        kind: NotificationType::Sms,
        to: format!("+1613555{n:04}"),
        from: "GCNotify".to_owned(),
        reply_to: None,
        subject: None,
        html: None,
        text: format!("Message {n}"),
        created_at,
    }
}

/// Every field reads back as written (unicode, empty and absent values), with times at
/// microsecond precision; a message for the same notification replaces the earlier one.
pub async fn outbox_round_trip_and_replace(store: &dyn Store) {
    let ours = service(store, "Outbox").await;
    let email = OutboxMessage {
        notification_id: NotificationId::new(),
        service_id: ours.id,
        kind: NotificationType::Email,
        to: "Zoë.Ñandú+test@Exämple.gc.ca".to_owned(),
        from: "\"Service — Zoë «Ñ»\" <outbox.service@notification.canada.ca>".to_owned(),
        reply_to: Some("réponse@example.gc.ca".to_owned()),
        subject: Some("Votre demande — ✔ 🎉".to_owned()),
        html: Some("<!DOCTYPE html>\n<html><body><p>Bonjour Zoë,</p>\r\n</body></html>".to_owned()),
        text: "Bonjour Zoë,\n\n* un\n* deux 🎉\n\n^ مرحبا\r\nfin".to_owned(),
        created_at: T0.replace_nanosecond(123_456_789).unwrap(),
    };
    let bare = OutboxMessage {
        text: String::new(),
        ..sms(&ours, 1, at(2))
    };
    store
        .put_outbox(&[email.clone(), bare.clone()])
        .await
        .unwrap();
    store.put_outbox(&[]).await.unwrap();
    let read = store.outbox_message(email.notification_id).await.unwrap();
    let expected = OutboxMessage {
        created_at: micros(email.created_at),
        ..email.clone()
    };
    assert_eq!(read, Some(expected));
    let read = store.outbox_message(bare.notification_id).await.unwrap();
    assert_eq!(read, Some(bare.clone()));
    let unknown = store.outbox_message(NotificationId::new()).await.unwrap();
    assert_eq!(unknown, None);

    // Delivered again: the new message replaces the old one. In one batch, the last counts.
    let again = OutboxMessage {
        subject: Some("Second attempt".to_owned()),
        html: None,
        text: "Second attempt".to_owned(),
        created_at: at(3),
        ..email.clone()
    };
    let last = OutboxMessage {
        text: "Third attempt".to_owned(),
        ..again.clone()
    };
    store
        .put_outbox(std::slice::from_ref(&again))
        .await
        .unwrap();
    let read = store.outbox_message(email.notification_id).await.unwrap();
    assert_eq!(read, Some(again.clone()));
    store.put_outbox(&[again, last.clone()]).await.unwrap();
    let read = store.outbox_message(email.notification_id).await.unwrap();
    assert_eq!(read, Some(last.clone()));
    assert_eq!(store.outbox(10, None).await.unwrap(), [last, bare]);
}

/// Newest first by `created_at`, then most recently stored first; `before` pages back from a
/// message, and a replaced message counts as newly stored.
pub async fn outbox_newest_first_with_paging(store: &dyn Store) {
    let ours = service(store, "Outbox pages").await;
    let oldest = sms(&ours, 0, at(10));
    let older = sms(&ours, 1, at(11));
    let old = sms(&ours, 2, at(12));
    // Two at the same time: the one stored last is newer.
    let tied_first = sms(&ours, 3, at(20));
    let tied_second = sms(&ours, 4, at(20));
    let newest = sms(&ours, 5, at(30));
    let batches = [
        vec![old.clone(), oldest.clone(), older.clone()],
        vec![tied_first.clone(), tied_second.clone()],
        vec![newest.clone()],
    ];
    for batch in &batches {
        store.put_outbox(batch).await.unwrap();
    }

    let page = |limit, before: Option<&OutboxMessage>| {
        store.outbox(limit, before.map(|message| message.notification_id))
    };
    let first = [newest.clone(), tied_second.clone()];
    assert_eq!(page(2, None).await.unwrap(), first);
    let second = [tied_first.clone(), old.clone()];
    assert_eq!(page(2, Some(&tied_second)).await.unwrap(), second);
    let third = [older.clone(), oldest.clone()];
    assert_eq!(page(2, Some(&old)).await.unwrap(), third);
    let rest = [old.clone(), older.clone(), oldest.clone()];
    assert_eq!(page(10, Some(&tied_first)).await.unwrap(), rest);
    assert_eq!(page(2, Some(&oldest)).await.unwrap(), []);
    assert_eq!(page(0, None).await.unwrap(), []);
    // An unknown cursor yields nothing, as for notifications.
    let unknown = sms(&ours, 9, at(40));
    assert_eq!(page(10, Some(&unknown)).await.unwrap(), []);

    let replaced = OutboxMessage {
        text: "Delivered again".to_owned(),
        ..tied_first.clone()
    };
    store
        .put_outbox(std::slice::from_ref(&replaced))
        .await
        .unwrap();
    assert_eq!(
        page(3, None).await.unwrap(),
        [newest, replaced, tied_second]
    );
}
