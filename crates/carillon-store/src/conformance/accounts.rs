//! Checks for accounts, their one-time tokens and their sign-ins.

use carillon_domain::{Language, SecondFactor, UserId, UserState};

use super::fixtures::{T0, at, micros};
use super::people::{all_at_once, email, new_user, user, with_nanos};
use crate::{OneTimeToken, SignInEvent, Store, StoreError, TokenPurpose};

/// Every field is stored and read back, by id and by the address in any case; nanoseconds
/// are dropped.
pub async fn users_round_trip_every_field(store: &dyn Store) {
    let mut created = new_user(1);
    created.name = "Zoë Tremblay-Côté".to_owned();
    created.email = email("Zoe.Tremblay@Example.ca");
    created.state = UserState::Pending;
    created.platform_admin = true;
    created.second_factor = SecondFactor::Totp;
    created.totp_secret = Some((0..=20).chain([0, 255]).collect());
    created.totp_last_step = 59_000_123;
    created.failed_sign_ins = 3;
    created.language = Language::French;
    created.password_changed_at = with_nanos(at(-60));
    created.created_at = with_nanos(T0);
    store.create_user(&created).await.unwrap();
    let mut expected = created.clone();
    expected.password_changed_at = micros(created.password_changed_at);
    expected.created_at = micros(created.created_at);

    assert_eq!(
        store.user(created.id).await.unwrap(),
        Some(expected.clone())
    );
    for written in [
        "Zoe.Tremblay@Example.ca",
        "zoe.tremblay@example.ca",
        "ZOE.TREMBLAY@EXAMPLE.CA",
    ] {
        let found = store.user_by_email(&email(written)).await.unwrap();
        assert_eq!(found, Some(expected.clone()), "{written}");
    }
    assert_eq!(store.user(UserId::new()).await.unwrap(), None);
    let unknown = store.user_by_email(&email("zoe@example.ca")).await.unwrap();
    assert_eq!(unknown, None);

    let plain = user(store, 2).await;
    assert_eq!(store.user(plain.id).await.unwrap(), Some(plain));
}

/// Accounts are listed by creation time, then id, a page at a time.
pub async fn users_listed_oldest_first_with_paging(store: &dyn Store) {
    let mut made = Vec::new();
    for (n, seconds) in [(1, 30), (2, 10), (3, 20), (4, 40), (5, 40)] {
        let mut user = new_user(n);
        user.created_at = at(seconds);
        store.create_user(&user).await.unwrap();
        made.push(user);
    }
    let mut expected = made.clone();
    expected.sort_by_key(|user| (user.created_at, user.id));
    assert_eq!(store.users(10, 0).await.unwrap(), expected);
    assert_eq!(store.users(2, 1).await.unwrap(), expected[1..3]);
    assert_eq!(store.users(10, 4).await.unwrap(), expected[4..]);
    assert_eq!(store.users(10, 5).await.unwrap(), []);
    assert_eq!(store.users(0, 0).await.unwrap(), []);
}

/// An address is taken whatever its case: a second account with it is a conflict.
pub async fn users_duplicate_email_conflicts(store: &dyn Store) {
    let mut first = new_user(1);
    first.email = email("Ada@Example.com");
    store.create_user(&first).await.unwrap();
    let mut second = new_user(2);
    second.email = email("ada@EXAMPLE.COM");
    let result = store.create_user(&second).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(store.user(second.id).await.unwrap(), None);
    let found = store.user_by_email(&second.email).await.unwrap();
    assert_eq!(found.map(|user| user.id), Some(first.id));
}

/// Every field is replaced; the old address no longer finds the account; another account's
/// address is a conflict and changes nothing; an unknown account is not found.
pub async fn users_update_every_field(store: &dyn Store) {
    let original = user(store, 1).await;
    let other = user(store, 2).await;
    let changed = carillon_domain::User {
        id: original.id,
        name: "Renamed Person".to_owned(),
        email: email("New.Address@Example.org"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$newhash".to_owned(),
        state: UserState::Suspended,
        platform_admin: true,
        second_factor: SecondFactor::SecurityKey,
        totp_secret: Some(vec![9; 20]),
        totp_last_step: 77,
        failed_sign_ins: 7,
        language: Language::French,
        password_changed_at: at(99),
        created_at: at(-5),
    };
    store.update_user(&changed).await.unwrap();
    assert_eq!(
        store.user(original.id).await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(store.user_by_email(&original.email).await.unwrap(), None);
    let by_new = store.user_by_email(&email("new.address@example.org")).await;
    assert_eq!(by_new.unwrap(), Some(changed.clone()));

    let mut clash = changed.clone();
    clash.email = email("PERSON.2@example.com");
    clash.name = "Clash".to_owned();
    let result = store.update_user(&clash).await;
    assert!(matches!(result, Err(StoreError::Conflict(_))), "{result:?}");
    assert_eq!(
        store.user(original.id).await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(store.user(other.id).await.unwrap(), Some(other));

    let mut cleared = changed;
    cleared.totp_secret = None;
    store.update_user(&cleared).await.unwrap();
    assert_eq!(store.user(cleared.id).await.unwrap(), Some(cleared));

    let result = store.update_user(&new_user(3)).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// Concurrent failed sign-ins each add one: twenty calls at once count to twenty, and each
/// call sees a different count.
pub async fn failed_sign_ins_counted_exactly_under_concurrency(store: &dyn Store) {
    let person = user(store, 1).await;
    let counts = all_at_once((0..20).map(|_| store.count_failed_sign_in(person.id))).await;
    let mut counts: Vec<u32> = counts.into_iter().map(Result::unwrap).collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=20).collect::<Vec<u32>>());
    let stored = store.user(person.id).await.unwrap().unwrap();
    assert_eq!(stored.failed_sign_ins, 20);

    // A successful sign-in resets the count through `update_user`.
    store
        .update_user(&carillon_domain::User {
            failed_sign_ins: 0,
            ..stored
        })
        .await
        .unwrap();
    assert_eq!(store.count_failed_sign_in(person.id).await.unwrap(), 1);
    let result = store.count_failed_sign_in(UserId::new()).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// A TOTP step is accepted only when later than the last one; of concurrent requests with
/// the same step exactly one wins.
pub async fn totp_steps_accepted_once_and_in_order(store: &dyn Store) {
    let person = user(store, 1).await;
    assert!(store.accept_totp_step(person.id, 100).await.unwrap());
    assert!(!store.accept_totp_step(person.id, 100).await.unwrap());
    assert!(!store.accept_totp_step(person.id, 99).await.unwrap());
    assert!(store.accept_totp_step(person.id, 101).await.unwrap());
    let stored = store.user(person.id).await.unwrap().unwrap();
    assert_eq!(stored.totp_last_step, 101);

    for step in [200, 300] {
        let accepted = all_at_once((0..8).map(|_| store.accept_totp_step(person.id, step))).await;
        let winners = accepted
            .into_iter()
            .filter(|won| *won.as_ref().unwrap())
            .count();
        assert_eq!(winners, 1, "step {step}");
    }
    let stored = store.user(person.id).await.unwrap().unwrap();
    assert_eq!(stored.totp_last_step, 300);
    let result = store.accept_totp_step(UserId::new(), 1).await;
    assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
}

/// Saving a copy of the account read before a TOTP code was accepted keeps the accepted step
/// (the code stays spent) while every other field is saved; a later step is saved.
pub async fn users_update_never_moves_the_totp_step_back(store: &dyn Store) {
    let read_before = user(store, 1).await;
    assert!(store.accept_totp_step(read_before.id, 500).await.unwrap());
    let stale = carillon_domain::User {
        failed_sign_ins: 0,
        language: Language::French,
        ..read_before.clone()
    };
    store.update_user(&stale).await.unwrap();
    let stored = store.user(read_before.id).await.unwrap().unwrap();
    assert_eq!(stored.totp_last_step, 500);
    assert_eq!(stored.language, Language::French);
    assert!(!store.accept_totp_step(read_before.id, 500).await.unwrap());

    let later = carillon_domain::User {
        totp_last_step: 900,
        ..stored
    };
    store.update_user(&later).await.unwrap();
    let stored = store.user(read_before.id).await.unwrap().unwrap();
    assert_eq!(stored, later);
}

fn token(user: UserId, byte: u8, purpose: TokenPurpose) -> OneTimeToken {
    OneTimeToken {
        hash: [byte; 32],
        purpose,
        user,
        payload: None,
        created_at: at(0),
        expires_at: at(900),
    }
}

/// A token is returned to one taker only, and only for its own purpose; an expired token is
/// still returned (the caller decides); its payload reads back.
pub async fn tokens_taken_once(store: &dyn Store) {
    let person = user(store, 1).await;
    let code = token(person.id, 1, TokenPurpose::EmailCode);
    store.put_token(&code).await.unwrap();
    let wrong = store
        .take_token(TokenPurpose::ResetPassword, &code.hash)
        .await;
    assert_eq!(wrong.unwrap(), None);
    let taken = store.take_token(TokenPurpose::EmailCode, &code.hash).await;
    assert_eq!(taken.unwrap(), Some(code.clone()));
    let again = store.take_token(TokenPurpose::EmailCode, &code.hash).await;
    assert_eq!(again.unwrap(), None);

    let change = OneTimeToken {
        payload: Some("New.Address@Example.org".to_owned()),
        created_at: with_nanos(at(-1_000)),
        expires_at: at(-100),
        ..token(person.id, 2, TokenPurpose::ChangeEmail)
    };
    store.put_token(&change).await.unwrap();
    let expected = OneTimeToken {
        created_at: micros(change.created_at),
        ..change.clone()
    };
    let taken = store
        .take_token(TokenPurpose::ChangeEmail, &change.hash)
        .await;
    assert_eq!(taken.unwrap(), Some(expected));

    let raced = token(person.id, 3, TokenPurpose::VerifyEmail);
    store.put_token(&raced).await.unwrap();
    let takers = (0..8).map(|_| store.take_token(TokenPurpose::VerifyEmail, &raced.hash));
    let taken: Vec<_> = all_at_once(takers)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(taken.iter().flatten().count(), 1, "{taken:?}");

    let twice = store.put_token(&raced).await;
    assert!(
        twice.is_ok(),
        "a taken token's hash is free again: {twice:?}"
    );
    let duplicate = store.put_token(&raced).await;
    assert!(
        matches!(duplicate, Err(StoreError::Conflict(_))),
        "{duplicate:?}"
    );
    let orphan = store
        .put_token(&token(UserId::new(), 4, TokenPurpose::EmailCode))
        .await;
    assert!(matches!(orphan, Err(StoreError::NotFound)), "{orphan:?}");
}

/// Removing a user's tokens of one purpose leaves their other tokens and other users' alone.
pub async fn tokens_removed_per_user_and_purpose(store: &dyn Store) {
    let first = user(store, 1).await;
    let second = user(store, 2).await;
    let tokens = [
        token(first.id, 1, TokenPurpose::EmailCode),
        token(first.id, 2, TokenPurpose::EmailCode),
        token(first.id, 3, TokenPurpose::ResetPassword),
        token(second.id, 4, TokenPurpose::EmailCode),
    ];
    for token in &tokens {
        store.put_token(token).await.unwrap();
    }
    let removed = store.remove_tokens(first.id, TokenPurpose::EmailCode).await;
    assert_eq!(removed.unwrap(), 2);
    let again = store.remove_tokens(first.id, TokenPurpose::EmailCode).await;
    assert_eq!(again.unwrap(), 0);
    for gone in &tokens[..2] {
        assert_eq!(
            store.take_token(gone.purpose, &gone.hash).await.unwrap(),
            None
        );
    }
    for kept in &tokens[2..] {
        let taken = store.take_token(kept.purpose, &kept.hash).await.unwrap();
        assert_eq!(taken.as_ref(), Some(kept));
    }
}

/// A user's sign-ins, newest first, as many as asked for; nobody else's.
pub async fn sign_ins_recorded_newest_first(store: &dyn Store) {
    let first = user(store, 1).await;
    let second = user(store, 2).await;
    let event = |user: UserId, seconds: i64, second_factor| SignInEvent {
        user,
        at: at(seconds),
        second_factor,
    };
    let events = [
        event(first.id, 10, SecondFactor::EmailCode),
        event(first.id, 30, SecondFactor::Totp),
        event(second.id, 40, SecondFactor::EmailCode),
        event(first.id, 20, SecondFactor::SecurityKey),
    ];
    for event in &events {
        store.record_sign_in(event).await.unwrap();
    }
    let expected = [events[1].clone(), events[3].clone(), events[0].clone()];
    assert_eq!(store.recent_sign_ins(first.id, 10).await.unwrap(), expected);
    assert_eq!(
        store.recent_sign_ins(first.id, 2).await.unwrap(),
        expected[..2]
    );
    let theirs = store.recent_sign_ins(second.id, 10).await.unwrap();
    assert_eq!(theirs, [events[2].clone()]);
    assert_eq!(store.recent_sign_ins(UserId::new(), 10).await.unwrap(), []);
}
