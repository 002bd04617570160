//! Reads on the request path retried while the database is briefly unavailable (a PostgreSQL
//! restart ends every open connection): a valid request should wait the second it takes,
//! not fail with a 503.

use std::time::Duration;

use carillon_store::StoreError;
use tokio::time::Instant;

/// How long a read is retried; as long as the group-commit writer retries a write.
pub(crate) const RETRY_FOR: Duration = Duration::from_secs(8);
const FIRST_PAUSE: Duration = Duration::from_millis(25);
const MAX_PAUSE: Duration = Duration::from_millis(500);

/// `call`'s answer, calling it again while it fails with [`StoreError::Unavailable`], for
/// [`RETRY_FOR`] at most. Only for calls that may be repeated: reads, and rate-limit tokens
/// (a repeat after a lost answer can only take more tokens, so the limit never loosens).
pub(crate) async fn retrying<T, F, Fut>(mut call: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let until = Instant::now() + RETRY_FOR;
    let mut pause = FIRST_PAUSE;
    loop {
        match call().await {
            Err(StoreError::Unavailable(reason)) if Instant::now() + pause < until => {
                metrics::counter!("carillon_read_retries_total").increment(1);
                tracing::warn!(%reason, "database unavailable; retrying a read");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_brief_outage_is_waited_for() {
        let calls = std::cell::Cell::new(0);
        let answer = retrying(|| {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move {
                if n < 3 {
                    Err(StoreError::Unavailable("connection reset".into()))
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(answer.unwrap(), 3);
    }

    #[tokio::test]
    async fn other_errors_are_answered_at_once() {
        let calls = std::cell::Cell::new(0);
        let answer: Result<(), _> = retrying(|| {
            calls.set(calls.get() + 1);
            async { Err(StoreError::Other("bug".into())) }
        })
        .await;
        assert!(matches!(answer, Err(StoreError::Other(_))));
        assert_eq!(calls.get(), 1);
    }
}
