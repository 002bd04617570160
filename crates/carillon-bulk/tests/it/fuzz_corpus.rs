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
