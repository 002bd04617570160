//! Reading a file into rows of text cells: CSV and TSV streamed record by record, spreadsheets
//! (`.xlsx`, `.xlsm`, `.xls`, `.ods`) through `calamine`'s first worksheet.
//!
//! Text files are UTF-8 (with or without a byte order mark) or, when they are not valid UTF-8,
//! Windows-1252, which is what Excel writes for "CSV" on Windows.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::Reader;
use thiserror::Error;

/// GC Notify reads CSVs with Python's `csv` module, whose default field limit this is; a
/// longer cell is refused rather than held in memory.
pub const MAX_CELL_CHARS: usize = 131_072;

/// The kinds of file a bulk send can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// An Excel or OpenDocument workbook (`.xlsx`, `.xlsm`, `.xls`, `.ods`); the first sheet.
    Spreadsheet,
    /// Rows already read, perhaps by another process, in the bytes of
    /// [`framing::frame`](crate::framing::frame): they are given back exactly as they were read. No file name
    /// has this format.
    Framed,
}

impl Format {
    /// The format a file name's extension says, as GC Notify's admin accepts them.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "csv" | "txt" => Some(Format::Csv),
            "tsv" => Some(Format::Tsv),
            "xlsx" | "xlsm" | "xls" | "ods" => Some(Format::Spreadsheet),
            _ => None,
        }
    }
}

/// Why a file could not be read as rows.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReadError {
    /// The CSV/TSV text is malformed; the message follows GC Notify's
    /// "Error converting to CSV: …".
    #[error("{0}")]
    Csv(String),
    /// A cell is longer than [`MAX_CELL_CHARS`].
    #[error("field larger than field limit ({MAX_CELL_CHARS})")]
    CellTooLarge,
    /// The bytes are not a workbook calamine can read, or it has no sheet.
    #[error("the file could not be read as a spreadsheet: {0}")]
    Spreadsheet(String),
}

/// One row as read, before any column rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// The row's number as a person sees it in a spreadsheet (the first row is 1).
    pub number: usize,
    /// The cells, untrimmed.
    pub cells: Vec<String>,
}

/// The text of a CSV/TSV file: borrowed when it is UTF-8, decoded from Windows-1252 when not.
/// A leading byte order mark is dropped either way.
pub fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// The rows of a file, in order, one at a time.
#[derive(Debug)]
pub struct Rows<'a> {
    inner: Inner<'a>,
}

#[derive(Debug)]
enum Inner<'a> {
    Text {
        reader: csv::Reader<Cursor<Cow<'a, [u8]>>>,
        record: csv::StringRecord,
        next_number: usize,
    },
    Grid(std::vec::IntoIter<RawRow>),
    Framed(crate::framing::Framed<'a>),
}

/// Opens `bytes` as rows of the given format.
///
/// # Errors
/// [`ReadError::Spreadsheet`] when a workbook cannot be opened (for framed rows, the error
/// the file they were read from gave); CSV errors come per row.
pub fn read_rows(bytes: &[u8], format: Format) -> Result<Rows<'_>, ReadError> {
    let inner = match format {
        Format::Csv => text_rows(bytes, b','),
        Format::Tsv => text_rows(bytes, b'\t'),
        Format::Spreadsheet => Inner::Grid(spreadsheet_rows_guarded(bytes)?.into_iter()),
        Format::Framed => Inner::Framed(crate::framing::open(bytes)?),
    };
    Ok(Rows { inner })
}

fn text_rows(bytes: &[u8], delimiter: u8) -> Inner<'_> {
    let text: Cow<'_, [u8]> = match decode_text(bytes) {
        Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
        Cow::Owned(text) => Cow::Owned(text.into_bytes()),
    };
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(Cursor::new(text));
    Inner::Text {
        reader,
        record: csv::StringRecord::new(),
        next_number: 1,
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.inner {
            Inner::Grid(rows) => rows.next().map(Ok),
            Inner::Framed(rows) => rows.next(),
            Inner::Text {
                reader,
                record,
                next_number,
            } => {
                // The csv crate skips blank lines without telling; a spreadsheet shows them as
                // empty rows, so they are counted here from the text it has not read yet.
                let consumed = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
                let blank = blank_lines(reader.get_ref().get_ref(), consumed);
                match reader.read_record(record) {
                    Ok(false) => None,
                    Ok(true) => {
                        // Rows are numbered by record (a quoted cell over several lines is
                        // one row), as a spreadsheet shows a CSV.
                        if record
                            .iter()
                            .any(|cell| cell.chars().count() > MAX_CELL_CHARS)
                        {
                            return Some(Err(ReadError::CellTooLarge));
                        }
                        let number = *next_number + blank;
                        *next_number = number + 1;
                        Some(Ok(RawRow {
                            number,
                            cells: record.iter().map(str::to_owned).collect(),
                        }))
                    }
                    Err(error) => {
                        // Stop after an error: the reader cannot resynchronise reliably.
                        let message = csv_error(&error);
                        self.inner = Inner::Grid(Vec::new().into_iter());
                        Some(Err(ReadError::Csv(message)))
                    }
                }
            }
        }
    }
}

/// How many blank lines follow `consumed` bytes of `text`, where the csv reader stopped after
/// a record: it stops just past the first byte of the record's line break, so the `\n` of a
/// `\r\n` may still be there. A line break is `\n`, `\r\n` or a lone `\r`, as the reader
/// takes them.
fn blank_lines(text: &[u8], consumed: usize) -> usize {
    let mut at = consumed;
    if at > 0 && text.get(at - 1) == Some(&b'\r') && text.get(at) == Some(&b'\n') {
        at += 1;
    }
    let mut blank = 0;
    loop {
        match text.get(at) {
            Some(b'\n') => at += 1,
            Some(b'\r') if text.get(at + 1) == Some(&b'\n') => at += 2,
            Some(b'\r') => at += 1,
            _ => return blank,
        }
        blank += 1;
    }
}

fn csv_error(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => match pos {
            Some(pos) => format!("invalid text on line {}", pos.line()),
            None => "invalid text".to_owned(),
        },
        _ => error.to_string(),
    }
}

fn malformed() -> ReadError {
    ReadError::Spreadsheet("the workbook is malformed".to_owned())
}

/// [`spreadsheet_rows`], guarded twice, both found by fuzzing: a compound file (`.xls`) whose
/// sector chains would make calamine run out of memory is refused before calamine sees it, and
/// a panic inside calamine (it asserts on some malformed `.xls` files) becomes an error. A bad
/// upload must not take the process down.
fn spreadsheet_rows_guarded(bytes: &[u8]) -> Result<Vec<RawRow>, ReadError> {
    crate::compound::check(bytes).map_err(|_| malformed())?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| spreadsheet_rows(bytes)))
        .unwrap_or_else(|_| Err(malformed()))
}

/// The first worksheet's used cells as rows of text, numbers and dates the way a person typed
/// them (`6135550123`, not `6135550123.0`; `2026-11-22`, not `46348`).
fn spreadsheet_rows(bytes: &[u8]) -> Result<Vec<RawRow>, ReadError> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| ReadError::Spreadsheet("the workbook has no sheet".to_owned()))?
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
    let first_row = range
        .start()
        .map_or(0, |(row, _)| usize::try_from(row).unwrap_or(0));
    let mut rows = Vec::with_capacity(range.height());
    for (offset, cells) in range.rows().enumerate() {
        let cells: Vec<String> = cells.iter().map(crate::cells::text).collect();
        if cells
            .iter()
            .any(|cell| cell.chars().count() > MAX_CELL_CHARS)
        {
            return Err(ReadError::CellTooLarge);
        }
        rows.push(RawRow {
            number: first_row + offset + 1,
            cells,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(bytes: &[u8], format: Format) -> Vec<RawRow> {
        read_rows(bytes, format)
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap()
    }

    #[test]
    fn utf8_with_and_without_bom_read_the_same() {
        let plain = collect("email address,nom\na@b.ca,Zoë\n".as_bytes(), Format::Csv);
        let bom = collect(
            "\u{FEFF}email address,nom\na@b.ca,Zoë\n".as_bytes(),
            Format::Csv,
        );
        assert_eq!(plain, bom);
        assert_eq!(plain[0].cells[0], "email address");
        assert_eq!(plain[1].cells[1], "Zoë");
    }

    #[test]
    fn windows_1252_is_decoded() {
        // "Zoë" and "€" as Excel writes them on Windows.
        let rows = collect(b"email address,nom\na@b.ca,Zo\xEB \x80\n", Format::Csv);
        assert_eq!(rows[1].cells[1], "Zoë €");
    }

    fn numbers(bytes: &[u8]) -> Vec<usize> {
        collect(bytes, Format::Csv)
            .iter()
            .map(|r| r.number)
            .collect()
    }

    #[test]
    fn rows_are_numbered_by_record() {
        assert_eq!(numbers(b"a,b\n1,\"x\ny\"\r\n2,z\n,\n"), vec![1, 2, 3, 4]);
    }

    #[test]
    fn blank_lines_keep_their_row_numbers() {
        // As a spreadsheet opens these files: every blank line is an empty row.
        assert_eq!(numbers(b"a\n1\n\n2\n\n\n3\n\n"), vec![1, 2, 4, 7]);
        assert_eq!(numbers(b"a\r\n1\r\n\r\n2\r\n\r\n\r\n3"), vec![1, 2, 4, 7]);
        assert_eq!(numbers(b"a\r1\r\r2\r\r\r3\r"), vec![1, 2, 4, 7]);
        assert_eq!(numbers(b"a\n\"x\n\ny\"\n\n2\n"), vec![1, 2, 4]);
        assert_eq!(numbers(b"\r\n\na\n1\n"), vec![3, 4]);
        assert_eq!(numbers(b"a\n \n1\n"), vec![1, 2, 3]);
    }

    #[test]
    fn tsv_uses_tabs() {
        let rows = collect(b"phone number\tname\n6135550123\tAl\n", Format::Tsv);
        assert_eq!(rows[1].cells, vec!["6135550123", "Al"]);
    }

    #[test]
    fn huge_cells_are_refused() {
        let mut file = b"a\n".to_vec();
        file.extend(std::iter::repeat_n(b'x', MAX_CELL_CHARS + 1));
        let result: Result<Vec<_>, _> = read_rows(&file, Format::Csv).unwrap().collect();
        assert_eq!(result, Err(ReadError::CellTooLarge));
    }

    #[test]
    fn garbage_is_not_a_spreadsheet() {
        assert!(matches!(
            read_rows(b"not a workbook", Format::Spreadsheet),
            Err(ReadError::Spreadsheet(_))
        ));
    }

    #[test]
    fn formats_follow_extensions() {
        assert_eq!(Format::from_file_name("a.CSV"), Some(Format::Csv));
        assert_eq!(
            Format::from_file_name("a.b.xlsx"),
            Some(Format::Spreadsheet)
        );
        assert_eq!(Format::from_file_name("a.ods"), Some(Format::Spreadsheet));
        assert_eq!(Format::from_file_name("a.pdf"), None);
    }
}
