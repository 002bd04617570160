//! Fixtures for the backends' at-rest tests: records full of distinctive personal data, and
//! the checks that such data is not found in raw bytes and that unknown stored values are
//! reported as corrupt. Only raw access (each backend's own tests) can read the bytes; what to
//! store and what to look for is the same for every backend, so it lives here.

use carillon_domain::{
    ApiKeyId, EmailAddress, EmailLocalPart, Invitation, InvitationId, InvitationStatus, KeyType,
    Language, MemberPermission, Membership, NewApiKey, NewNotification, NewService, NewTemplate,
    NotificationId, NotificationType, ProcessType, SafelistEntry, SafelistId, SecondFactor,
    ServiceId, SmsFrom, SmsSender, SmsSenderId, TemplateId, User, UserId, UserState,
};
use serde_json::json;
use time::macros::datetime;

use crate::{
    GoLiveRequest, GoLiveStatus, OneTimeToken, SessionRecord, SessionStage, SignInEvent, Store,
    StoreError, TokenPurpose,
};

/// Distinctive personal data, to look for in the raw file.
pub const RECIPIENT: &str = "Carillon.Secret.Recipient@Example.com";
pub const NORMALISED: &str = "carillon.secret.recipient@example.com";
pub const CODE: &str = "XYZZY-PLUGH-4242";
pub const SUBJECT: &str = "Sujet confidentiel 8675309";
pub const SAFELISTED: &str = "safelisted.person.31337@example.com";
pub const SECRET: &str = "5f0c8b1e-9d3a-4c7b-8e2f-a1b2c3d4e5f6";
/// A callback's bearer token: a secret too.
pub const TOKEN: &str = "callback-bearer-token-0xC0FFEE";
/// A client reference: services put case numbers and names in them, so sealed too.
pub const REFERENCE: &str = "Client.Reference.Case-90210";
/// Not personal (a sender), so stored in clear: proves the search below would find plaintext.
pub const CONTROL: &str = "CLEAR-SENDER-CONTROL-777";

/// Stores one of everything personal and returns the notification.
pub async fn store_personal_data(store: &dyn Store) -> NewNotification {
    let now = datetime!(2026-11-22 12:00:00 UTC);
    let service = NewService {
        id: ServiceId::new(),
        name: "At rest".into(),
        email_from: EmailLocalPart::parse("at.rest").unwrap(),
        restricted: false,
    };
    let service = store.create_service(&service, now).await.unwrap();
    let key = NewApiKey {
        permissions: carillon_domain::ApiKeyPermissions::default(),
        id: ApiKeyId::new(),
        service_id: service.id,
        name: "key".into(),
        key_type: KeyType::Normal,
        secret: SECRET.into(),
    };
    store.create_api_key(&key, now).await.unwrap();
    let callback = crate::CallbackConfig {
        service_id: service.id,
        kind: crate::CallbackKind::DeliveryStatus,
        url: "https://example.com/callback".into(),
        bearer_token: crate::BearerToken::new(TOKEN),
        suspended: false,
        updated_at: now,
    };
    store.set_callback(&callback).await.unwrap();
    assert_eq!(store.callbacks(service.id).await.unwrap(), [callback]);
    let entry = SafelistEntry {
        id: SafelistId::new(),
        service_id: service.id,
        kind: NotificationType::Email,
        recipient: SAFELISTED.into(),
        team_member: false,
    };
    store.add_safelist_entry(&entry).await.unwrap();
    let template = NewTemplate {
        id: TemplateId::new(),
        service_id: service.id,
        name: "code".into(),
        kind: NotificationType::Email,
        subject: Some("((subject))".into()),
        content: "Your code is ((code))".into(),
        category_id: carillon_domain::TemplateCategoryId::generic(ProcessType::Priority),
        process_type_override: None,
        created_by: None,
    };
    let template = store.create_template(&template, now).await.unwrap();
    let new = NewNotification {
        id: NotificationId::new(),
        service_id: service.id,
        template_id: template.id,
        template_version: 1,
        api_key_id: Some(key.id),
        key_type: KeyType::Normal,
        kind: NotificationType::Email,
        to: RECIPIENT.into(),
        normalised_to: NORMALISED.into(),
        personalisation: json!({ "code": CODE, "subject": SUBJECT }),
        body: format!("Your code is {CODE}"),
        subject: Some(SUBJECT.into()),
        client_reference: Some(REFERENCE.into()),
        sender: Some(CONTROL.into()),
        process_type: ProcessType::Priority,
        billable_units: 1,
        scheduled_for: None,
        created_at: now,
    };
    store
        .insert_notifications(&[(new.clone(), Vec::new())])
        .await
        .unwrap();
    let read = store
        .notification(service.id, new.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (read.to.as_str(), read.body.as_str()),
        (RECIPIENT, new.body.as_str())
    );
    assert_eq!(read.client_reference.as_deref(), Some(REFERENCE));
    new
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

/// Each piece of [`store_personal_data`]'s personal data found in `haystack`, named with `where_`.
pub fn find_plaintext(haystack: &[u8], where_: &str) -> Vec<String> {
    [
        RECIPIENT, NORMALISED, CODE, SUBJECT, SAFELISTED, SECRET, TOKEN, REFERENCE,
    ]
    .iter()
    .filter(|needle| contains(haystack, needle))
    .map(|needle| format!("{needle:?} in {where_}"))
    .collect()
}

/// A service with one SMS sender, both valid when stored.
pub async fn service_with_sender(store: &dyn Store) -> (ServiceId, SmsSenderId) {
    let now = datetime!(2026-11-22 12:00:00 UTC);
    let service = NewService {
        id: ServiceId::new(),
        name: "Senders".into(),
        email_from: EmailLocalPart::parse("senders").unwrap(),
        restricted: false,
    };
    store.create_service(&service, now).await.unwrap();
    let sender = SmsSender {
        id: SmsSenderId::new(),
        service_id: service.id,
        sms_sender: SmsFrom::parse("GCNOTIFY").unwrap(),
        is_default: true,
        archived: false,
    };
    store.add_sms_sender(&sender).await.unwrap();
    assert_eq!(
        store.sms_senders(service.id).await.unwrap(),
        vec![sender.clone()]
    );
    (service.id, sender.id)
}

/// Checks that every read of the service and its sender reports the tampered rows as corrupt.
pub async fn assert_senders_corrupt(store: &dyn Store, service: ServiceId, sender: SmsSenderId) {
    use crate::StoreError::Corrupt;
    let read = store.service(service).await;
    assert!(
        matches!(&read, Err(Corrupt(message)) if message.contains("email_from")),
        "{read:?}"
    );
    let all = store.services().await;
    assert!(matches!(all, Err(Corrupt(_))), "{all:?}");
    let senders = store.sms_senders(service).await;
    assert!(
        matches!(&senders, Err(Corrupt(message)) if message.contains("sms_sender")),
        "sender {sender}: {senders:?}"
    );
}

pub const NAME: &str = "Genevieve Secret-Name 1618";
pub const EMAIL: &str = "Genevieve.Secret.1618@Example.com";
pub const EMAIL_LOWER: &str = "genevieve.secret.1618@example.com";
pub const TOTP_SECRET: &str = "TOTP-SHARED-SECRET-271828";
pub const NEW_EMAIL: &str = "new.address.314159@example.org";
pub const SESSION_DATA: &str = "session-data-csrf-161803";
pub const INVITED: &str = "invited.person.141421@example.net";
pub const ANSWERS: &str = "go-live-answers-173205";
/// Not personal (already a one-way hash), so stored as is: proves the search sees text.
pub const PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$CONTROLSALT$CONTROLHASH";

pub const SECRETS: [&str; 7] = [
    NAME,
    EMAIL,
    EMAIL_LOWER,
    TOTP_SECRET,
    NEW_EMAIL,
    SESSION_DATA,
    INVITED,
];

/// One record of every kind the web app keeps, with distinctive personal data; returns the
/// service and the user.
pub async fn store_account_data(store: &dyn Store) -> (ServiceId, User) {
    let now = datetime!(2026-11-22 12:00:00 UTC);
    let service = NewService {
        id: ServiceId::new(),
        name: "Accounts at rest".into(),
        email_from: EmailLocalPart::parse("accounts.at.rest").unwrap(),
        restricted: true,
    };
    let service = store.create_service(&service, now).await.unwrap();
    let user = User {
        id: UserId::new(),
        name: NAME.into(),
        email: EmailAddress::parse(EMAIL).unwrap(),
        password_hash: PASSWORD_HASH.into(),
        state: UserState::Active,
        platform_admin: false,
        second_factor: SecondFactor::Totp,
        totp_secret: Some(TOTP_SECRET.as_bytes().to_vec()),
        totp_last_step: 0,
        failed_sign_ins: 0,
        language: Language::French,
        password_changed_at: now,
        created_at: now,
    };
    store.create_user(&user).await.unwrap();
    let token = OneTimeToken {
        hash: [1; 32],
        purpose: TokenPurpose::ChangeEmail,
        user: user.id,
        payload: Some(NEW_EMAIL.into()),
        created_at: now,
        expires_at: now,
    };
    store.put_token(&token).await.unwrap();
    let session = SessionRecord {
        id_hash: [2; 32],
        user: Some(user.id),
        stage: SessionStage::SignedIn,
        data: format!(r#"{{"csrf":"{SESSION_DATA}"}}"#),
        created_at: now,
        last_seen_at: now,
    };
    store.put_session(&session).await.unwrap();
    let sign_in = SignInEvent {
        user: user.id,
        at: now,
        second_factor: SecondFactor::Totp,
    };
    store.record_sign_in(&sign_in).await.unwrap();
    let membership = Membership {
        service: service.id,
        user: user.id,
        permissions: vec![MemberPermission::ManageService],
    };
    store.put_membership(&membership).await.unwrap();
    let invitation = Invitation {
        id: InvitationId::new(),
        service: service.id,
        email: EmailAddress::parse(INVITED).unwrap(),
        invited_by: user.id,
        permissions: vec![MemberPermission::ViewActivity],
        token_hash: [3; 32],
        status: InvitationStatus::Pending,
        created_at: now,
        expires_at: now,
    };
    store.create_invitation(&invitation).await.unwrap();
    let request = GoLiveRequest {
        service: service.id,
        requested_by: user.id,
        answers: format!(r#"{{"purpose":"{ANSWERS}"}}"#),
        status: GoLiveStatus::Pending,
        requested_at: now,
        decided_by: None,
        decided_at: None,
    };
    store.put_go_live_request(&request).await.unwrap();
    let read = store.user_by_email(&user.email).await.unwrap();
    assert_eq!(read.as_ref(), Some(&user));
    (service.id, user)
}

/// Each piece of [`store_account_data`]'s personal data found in `haystack`, named with `where_`.
pub fn find_account_plaintext(haystack: &[u8], where_: &str) -> Vec<String> {
    SECRETS
        .iter()
        .chain([&ANSWERS])
        .filter(|needle| contains(haystack, needle))
        .map(|needle| format!("{needle:?} in {where_}"))
        .collect()
}

/// Statements, written behind the store's back, that put a value the store does not know into
/// every enum column of [`store_account_data`]'s records.
pub const UNKNOWN_ACCOUNT_VALUES: [&str; 6] = [
    "UPDATE users SET state = 'frozen'",
    "UPDATE sessions SET stage = 'half_signed_in'",
    "UPDATE sign_in_events SET second_factor = 'carrier_pigeon'",
    "UPDATE memberships SET permissions = 'view_activity,fly'",
    "UPDATE invitations SET status = 'maybe'",
    "UPDATE go_live_requests SET status = 'someday'",
];

fn is_corrupt<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Corrupt(_)))
}

/// After [`UNKNOWN_ACCOUNT_VALUES`], every read of the accounts' records reports them as
/// corrupt, naming the value where it can, rather than guessing.
pub async fn assert_account_reads_corrupt(store: &dyn Store, service: ServiceId, user: &User) {
    let by_id = store.user(user.id).await;
    assert!(
        matches!(&by_id, Err(StoreError::Corrupt(message)) if message.contains("frozen")),
        "{by_id:?}"
    );
    assert!(is_corrupt(&store.user_by_email(&user.email).await));
    assert!(is_corrupt(&store.users(10, 0).await));
    assert!(is_corrupt(&store.session(&[2; 32]).await));
    assert!(is_corrupt(&store.recent_sign_ins(user.id, 10).await));
    assert!(is_corrupt(&store.members(service).await));
    assert!(is_corrupt(&store.invitation_by_token(&[3; 32]).await));
    assert!(is_corrupt(&store.go_live_request(service).await));
}
