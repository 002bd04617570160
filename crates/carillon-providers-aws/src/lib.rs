//! Carillon's AWS delivery providers, through the official AWS SDK for Rust: email with
//! Amazon SES (API v2 `SendEmail`, raw MIME content) and text messages with Amazon SNS
//! (`Publish` to a phone number, transactional). A crate of its own so that only the binary
//! pays the SDK's build cost and nothing below it knows AWS.
//!
//! Both return the AWS message id as [`Accepted::reference`](carillon_providers::Accepted),
//! which delivery receipts (SES events and SNS SMS delivery logs) name.
//!
//! Failures are classified from the SDK's error: timeouts, connection failures, unreadable
//! answers, throttling, 5xx and credential problems (a rotated or expired key is fixed by an
//! operator, and the messages should still go) are transient; everything else AWS refuses
//! (message rejected, invalid parameter, unverified sender) is permanent. Error texts carry
//! AWS's error code and HTTP status, never AWS's message, which may repeat the recipient.

mod classify;
mod config;
mod ses;
mod sns;

pub use aws_config::SdkConfig;
pub use config::{AwsSettings, DEFAULT_CONCURRENCY, DEFAULT_REGION};
pub use ses::SesProvider;
pub use sns::{SenderId, SnsProvider};
