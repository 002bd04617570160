//! Framed rows read back exactly as the reader gave them: every fixture and fuzz input in
//! every format, and generated rows and errors.

use std::path::PathBuf;

use carillon_bulk::framing::{frame, frame_error, is_complete};
use carillon_bulk::{Format, RawRow, ReadError, read_rows};
use proptest::prelude::*;

type Read = Result<Vec<Result<RawRow, ReadError>>, ReadError>;

fn read(bytes: &[u8], format: Format) -> Read {
    read_rows(bytes, format).map(Iterator::collect)
}

fn framed(bytes: &[u8], format: Format) -> Vec<u8> {
    let mut out = Vec::new();
    frame(read_rows(bytes, format), |chunk| {
        out.extend_from_slice(chunk);
        Ok::<_, ()>(())
    })
    .unwrap();
    out
}

fn files(dir: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (path.display().to_string(), std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    files
}

#[test]
fn every_fixture_and_fuzz_input_reads_back_the_same() {
    let spreadsheets = files("tests/fixtures")
        .into_iter()
        .filter(|(name, _)| !name.ends_with(".py"))
        .chain(files("../../fuzz/corpus/bulk_spreadsheet"))
        .map(|file| (file, Format::Spreadsheet));
    let text = files("../../fuzz/corpus/bulk_text")
        .into_iter()
        .flat_map(|file| [(file.clone(), Format::Csv), (file, Format::Tsv)]);
    let mut errors = 0;
    for ((name, bytes), format) in spreadsheets.chain(text) {
        let direct = read(&bytes, format);
        errors += usize::from(direct.is_err());
        let framed = framed(&bytes, format);
        assert!(is_complete(&framed), "{name}");
        assert_eq!(
            read(&framed, Format::Framed),
            direct,
            "{name} as {format:?}"
        );
    }
    assert!(errors > 0, "the inputs include files that cannot be opened");
}

#[test]
fn an_error_alone_reads_back_as_that_error() {
    for error in [
        ReadError::CellTooLarge,
        ReadError::Csv("x".to_owned()),
        ReadError::Spreadsheet("the workbook is malformed or too large".to_owned()),
    ] {
        let bytes = frame_error(&error);
        assert!(is_complete(&bytes));
        assert_eq!(read(&bytes, Format::Framed), Err(error));
    }
}

fn read_error() -> impl Strategy<Value = ReadError> {
    prop_oneof![
        Just(ReadError::CellTooLarge),
        ".{0,20}".prop_map(ReadError::Csv),
        ".{0,20}".prop_map(ReadError::Spreadsheet),
    ]
}

fn raw_row() -> impl Strategy<Value = RawRow> {
    (any::<usize>(), proptest::collection::vec(".{0,8}", 0..6))
        .prop_map(|(number, cells)| RawRow { number, cells })
}

proptest! {
    #[test]
    fn generated_rows_and_errors_read_back(
        items in proptest::collection::vec(
            prop_oneof![raw_row().prop_map(Ok), read_error().prop_map(Err)],
            0..12,
        ),
    ) {
        let mut bytes = Vec::new();
        frame(Ok(items.clone()), |chunk| {
            bytes.extend_from_slice(chunk);
            Ok::<_, ()>(())
        })
        .unwrap();
        prop_assert!(is_complete(&bytes));
        prop_assert_eq!(read(&bytes, Format::Framed), Ok(items));
        // Any cut short is told from the whole.
        for end in 0..bytes.len() {
            prop_assert!(!is_complete(&bytes[..end]));
        }
    }

    #[test]
    fn any_bytes_read_as_rows_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let mut framing = b"carillon-rows 1\n".to_vec();
        framing.extend_from_slice(&bytes);
        carillon_bulk::fuzzing::framed(&framing);
        carillon_bulk::fuzzing::framed(&bytes);
    }
}
