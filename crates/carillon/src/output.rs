//! Standard output is for results (one JSON document or plain lines); logs go to stderr.

use std::io::Write;

/// Prints a JSON value on one line.
pub(crate) fn print_json(value: &serde_json::Value) {
    print_line(&value.to_string());
}

/// Prints a line; a closed pipe is not an error worth a panic.
pub(crate) fn print_line(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}
