//! End-to-end tests of the API over HTTP, on SQLite and PostgreSQL, in one test binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod admin_cli;
mod auth;
mod aws;
mod binary;
mod binary_settings;
mod bulk;
mod bulk_sheets;
mod callbacks;
mod callbacks_bench;
mod callbacks_cli;
mod concurrency;
mod connections;
pub(crate) mod crash;
mod delivery;
mod fault;
mod hardening;
mod harness;
mod headers;
mod hosts;
mod manage_template;
mod nul;
mod openapi;
mod processes;
mod properties;
mod python_json;
mod read;
mod receipts;
mod receiver;
mod send;
pub(crate) mod send_bulk_worker;
mod sending_domain;
pub(crate) mod smtp;
mod templates;
mod users_cli;
mod wake;
