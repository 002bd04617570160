//! Checks for providers' delivery receipts: matched on the provider's reference and channel,
//! applied under GC Notify's transition rules, one outcome per receipt.

use carillon_domain::{
    NewNotification, Notification, NotificationId, NotificationStatus, NotificationType, Service,
};

use super::fixtures::{at, notification, outcome, queue, service, template};
use crate::{Outcome, Receipt, ReceiptOutcome, Store};

use NotificationStatus::{
    Delivered, PermanentFailure, Sending, Sent, TechnicalFailure, TemporaryFailure,
};
use NotificationType::{Email, Sms};
use ReceiptOutcome::{Applied, Ignored, Unknown};

/// Stores one notification per `(kind, status, reference)`, claims them all and records each
/// status with its reference, as a worker would after the hand-over.
async fn handed_over(
    store: &dyn Store,
    ours: &Service,
    rows: &[(NotificationType, NotificationStatus, &str)],
) -> Vec<NewNotification> {
    let email = template(store, ours, Email, at(1)).await;
    let sms = template(store, ours, Sms, at(1)).await;
    let batch: Vec<_> = rows
        .iter()
        .zip(0..)
        .map(|((kind, _, _), n)| notification(if *kind == Email { &email } else { &sms }, n, at(2)))
        .collect();
    queue(store, &batch).await;
    store
        .claim_notifications(at(3), at(60), 1_000)
        .await
        .unwrap();
    let outcomes: Vec<_> = batch
        .iter()
        .zip(rows)
        .map(|(new, (_, status, reference))| Outcome {
            provider_reference: Some((*reference).to_owned()),
            sent_at: Some(at(4)),
            ..outcome(new.id, *status, 4)
        })
        .collect();
    store.record_outcomes(&outcomes).await.unwrap();
    batch
}

fn receipt(
    reference: &str,
    kind: NotificationType,
    status: NotificationStatus,
    response: Option<&str>,
    at_seconds: i64,
) -> Receipt {
    Receipt {
        reference: reference.to_owned(),
        kind,
        status,
        provider_response: response.map(str::to_owned),
        received_at: at(at_seconds),
    }
}

async fn read(store: &dyn Store, ours: &Service, id: NotificationId) -> Notification {
    store.notification(ours.id, id).await.unwrap().unwrap()
}

/// Email: a receipt applies while the email is `sending`; a later bounce replaces
/// `delivered`; `delivered` never replaces `permanent-failure`; a repeat changes nothing;
/// `provider_response` is set only when the receipt has one; a failure before the hand-over
/// is final.
pub async fn receipts_email_transitions(store: &dyn Store) {
    let ours = service(store, "Email receipts").await;
    let rows = handed_over(
        store,
        &ours,
        &[
            (Email, Sending, "ses-a"),
            (Email, Sending, "ses-b"),
            (Email, TechnicalFailure, "ses-c"),
            (Email, Sending, "ses-d"),
        ],
    )
    .await;
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| rows[i].id);

    let first = store
        .apply_receipts(&[
            receipt("ses-a", Email, Delivered, None, 10),
            receipt("ses-b", Email, PermanentFailure, Some("suppressed"), 11),
            receipt("ses-c", Email, Delivered, None, 12),
            receipt("ses-d", Email, TemporaryFailure, None, 13),
        ])
        .await
        .unwrap();
    assert_eq!(first, [Applied(a), Applied(b), Ignored(c), Applied(d)]);
    let got = read(store, &ours, a).await;
    assert_eq!(
        (
            got.status,
            got.updated_at,
            got.provider_response,
            got.sent_at
        ),
        (Delivered, Some(at(10)), None, Some(at(4)))
    );
    let got = read(store, &ours, b).await;
    assert_eq!(
        (got.status, got.provider_response.as_deref()),
        (PermanentFailure, Some("suppressed"))
    );
    assert_eq!(read(store, &ours, c).await.status, TechnicalFailure);
    assert_eq!(read(store, &ours, d).await.status, TemporaryFailure);

    let second = store
        .apply_receipts(&[
            receipt("ses-a", Email, Delivered, None, 20),
            receipt("ses-a", Email, PermanentFailure, Some("late bounce"), 21),
            receipt("ses-b", Email, Delivered, None, 22),
            receipt("ses-d", Email, Delivered, None, 23),
        ])
        .await
        .unwrap();
    assert_eq!(second, [Ignored(a), Applied(a), Ignored(b), Applied(d)]);
    let got = read(store, &ours, a).await;
    assert_eq!(
        (got.status, got.updated_at, got.provider_response.as_deref()),
        (PermanentFailure, Some(at(21)), Some("late bounce"))
    );
    let got = read(store, &ours, b).await;
    assert_eq!(
        (got.status, got.updated_at),
        (PermanentFailure, Some(at(11)))
    );
    assert_eq!(read(store, &ours, d).await.status, Delivered);
}

/// SMS: a receipt applies only while the status is `sent`; late and duplicate receipts are
/// ignored. The provider's words are kept.
pub async fn receipts_sms_only_while_sent(store: &dyn Store) {
    let ours = service(store, "SMS receipts").await;
    let rows = handed_over(
        store,
        &ours,
        &[
            (Sms, Sent, "sns-a"),
            (Sms, Sent, "sns-b"),
            (Sms, TechnicalFailure, "sns-c"),
        ],
    )
    .await;
    let [a, b, c] = [0, 1, 2].map(|i| rows[i].id);
    let accepted = "Message has been accepted by phone carrier";
    let outcomes = store
        .apply_receipts(&[
            receipt("sns-a", Sms, Delivered, Some(accepted), 10),
            receipt(
                "sns-b",
                Sms,
                TemporaryFailure,
                Some("Phone has blocked SMS"),
                11,
            ),
            receipt("sns-c", Sms, Delivered, Some(accepted), 12),
            receipt(
                "sns-a",
                Sms,
                PermanentFailure,
                Some("Invalid phone number"),
                13,
            ),
        ])
        .await
        .unwrap();
    assert_eq!(outcomes, [Applied(a), Applied(b), Ignored(c), Ignored(a)]);
    let got = read(store, &ours, a).await;
    assert_eq!(
        (got.status, got.updated_at, got.provider_response.as_deref()),
        (Delivered, Some(at(10)), Some(accepted))
    );
    let got = read(store, &ours, b).await;
    assert_eq!(
        (got.status, got.provider_response.as_deref()),
        (TemporaryFailure, Some("Phone has blocked SMS"))
    );
    assert_eq!(read(store, &ours, c).await.status, TechnicalFailure);
}

/// A reference nobody has, or one of the other channel, is unknown (the sender retries);
/// an empty batch does nothing.
pub async fn receipts_unknown_references(store: &dyn Store) {
    let ours = service(store, "Unknown receipts").await;
    let rows = handed_over(store, &ours, &[(Email, Sending, "shared-ref")]).await;
    assert_eq!(store.apply_receipts(&[]).await.unwrap(), []);
    let outcomes = store
        .apply_receipts(&[
            receipt("nobody", Email, Delivered, None, 10),
            receipt("shared-ref", Sms, Delivered, None, 11),
        ])
        .await
        .unwrap();
    assert_eq!(outcomes, [Unknown, Unknown]);
    let got = read(store, &ours, rows[0].id).await;
    assert_eq!((got.status, got.updated_at), (Sending, Some(at(4))));
}
