//! The AWS providers against a real moto server (`carillon-test-support`'s `moto_server.py`, one
//! per test binary): what reaches SES (the raw MIME message, headers and both parts) and SNS
//! (number and text), read back through moto's `/moto-api/data.json`, and how refusals and
//! outages are classified.
//!
//! Needs a Python that can import moto: `CARILLON_TEST_PYTHON`, which `scripts/test` sets
//! (a virtualenv in `~/.cache/carillon-test-venv`), else that virtualenv, else `python3`.
//! Without one the tests fail under `CI=true` and are skipped, with a message, elsewhere.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod moto;
mod ses;
mod sns;
