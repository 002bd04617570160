//! Fuzzes the template parser and renderers (email and SMS) with arbitrary input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| carillon_render::fuzzing::template(data));
