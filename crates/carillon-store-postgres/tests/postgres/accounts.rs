//! Accounts at rest, checked where only raw access can see them: names, addresses, TOTP
//! secrets, token payloads, session data, invited addresses and go-live answers never reach
//! the database in clear, and a stored enum value the store does not know is reported as corrupt.

use super::*;

#[tokio::test]
async fn account_data_is_not_stored_in_clear() {
    let Some(test) = store().await else { return };
    store_account_data(&*test).await;
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    let mut found = Vec::new();
    for table in [
        "users",
        "one_time_tokens",
        "sessions",
        "invitations",
        "go_live_requests",
    ] {
        let raw = raw_rows(&mut conn, table).await;
        if table == "users" {
            assert!(
                contains(&raw, PASSWORD_HASH),
                "the search does not see stored text"
            );
        }
        found.extend(find_account_plaintext(&raw, table));
    }
    conn.close().await.unwrap();
    assert!(
        found.is_empty(),
        "personal data stored in clear: {found:#?}"
    );
}

#[tokio::test]
async fn stored_values_the_store_does_not_know_are_corrupt() {
    let Some(test) = store().await else { return };
    let (service, user) = store_account_data(&*test).await;
    let options = test.admin.clone().database(&test.database);
    let mut conn = PgConnection::connect_with(&options).await.unwrap();
    for sql in UNKNOWN_ACCOUNT_VALUES {
        conn.execute(sql).await.unwrap();
    }
    conn.close().await.unwrap();
    assert_account_reads_corrupt(&*test, service, &user).await;
}
