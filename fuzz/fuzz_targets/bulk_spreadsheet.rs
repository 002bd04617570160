//! Any bytes read as a workbook give rows, a report or a clear error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // calamine asserts on some malformed files; the reader catches those panics and reports
        // an error. libFuzzer's hook would abort at the panic itself, before the catch, so this
        // target reports only panics that escape the reader (libfuzzer-sys aborts on those).
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
        carillon_bulk::fuzzing::spreadsheet(data);
    }
);
