//! Cross-process wake-ups: a process that stores new notifications announces it with
//! `NOTIFY`, and delivery workers in every process `LISTEN`, so a worker starts on work queued
//! by another process at once instead of at its next poll.
//!
//! The announcement is a separate, coalesced statement sent after the rows are committed, never
//! part of the inserting transaction: a transaction that notifies takes a database-wide lock at
//! commit, which would serialise every insert's commit behind the others.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::{Notify, mpsc};

/// The channel notifications are announced on.
const CHANNEL: &str = "carillon_queued";
/// How long to wait before listening again after the connection is lost.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// Announces new work and hears other processes' announcements.
#[derive(Debug)]
pub(crate) struct Wake {
    /// Capacity one: while an announcement is pending, more collapse into it.
    announce: mpsc::Sender<()>,
    heard: Arc<Notify>,
    listening: OnceLock<()>,
    pool: PgPool,
}

impl Wake {
    /// Starts the announcer; it stops when the `Wake` is dropped.
    pub(crate) fn new(pool: PgPool) -> Self {
        let (announce, mut pending) = mpsc::channel(1);
        let announcer_pool = pool.clone();
        tokio::spawn(async move {
            while pending.recv().await.is_some() {
                let sent = sqlx::query("SELECT pg_notify($1, '')")
                    .bind(CHANNEL)
                    .execute(&announcer_pool)
                    .await;
                if let Err(error) = sent {
                    // Workers still poll: a lost announcement only delays delivery.
                    tracing::debug!(%error, "announcing queued work failed");
                }
            }
        });
        Self {
            announce,
            heard: Arc::new(Notify::new()),
            listening: OnceLock::new(),
            pool,
        }
    }

    /// Tells every listening process that notifications were committed.
    pub(crate) fn announce(&self) {
        let _ = self.announce.try_send(());
    }

    /// Completes at the next announcement heard (or one heard since the previous call).
    pub(crate) async fn heard(&self) {
        self.listening.get_or_init(|| {
            tokio::spawn(listen(self.pool.clone(), Arc::clone(&self.heard)));
        });
        self.heard.notified().await;
    }
}

/// Listens until the pool closes, reconnecting after errors. A permit is stored when nobody
/// waits, so an announcement heard while the worker is busy is not lost.
async fn listen(pool: PgPool, heard: Arc<Notify>) {
    while !pool.is_closed() {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    // Work may have been announced while nobody listened.
                    heard.notify_one();
                    loop {
                        match listener.recv().await {
                            Ok(_) => heard.notify_one(),
                            Err(error) => {
                                tracing::warn!(%error, "lost the queued-work listener");
                                break;
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "could not listen for queued work"),
            },
            Err(error) => tracing::warn!(%error, "could not connect to listen for queued work"),
        }
        tokio::time::sleep(RECONNECT_DELAY).await;
    }
}
