//! carillon-providers against real servers: the SMTP provider against aiosmtpd
//! (`carillon-test-support`'s `smtp_sink.py`), the HTTP SMS provider against a local axum
//! gateway. One test binary, to keep link time down.
//!
//! The SMTP tests need a Python that can import aiosmtpd: `CARILLON_TEST_PYTHON`, which
//! `scripts/test` sets (a virtualenv in `~/.cache/carillon-test-venv`), else that virtualenv,
//! else `python3`. Without one they fail under `CI=true` and are skipped, with a message on
//! stderr, elsewhere.

// Test code: a panic is how a failed check is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http_sms;
mod smtp;
mod smtp_tls;

use carillon_domain::{NotificationId, ServiceId};
use carillon_providers::{EmailMessage, SmsMessage};

/// An email with the ids filled in.
fn email(to: &str) -> EmailMessage {
    EmailMessage {
        id: NotificationId::new(),
        service_id: ServiceId::new(),
        to: to.to_owned(),
        from_name: "Carillon tests".to_owned(),
        from_address: "tests@notification.example.ca".to_owned(),
        reply_to: None,
        subject: "Hello".to_owned(),
        html: "<p>Hello</p>".to_owned(),
        text: "Hello".to_owned(),
    }
}

/// A text message with the ids filled in.
fn sms(to: &str) -> SmsMessage {
    SmsMessage {
        id: NotificationId::new(),
        service_id: ServiceId::new(),
        to: to.to_owned(),
        sender: "Carillon".to_owned(),
        body: "Your code is 123456".to_owned(),
    }
}
