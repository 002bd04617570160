//! Client references at rest, checked where only raw access can see them: sealed, hashed,
//! and the references an older version stored in clear sealed when the store connects.

use carillon_domain::NotificationFilter;
use sqlx::{Connection, Row};

use super::*;

/// A reference as version 8 left it, for a purged row.
const PURGED_REFERENCE: &str = "Purged.Reference.Case-31415";

/// The raw `client_reference` and `client_reference_hash` of notification `id`.
async fn raw_reference(
    conn: &mut PgConnection,
    id: NotificationId,
) -> (Option<String>, Option<Vec<u8>>) {
    let row = sqlx::query(
        "SELECT client_reference, client_reference_hash FROM notifications WHERE id = $1",
    )
    .bind(id.as_uuid())
    .fetch_one(conn)
    .await
    .unwrap();
    (row.get(0), row.get(1))
}

/// `sealed` as version 8 wrote it: the same personal data without the reference.
fn without_reference(sealed: &[u8]) -> Vec<u8> {
    let json = cipher().decrypt(sealed).unwrap();
    let mut personal: serde_json::Value = serde_json::from_slice(&json).unwrap();
    personal.as_object_mut().unwrap().remove("r").unwrap();
    cipher().encrypt(&serde_json::to_vec(&personal).unwrap())
}

fn by_reference(reference: &str, limit: u32) -> NotificationFilter {
    NotificationFilter {
        client_reference: Some(reference.to_owned()),
        limit,
        ..NotificationFilter::default()
    }
}

/// New rows store the reference sealed, with a 32-byte lookup hash and nothing in clear.
#[tokio::test]
async fn references_are_stored_as_a_hash_only() {
    let Some(test) = store().await else { return };
    let new = store_personal_data(&*test).await;
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    let (clear, hash) = raw_reference(&mut conn, new.id).await;
    conn.close().await.unwrap();
    assert_eq!(clear, None);
    assert_eq!(hash.map(|h| h.len()), Some(32));
}

/// New rows store the keyed hash of their normalised recipient, scoped to their service.
#[tokio::test]
async fn recipients_are_stored_as_their_service_scoped_hash() {
    let Some(test) = store().await else { return };
    let new = store_personal_data(&*test).await;
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    let hash: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT recipient_hash FROM notifications WHERE id = $1")
            .bind(new.id.as_uuid())
            .fetch_one(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    let expected = carillon_store::support::recipient_hash(&cipher(), new.service_id, NORMALISED);
    assert_eq!(hash, Some(expected.to_vec()));
}

/// A database written before references were sealed: one row with its reference in clear and
/// personal data without it, one purged row with its reference in clear. Connecting converts
/// both (the live one is then read and found by its reference; the purged one keeps nothing).
/// Connecting with another master key first is refused and loses nothing.
#[tokio::test]
async fn references_stored_in_clear_are_sealed_when_the_store_connects() {
    let Some(test) = store().await else { return };
    let new = store_personal_data(&*test).await;
    let purged = NewNotification {
        id: NotificationId::new(),
        client_reference: Some(PURGED_REFERENCE.into()),
        ..new.clone()
    };
    test.insert_notifications(&[(purged.clone(), Vec::new())])
        .await
        .unwrap();
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT personal FROM notifications WHERE id = $1")
        .bind(new.id.as_uuid())
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let old = "UPDATE notifications \
        SET personal = $1, client_reference = $2, client_reference_hash = NULL WHERE id = $3";
    for (id, personal, reference) in [
        (new.id, Some(without_reference(&sealed)), REFERENCE),
        (purged.id, None, PURGED_REFERENCE),
    ] {
        sqlx::query(old)
            .bind(personal)
            .bind(reference)
            .bind(id.as_uuid())
            .execute(&mut conn)
            .await
            .unwrap();
    }

    let refused = PgStore::connect_with(options.clone(), 1, Cipher::new([8; 32])).await;
    assert!(
        matches!(&refused, Err(carillon_store::StoreError::Corrupt(m)) if m.contains("master key")),
        "{refused:?}"
    );
    let (clear, _) = raw_reference(&mut conn, new.id).await;
    assert_eq!(clear.as_deref(), Some(REFERENCE));

    let reconnected = PgStore::connect_with(options, 1, cipher()).await.unwrap();
    let read = reconnected
        .notification(new.service_id, new.id)
        .await
        .unwrap();
    assert_eq!(
        read.and_then(|n| n.client_reference).as_deref(),
        Some(REFERENCE)
    );
    let found = reconnected
        .notifications(new.service_id, &by_reference(REFERENCE, 10))
        .await
        .unwrap();
    assert_eq!(found.iter().map(|n| n.id).collect::<Vec<_>>(), [new.id]);
    let found = reconnected
        .notifications(new.service_id, &by_reference(PURGED_REFERENCE, 10))
        .await
        .unwrap();
    assert!(found.is_empty());
    reconnected.close().await;

    let (clear, hash) = raw_reference(&mut conn, new.id).await;
    assert_eq!((clear, hash.map(|h| h.len())), (None, Some(32)));
    assert_eq!(raw_reference(&mut conn, purged.id).await, (None, None));
    let raw = raw_rows(&mut conn, "notifications").await;
    conn.close().await.unwrap();
    assert!(
        contains(&raw, CONTROL),
        "the search does not see stored text"
    );
    assert!(
        !contains(&raw, REFERENCE),
        "the reference is still stored in clear"
    );
    assert!(
        !contains(&raw, PURGED_REFERENCE),
        "the purged reference is still stored"
    );
}

/// Processes connecting at once share the conversion of a table of old rows (more than one
/// batch): every row is converted once, and each is then found by its reference.
#[tokio::test]
async fn processes_connecting_at_once_convert_every_reference() {
    let Some(test) = store().await else { return };
    let new = store_personal_data(&*test).await;
    let rows: Vec<_> = (0..1200)
        .map(|_| {
            let copy = NewNotification {
                id: NotificationId::new(),
                ..new.clone()
            };
            (copy, Vec::new())
        })
        .collect();
    for chunk in rows.chunks(300) {
        test.insert_notifications(chunk).await.unwrap();
    }
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    // Each row as version 8 left it, with one of 7 references in clear.
    sqlx::query(
        "UPDATE notifications SET client_reference = 'old-' || (seq % 7), \
             client_reference_hash = NULL",
    )
    .execute(&mut conn)
    .await
    .unwrap();

    let (a, b) = tokio::join!(
        PgStore::connect_with(options.clone(), 2, cipher()),
        PgStore::connect_with(options, 2, cipher()),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM notifications \
         WHERE client_reference IS NOT NULL OR client_reference_hash IS NULL",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(left, 0);
    let seqs: Vec<(uuid::Uuid, i64)> = sqlx::query_as("SELECT id, seq FROM notifications")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert_eq!(seqs.len(), 1201);
    let mut found = 0;
    for n in 0..7 {
        let reference = format!("old-{n}");
        let listed = a
            .notifications(new.service_id, &by_reference(&reference, 2000))
            .await
            .unwrap();
        let expected = seqs.iter().filter(|(_, seq)| seq % 7 == n).count();
        assert_eq!(listed.len(), expected, "{reference}");
        assert!(
            listed
                .iter()
                .all(|row| row.client_reference.as_deref() == Some(reference.as_str()))
        );
        found += listed.len();
    }
    assert_eq!(found, 1201);
    a.close().await;
    b.close().await;
}
