//! Replays the committed fuzz corpora (`fuzz/corpus/bulk_text`, `fuzz/corpus/bulk_spreadsheet`)
//! on stable Rust, so a crash the fuzzer once found stays fixed.

use std::path::PathBuf;

fn corpus(name: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(name);
    let mut inputs = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        inputs.push(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(!inputs.is_empty(), "{} is empty", dir.display());
    inputs
}

#[test]
fn text_corpus_replays() {
    for input in corpus("bulk_text") {
        carillon_bulk::fuzzing::text(&input);
    }
}

#[test]
fn spreadsheet_corpus_replays() {
    for input in corpus("bulk_spreadsheet") {
        carillon_bulk::fuzzing::spreadsheet(&input);
    }
}

/// A 5.5 KB `.xls` whose directory chain loops made calamine allocate until the process ran
/// out of memory; it must be refused with a clear error instead.
#[test]
fn a_looping_compound_file_is_a_clear_error() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/bulk_spreadsheet");
    let bytes = std::fs::read(dir.join("xls-cfb-chain-loop")).unwrap();
    let error = carillon_bulk::read_rows(&bytes, carillon_bulk::Format::Spreadsheet).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the file could not be read as a spreadsheet: the workbook is malformed"
    );
}
