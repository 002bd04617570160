//! Group commit: concurrent requests' notifications are written in shared transactions.
//!
//! Each request hands its row to the writer and waits for the commit; the 201 is only sent
//! once the row is durable. While one batch commits, the next requests queue up and go in the
//! next batch, so a busy server makes few, large transactions and an idle one answers at once.

use std::sync::Arc;

use carillon_domain::NewNotification;
use carillon_store::{CounterLimit, InsertOutcome, NotificationStore, Store, StoreError};
use tokio::sync::{Mutex, mpsc, oneshot};

/// Most rows in one transaction.
const MAX_BATCH: usize = 512;
/// Transactions in flight at once (PostgreSQL commits in parallel; SQLite serialises anyway).
const WRITERS: usize = 2;

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
        Self::start_with(&(Arc::clone(store) as Arc<dyn NotificationStore>))
    }

    /// Starts the writer tasks over just the notification storage they write to (lets a test
    /// put a store that fails on purpose in between).
    pub fn start_with(store: &Arc<dyn NotificationStore>) -> Self {
        let (jobs, receiver) = mpsc::channel::<Job>(MAX_BATCH * 8);
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..WRITERS {
            tokio::spawn(run(Arc::clone(store), Arc::clone(&receiver)));
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

async fn run(store: Arc<dyn NotificationStore>, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) {
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
        commit(store.as_ref(), batch, replies).await;
    }
}

/// Commits a batch and answers each request: one call when it succeeds.
async fn commit(store: &dyn NotificationStore, batch: Vec<Row>, replies: Vec<Reply>) {
    match store.insert_notifications(&batch).await {
        Ok(outcomes) => answer(replies, outcomes),
        Err(error) => isolate(store, batch, replies, error).await,
    }
}

/// After a batch's transaction failed (nothing of it is stored): splits it in halves and
/// tries each again, down to single rows, so the rows that caused the failure get its error
/// and every other row is committed. One bad request cannot fail other requests, other
/// services' included. An unreachable database is not the rows' fault: the whole batch gets
/// that error at once rather than the server being hammered with retries.
async fn isolate(
    store: &dyn NotificationStore,
    batch: Vec<Row>,
    replies: Vec<Reply>,
    error: StoreError,
) {
    let mut failed = vec![(batch, replies, error)];
    while let Some((mut batch, mut replies, error)) = failed.pop() {
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
            match store.insert_notifications(&batch).await {
                Ok(outcomes) => answer(replies, outcomes),
                Err(error) => failed.push((batch, replies, error)),
            }
        }
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
