//! Test servers shared by Carillon's tests, so each exists once: the aiosmtpd SMTP sink
//! ([`smtp`]), a moto server ([`moto`]), a local HTTP callback receiver ([`receiver`]), and
//! finding a Python that can run the first two ([`python`]), a fresh store of either
//! backend ([`stores`]), and a throwaway PostgreSQL server a test may restart
//! ([`pg_cluster`]). A dev-dependency only.
//!
//! The Python servers (`python/smtp_sink.py`, `python/moto_server.py`) need
//! `python/requirements.txt`: `scripts/test` installs it into `~/.cache/carillon-test-venv` and
//! sets `CARILLON_TEST_PYTHON`. Without such a Python their tests fail under `CI=true` and are
//! skipped, loudly, elsewhere.

// Test code: a panic is how a broken test server is reported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

pub mod moto;
pub mod pg_cluster;
pub mod python;
pub mod receiver;
pub mod smtp;
pub mod stores;

pub use python::{KillOnDrop, in_ci, python_with};
