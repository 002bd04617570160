//! Render benchmarks (filled in with the email and SMS renderers).
fn main() {}
