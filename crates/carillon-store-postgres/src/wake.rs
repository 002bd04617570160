//! Cross-process wake-ups: a process that stores new notifications announces it with
//! `NOTIFY`, and delivery workers in every process `LISTEN`, so a worker starts on work queued
//! by another process at once instead of at its next poll.
//!
//! The announcement is a separate, coalesced statement sent after the rows are committed, never
//! part of the inserting transaction: a transaction that notifies takes a database-wide lock at
//! commit, which would serialise every insert's commit behind the others.
//!
//! Every announcement made or heard also moves an epoch, which tells the claim that rows may
//! have become ready where its floors (`floors.rs`) would not look.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// What the listener has told this process, shared with its task.
    news: Arc<News>,
    pool: PgPool,
}

/// Moves whenever rows may have become ready without this process's claims seeing it.
#[derive(Debug, Default)]
pub(crate) struct News {
    epoch: AtomicU64,
    /// True while the listener hears every announcement; while it does not, nothing may be
    /// assumed about what other processes stored.
    heard_all: AtomicBool,
}

impl News {
    fn moved(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }
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
            news: Arc::new(News::default()),
            pool,
        }
    }

    /// Tells every listening process that notifications were committed. Called after the
    /// commit, so a claim that starts after the epoch moved sees the rows.
    pub(crate) fn announce(&self) {
        self.news.moved();
        let _ = self.announce.try_send(());
    }

    /// Records that this process made rows ready (or due) itself, without announcing it.
    pub(crate) fn changed(&self) {
        self.news.moved();
    }

    /// The current epoch, and whether every announcement since the listener started was heard
    /// (false until something, a worker waiting for work, starts it: the listener holds one of
    /// the pool's connections, which a store used for anything else may not spare).
    pub(crate) fn epoch(&self) -> (u64, bool) {
        (
            self.news.epoch.load(Ordering::SeqCst),
            self.news.heard_all.load(Ordering::SeqCst),
        )
    }

    /// Completes at the next announcement heard (or one heard since the previous call).
    pub(crate) async fn heard(&self) {
        self.start_listening();
        self.heard.notified().await;
    }

    pub(crate) fn start_listening(&self) {
        self.listening.get_or_init(|| {
            tokio::spawn(listen(
                self.pool.clone(),
                Arc::clone(&self.heard),
                Arc::clone(&self.news),
            ));
        });
    }
}

/// Listens until the pool closes, reconnecting after errors. A permit is stored when nobody
/// waits, so an announcement heard while the worker is busy is not lost.
async fn listen(pool: PgPool, heard: Arc<Notify>, news: Arc<News>) {
    while !pool.is_closed() {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    // Work may have been announced while nobody listened.
                    news.heard_all.store(true, Ordering::SeqCst);
                    news.moved();
                    heard.notify_one();
                    loop {
                        match listener.try_recv().await {
                            // `None`: the connection was lost and is back (sqlx listens again
                            // before answering), so what was announced meanwhile is unknown.
                            Ok(_) => {
                                news.moved();
                                heard.notify_one();
                            }
                            Err(error) => {
                                news.heard_all.store(false, Ordering::SeqCst);
                                news.moved();
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
