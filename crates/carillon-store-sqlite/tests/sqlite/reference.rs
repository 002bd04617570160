//! Client references at rest, checked where only raw access can see them: sealed, hashed,
//! and the references an older version stored in clear sealed when the store opens.

use carillon_domain::NotificationFilter;
use sqlx::{Connection, Row};

use super::*;

/// A reference as version 8 left it, for a purged row.
const PURGED_REFERENCE: &str = "Purged.Reference.Case-31415";

/// The raw `client_reference` and `client_reference_hash` of notification `id`.
async fn raw_reference(path: &Path, id: NotificationId) -> (Option<String>, Option<Vec<u8>>) {
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let row = sqlx::query(
        "SELECT client_reference, client_reference_hash FROM notifications WHERE id = ?",
    )
    .bind(id.as_uuid())
    .fetch_one(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    (row.get(0), row.get(1))
}

/// `sealed` as version 8 wrote it: the same personal data without the reference.
fn without_reference(sealed: &[u8]) -> Vec<u8> {
    let json = cipher().decrypt(sealed).unwrap();
    let mut personal: serde_json::Value = serde_json::from_slice(&json).unwrap();
    personal.as_object_mut().unwrap().remove("r").unwrap();
    cipher().encrypt(&serde_json::to_vec(&personal).unwrap())
}

fn by_reference(reference: &str) -> NotificationFilter {
    NotificationFilter {
        client_reference: Some(reference.to_owned()),
        limit: 10,
        ..NotificationFilter::default()
    }
}

/// New rows store the reference sealed, with a 32-byte lookup hash and nothing in clear.
#[tokio::test]
async fn references_are_stored_as_a_hash_only() {
    let test = store().await.unwrap();
    let new = store_personal_data(&*test).await;
    test.close().await;
    let path = test.dir.path().join("carillon.db");
    let (clear, hash) = raw_reference(&path, new.id).await;
    assert_eq!(clear, None);
    assert_eq!(hash.map(|h| h.len()), Some(32));
}

/// New rows store the keyed hash of their normalised recipient, scoped to their service.
#[tokio::test]
async fn recipients_are_stored_as_their_service_scoped_hash() {
    let test = store().await.unwrap();
    let new = store_personal_data(&*test).await;
    test.close().await;
    let path = test.dir.path().join("carillon.db");
    let url = format!("sqlite://{}?mode=ro", path.display());
    let mut conn = SqliteConnection::connect(&url).await.unwrap();
    let hash: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT recipient_hash FROM notifications WHERE id = ?")
            .bind(new.id.as_uuid())
            .fetch_one(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    let expected = carillon_store::support::recipient_hash(&cipher(), new.service_id, NORMALISED);
    assert_eq!(hash, Some(expected.to_vec()));
}

/// A database written before references were sealed: one row with its reference in clear and
/// personal data without it, one purged row with its reference in clear. Opening converts both
/// (the live one is then read and found by its reference; the purged one keeps nothing) and
/// the file holds neither reference any more. Opened with another master key first, the store
/// refuses to open and loses nothing.
#[tokio::test]
async fn references_stored_in_clear_are_sealed_when_the_store_opens() {
    let test = store().await.unwrap();
    let new = store_personal_data(&*test).await;
    let purged = NewNotification {
        id: NotificationId::new(),
        client_reference: Some(PURGED_REFERENCE.into()),
        ..new.clone()
    };
    test.insert_notifications(&[(purged.clone(), Vec::new())])
        .await
        .unwrap();
    test.close().await;
    let path = test.dir.path().join("carillon.db");

    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT personal FROM notifications WHERE id = ?")
        .bind(new.id.as_uuid())
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let old = "UPDATE notifications \
        SET personal = ?, client_reference = ?, client_reference_hash = NULL WHERE id = ?";
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
    conn.close().await.unwrap();
    assert_eq!(
        raw_reference(&path, new.id).await.0.as_deref(),
        Some(REFERENCE)
    );

    let refused = SqliteStore::open(&path, Cipher::new([8; 32])).await;
    assert!(
        matches!(&refused, Err(carillon_store::StoreError::Corrupt(m)) if m.contains("master key")),
        "{refused:?}"
    );
    assert_eq!(
        raw_reference(&path, new.id).await.0.as_deref(),
        Some(REFERENCE)
    );

    let reopened = SqliteStore::open(&path, cipher()).await.unwrap();
    let read = reopened.notification(new.service_id, new.id).await.unwrap();
    assert_eq!(
        read.and_then(|n| n.client_reference).as_deref(),
        Some(REFERENCE)
    );
    let found = reopened
        .notifications(new.service_id, &by_reference(REFERENCE))
        .await
        .unwrap();
    assert_eq!(found.iter().map(|n| n.id).collect::<Vec<_>>(), [new.id]);
    let found = reopened
        .notifications(new.service_id, &by_reference(PURGED_REFERENCE))
        .await
        .unwrap();
    assert!(found.is_empty());
    reopened.close().await;

    let (clear, hash) = raw_reference(&path, new.id).await;
    assert_eq!((clear, hash.map(|h| h.len())), (None, Some(32)));
    assert_eq!(raw_reference(&path, purged.id).await, (None, None));
    let file = std::fs::read(&path).unwrap();
    assert!(
        contains(&file, CONTROL),
        "the search does not see stored text"
    );
    assert!(
        !contains(&file, REFERENCE),
        "the reference is still in the file"
    );
    assert!(
        !contains(&file, PURGED_REFERENCE),
        "the purged reference is still in the file"
    );
}
