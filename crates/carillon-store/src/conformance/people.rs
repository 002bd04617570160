//! Records the account, session and team checks create, and a way to run many calls at once.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use carillon_domain::{EmailAddress, Language, SecondFactor, User, UserId, UserState};
use time::OffsetDateTime;

use super::fixtures::at;
use crate::Store;

/// The `n`th account of a check: active, email codes, English, created `n` seconds after T0.
pub(crate) fn new_user(n: u32) -> User {
    let created_at = at(i64::from(n));
    User {
        id: UserId::new(),
        name: format!("Person {n}"),
        email: email(&format!("person.{n}@example.com")),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$hash{n}"),
        state: UserState::Active,
        platform_admin: false,
        second_factor: SecondFactor::EmailCode,
        totp_secret: None,
        totp_last_step: 0,
        failed_sign_ins: 0,
        language: Language::English,
        password_changed_at: created_at,
        created_at,
    }
}

/// Stores [`new_user`] `n`.
pub(crate) async fn user(store: &dyn Store, n: u32) -> User {
    let user = new_user(n);
    store.create_user(&user).await.unwrap();
    user
}

pub(crate) fn email(text: &str) -> EmailAddress {
    EmailAddress::parse(text).unwrap()
}

/// `at` with nanoseconds a store must drop.
pub(crate) fn with_nanos(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() + 789).unwrap()
}

/// Runs every future at once (interleaved on this task, each call waiting on the database
/// while the others start) and returns their outputs in order.
pub(crate) async fn all_at_once<F: Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut pending: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut finished = true;
        for (future, output) in pending.iter_mut().zip(outputs.iter_mut()) {
            // A finished future must not be polled again.
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(value) => *output = Some(value),
                    Poll::Pending => finished = false,
                }
            }
        }
        if finished {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}
