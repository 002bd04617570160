//! Rows handed from one process to another: what [`read_rows`](crate::read_rows) gave for a
//! file (its rows with their numbers, or its errors) as bytes, and those bytes read back as
//! [`Format::Framed`](crate::Format::Framed) into exactly the same rows and errors.
//!
//! `carillon send-bulk` reads spreadsheets in a child process with resource limits, because
//! calamine can be made to reserve terabytes by a few kilobytes of `.xls`; the child writes
//! this framing and the parent checks the rows as if it had read the file itself.
//!
//! The bytes are a header, then items, then an end marker, so that output cut short (a child
//! killed while writing) is told from a whole one. Each item starts with a tag:
//!
//! - `R`, a row: its number, its number of cells, then each cell's length and UTF-8 bytes;
//! - `X`, an error where a row would be: its kind, then its message's length and bytes;
//! - `E`, an error opening the file, only as the first item: the same;
//! - `.`, the end.
//!
//! Numbers are unsigned LEB128, so an empty cell of a wide grid costs one byte. Decoding never
//! reserves more than the bytes in hand can fill, whatever the lengths say.

use crate::read::{RawRow, ReadError};

/// The first bytes of every framing (and its version).
const HEADER: &[u8] = b"carillon-rows 1\n";
const ROW: u8 = b'R';
const ROW_ERROR: u8 = b'X';
const OPEN_ERROR: u8 = b'E';
const END: u8 = b'.';

/// Error kinds, one byte each.
const CSV: u8 = b'c';
const CELL_TOO_LARGE: u8 = b'l';
const SPREADSHEET: u8 = b's';

/// Frames what [`read_rows`](crate::read_rows) gave (any rows and errors, in fact), handing
/// the bytes to `sink` a row at a time so that a large file is never held twice.
///
/// # Errors
/// The sink's first error; nothing is written after it.
pub fn frame<E>(
    read: Result<impl IntoIterator<Item = Result<RawRow, ReadError>>, ReadError>,
    mut sink: impl FnMut(&[u8]) -> Result<(), E>,
) -> Result<(), E> {
    sink(HEADER)?;
    let mut buffer = Vec::new();
    match read {
        Err(error) => push_error(&mut buffer, OPEN_ERROR, &error),
        Ok(rows) => {
            for row in rows {
                match row {
                    Ok(row) => push_row(&mut buffer, &row),
                    Err(error) => push_error(&mut buffer, ROW_ERROR, &error),
                }
                sink(&buffer)?;
                buffer.clear();
            }
        }
    }
    buffer.push(END);
    sink(&buffer)
}

/// The framing of a file that could not be read at all: `read_rows` on it gives `error`.
pub fn frame_error(error: &ReadError) -> Vec<u8> {
    let mut bytes = HEADER.to_vec();
    push_error(&mut bytes, OPEN_ERROR, error);
    bytes.push(END);
    bytes
}

/// Whether `bytes` are a whole framing: the header, well-formed items, the end marker, and
/// nothing after it. Reading a whole framing gives no error of its own.
pub fn is_complete(bytes: &[u8]) -> bool {
    let Some(mut reader) = Reader::new(bytes) else {
        return false;
    };
    let mut first = true;
    loop {
        match reader.item() {
            Some(Item::Row(_) | Item::RowError(_)) => {}
            Some(Item::OpenError(_)) if first => {
                return matches!(reader.item(), Some(Item::End)) && reader.at_end();
            }
            Some(Item::End) => return reader.at_end(),
            Some(Item::OpenError(_)) | None => return false,
        }
        first = false;
    }
}

fn push_number(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let low = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn push_text(out: &mut Vec<u8>, text: &str) {
    push_number(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn push_row(out: &mut Vec<u8>, row: &RawRow) {
    out.push(ROW);
    push_number(out, row.number as u64);
    push_number(out, row.cells.len() as u64);
    for cell in &row.cells {
        push_text(out, cell);
    }
}

fn push_error(out: &mut Vec<u8>, tag: u8, error: &ReadError) {
    out.push(tag);
    match error {
        ReadError::Csv(message) => {
            out.push(CSV);
            push_text(out, message);
        }
        ReadError::CellTooLarge => {
            out.push(CELL_TOO_LARGE);
            push_text(out, "");
        }
        ReadError::Spreadsheet(message) => {
            out.push(SPREADSHEET);
            push_text(out, message);
        }
    }
}

/// One decoded item.
#[derive(Debug)]
enum Item {
    Row(RawRow),
    RowError(ReadError),
    OpenError(ReadError),
    End,
}

/// Reads items from a framing; `None` from any method means the bytes are not a framing.
#[derive(Debug)]
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Option<Self> {
        Some(Self {
            bytes: bytes.strip_prefix(HEADER)?,
        })
    }

    fn at_end(&self) -> bool {
        self.bytes.is_empty()
    }

    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(first)
    }

    fn number(&mut self) -> Option<usize> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7F);
            // Bits shifted out of a u64 would be a number no encoder wrote.
            if bits.checked_shl(shift)? >> shift != bits {
                return None;
            }
            value |= bits << shift;
            if byte & 0x80 == 0 {
                return usize::try_from(value).ok();
            }
        }
        None
    }

    fn text(&mut self) -> Option<String> {
        let length = self.number()?;
        if length > self.bytes.len() {
            return None;
        }
        let (text, rest) = self.bytes.split_at(length);
        self.bytes = rest;
        String::from_utf8(text.to_vec()).ok()
    }

    fn error(&mut self) -> Option<ReadError> {
        let kind = self.byte()?;
        let message = self.text()?;
        match kind {
            CSV => Some(ReadError::Csv(message)),
            CELL_TOO_LARGE if message.is_empty() => Some(ReadError::CellTooLarge),
            SPREADSHEET => Some(ReadError::Spreadsheet(message)),
            _ => None,
        }
    }

    fn item(&mut self) -> Option<Item> {
        match self.byte()? {
            ROW => {
                let number = self.number()?;
                let count = self.number()?;
                // Every cell takes at least a byte: a count beyond the bytes left is a lie,
                // and must not become a reservation.
                if count > self.bytes.len() {
                    return None;
                }
                let mut cells = Vec::with_capacity(count);
                for _ in 0..count {
                    cells.push(self.text()?);
                }
                Some(Item::Row(RawRow { number, cells }))
            }
            ROW_ERROR => Some(Item::RowError(self.error()?)),
            OPEN_ERROR => Some(Item::OpenError(self.error()?)),
            END => Some(Item::End),
            _ => None,
        }
    }
}

/// The rows of a framing, in order, as [`Rows`](crate::Rows) gives them.
#[derive(Debug)]
pub(crate) struct Framed<'a> {
    /// `None` once the end, or a fault, has been reached.
    reader: Option<Reader<'a>>,
}

/// What a framing that is not whole gives in place of its missing rows.
fn incomplete() -> ReadError {
    ReadError::Spreadsheet("the rows read from the workbook are incomplete".to_owned())
}

/// Opens a framing: the error opening the file gave, or its rows.
pub(crate) fn open(bytes: &[u8]) -> Result<Framed<'_>, ReadError> {
    let mut reader = Reader::new(bytes).ok_or_else(incomplete)?;
    if reader.bytes.first() == Some(&OPEN_ERROR) {
        return match reader.item() {
            Some(Item::OpenError(error)) => Err(error),
            _ => Err(incomplete()),
        };
    }
    Ok(Framed {
        reader: Some(reader),
    })
}

impl Iterator for Framed<'_> {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.reader.as_mut()?.item();
        match item {
            Some(Item::Row(row)) => Some(Ok(row)),
            Some(Item::RowError(error)) => Some(Err(error)),
            Some(Item::End) => {
                self.reader = None;
                None
            }
            Some(Item::OpenError(_)) | None => {
                self.reader = None;
                Some(Err(incomplete()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip() {
        for value in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            let mut bytes = Vec::new();
            push_number(&mut bytes, value);
            let mut reader = Reader { bytes: &bytes };
            assert_eq!(reader.number(), usize::try_from(value).ok(), "{value}");
            assert!(reader.at_end());
        }
    }

    #[test]
    fn overlong_numbers_are_refused() {
        // Eleven continuation bytes, and a tenth byte with bits past 64.
        let mut reader = Reader { bytes: &[0xFF; 11] };
        assert_eq!(reader.number(), None);
        let mut too_big = vec![0xFF; 9];
        too_big.push(0x02);
        let mut reader = Reader { bytes: &too_big };
        assert_eq!(reader.number(), None);
    }

    #[test]
    fn a_lying_cell_count_reserves_nothing() {
        let mut bytes = HEADER.to_vec();
        bytes.push(ROW);
        push_number(&mut bytes, 1);
        push_number(&mut bytes, u64::MAX >> 1);
        assert!(!is_complete(&bytes));
        let rows: Vec<_> = open(&bytes).unwrap().collect();
        assert_eq!(rows, vec![Err(incomplete())]);
    }

    #[test]
    fn an_open_error_is_given_back_at_open() {
        let error = ReadError::Spreadsheet("the workbook is malformed".to_owned());
        let bytes = frame_error(&error);
        assert!(is_complete(&bytes));
        assert_eq!(open(&bytes).err(), Some(error));
    }

    #[test]
    fn cut_short_is_not_complete() {
        let mut bytes = HEADER.to_vec();
        push_row(
            &mut bytes,
            &RawRow {
                number: 3,
                cells: vec!["a".to_owned(), String::new()],
            },
        );
        assert!(!is_complete(&bytes));
        let rows: Vec<_> = open(&bytes).unwrap().collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1], Err(incomplete()));
        bytes.push(END);
        assert!(is_complete(&bytes));
        bytes.push(END);
        assert!(!is_complete(&bytes), "nothing may follow the end");
        assert!(!is_complete(b"carillon-rows 2\n."));
    }
}
