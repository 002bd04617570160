//! Any bytes read as a CSV or TSV bulk file give rows, a report or a clear error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    carillon_bulk::fuzzing::text(data);
});
