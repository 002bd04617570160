//! Group commit: concurrent requests' notifications are written in shared transactions.
//!
//! Each request hands its row to the writer and waits for the commit; the 201 is only sent
//! once the row is durable. While one batch commits, the next requests queue up and go in the
//! next batch, so a busy server makes few, large transactions and an idle one answers at once.
//!
//! A transaction that fails because the database is briefly unreachable (a PostgreSQL restart
//! or failover, a busy SQLite file) is tried again for a few seconds before any request is
//! answered with an error: the client's request was valid and should not fail for it.

use std::sync::Arc;
use std::time::Duration;

use carillon_domain::NewNotification;
use carillon_store::{CounterLimit, InsertOutcome, NotificationStore, Store, StoreError};
use tokio::sync::{Mutex, mpsc, oneshot};

// How long a batch is retried while the database is unavailable, as reads are: a PostgreSQL
// restart takes well under a second; a request waits at most this long more than otherwise.
use crate::transient::RETRY_FOR;

/// Most rows in one transaction.
const MAX_BATCH: usize = 512;
/// Transactions in flight at once (PostgreSQL commits in parallel; SQLite serialises anyway).
const WRITERS: usize = 2;
/// The first pause between retries, doubled each time up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(25);
const MAX_PAUSE: Duration = Duration::from_millis(500);

/// One request's row and the limits it counts against.
type Row = (NewNotification, Vec<CounterLimit>);
type Reply = oneshot::Sender<Result<InsertOutcome, StoreError>>;

#[derive(Debug)]
struct Job {
    notification: NewNotification,
    limits: Vec<CounterLimit>,
    reply: Reply,
}

/// Handle to the group-commit writers.
#[derive(Debug, Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer tasks on the current Tokio runtime.
    pub fn start(store: &Arc<dyn Store>) -> Self {
        Self::start_with(
            &(Arc::clone(store) as Arc<dyn NotificationStore>),
            RETRY_FOR,
        )
    }

    /// Starts the writer tasks over just the notification storage they write to, retrying an
    /// unavailable database for `retry_for` (lets a test put a store that fails on purpose in
    /// between, and wait less).
    pub fn start_with(store: &Arc<dyn NotificationStore>, retry_for: Duration) -> Self {
        let (jobs, receiver) = mpsc::channel::<Job>(MAX_BATCH * 8);
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..WRITERS {
            tokio::spawn(run(Arc::clone(store), Arc::clone(&receiver), retry_for));
        }
        Self { jobs }
    }

    /// Stores one notification, checking and counting `limits`; returns once it is durable.
    pub async fn insert(
        &self,
        notification: NewNotification,
        limits: Vec<CounterLimit>,
    ) -> Result<InsertOutcome, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send(Job {
                notification,
                limits,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(
    store: Arc<dyn NotificationStore>,
    receiver: Arc<Mutex<mpsc::Receiver<Job>>>,
    retry_for: Duration,
) {
    loop {
        let mut jobs = Vec::with_capacity(16);
        {
            let mut receiver = receiver.lock().await;
            let Some(first) = receiver.recv().await else {
                return;
            };
            jobs.push(first);
            while jobs.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
        }
        let (batch, replies): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .map(|job| ((job.notification, job.limits), job.reply))
            .unzip();
        metrics::histogram!("carillon_insert_batch_size").record(batch.len() as f64);
        let retry = Retry {
            until: tokio::time::Instant::now() + retry_for,
            ambiguous: false,
        };
        commit(store.as_ref(), batch, replies, retry).await;
    }
}

/// Retrying a batch while the database is unavailable.
#[derive(Debug, Clone, Copy)]
struct Retry {
    /// When to stop retrying and answer with the error.
    until: tokio::time::Instant,
    /// Whether an attempt failed in a way that may have committed anyway (the connection was
    /// lost after the commit was sent): a retry's conflict on a row's id then means the row
    /// is already stored, not that it clashes with another.
    ambiguous: bool,
}

/// Inserts `batch`, trying again while the database is unavailable and time remains.
async fn insert(
    store: &dyn NotificationStore,
    batch: &[Row],
    retry: &mut Retry,
) -> Result<Vec<InsertOutcome>, StoreError> {
    let mut pause = FIRST_PAUSE;
    loop {
        match store.insert_notifications(batch).await {
            Err(StoreError::Unavailable(reason)) if tokio::time::Instant::now() < retry.until => {
                retry.ambiguous = true;
                metrics::counter!("carillon_insert_batch_retries_total").increment(1);
                tracing::warn!(%reason, rows = batch.len(), "database unavailable; retrying the batch");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
            other => return other,
        }
    }
}

/// Commits a batch and answers each request: one call when it succeeds.
async fn commit(
    store: &dyn NotificationStore,
    batch: Vec<Row>,
    replies: Vec<Reply>,
    mut retry: Retry,
) {
    match insert(store, &batch, &mut retry).await {
        Ok(outcomes) => answer(replies, outcomes),
        Err(error) => isolate(store, batch, replies, error, retry).await,
    }
}

/// After a batch's transaction failed (nothing of it is stored, unless an attempt's answer
/// was lost: see [`Retry::ambiguous`]): splits it in halves and
/// tries each again, down to single rows, so the rows that caused the failure get its error
/// and every other row is committed. One bad request cannot fail other requests, other
/// services' included. An unreachable database is not the rows' fault: once retrying has
/// run out of time, the whole batch gets that error at once.
async fn isolate(
    store: &dyn NotificationStore,
    batch: Vec<Row>,
    replies: Vec<Reply>,
    error: StoreError,
    mut retry: Retry,
) {
    let mut failed = vec![(batch, replies, error)];
    while let Some((mut batch, mut replies, error)) = failed.pop() {
        if batch.len() == 1
            && retry.ambiguous
            && matches!(error, StoreError::Conflict(_))
            && let Some(outcome) = stored_before(store, &batch[0].0).await
        {
            answer(replies, vec![outcome]);
            continue;
        }
        if batch.len() == 1 || matches!(error, StoreError::Unavailable(_)) {
            for reply in replies {
                let _ = reply.send(Err(copy(&error)));
            }
            continue;
        }
        metrics::counter!("carillon_insert_batch_splits_total").increment(1);
        let half = batch.len() / 2;
        let second = (batch.split_off(half), replies.split_off(half));
        // Both halves are tried now; a failed one waits on the stack to be split in turn.
        for (batch, replies) in [(batch, replies), second] {
            match insert(store, &batch, &mut retry).await {
                Ok(outcomes) => answer(replies, outcomes),
                Err(error) => failed.push((batch, replies, error)),
            }
        }
    }
}

/// `Inserted` when an attempt that failed ambiguously did commit `row` (ids are made by the
/// API, never reused, so a stored row with this id and service is this request's).
async fn stored_before(
    store: &dyn NotificationStore,
    row: &NewNotification,
) -> Option<InsertOutcome> {
    match store.notification(row.service_id, row.id).await {
        Ok(Some(_)) => Some(InsertOutcome::Inserted),
        _ => None,
    }
}

fn answer(replies: Vec<Reply>, outcomes: Vec<InsertOutcome>) {
    for (reply, outcome) in replies.into_iter().zip(outcomes) {
        // A request that gave up (client gone) no longer listens; nothing to do.
        let _ = reply.send(Ok(outcome));
    }
}

/// The writer tasks are gone (the runtime is shutting down).
fn stopped() -> StoreError {
    StoreError::Other("the group-commit writer has stopped".to_owned())
}

/// The batch's error for each of its requests (`StoreError` is not `Clone`: it may one day
/// carry a source).
fn copy(error: &StoreError) -> StoreError {
    match error {
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(m) => StoreError::Conflict(m.clone()),
        StoreError::Unavailable(m) => StoreError::Unavailable(m.clone()),
        StoreError::Corrupt(m) => StoreError::Corrupt(m.clone()),
        StoreError::Other(m) => StoreError::Other(m.clone()),
    }
}
