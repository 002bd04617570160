//! The accounts use cases on both backends: sessions, sign-in with each second factor,
//! security keys, lockout, registration, verification and password resets, with the platform's emails read
//! back from the notifications the pipeline stored.
//!
//! PostgreSQL needs `CARILLON_TEST_POSTGRES_URL`; see `carillon_test_support::stores`.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "accounts/fixture.rs"]
mod fixture;
#[path = "accounts/profile.rs"]
mod profile;
#[path = "accounts/registration.rs"]
mod registration;
#[path = "accounts/security_keys.rs"]
mod security_keys;
#[path = "accounts/sessions.rs"]
mod sessions;
#[path = "accounts/sign_in.rs"]
mod sign_in;
