//! Checks for services and the health calls.

use carillon_domain::{EmailLocalPart, Language, NewService, Permission, ServiceId};

use super::fixtures::{T0, at, micros, service};
use crate::{Store, StoreError};

/// The database answers and reports the newest schema (0014, the recipient search).
pub async fn ping_and_schema_version(store: &dyn Store) {
    store.ping().await.unwrap();
    assert_eq!(store.schema_version().await.unwrap(), 14);
}

/// A new service takes GC Notify's trial defaults and reads back as created.
pub async fn services_round_trip(store: &dyn Store) {
    let id = ServiceId::new();
    let new = NewService {
        id,
        name: "Agence du revenu — Service à la clientèle".to_owned(),
        email_from: EmailLocalPart::parse("arc.clientele").unwrap(),
        restricted: true,
    };
    // Nanoseconds are dropped: the store keeps (and the API prints) microseconds.
    let now = T0.replace_nanosecond(123_456_789).unwrap();
    let created = store.create_service(&new, now).await.unwrap();
    assert_eq!(created.id, id);
    assert_eq!(created.name, new.name);
    assert_eq!(created.email_from, new.email_from);
    assert!(created.active);
    assert!(created.restricted);
    assert!(!created.research_mode);
    assert!(created.prefix_sms);
    assert_eq!(
        created.permissions,
        [
            Permission::Email,
            Permission::Sms,
            Permission::InternationalSms
        ]
    );
    assert_eq!(created.rate_limit, 1_000);
    assert_eq!(
        (created.email_daily_limit, created.sms_daily_limit),
        (50, 50)
    );
    assert_eq!(
        (created.email_annual_limit, created.sms_annual_limit),
        (20_000_000, 100_000)
    );
    assert_eq!(created.retention_days, 7);
    assert_eq!(created.default_language, Language::English);
    assert_eq!(created.created_at, micros(now));
    assert_eq!(created.created_at.nanosecond(), 123_456_000);

    assert_eq!(store.service(id).await.unwrap(), Some(created.clone()));
    assert_eq!(store.service(ServiceId::new()).await.unwrap(), None);
    let other = service(store, "Other").await;
    let all = store.services().await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.contains(&created) && all.contains(&other));
}

/// Every field but `id` and `created_at` is saved, permissions in their order.
pub async fn services_update_every_field(store: &dyn Store) {
    let original = service(store, "Before").await;
    let mut changed = original.clone();
    changed.name = "After".to_owned();
    changed.email_from = EmailLocalPart::parse("after").unwrap();
    changed.active = false;
    changed.restricted = false;
    changed.research_mode = true;
    changed.prefix_sms = false;
    changed.permissions = vec![Permission::InternationalSms, Permission::Email];
    changed.rate_limit = 4_321;
    changed.email_daily_limit = u32::MAX;
    changed.sms_daily_limit = 1_500;
    changed.email_annual_limit = 5_000_000_000;
    changed.sms_annual_limit = 200_000;
    changed.retention_days = 3;
    changed.default_language = Language::French;
    changed.created_at = at(999);
    store.update_service(&changed).await.unwrap();

    let read = store.service(original.id).await.unwrap().unwrap();
    assert_eq!(
        read.created_at, original.created_at,
        "created_at must not change"
    );
    changed.created_at = original.created_at;
    assert_eq!(read, changed);

    changed.permissions = Vec::new();
    store.update_service(&changed).await.unwrap();
    assert_eq!(
        store
            .service(original.id)
            .await
            .unwrap()
            .unwrap()
            .permissions,
        []
    );
}

/// Updating a service that does not exist reports it.
pub async fn services_update_unknown_is_not_found(store: &dyn Store) {
    let mut ghost = service(store, "Ghost").await;
    ghost.id = ServiceId::new();
    let result = store.update_service(&ghost).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// Names and sender local parts are unique.
pub async fn services_duplicate_name_or_sender_conflicts(store: &dyn Store) {
    let first = service(store, "Unique").await;
    let same_name = NewService {
        id: ServiceId::new(),
        name: first.name.clone(),
        email_from: EmailLocalPart::parse("someone.else").unwrap(),
        restricted: true,
    };
    let result = store.create_service(&same_name, at(1)).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    let same_sender = NewService {
        id: ServiceId::new(),
        name: "Another name".to_owned(),
        email_from: first.email_from.clone(),
        restricted: false,
    };
    let result = store.create_service(&same_sender, at(1)).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(store.services().await.unwrap(), [first]);
}
