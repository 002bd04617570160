//! Why a server could not be built or stopped badly.

use std::net::SocketAddr;
use std::path::PathBuf;

use carillon_store::StoreError;

/// What went wrong building or running a server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The database URL is not one Carillon reads.
    #[error("{0}")]
    DatabaseUrl(String),
    /// A read-only command was pointed at a database that is not there.
    #[error(
        "the {0} does not exist (nothing was created: run `carillon migrate` or a command that writes to create it)"
    )]
    DatabaseMissing(String),
    /// The embedded database's file could not be created.
    #[error("creating {}: {source}", path.display())]
    CreateDatabase {
        /// The file.
        path: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
    /// The embedded database's directory could not be created.
    #[error("creating {}: {source}", path.display())]
    CreateDirectory {
        /// The directory.
        path: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("opening the {database}: {source}")]
    OpenDatabase {
        /// The database, without password.
        database: String,
        /// What the store said.
        source: StoreError,
    },
    /// The email provider setting is not usable.
    #[error("{0}")]
    EmailProvider(String),
    /// The SMS provider setting is not usable.
    #[error("{0}")]
    SmsProvider(String),
    /// An SMS gateway was chosen without its bearer token.
    #[error("an SMS gateway needs its bearer token")]
    MissingGatewayToken,
    /// A listener could not be bound.
    #[error("listening on {address}: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why not.
        source: std::io::Error,
    },
    /// The Prometheus recorder could not be installed.
    #[error("installing the metrics recorder: {0}")]
    Metrics(String),
    /// The callback dispatcher's HTTP client could not be built.
    #[error("building the callback dispatcher: {0}")]
    Callbacks(#[from] carillon_worker::callbacks::ClientError),
    /// The web app could not be made (its catalogues are broken, or no randomness).
    #[error("the web app cannot start: {0}")]
    Web(String),
    /// A background task panicked.
    #[error("the {0} panicked")]
    Panicked(&'static str),
}
