//! One data row checked against the template: its recipient, its placeholder values and its
//! reference, or the cells that are wrong.

use std::collections::BTreeSet;

use carillon_domain::{NotificationType, Recipient, RecipientError};
use carillon_render::{Personalisation, SMS_CHAR_COUNT_LIMIT, downgrade};
use serde_json::{Map, Value as Json};

use crate::columns::Columns;

/// What the checks need to know about the template.
#[derive(Debug, Clone)]
pub struct TemplateSpec {
    /// The channel, which decides the recipient column and its validation.
    pub kind: NotificationType,
    /// Placeholder names as the template writes them.
    pub placeholders: Vec<String>,
    /// For SMS, the template's content length in characters (GC Notify's rule that custom
    /// content plus the template must fit in 612 characters).
    pub sms_content_chars: Option<usize>,
}

/// A cell's problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The cell is empty but needed.
    Missing,
    /// The recipient is not valid for the channel.
    InvalidRecipient(RecipientError),
    /// An SMS value too long to fit with the template.
    TooLong,
    /// The cell holds a NUL character (U+0000), which PostgreSQL text cannot store: refused
    /// on either backend, so a file is checked the same wherever it is sent.
    Unstorable,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing => f.write_str("Missing"),
            Problem::InvalidRecipient(error) => write!(f, "{error}"),
            Problem::TooLong => write!(
                f,
                "Maximum {SMS_CHAR_COUNT_LIMIT} characters. Some messages may be too long due \
                 to custom content."
            ),
            Problem::Unstorable => {
                f.write_str("Contains a character that cannot be stored (U+0000)")
            }
        }
    }
}

/// One cell's problem, by column header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// The column's header as the file writes it.
    pub column: String,
    /// What is wrong.
    pub problem: Problem,
}

/// A row that cannot be sent, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row number a person sees in a spreadsheet (the header is row 1).
    pub row: usize,
    /// GC Notify's 0-based index among data rows (the API's "Row N" in its error).
    pub index: usize,
    /// The cells at fault, left to right.
    pub cells: Vec<CellProblem>,
    /// GC Notify's weighted length of the row's custom content (SMS length check).
    pub(crate) custom_chars: usize,
}

/// A placeholder's value from a row: one cell, or several repeated columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    /// One value.
    Text(String),
    /// Values of repeated columns, left to right, blanks dropped.
    List(Vec<String>),
}

/// A row ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row number a person sees in a spreadsheet.
    pub number: usize,
    /// GC Notify's 0-based index among data rows.
    pub index: usize,
    /// The recipient as written (trimmed).
    pub to: String,
    /// The recipient validated.
    pub recipient: Recipient,
    /// Placeholder values by the template's names.
    pub values: Vec<(String, CellValue)>,
    /// The `reference` column's value, if any.
    pub reference: Option<String>,
    /// GC Notify's weighted length of the row's custom content (SMS length check).
    pub(crate) custom_chars: usize,
}

impl Row {
    /// The values for rendering.
    pub fn personalisation(&self) -> Personalisation {
        let mut personalisation = Personalisation::new();
        for (name, value) in &self.values {
            match value {
                CellValue::Text(text) => personalisation.insert(name, text.as_str()),
                CellValue::List(items) => personalisation.insert(name, items.clone()),
            }
        }
        personalisation
    }

    /// The values as an API `personalisation` object, to store with the notification.
    pub fn personalisation_json(&self) -> Map<String, Json> {
        self.values
            .iter()
            .map(|(name, value)| {
                let json = match value {
                    CellValue::Text(text) => Json::String(text.clone()),
                    CellValue::List(items) => {
                        Json::Array(items.iter().cloned().map(Json::String).collect())
                    }
                };
                (name.clone(), json)
            })
            .collect()
    }
}

fn weighted(text: &str) -> usize {
    let mut buffer = [0_u8; 4];
    text.chars()
        .map(|c| {
            let one: &str = c.encode_utf8(&mut buffer);
            if downgrade(one) == one { 1 } else { 2 }
        })
        .sum()
}

/// Checks one data row; `cells` are already cleaned.
pub(crate) fn check_row(
    cells: &[String],
    number: usize,
    index: usize,
    columns: &Columns,
    spec: &TemplateSpec,
) -> Result<Row, RowProblem> {
    let cell = |i: usize| cells.get(i).map_or("", String::as_str);
    // (column index, problem): reported left to right as GC Notify lists them.
    let mut problems: Vec<(usize, CellProblem)> = Vec::new();

    // Cells that would be stored and cannot be: reported instead of any other problem.
    let unstorable: BTreeSet<usize> = columns
        .recipient
        .iter()
        .map(|(i, _)| *i)
        .chain(columns.placeholders.iter().flat_map(|p| p.columns.clone()))
        .chain(columns.reference)
        .filter(|&i| cell(i).contains('\0'))
        .collect();
    for &at in &unstorable {
        problems.push((
            at,
            CellProblem {
                column: columns.headers.get(at).cloned().unwrap_or_default(),
                problem: Problem::Unstorable,
            },
        ));
    }

    let given = columns
        .recipient
        .iter()
        .find(|(i, _)| !cell(*i).is_empty())
        .map(|(i, header)| (*i, cell(*i), header));
    let recipient = match given {
        Some((at, _, _)) if unstorable.contains(&at) => None,
        None => {
            let (at, header) = columns.recipient.first().cloned().unwrap_or_default();
            problems.push((
                at,
                CellProblem {
                    column: header,
                    problem: Problem::Missing,
                },
            ));
            None
        }
        Some((at, text, header)) => match Recipient::parse(spec.kind, text) {
            Ok(recipient) => Some((text.to_owned(), recipient)),
            Err(error) => {
                problems.push((
                    at,
                    CellProblem {
                        column: header.clone(),
                        problem: Problem::InvalidRecipient(error),
                    },
                ));
                None
            }
        },
    };

    let mut values = Vec::with_capacity(columns.placeholders.len());
    for placeholder in &columns.placeholders {
        if placeholder.columns.iter().any(|i| unstorable.contains(i)) {
            continue;
        }
        let at = placeholder.columns.first().copied().unwrap_or_default();
        let mut items: Vec<String> = placeholder
            .columns
            .iter()
            .map(|&i| cell(i))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        let value = match items.len() {
            0 => {
                problems.push((
                    at,
                    CellProblem {
                        column: placeholder.header.clone(),
                        problem: Problem::Missing,
                    },
                ));
                continue;
            }
            1 => CellValue::Text(items.remove(0)),
            _ => CellValue::List(items),
        };
        if let (Some(content), CellValue::Text(text)) = (spec.sms_content_chars, &value)
            && weighted(text) + content > SMS_CHAR_COUNT_LIMIT
        {
            problems.push((
                at,
                CellProblem {
                    column: placeholder.header.clone(),
                    problem: Problem::TooLong,
                },
            ));
        }
        values.push((placeholder.name.clone(), value));
    }

    let custom_chars = values
        .iter()
        .map(|(_, value)| match value {
            CellValue::Text(text) => weighted(text),
            CellValue::List(items) => items.iter().map(|i| weighted(i)).sum(),
        })
        .sum();
    match recipient {
        Some((to, recipient)) if problems.is_empty() => Ok(Row {
            number,
            index,
            to,
            recipient,
            values,
            reference: columns
                .reference
                .map(|i| cell(i).to_owned())
                .filter(|r| !r.is_empty()),
            custom_chars,
        }),
        _ => {
            problems.sort_by_key(|(at, _)| *at);
            Err(RowProblem {
                row: number,
                index,
                cells: problems.into_iter().map(|(_, p)| p).collect(),
                custom_chars,
            })
        }
    }
}
