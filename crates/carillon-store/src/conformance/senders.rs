//! Checks for reply-to addresses, SMS senders and the safelist.

use carillon_domain::{
    NotificationType, ReplyTo, ReplyToId, SafelistEntry, SafelistId, SmsFrom, SmsSender,
    SmsSenderId,
};

use super::fixtures::service;
use crate::Store;

/// A new default reply-to replaces the old default; the others stay as they were.
pub async fn reply_tos_default_switching(store: &dyn Store) {
    let ours = service(store, "Reply").await;
    let theirs = service(store, "Reply other").await;
    let reply_to = |service_id, address: &str, is_default| ReplyTo {
        id: ReplyToId::new(),
        service_id,
        email_address: address.to_owned(),
        is_default,
        archived: false,
        verified: true,
    };
    let mut first = reply_to(ours.id, "first@example.gc.ca", true);
    let second = ReplyTo {
        archived: true,
        ..reply_to(ours.id, "second@example.gc.ca", false)
    };
    let other = reply_to(theirs.id, "other@example.gc.ca", true);
    store.add_reply_to(&first).await.unwrap();
    store.add_reply_to(&second).await.unwrap();
    store.add_reply_to(&other).await.unwrap();
    assert_eq!(
        store.reply_tos(ours.id).await.unwrap(),
        [first.clone(), second.clone()]
    );

    let third = reply_to(ours.id, "troisième@example.gc.ca", true);
    store.add_reply_to(&third).await.unwrap();
    first.is_default = false;
    assert_eq!(
        store.reply_tos(ours.id).await.unwrap(),
        [first, second, third]
    );
    assert_eq!(store.reply_tos(theirs.id).await.unwrap(), [other]);
}

/// A new default SMS sender replaces the old default; the others stay as they were.
pub async fn sms_senders_default_switching(store: &dyn Store) {
    let ours = service(store, "Senders").await;
    let theirs = service(store, "Senders other").await;
    let sender = |service_id, name: &str, is_default| SmsSender {
        id: SmsSenderId::new(),
        service_id,
        sms_sender: SmsFrom::parse(name).unwrap(),
        is_default,
        archived: false,
    };
    let mut first = sender(ours.id, "GCNotify", true);
    let second = sender(ours.id, "+16135550123", false);
    let other = sender(theirs.id, "Other", true);
    store.add_sms_sender(&first).await.unwrap();
    store.add_sms_sender(&second).await.unwrap();
    store.add_sms_sender(&other).await.unwrap();
    assert_eq!(
        store.sms_senders(ours.id).await.unwrap(),
        [first.clone(), second.clone()]
    );

    let third = sender(ours.id, "Third", true);
    store.add_sms_sender(&third).await.unwrap();
    first.is_default = false;
    assert_eq!(
        store.sms_senders(ours.id).await.unwrap(),
        [first, second, third]
    );
    assert_eq!(store.sms_senders(theirs.id).await.unwrap(), [other]);
}

/// Safelist entries read back exactly, in the order added, per service.
pub async fn safelist_round_trip(store: &dyn Store) {
    let ours = service(store, "Safelist").await;
    let theirs = service(store, "Safelist other").await;
    let entry = |service_id, kind, recipient: &str, team_member| SafelistEntry {
        id: SafelistId::new(),
        service_id,
        kind,
        recipient: recipient.to_owned(),
        team_member,
    };
    let entries = [
        entry(ours.id, NotificationType::Email, "zoë@exämple.gc.ca", false),
        entry(ours.id, NotificationType::Sms, "+16135550123", false),
        entry(
            ours.id,
            NotificationType::Email,
            "member@example.gc.ca",
            true,
        ),
    ];
    for entry in &entries {
        store.add_safelist_entry(entry).await.unwrap();
    }
    let other = entry(
        theirs.id,
        NotificationType::Email,
        "zoë@exämple.gc.ca",
        false,
    );
    store.add_safelist_entry(&other).await.unwrap();
    assert_eq!(store.safelist(ours.id).await.unwrap(), entries);
    assert_eq!(store.safelist(theirs.id).await.unwrap(), [other]);
}

/// Removing a reply-to address or an SMS sender archives it (still listed, no longer the
/// default); removing it again, or another service's, is not found.
pub async fn senders_removed_are_archived(store: &dyn Store) {
    let ours = service(store, "Removed").await;
    let theirs = service(store, "Removed other").await;
    let reply_to = ReplyTo {
        id: ReplyToId::new(),
        service_id: ours.id,
        email_address: "gone@example.gc.ca".to_owned(),
        is_default: true,
        archived: false,
        verified: true,
    };
    let kept = ReplyTo {
        id: ReplyToId::new(),
        email_address: "kept@example.gc.ca".to_owned(),
        is_default: false,
        ..reply_to.clone()
    };
    store.add_reply_to(&reply_to).await.unwrap();
    store.add_reply_to(&kept).await.unwrap();
    assert!(matches!(
        store.remove_reply_to(theirs.id, reply_to.id).await,
        Err(crate::StoreError::NotFound)
    ));
    store.remove_reply_to(ours.id, reply_to.id).await.unwrap();
    let archived = ReplyTo {
        archived: true,
        is_default: false,
        ..reply_to.clone()
    };
    assert_eq!(
        store.reply_tos(ours.id).await.unwrap(),
        [archived, kept.clone()]
    );
    assert!(matches!(
        store.remove_reply_to(ours.id, reply_to.id).await,
        Err(crate::StoreError::NotFound)
    ));
    assert!(matches!(
        store.remove_reply_to(ours.id, ReplyToId::new()).await,
        Err(crate::StoreError::NotFound)
    ));

    let sender = SmsSender {
        id: SmsSenderId::new(),
        service_id: ours.id,
        sms_sender: SmsFrom::parse("GONE.CA").unwrap(),
        is_default: false,
        archived: false,
    };
    store.add_sms_sender(&sender).await.unwrap();
    assert!(matches!(
        store.remove_sms_sender(theirs.id, sender.id).await,
        Err(crate::StoreError::NotFound)
    ));
    store.remove_sms_sender(ours.id, sender.id).await.unwrap();
    assert_eq!(
        store.sms_senders(ours.id).await.unwrap(),
        [SmsSender {
            archived: true,
            ..sender.clone()
        }]
    );
    assert!(matches!(
        store.remove_sms_sender(ours.id, sender.id).await,
        Err(crate::StoreError::NotFound)
    ));
}

/// Removing a safelist entry deletes it, for its own service only.
pub async fn safelist_entries_removed(store: &dyn Store) {
    let ours = service(store, "Safelist removed").await;
    let theirs = service(store, "Safelist removed other").await;
    let entry = |recipient: &str| SafelistEntry {
        id: SafelistId::new(),
        service_id: ours.id,
        kind: NotificationType::Email,
        recipient: recipient.to_owned(),
        team_member: false,
    };
    let gone = entry("gone@example.gc.ca");
    let kept = entry("kept@example.gc.ca");
    store.add_safelist_entry(&gone).await.unwrap();
    store.add_safelist_entry(&kept).await.unwrap();
    assert!(matches!(
        store.remove_safelist_entry(theirs.id, gone.id).await,
        Err(crate::StoreError::NotFound)
    ));
    store.remove_safelist_entry(ours.id, gone.id).await.unwrap();
    assert_eq!(store.safelist(ours.id).await.unwrap(), [kept]);
    assert!(matches!(
        store.remove_safelist_entry(ours.id, gone.id).await,
        Err(crate::StoreError::NotFound)
    ));
}
