//! Accounts at rest, checked where only raw access can see them: names, addresses, TOTP
//! secrets, token payloads, session data, invited addresses and go-live answers never reach
//! the file in clear, and a stored enum value the store does not know is reported as corrupt.

use carillon_domain::{
    EmailAddress, Invitation, InvitationId, InvitationStatus, Language, MemberPermission,
    Membership, SecondFactor, User, UserId, UserState,
};
use carillon_store::{
    GoLiveRequest, GoLiveStatus, OneTimeToken, SessionRecord, SessionStage, SignInEvent,
    StoreError, TokenPurpose,
};

use super::*;

const NAME: &str = "Genevieve Secret-Name 1618";
const EMAIL: &str = "Genevieve.Secret.1618@Example.com";
const EMAIL_LOWER: &str = "genevieve.secret.1618@example.com";
const TOTP_SECRET: &str = "TOTP-SHARED-SECRET-271828";
const NEW_EMAIL: &str = "new.address.314159@example.org";
const SESSION_DATA: &str = "session-data-csrf-161803";
const INVITED: &str = "invited.person.141421@example.net";
const ANSWERS: &str = "go-live-answers-173205";
/// Not personal (already a one-way hash), so stored as is: proves the search sees text.
const PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$CONTROLSALT$CONTROLHASH";

const SECRETS: [&str; 7] = [
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
async fn store_account_data(store: &dyn Store) -> (ServiceId, User) {
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

fn found_in(haystack: &[u8], where_: &str) -> Vec<String> {
    SECRETS
        .iter()
        .chain([&ANSWERS])
        .filter(|needle| contains(haystack, needle))
        .map(|needle| format!("{needle:?} in {where_}"))
        .collect()
}

#[tokio::test]
async fn account_data_is_not_stored_in_clear() {
    let test = store().await.unwrap();
    store_account_data(&*test).await;
    let path = test.dir.path().join("carillon.db");
    let mut found = Vec::new();
    for table in [
        "users",
        "one_time_tokens",
        "sessions",
        "invitations",
        "go_live_requests",
    ] {
        let raw = raw_rows(&path, table).await;
        if table == "users" {
            assert!(
                contains(&raw, PASSWORD_HASH),
                "the search does not see stored text"
            );
        }
        found.extend(found_in(&raw, table));
    }
    test.close().await;
    let file = std::fs::read(&path).unwrap();
    assert!(
        contains(&file, PASSWORD_HASH),
        "the search does not see stored text"
    );
    found.extend(found_in(&file, "the database file"));
    assert!(
        found.is_empty(),
        "personal data stored in clear: {found:#?}"
    );
}

/// Runs `sql` on the closed store's file, behind its back.
async fn tamper(path: &Path, sql: &str) {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

fn is_corrupt<T: std::fmt::Debug>(result: &Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Corrupt(_)))
}

#[tokio::test]
async fn stored_values_the_store_does_not_know_are_corrupt() {
    let test = store().await.unwrap();
    let (service, user) = store_account_data(&*test).await;
    test.close().await;
    let path = test.dir.path().join("carillon.db");
    for sql in [
        "UPDATE users SET state = 'frozen'",
        "UPDATE sessions SET stage = 'half_signed_in'",
        "UPDATE sign_in_events SET second_factor = 'carrier_pigeon'",
        "UPDATE memberships SET permissions = 'view_activity,fly'",
        "UPDATE invitations SET status = 'maybe'",
        "UPDATE go_live_requests SET status = 'someday'",
    ] {
        tamper(&path, sql).await;
    }
    let store = SqliteStore::open(&path, cipher()).await.unwrap();
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
    store.close().await;
}
