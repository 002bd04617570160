//! End-to-end tests of the API over HTTP, on SQLite and PostgreSQL, in one test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod auth;
mod binary;
mod bulk;
pub(crate) mod crash;
mod delivery;
mod harness;
mod openapi;
mod processes;
mod properties;
mod read;
mod send;
pub(crate) mod smtp;
mod templates;
