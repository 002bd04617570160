//! Integration tests of the template crate, built into one test binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod corpus;
mod formatting;
mod fuzz_corpus;
mod gc_differences;
mod properties;
