//! Bulk sending files, as GC Notify reads them: CSV/TSV (UTF-8 with or without BOM, or
//! Windows-1252) and spreadsheets read into rows of text cells through one interface, the
//! header mapped for a template (recipient column in English or French, placeholder columns
//! matched like personalisation keys, `reference`, repeated columns as lists), each row
//! checked, and a report a person can act on.
//!
//! Pure code: no I/O beyond the bytes given, no async, no storage.

mod cells;
mod check;
mod columns;
mod compound;
pub mod framing;
#[doc(hidden)]
pub mod fuzzing;
mod read;
mod report;
mod row;

pub use check::{DEFAULT_MAX_ERRORS, DEFAULT_MAX_ROWS, DataRows, FileError, Options, check};
pub use columns::{Columns, HeaderProblem, PlaceholderColumns, recipient_columns};
pub use read::{Format, MAX_CELL_CHARS, RawRow, ReadError, Rows, decode_text, read_rows};
pub use report::{Duplicate, Report};
pub use row::{CellProblem, CellValue, Problem, Row, RowProblem, TemplateSpec};

/// GC Notify's "obscure whitespace", removed from every cell wherever it appears.
const OBSCURE_WHITESPACE: [char; 6] = [
    '\u{180E}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
];

/// A cell as GC Notify compares it: obscure whitespace removed, then ASCII whitespace trimmed
/// (Python's `string.whitespace`).
pub(crate) fn clean(cell: &str) -> String {
    let trimmed = cell.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    if trimmed.contains(OBSCURE_WHITESPACE) {
        trimmed
            .replace(OBSCURE_WHITESPACE, "")
            .trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b')
            .to_owned()
    } else {
        trimmed.to_owned()
    }
}
