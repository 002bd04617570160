//! Accounts at rest, checked where only raw access can see them: names, addresses, TOTP
//! secrets, token payloads, session data, invited addresses and go-live answers never reach
//! the file in clear, and a stored enum value the store does not know is reported as corrupt.

use super::*;

#[tokio::test]
async fn account_data_is_not_stored_in_clear() {
    let test = store().await.unwrap();
    store_account_data(&*test).await;
    let path = test.dir.path().join("carillon.db");
    let mut found = Vec::new();
    for table in [
        "users",
        "one_time_tokens",
        "sessions",
        "invitations",
        "go_live_requests",
    ] {
        let raw = raw_rows(&path, table).await;
        if table == "users" {
            assert!(
                contains(&raw, PASSWORD_HASH),
                "the search does not see stored text"
            );
        }
        found.extend(find_account_plaintext(&raw, table));
    }
    test.close().await;
    let file = std::fs::read(&path).unwrap();
    assert!(
        contains(&file, PASSWORD_HASH),
        "the search does not see stored text"
    );
    found.extend(find_account_plaintext(&file, "the database file"));
    assert!(
        found.is_empty(),
        "personal data stored in clear: {found:#?}"
    );
}

/// Runs `sql` on the closed store's file, behind its back.
async fn tamper(path: &Path, sql: &str) {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn stored_values_the_store_does_not_know_are_corrupt() {
    let test = store().await.unwrap();
    let (service, user) = store_account_data(&*test).await;
    test.close().await;
    let path = test.dir.path().join("carillon.db");
    for sql in UNKNOWN_ACCOUNT_VALUES {
        tamper(&path, sql).await;
    }
    let store = SqliteStore::open(&path, cipher()).await.unwrap();
    assert_account_reads_corrupt(&store, service, &user).await;
    store.close().await;
}
