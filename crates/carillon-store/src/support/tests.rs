use carillon_domain::{NotificationId, ServiceId};
use serde_json::json;
use time::macros::datetime;

use super::*;

const PER_MINUTE: RateLimit = RateLimit {
    limit: 3,
    window_seconds: 60,
};

#[test]
fn gcra_grants_the_full_allowance_then_refills_one_cell_per_interval() {
    let (granted, tat) = gcra(None, 0, 5, PER_MINUTE);
    assert_eq!(granted, 3);
    assert_eq!(gcra(Some(tat), 0, 1, PER_MINUTE).0, 0);
    assert_eq!(gcra(Some(tat), 19_999_999, 1, PER_MINUTE).0, 0);
    assert_eq!(gcra(Some(tat), 20_000_000, 5, PER_MINUTE).0, 1);
    assert_eq!(gcra(Some(tat), 600_000_000, 5, PER_MINUTE).0, 3);
}

#[test]
fn gcra_with_an_uneven_interval_still_grants_the_limit() {
    let rate = RateLimit {
        limit: 7,
        window_seconds: 60,
    };
    assert_eq!(gcra(None, 0, 100, rate).0, 7);
    assert_eq!(
        gcra(
            None,
            0,
            100,
            RateLimit {
                limit: 0,
                window_seconds: 60
            }
        )
        .0,
        0
    );
}

fn cipher() -> Cipher {
    Cipher::new([7; 32])
}

#[test]
fn personal_data_keeps_its_stored_keys_and_reads_back() {
    let personalisation = json!({"name": "Ada"});
    let personal = PersonalRef {
        to: "Ada@Example.com",
        normalised_to: "ada@example.com",
        personalisation: &personalisation,
        body: "Hello",
        subject: Some("Hi"),
        reference: None,
    };
    // Existing databases hold exactly this shape (without a reference, as version 8 wrote).
    assert_eq!(
        serde_json::to_string(&personal).ok().as_deref(),
        Some(
            r#"{"t":"Ada@Example.com","n":"ada@example.com","p":{"name":"Ada"},"b":"Hello","s":"Hi"}"#
        )
    );
    let sealed = seal_personal(&cipher(), &personal).unwrap_or_default();
    let Ok(back) = open_personal(&cipher(), &sealed) else {
        panic!("sealed personal data did not open");
    };
    assert_eq!(back.to, "Ada@Example.com");
    assert_eq!(back.normalised_to, "ada@example.com");
    assert_eq!(back.personalisation, personalisation);
    assert_eq!(back.body, "Hello");
    assert_eq!(back.subject.as_deref(), Some("Hi"));
    assert_eq!(back.reference, None);
}

#[test]
fn the_client_reference_is_sealed_with_the_personal_data() {
    let personalisation = json!({});
    let personal = PersonalRef {
        to: "ada@example.com",
        normalised_to: "ada@example.com",
        personalisation: &personalisation,
        body: "Hello",
        subject: None,
        reference: Some("case-42"),
    };
    assert_eq!(
        serde_json::to_string(&personal).ok().as_deref(),
        Some(
            r#"{"t":"ada@example.com","n":"ada@example.com","p":{},"b":"Hello","s":null,"r":"case-42"}"#
        )
    );
    let sealed = seal_personal(&cipher(), &personal).unwrap_or_default();
    let back = open_personal(&cipher(), &sealed)
        .ok()
        .and_then(|p| p.reference);
    assert_eq!(back.as_deref(), Some("case-42"));
}

/// A row stored before references were sealed gets its reference inside `personal` and a
/// lookup hash equal to the one a new notification of the service gets; a purged row keeps
/// nothing.
#[test]
fn a_clear_reference_is_moved_into_the_sealed_personal_data() {
    let personalisation = json!({"name": "Ada"});
    let old = PersonalRef {
        to: "ada@example.com",
        normalised_to: "ada@example.com",
        personalisation: &personalisation,
        body: "Hello",
        subject: Some("Hi"),
        reference: None,
    };
    let service = Uuid::from_u128(9);
    let row = ClearReference {
        seq: 3,
        service_id: service,
        personal: seal_personal(&cipher(), &old).ok(),
        reference: "old-ref".into(),
    };
    let Ok(sealed) = seal_clear_reference(&cipher(), row) else {
        panic!("the old row did not convert");
    };
    assert_eq!(sealed.seq, 3);
    let Some(Ok(back)) = sealed.personal.map(|p| open_personal(&cipher(), &p)) else {
        panic!("the converted row did not open");
    };
    assert_eq!(back.reference.as_deref(), Some("old-ref"));
    assert_eq!(
        (back.to.as_str(), back.body.as_str()),
        ("ada@example.com", "Hello")
    );
    assert_eq!(back.personalisation, personalisation);
    assert_eq!(
        sealed.reference_hash,
        Some(reference_hash(
            &cipher(),
            ServiceId::from_uuid(service),
            "old-ref"
        ))
    );

    let purged = ClearReference {
        seq: 4,
        service_id: service,
        personal: None,
        reference: "old-ref".into(),
    };
    let Ok(purged) = seal_clear_reference(&cipher(), purged) else {
        panic!("the purged row did not convert");
    };
    assert_eq!((purged.personal, purged.reference_hash), (None, None));

    let wrong_key = ClearReference {
        seq: 5,
        service_id: service,
        personal: seal_personal(&Cipher::new([8; 32]), &old).ok(),
        reference: "old-ref".into(),
    };
    assert!(matches!(
        seal_clear_reference(&cipher(), wrong_key),
        Err(StoreError::Corrupt(_))
    ));
}

#[test]
fn outbox_content_keeps_its_stored_keys_and_reads_back() {
    let message = OutboxMessage {
        notification_id: NotificationId::from_uuid(Uuid::nil()),
        service_id: ServiceId::from_uuid(Uuid::nil()),
        kind: NotificationType::Email,
        to: "ada@example.com".into(),
        from: "\"Service\" <service@example.com>".into(),
        reply_to: None,
        subject: Some("Hi".into()),
        html: Some("<p>Hello</p>".into()),
        text: "Hello".into(),
        created_at: datetime!(2026-01-02 03:04:05 UTC),
    };
    let sealed = seal_content(&cipher(), &message).unwrap_or_default();
    let json = cipher().decrypt(&sealed).unwrap_or_default();
    assert_eq!(
        String::from_utf8(json).ok().as_deref(),
        Some(
            r#"{"t":"ada@example.com","f":"\"Service\" <service@example.com>","r":null,"s":"Hi","h":"<p>Hello</p>","x":"Hello"}"#
        )
    );
    let Ok(back) = open_content(&cipher(), &sealed) else {
        panic!("sealed content did not open");
    };
    assert_eq!(back.to, message.to);
    assert_eq!(back.from, message.from);
    assert_eq!(back.reply_to, None);
    assert_eq!(back.subject, message.subject);
    assert_eq!(back.html, message.html);
    assert_eq!(back.text, message.text);
}

#[test]
fn unreadable_sealed_data_is_corrupt() {
    assert!(matches!(
        open_personal(&cipher(), b"not sealed"),
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        open_content(&cipher(), &cipher().encrypt(b"{}")),
        Err(StoreError::Corrupt(_))
    ));
    assert!(matches!(
        open_text(&cipher(), &cipher().encrypt(&[0xff])),
        Err(StoreError::Corrupt(_))
    ));
    assert_eq!(
        open_text(&cipher(), &cipher().encrypt(b"secret"))
            .ok()
            .as_deref(),
        Some("secret")
    );
}

#[test]
fn stored_times_keep_microseconds() {
    let at = datetime!(2026-01-02 03:04:05.123_456_789 +1);
    assert_eq!(micros(at), micros(truncate(at)));
    assert_eq!(
        from_micros(micros(at)).ok(),
        Some(datetime!(2026-01-02 02:04:05.123_456 UTC))
    );
    assert!(matches!(from_micros(i64::MAX), Err(StoreError::Corrupt(_))));
}
