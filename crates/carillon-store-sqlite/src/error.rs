//! How sqlx's errors become `StoreError`s, so callers can tell a retry from a bug.

use carillon_store::StoreError;
use sqlx::error::ErrorKind;

/// Maps an sqlx error: broken uniqueness is a conflict, a missing parent row is not found,
/// a busy or unreachable database is unavailable, unreadable data is corrupt.
pub(crate) fn db_err(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(db.message().to_owned()),
            ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            _ if is_transient(db.code().as_deref()) => {
                StoreError::Unavailable(db.message().to_owned())
            }
            _ => StoreError::Other(db.message().to_owned()),
        },
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => StoreError::Unavailable(error.to_string()),
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::ColumnIndexOutOfBounds { .. }
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(error.to_string()),
        other => StoreError::Other(other.to_string()),
    }
}

/// SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL and SQLITE_CANTOPEN (primary codes;
/// extended codes keep them in the low byte) pass with time or an operator's help.
fn is_transient(code: Option<&str>) -> bool {
    code.and_then(|code| code.parse::<i32>().ok())
        .is_some_and(|code| matches!(code & 0xff, 5 | 6 | 10 | 13 | 14))
}

/// Stored data that does not decode.
pub(crate) use carillon_store::support::corrupt;

/// Column `name` of `row`, decoded.
pub(crate) fn col<'r, T>(row: &'r sqlx::sqlite::SqliteRow, name: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    sqlx::Row::try_get(row, name).map_err(db_err)
}
