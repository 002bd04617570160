//! Entry points for the fuzz targets, the replay of their corpus and property tests: any
//! bytes must give rows, a report or a clear error, never a panic.

use carillon_domain::NotificationType;

use crate::{Format, Options, TemplateSpec, check, read_rows};

fn spec(kind: NotificationType) -> TemplateSpec {
    TemplateSpec {
        kind,
        placeholders: vec!["name".to_owned(), "Date".to_owned()],
        sms_content_chars: matches!(kind, NotificationType::Sms).then_some(40),
    }
}

/// Reads `bytes` as a CSV and a TSV and checks them for an email and an SMS template.
pub fn text(bytes: &[u8]) {
    for format in [Format::Csv, Format::Tsv] {
        for kind in [NotificationType::Email, NotificationType::Sms] {
            run(bytes, format, kind);
        }
    }
}

/// Reads `bytes` as a workbook and checks it for an email template.
pub fn spreadsheet(bytes: &[u8]) {
    run(bytes, Format::Spreadsheet, NotificationType::Email);
}

/// Reads `bytes` as framed rows (which a child process writes) and checks them.
pub fn framed(bytes: &[u8]) {
    run(bytes, Format::Framed, NotificationType::Email);
    let _ = crate::framing::is_complete(bytes);
}

fn run(bytes: &[u8], format: Format, kind: NotificationType) {
    let Ok(rows) = read_rows(bytes, format) else {
        return;
    };
    let options = Options {
        max_rows: 1_000,
        max_errors: 5,
    };
    if let Ok(report) = check(rows, spec(kind), options, |_| {}) {
        // The messages must be buildable for any report.
        let _ = (
            report.rows_message(),
            report.too_long_message(),
            report.to_string(),
        );
        assert!(report.problems.len() <= options.max_errors);
        assert!(report.rows_with_problems <= report.rows);
    }
}
