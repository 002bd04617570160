//! Checks for request rate limits.

use carillon_domain::KeyType;

use super::fixtures::{at, service};
use crate::{RateLimit, Store};

const FIVE_A_MINUTE: RateLimit = RateLimit {
    limit: 5,
    window_seconds: 60,
};

/// Requests are granted up to the limit, then none.
pub async fn take_rate_grants_up_to_limit(store: &dyn Store) {
    let ours = service(store, "Rate").await;
    let take = |n| store.take_rate(ours.id, KeyType::Normal, n, FIVE_A_MINUTE, at(0));
    assert_eq!(take(0).await.unwrap(), 0);
    assert_eq!(take(3).await.unwrap(), 3);
    assert_eq!(take(3).await.unwrap(), 2);
    assert_eq!(take(1).await.unwrap(), 0);
    assert_eq!(take(100).await.unwrap(), 0);
}

/// The allowance comes back at `limit` per window, one request at a time.
pub async fn take_rate_refills_over_time(store: &dyn Store) {
    let ours = service(store, "Refill").await;
    let take =
        |n, seconds| store.take_rate(ours.id, KeyType::Normal, n, FIVE_A_MINUTE, at(seconds));
    assert_eq!(take(10, 0).await.unwrap(), 5);
    assert_eq!(take(1, 11).await.unwrap(), 0);
    // One request comes back every 12 seconds.
    assert_eq!(take(10, 12).await.unwrap(), 1);
    assert_eq!(take(10, 36).await.unwrap(), 2);
    assert_eq!(take(10, 37).await.unwrap(), 0);
    // A long pause refills the allowance, never beyond the limit.
    assert_eq!(take(10, 3_600).await.unwrap(), 5);
    // A clock that goes back grants nothing new.
    assert_eq!(take(1, 60).await.unwrap(), 0);
}

/// Each key type of each service has its own allowance.
pub async fn take_rate_separate_per_key_type_and_service(store: &dyn Store) {
    let ours = service(store, "Separate").await;
    let theirs = service(store, "Separate other").await;
    assert_eq!(
        store
            .take_rate(ours.id, KeyType::Normal, 9, FIVE_A_MINUTE, at(0))
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        store
            .take_rate(ours.id, KeyType::Team, 9, FIVE_A_MINUTE, at(0))
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        store
            .take_rate(ours.id, KeyType::Test, 2, FIVE_A_MINUTE, at(0))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .take_rate(theirs.id, KeyType::Normal, 9, FIVE_A_MINUTE, at(0))
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        store
            .take_rate(ours.id, KeyType::Normal, 1, FIVE_A_MINUTE, at(0))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .take_rate(ours.id, KeyType::Test, 9, FIVE_A_MINUTE, at(0))
            .await
            .unwrap(),
        3
    );
}

/// Requests racing for one allowance never get more than the limit between them.
pub async fn take_rate_concurrent_never_over_grants(store: &dyn Store) {
    let ours = service(store, "Concurrent").await;
    let take = || store.take_rate(ours.id, KeyType::Normal, 2, FIVE_A_MINUTE, at(0));
    let (a, b, c, d) = tokio::join!(take(), take(), take(), take());
    let granted: u32 = [a, b, c, d].into_iter().map(Result::unwrap).sum();
    assert_eq!(granted, 5);
}
