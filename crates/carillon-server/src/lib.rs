//! Carillon's composition as a library: plain [`ServerSettings`] in, a running [`Server`] out.
//! Opens the database (the only place besides the `carillon` program that knows the concrete
//! backends), chooses the delivery providers, assembles the routers for the [`Role`], and runs
//! the API, the delivery workers, the callback dispatcher and the metrics listener until
//! shutdown.

mod activity;
mod backend;
mod error;
mod guard;
mod listen;
mod metrics;
mod private;
mod providers;
mod server;
mod settings;

pub use backend::{OpenMode, open_store};
pub use error::ServerError;
pub use private::create_private_dir;
pub use providers::Providers;
pub use server::{Listeners, Server};
pub use settings::{
    ConnectionSettings, Database, EmailProviderChoice, Role, ServerSettings, SmsProviderChoice,
    SnsSettings,
};

pub use carillon_crypto::MasterKey;
pub use carillon_providers::{HttpSmsSettings, SecretString, SmtpSettings};
pub use carillon_providers_aws::{AwsSettings, SenderId};
pub use carillon_web::TrustedProxies;
pub use carillon_worker::{CallbackSettings, WorkerSettings};
