//! Checks for the audit log.

use carillon_domain::{ServiceId, UserId};

use super::fixtures::{at, service};
use super::people::user;
use crate::{AuditEvent, Store};

/// Events come back newest first: a service's own, or all of them (those of no service
/// included), as many as asked for.
pub async fn audit_events_newest_first_per_service_and_global(store: &dyn Store) {
    let first = service(store, "First").await;
    let second = service(store, "Second").await;
    let admin = user(store, 1).await;
    let event =
        |seconds, actor: Option<UserId>, service: Option<ServiceId>, action: &str| AuditEvent {
            at: at(seconds),
            actor,
            service,
            action: action.to_owned(),
            detail: format!("{{\"n\":{seconds}}}"),
        };
    let events = [
        event(10, Some(admin.id), Some(first.id), "service.created"),
        event(20, None, None, "user.locked"),
        event(30, Some(admin.id), Some(second.id), "api_key.created"),
        event(40, Some(admin.id), Some(first.id), "api_key.revoked"),
    ];
    for event in &events {
        store.record_audit(event).await.unwrap();
    }
    let of_first = store.audit_events(Some(first.id), 10).await.unwrap();
    assert_eq!(of_first, [events[3].clone(), events[0].clone()]);
    let of_second = store.audit_events(Some(second.id), 10).await.unwrap();
    assert_eq!(of_second, [events[2].clone()]);
    let all = store.audit_events(None, 10).await.unwrap();
    let newest_first: Vec<_> = events.iter().rev().cloned().collect();
    assert_eq!(all, newest_first);
    assert_eq!(
        store.audit_events(None, 2).await.unwrap(),
        newest_first[..2]
    );
    assert_eq!(
        store.audit_events(Some(first.id), 1).await.unwrap(),
        [events[3].clone()]
    );
    let none = store
        .audit_events(Some(ServiceId::new()), 10)
        .await
        .unwrap();
    assert_eq!(none, []);
}
