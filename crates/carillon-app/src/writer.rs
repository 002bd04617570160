//! Group commit: concurrent requests' notifications are written in shared transactions.
//!
//! Each request hands its row to the writer and waits for the commit; the 201 is only sent
//! once the row is durable. While one batch commits, the next requests queue up and go in the
//! next batch, so a busy server makes few, large transactions and an idle one answers at once.

use std::sync::Arc;

use carillon_domain::NewNotification;
use carillon_store::{CounterLimit, InsertOutcome, Store, StoreError};
use tokio::sync::{Mutex, mpsc, oneshot};

/// Most rows in one transaction.
const MAX_BATCH: usize = 512;
/// Transactions in flight at once (PostgreSQL commits in parallel; SQLite serialises anyway).
const WRITERS: usize = 2;

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

async fn run(store: Arc<dyn Store>, receiver: Arc<Mutex<mpsc::Receiver<Job>>>) {
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
        match store.insert_notifications(&batch).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    // A request that gave up (client gone) no longer listens; nothing to do.
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(error) => {
                for reply in replies {
                    let _ = reply.send(Err(copy(&error)));
                }
            }
        }
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
