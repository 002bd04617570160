//! Recording a batch's outcomes after its messages went to the providers, retried while the
//! database is briefly unavailable.
//!
//! By then the providers have the messages. An outcome that is not recorded leaves its row
//! claimed until the lease passes, and then it is claimed and sent again: a PostgreSQL restart
//! at that moment would make every recipient of the batch get the message twice. So an
//! unavailable database is waited for, as long as the claim still holds (the outcome cannot
//! apply once another worker may have claimed the row again) and at most [`MAX_WAIT`].

use std::time::Duration;

use carillon_store::{DeliveryStore, Outcome, StoreError};
use tokio::time::Instant;

/// The longest a worker waits for the database to record outcomes, whatever the lease: a
/// worker shutting down waits for the batches in hand.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(60);
const FIRST_PAUSE: Duration = Duration::from_millis(25);
const MAX_PAUSE: Duration = Duration::from_secs(1);

/// Records `outcomes`, trying again while the database is unavailable until `until`.
///
/// # Errors
/// The last error: not a transient one, or the time ran out.
pub(crate) async fn outcomes(
    store: &dyn DeliveryStore,
    outcomes: &[Outcome],
    until: Instant,
) -> Result<(), StoreError> {
    let mut pause = FIRST_PAUSE;
    loop {
        match store.record_outcomes(outcomes).await {
            // Recording is idempotent: an attempt that committed but lost its answer is
            // applied again with the same values (the claim's `attempts` has not moved).
            Err(StoreError::Unavailable(reason)) if Instant::now() + pause < until => {
                metrics::counter!("carillon_record_outcomes_retries_total").increment(1);
                tracing::warn!(%reason, outcomes = outcomes.len(), "database unavailable; retrying the outcomes");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
            other => return other,
        }
    }
}

/// Until when a batch whose claims end at `claims_end` may wait to record its outcomes.
pub(crate) fn deadline(claims_end: Instant) -> Instant {
    claims_end.min(Instant::now() + MAX_WAIT)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use carillon_domain::{Notification, NotificationId, NotificationStatus};
    use carillon_store::{Claim, Receipt, ReceiptOutcome, StoreResult};
    use time::OffsetDateTime;

    use super::*;

    /// Fails `record_outcomes` with `error` the first `failures` times.
    struct Flaky {
        failures: Mutex<usize>,
        error: fn() -> StoreError,
        recorded: Mutex<Vec<Outcome>>,
    }

    #[async_trait::async_trait]
    impl DeliveryStore for Flaky {
        async fn claim_notifications(
            &self,
            _: OffsetDateTime,
            _: OffsetDateTime,
            _: u32,
        ) -> StoreResult<Vec<Notification>> {
            Ok(Vec::new())
        }

        async fn record_outcomes(&self, outcomes: &[Outcome]) -> StoreResult<()> {
            let mut failures = self.failures.lock().unwrap();
            if *failures > 0 {
                *failures -= 1;
                return Err((self.error)());
            }
            self.recorded.lock().unwrap().extend_from_slice(outcomes);
            Ok(())
        }

        async fn apply_receipts(&self, _: &[Receipt]) -> StoreResult<Vec<ReceiptOutcome>> {
            Ok(Vec::new())
        }

        async fn renew_claims(&self, _: &[Claim], _: OffsetDateTime) -> StoreResult<u64> {
            Ok(0)
        }

        async fn release_claims(&self, _: &[Claim], _: OffsetDateTime) -> StoreResult<u64> {
            Ok(0)
        }
    }

    fn flaky(failures: usize, error: fn() -> StoreError) -> Flaky {
        Flaky {
            failures: Mutex::new(failures),
            error,
            recorded: Mutex::new(Vec::new()),
        }
    }

    fn outcome() -> Outcome {
        let now = OffsetDateTime::now_utc();
        Outcome {
            id: NotificationId::new(),
            attempt: 1,
            status: NotificationStatus::Sending,
            provider_reference: Some("<id@example.ca>".into()),
            provider_response: None,
            sent_at: Some(now),
            retry_at: None,
            updated_at: now,
        }
    }

    fn unavailable() -> StoreError {
        StoreError::Unavailable("connection reset".into())
    }

    #[tokio::test]
    async fn a_brief_outage_is_waited_for() {
        let store = flaky(3, unavailable);
        let until = Instant::now() + Duration::from_secs(10);
        outcomes(&store, &[outcome()], until).await.unwrap();
        assert_eq!(store.recorded.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn the_wait_ends_with_the_claim() {
        let store = flaky(usize::MAX, unavailable);
        let until = Instant::now() + Duration::from_millis(200);
        let error = outcomes(&store, &[outcome()], until).await.unwrap_err();
        assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
        assert!(
            Instant::now() < until + MAX_PAUSE,
            "gave up once the claim ended"
        );
    }

    #[tokio::test]
    async fn other_errors_are_not_retried() {
        let store = flaky(1, || StoreError::Other("bug".into()));
        let until = Instant::now() + Duration::from_secs(10);
        let error = outcomes(&store, &[outcome()], until).await.unwrap_err();
        assert!(matches!(error, StoreError::Other(_)), "{error:?}");
        assert!(store.recorded.lock().unwrap().is_empty());
    }

    #[test]
    fn the_wait_ends_with_the_claims_at_most_a_minute_away() {
        let soon = Instant::now() + Duration::from_secs(5);
        assert_eq!(deadline(soon), soon);
        let before = Instant::now();
        let far = deadline(before + Duration::from_secs(300));
        assert!(far >= before + MAX_WAIT && far <= Instant::now() + MAX_WAIT);
    }
}
