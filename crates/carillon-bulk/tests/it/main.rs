//! carillon-bulk's tests through its public interface: files in every format, GC Notify's
//! messages, properties over generated files, the fuzz corpus replayed, and rows framed and read
//! back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod check;
mod formats;
mod framing;
mod fuzz_corpus;
mod properties;

use carillon_bulk::{Format, Options, Report, Row, TemplateSpec, check, read_rows};
use carillon_domain::NotificationType;

pub(crate) fn email_spec(placeholders: &[&str]) -> TemplateSpec {
    TemplateSpec {
        kind: NotificationType::Email,
        placeholders: placeholders.iter().map(|p| (*p).to_owned()).collect(),
        sms_content_chars: None,
    }
}

pub(crate) fn run(bytes: &[u8], format: Format, spec: TemplateSpec) -> (Report, Vec<Row>) {
    let mut rows = Vec::new();
    let report = check(
        read_rows(bytes, format).unwrap(),
        spec,
        Options::default(),
        |row| rows.push(row.clone()),
    )
    .unwrap();
    (report, rows)
}
