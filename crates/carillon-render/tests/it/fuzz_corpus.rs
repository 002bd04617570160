//! Replays the fuzz corpus (`fuzz/corpus/template`) on stable Rust, so every CI run checks the
//! inputs the fuzzer found interesting without needing cargo-fuzz.

use std::path::Path;

#[test]
fn template_corpus_replays_without_failure() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/template");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz corpus directory") {
        let path = entry.expect("corpus entry").path();
        let data = std::fs::read(&path).expect("corpus file");
        carillon_render::fuzzing::template(&data);
        count += 1;
    }
    assert!(
        count >= 5,
        "the seed corpus is missing from {}",
        dir.display()
    );
}
