//! How the store opens the file: what its write connection promises about durability.

use carillon_crypto::Cipher;

use crate::SqliteStore;

#[tokio::test]
async fn the_writer_syncs_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("durable.db"), Cipher::new([7; 32]))
        .await
        .unwrap();
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&store.writer)
        .await
        .unwrap();
    // 2 is FULL: the WAL is synced at every commit. NORMAL (1) syncs only at checkpoints, so a
    // power cut can take back commits already acknowledged.
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&store.writer)
        .await
        .unwrap();
    store.close().await;
    assert_eq!(journal, "wal");
    assert_eq!(synchronous, 2);
}
