//! The result of checking a file: what a person needs to fix it (rows as they count them, the
//! column, the problem; a capped list with the totals), and GC Notify's API messages.

use std::fmt;

use crate::check::Options;
use crate::columns::Columns;
use crate::row::{Problem, RowProblem};

/// A recipient repeated on a later row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duplicate {
    /// The repeating row (as a person counts rows).
    pub row: usize,
    /// The row the recipient first appeared on.
    pub first_row: usize,
}

/// A checked file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The column layout.
    pub columns: Columns,
    /// Data rows (blank rows not counted).
    pub rows: usize,
    /// Rows that cannot be sent, at most `max_errors` of them, in file order.
    pub problems: Vec<RowProblem>,
    /// How many rows cannot be sent.
    pub rows_with_problems: usize,
    /// Repeated recipients, at most `max_errors` (a warning: they are still sent).
    pub duplicates: Vec<Duplicate>,
    /// How many rows repeat an earlier recipient.
    pub duplicate_rows: usize,
    /// For SMS, GC Notify's index of the first row whose custom content with the template is
    /// over 612 characters.
    pub first_too_long: Option<usize>,
    /// The row cap the file was checked against.
    pub max_rows: usize,
}

impl Report {
    pub(crate) fn new(columns: Columns, options: Options) -> Self {
        Self {
            columns,
            rows: 0,
            problems: Vec::new(),
            rows_with_problems: 0,
            duplicates: Vec::new(),
            duplicate_rows: 0,
            first_too_long: None,
            max_rows: options.max_rows,
        }
    }

    /// Whether the file holds more rows than allowed.
    pub fn too_many_rows(&self) -> bool {
        self.rows > self.max_rows
    }

    /// Whether every row can be sent (duplicates are only a warning).
    pub fn is_sendable(&self) -> bool {
        !self.too_many_rows()
            && self.rows_with_problems == 0
            && self.first_too_long.is_none()
            && self.rows > 0
    }

    /// GC Notify's "Too many rows" message.
    pub fn too_many_rows_message(&self) -> Option<String> {
        self.too_many_rows().then(|| {
            format!(
                "Too many rows. Maximum number of rows allowed is {}",
                self.max_rows
            )
        })
    }

    /// GC Notify's message for an SMS whose custom content is too long.
    pub fn too_long_message(&self) -> Option<String> {
        self.first_too_long.map(|index| {
            format!(
                "Row {} - has a character count greater than {} characters. Some messages may \
                 be too long due to custom content.",
                index + 1,
                carillon_render::SMS_CHAR_COUNT_LIMIT
            )
        })
    }

    /// GC Notify's "Some rows have errors. Row 0 - `col`: Missing. …" (0-based data rows,
    /// at most 20, a bad recipient shown as "invalid recipient").
    pub fn rows_message(&self) -> Option<String> {
        if self.problems.is_empty() {
            return None;
        }
        let rows: Vec<String> = self
            .problems
            .iter()
            .take(crate::check::DEFAULT_MAX_ERRORS)
            .map(|row| {
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .map(|cell| match &cell.problem {
                        Problem::InvalidRecipient(_) => {
                            format!("`{}`: invalid recipient", cell.column)
                        }
                        other => format!("`{}`: {other}", cell.column),
                    })
                    .collect();
                format!("Row {} - {}", row.index, cells.join(","))
            })
            .collect();
        Some(format!("Some rows have errors. {}.", rows.join(". ")))
    }
}

/// The report for people: one line per problem, rows numbered as a spreadsheet shows them.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} rows", self.rows)?;
        if let Some(message) = self.too_many_rows_message() {
            writeln!(f, "{message}")?;
        }
        if self.rows_with_problems > 0 {
            writeln!(f, "{} rows cannot be sent:", self.rows_with_problems)?;
            for row in &self.problems {
                for cell in &row.cells {
                    writeln!(
                        f,
                        "  row {}, column {:?}: {}",
                        row.row, cell.column, cell.problem
                    )?;
                }
            }
            let hidden = self.rows_with_problems - self.problems.len();
            if hidden > 0 {
                writeln!(f, "  … and {hidden} more rows")?;
            }
        }
        if let Some(message) = self.too_long_message() {
            writeln!(f, "{message}")?;
        }
        if self.duplicate_rows > 0 {
            writeln!(
                f,
                "{} rows repeat an earlier recipient (they will be sent too):",
                self.duplicate_rows
            )?;
            for duplicate in &self.duplicates {
                writeln!(
                    f,
                    "  row {} repeats row {}",
                    duplicate.row, duplicate.first_row
                )?;
            }
            let hidden = self.duplicate_rows - self.duplicates.len();
            if hidden > 0 {
                writeln!(f, "  … and {hidden} more rows")?;
            }
        }
        Ok(())
    }
}
