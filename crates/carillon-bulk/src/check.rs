//! Checking a whole file before anything is sent: the header, every row, duplicates, the row
//! cap; then reading it again row by row to send.

use std::collections::HashMap;

use carillon_render::SMS_CHAR_COUNT_LIMIT;
use thiserror::Error;

use crate::columns::{Columns, HeaderProblem};
use crate::read::{RawRow, ReadError, Rows};
use crate::report::{Duplicate, Report};
use crate::row::{Row, RowProblem, TemplateSpec, check_row};

/// GC Notify's `CSV_MAX_ROWS`.
pub const DEFAULT_MAX_ROWS: usize = 50_000;
/// GC Notify lists at most this many rows with errors.
pub const DEFAULT_MAX_ERRORS: usize = 20;

/// Recipients GC Notify leaves out of duplicate detection: they are meant to be reused.
const DEDUPE_EXCLUDED_DOMAIN: &str = "@simulator.amazonses.com";
const DEDUPE_EXCLUDED_NUMBERS: [&str; 3] = ["+16132532222", "+16132532223", "+16132532224"];

/// How much a check accepts and reports.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Data rows a file may hold.
    pub max_rows: usize,
    /// Rows with problems (and duplicates) listed in a report; all are counted.
    pub max_errors: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_rows: DEFAULT_MAX_ROWS,
            max_errors: DEFAULT_MAX_ERRORS,
        }
    }
}

/// Why a file cannot be checked row by row.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FileError {
    /// The bytes could not be read as rows.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The header row does not fit the template.
    #[error(transparent)]
    Header(#[from] HeaderProblem),
}

/// The data rows of a file, each checked: the header read, blank rows skipped.
#[derive(Debug)]
pub struct DataRows<'a> {
    rows: Rows<'a>,
    columns: Columns,
    header_number: usize,
    spec: TemplateSpec,
}

impl<'a> DataRows<'a> {
    /// Reads the header row and maps its columns for the template.
    ///
    /// # Errors
    /// A read error, or the header's first problem.
    pub fn open(mut rows: Rows<'a>, spec: TemplateSpec) -> Result<Self, FileError> {
        let mut header = RawRow {
            number: 1,
            cells: Vec::new(),
        };
        for row in rows.by_ref() {
            let row = row?;
            if !is_blank(&row.cells) {
                header = row;
                break;
            }
        }
        let columns = Columns::map(&header.cells, spec.kind, &spec.placeholders)?;
        Ok(Self {
            rows,
            columns,
            header_number: header.number,
            spec,
        })
    }

    /// The column layout found.
    pub fn columns(&self) -> &Columns {
        &self.columns
    }
}

impl Iterator for DataRows<'_> {
    type Item = Result<Result<Row, RowProblem>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let raw = match self.rows.next()? {
                Ok(raw) => raw,
                Err(error) => return Some(Err(error)),
            };
            let cells: Vec<String> = raw.cells.iter().map(|c| crate::clean(c)).collect();
            // A row with nothing in it is not a recipient (GC Notify would report it as
            // missing data; Excel leaves such rows behind easily).
            if is_blank(&cells) {
                continue;
            }
            let index = raw.number.saturating_sub(self.header_number + 1);
            return Some(Ok(check_row(
                &cells,
                raw.number,
                index,
                &self.columns,
                &self.spec,
            )));
        }
    }
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| crate::clean(c).is_empty())
}

/// Checks every row of a file; `on_row` sees each row that can be sent (to collect
/// recipients or count fragments). Rows past `max_rows` are counted but not checked.
///
/// # Errors
/// A read error or a header problem: nothing row by row can be said then.
pub fn check(
    rows: Rows<'_>,
    spec: TemplateSpec,
    options: Options,
    mut on_row: impl FnMut(&Row),
) -> Result<Report, FileError> {
    let sms_content = spec.sms_content_chars;
    let mut data = DataRows::open(rows, spec)?;
    let mut report = Report::new(data.columns.clone(), options);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for checked in data.by_ref() {
        report.rows += 1;
        if report.rows > options.max_rows {
            // Counted for "Too many rows", not worth checking.
            continue;
        }
        let checked = checked?;
        let (index, custom_chars) = match &checked {
            Ok(row) => (row.index, row.custom_chars),
            Err(problem) => (problem.index, problem.custom_chars),
        };
        if let Some(content) = sms_content
            && report.first_too_long.is_none()
            && custom_chars + content > SMS_CHAR_COUNT_LIMIT
        {
            report.first_too_long = Some(index);
        }
        match checked {
            Ok(row) => {
                if let Some(key) = dedupe_key(&row)
                    && let Some(first) = first_seen(&mut seen, key, row.number)
                {
                    report.duplicate_rows += 1;
                    if report.duplicates.len() < options.max_errors {
                        report.duplicates.push(Duplicate {
                            row: row.number,
                            first_row: first,
                        });
                    }
                }
                on_row(&row);
            }
            Err(problem) => {
                report.rows_with_problems += 1;
                if report.problems.len() < options.max_errors {
                    report.problems.push(problem);
                }
            }
        }
    }
    Ok(report)
}

/// The row a recipient was first seen on, or `None` (and remember it) for a new one.
fn first_seen(seen: &mut HashMap<String, usize>, key: String, row: usize) -> Option<usize> {
    match seen.entry(key) {
        std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(row);
            None
        }
    }
}

fn dedupe_key(row: &Row) -> Option<String> {
    let key = row.recipient.normalised();
    let excluded =
        key.ends_with(DEDUPE_EXCLUDED_DOMAIN) || DEDUPE_EXCLUDED_NUMBERS.contains(&key.as_str());
    (!excluded).then_some(key)
}
