//! The schema migrations, embedded in the binary so a deployment is one file.
//!
//! Listed by hand rather than with `sqlx::migrate!`: that macro needs sqlx's `macros` feature,
//! which builds a second copy of sqlx and of SQLite's C sources for the compiler. A test keeps
//! this list and the `migrations/` directory identical.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// Version, description and SQL of every migration, oldest first.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (
        2,
        "delivery",
        include_str!("../migrations/0002_delivery.sql"),
    ),
    (
        3,
        "housekeeping",
        include_str!("../migrations/0003_housekeeping.sql"),
    ),
    (
        4,
        "callbacks",
        include_str!("../migrations/0004_callbacks.sql"),
    ),
    (
        5,
        "receipts",
        include_str!("../migrations/0005_receipts.sql"),
    ),
    (6, "jobs", include_str!("../migrations/0006_jobs.sql")),
    (
        7,
        "worker heartbeat",
        include_str!("../migrations/0007_worker_heartbeat.sql"),
    ),
    (
        8,
        "sealed client reference",
        include_str!("../migrations/0008_sealed_client_reference.sql"),
    ),
    (
        9,
        "accounts",
        include_str!("../migrations/0009_accounts.sql"),
    ),
    (
        10,
        "security keys",
        include_str!("../migrations/0010_security_keys.sql"),
    ),
    (
        11,
        "reply to verification",
        include_str!("../migrations/0011_reply_to_verification.sql"),
    ),
    (
        12,
        "template categories",
        include_str!("../migrations/0012_template_categories.sql"),
    ),
    (
        13,
        "notification facts",
        include_str!("../migrations/0013_notification_facts.sql"),
    ),
    (
        14,
        "recipient search",
        include_str!("../migrations/0014_recipient_search.sql"),
    ),
];

/// A migrator for every migration (tracked in `_sqlx_migrations`, as `sqlx migrate` would).
pub(crate) fn migrator() -> Migrator {
    migrator_of(MIGRATIONS)
}

/// A migrator for `migrations`.
fn migrator_of(migrations: &[(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        migrations
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_matches_the_directory() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut on_disk: Vec<(i64, String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
                let (version, description) = name.split_once('_').unwrap();
                let sql = std::fs::read_to_string(&path).unwrap();
                (version.parse().unwrap(), description.replace('_', " "), sql)
            })
            .collect();
        on_disk.sort();
        let embedded: Vec<(i64, String, String)> = MIGRATIONS
            .iter()
            .map(|&(v, d, sql)| (v, d.to_owned(), sql.to_owned()))
            .collect();
        assert_eq!(
            embedded, on_disk,
            "add new files in migrations/ to MIGRATIONS"
        );
    }

    /// Migration 3 rebuilds `notifications`: every row and column survives, `personal` may
    /// then be NULL, and `seq` goes on from the highest number ever handed out (AUTOINCREMENT),
    /// not from the highest left in the table.
    #[tokio::test]
    async fn rebuilding_notifications_keeps_rows_and_the_sequence() {
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("upgrade.db"))
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        migrator_of(&MIGRATIONS[..2]).run(&pool).await.unwrap();
        let setup = "
            INSERT INTO services VALUES (x'01', 's', 's', 1, 0, 0, 0, '', 1, 1, 1, 1, 1, 7, 0, 0);
            INSERT INTO notifications (id, service_id, template_id, template_version, key_type,
                kind, status, priority, billable_units, attempts, personal, created_at,
                scheduled_for, next_attempt_at, provider_reference)
            VALUES (x'a1', x'01', x'f1', 1, 'normal', 'sms', 'sent', 1, 2, 1, x'5eed', 10, NULL,
                    NULL, 'ref-1'),
                   (x'a2', x'01', x'f1', 1, 'normal', 'email', 'created', 0, 1, 0, x'5eed', 11,
                    99, 99, NULL),
                   (x'a3', x'01', x'f1', 1, 'normal', 'email', 'created', 0, 1, 0, x'5eed', 12,
                    NULL, NULL, NULL);
            DELETE FROM notifications WHERE id = x'a3';";
        sqlx::raw_sql(setup).execute(&pool).await.unwrap();
        let columns = "seq, id, status, priority, billable_units, attempts, personal, \
            created_at, scheduled_for, next_attempt_at, provider_reference";
        let dump = format!("SELECT {columns} FROM notifications ORDER BY seq");
        type Row = (
            i64,
            Vec<u8>,
            String,
            i64,
            i64,
            i64,
            Option<Vec<u8>>,
            i64,
            Option<i64>,
            Option<i64>,
            Option<String>,
        );
        let before: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(dump.clone()))
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(before.len(), 2);

        migrator().run(&pool).await.unwrap();
        let after: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(dump))
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(after, before);
        let insert = "INSERT INTO notifications (id, service_id, template_id, template_version, \
                key_type, kind, status, priority, billable_units, attempts, personal, created_at) \
            VALUES (x'a4', x'01', x'f1', 1, 'normal', 'sms', 'delivered', 1, 1, 1, NULL, 13) \
            RETURNING seq";
        let seq: i64 = sqlx::query_scalar(insert).fetch_one(&pool).await.unwrap();
        assert_eq!(seq, 4, "a seq was handed out twice");
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE name LIKE 'notifications%' AND type = 'table'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(tables, ["notifications"]);
        pool.close().await;
    }

    /// Templates made before 0012 get the hidden generic category of the lane they had, in
    /// every version, and keys made before it have no permissions.
    #[tokio::test]
    async fn categories_keep_each_template_in_its_lane() {
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("categories.db"))
            .create_if_missing(true)
            // The rows below name a service that is not there: only templates matter here.
            .foreign_keys(false);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        migrator_of(&MIGRATIONS[..11]).run(&pool).await.unwrap();
        let setup = "
            INSERT INTO templates VALUES
                (x'b1', x'01', 'a', 'sms', NULL, 'x', 1, 0, 'bulk', 0, 1, NULL, NULL),
                (x'b2', x'01', 'b', 'sms', NULL, 'x', 1, 0, 'normal', 0, 1, NULL, NULL),
                (x'b3', x'01', 'c', 'email', 's', 'x', 1, 0, 'priority', 0, 1, NULL, NULL);
            INSERT INTO template_versions SELECT id, version, service_id, name, kind, subject,
                content, archived, process_type, text_direction_rtl, created_at, updated_at,
                created_by FROM templates;
            INSERT INTO api_keys (id, service_id, name, key_type, secret, secret_hash, created_at)
                VALUES (x'c1', x'01', 'k', 'normal', x'00', x'00', 1);";
        sqlx::raw_sql(setup).execute(&pool).await.unwrap();
        migrator().run(&pool).await.unwrap();
        for table in ["templates", "template_versions"] {
            let sql = format!(
                "SELECT process_type, hex(category_id), process_type_override FROM {table} \
                 ORDER BY name"
            );
            let rows: Vec<(String, String, Option<String>)> =
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            let expected: Vec<(String, String, Option<String>)> = [
                ("bulk", "0DDA24C2982A4F4497490E38B2607E89"),
                ("normal", "F75D670621B7437EB93A2C0AB771E28E"),
                ("priority", "C4F87D7CA55B4C0F91FEE56C65BB1871"),
            ]
            .into_iter()
            .map(|(lane, id)| (lane.to_owned(), id.to_owned(), None))
            .collect();
            assert_eq!(rows, expected, "{table}");
        }
        let lanes: Vec<(String, String)> = sqlx::query_as(
            "SELECT t.process_type, c.email_process_type FROM templates t \
             JOIN template_categories c ON c.id = t.category_id ORDER BY t.name",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(lanes.iter().all(|(t, c)| t == c), "{lanes:?}");
        let permissions: (i64, i64) =
            sqlx::query_as("SELECT manage_templates, manage_reports FROM api_keys")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(permissions, (0, 0));
        pool.close().await;
    }

    /// Migration 13 counts the notifications already stored (test-key ones left out) into
    /// the fact table, per UTC day of creation, template, channel and status.
    #[tokio::test]
    async fn notification_facts_start_from_the_rows_already_stored() {
        use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

        let dir = tempfile::tempdir().unwrap();
        let options = SqliteConnectOptions::new()
            .filename(dir.path().join("facts.db"))
            .create_if_missing(true)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .unwrap();
        let before_facts = MIGRATIONS.iter().position(|m| m.0 == 13).unwrap();
        migrator_of(&MIGRATIONS[..before_facts])
            .run(&pool)
            .await
            .unwrap();
        // 86400000000 microseconds a day: day 20414 is 2025-11-22.
        let setup = "
            INSERT INTO services VALUES (x'01', 's', 's', 1, 0, 0, 0, '', 1, 1, 1, 1, 1, 7, 0, 0);
            INSERT INTO notifications (id, service_id, template_id, template_version, key_type,
                kind, status, priority, billable_units, attempts, personal, created_at)
            VALUES (x'a1', x'01', x'f1', 1, 'normal', 'sms', 'delivered', 1, 2, 1, NULL,
                    20414 * 86400000000),
                   (x'a2', x'01', x'f1', 1, 'team', 'sms', 'delivered', 1, 3, 1, x'5eed',
                    20415 * 86400000000 - 1),
                   (x'a3', x'01', x'f1', 1, 'normal', 'sms', 'delivered', 1, 1, 1, x'5eed',
                    20415 * 86400000000),
                   (x'a4', x'01', x'f1', 1, 'test', 'sms', 'delivered', 1, 1, 1, x'5eed',
                    20414 * 86400000000);";
        sqlx::raw_sql(setup).execute(&pool).await.unwrap();
        migrator().run(&pool).await.unwrap();
        let facts: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT day, status, notifications, billable_units FROM notification_facts \
             ORDER BY day",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            facts,
            [
                (20414, "delivered".to_owned(), 2, 5),
                (20415, "delivered".to_owned(), 1, 1)
            ]
        );
        pool.close().await;
    }
}
