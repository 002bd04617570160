//! How sqlx's errors become `StoreError`s, so callers can tell a retry from a bug.

use carillon_store::StoreError;
use sqlx::error::ErrorKind;

/// Maps an sqlx error: broken uniqueness is a conflict, a missing parent row is not found,
/// an unreachable or overloaded server (or a lost serialization race) is unavailable,
/// unreadable data is corrupt.
pub(crate) fn db_err(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(db.message().to_owned()),
            ErrorKind::ForeignKeyViolation => StoreError::NotFound,
            _ if db.code().is_some_and(|code| is_transient(&code)) => {
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

/// SQLSTATEs that pass with time: connection exceptions (08), serialization failures and
/// deadlocks (40001, 40P01), insufficient resources (53), lock timeouts (55P03) and the
/// server shutting down or starting (57P01–57P03).
fn is_transient(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || matches!(
            code,
            "40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03"
        )
}

/// Stored data that does not decode.
pub(crate) use carillon_store::support::corrupt;

/// Column `name` of `row`, decoded.
pub(crate) fn col<'r, T>(row: &'r sqlx::postgres::PgRow, name: &str) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    sqlx::Row::try_get(row, name).map_err(db_err)
}
