//! The schema migrations, embedded in the binary.
//!
//! Listed by hand rather than with `sqlx::migrate!`: that macro needs sqlx's `macros` feature,
//! which builds a second copy of sqlx for the compiler. A test keeps this list and the
//! `migrations/` directory identical. Running them takes PostgreSQL's advisory lock, so several
//! processes can start at once.

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
    Migrator::with_migrations(
        MIGRATIONS
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
}
