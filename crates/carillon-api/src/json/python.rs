//! JSON that Python's `json` module reads (and so GC Notify takes) although it is not valid
//! Unicode or does not fit a 64-bit number: lone UTF-16 surrogates and numbers beyond the
//! range of `u64`/`i64`/`f64`.
//!
//! - A lone surrogate escape (`"\ud800"`), which no Rust string can hold, becomes U+FFFD,
//!   the replacement character, as browsers do with such strings.
//! - An integer keeps its digits whatever its length, as Python's `int` does (serde_json's
//!   `arbitrary_precision`); `-0` is `0`.
//! - A number with a fraction or an exponent is read as a 64-bit float and printed as
//!   before (`1.50` is `1.5`); beyond a float's range (`1e999`, which Python reads as
//!   infinity and prints `inf`) it keeps what was written (`1e+999`).

use std::borrow::Cow;

use serde_json::{Number, Value};

/// Parses `body` as Python would.
///
/// # Errors
/// When it is not JSON even for Python.
pub(crate) fn parse(body: &[u8]) -> Result<Value, serde_json::Error> {
    let mut value = match serde_json::from_slice(body) {
        Ok(value) => value,
        // The rewriting pass only runs for bodies serde_json refused.
        Err(error) => match replace_lone_surrogates(body) {
            Cow::Owned(fixed) => serde_json::from_slice(&fixed)?,
            Cow::Borrowed(_) => return Err(error),
        },
    };
    normalise_numbers(&mut value);
    Ok(value)
}

/// `body` with every lone surrogate escape inside a string replaced by `\ufffd`; borrowed
/// when there is none. Only escapes are looked at: raw UTF-8 cannot encode a surrogate.
fn replace_lone_surrogates(body: &[u8]) -> Cow<'_, [u8]> {
    let mut fixed: Option<Vec<u8>> = None;
    let mut copied = 0;
    let (mut i, mut in_string) = (0, false);
    while i < body.len() {
        match (body[i], in_string) {
            (b'"', _) => in_string = !in_string,
            (b'\\', true) => {
                let Some(unit) = escape_unit(body, i) else {
                    // Any other escape: skip the escaped byte (it may be a quote).
                    i += 2;
                    continue;
                };
                let paired = match unit {
                    0xD800..=0xDBFF => escape_unit(body, i + 6)
                        .filter(|low| (0xDC00..=0xDFFF).contains(low))
                        .is_some(),
                    0xDC00..=0xDFFF => false,
                    _ => {
                        i += 6;
                        continue;
                    }
                };
                if paired {
                    i += 12;
                    continue;
                }
                let out = fixed.get_or_insert_with(|| Vec::with_capacity(body.len()));
                out.extend_from_slice(&body[copied..i]);
                out.extend_from_slice(b"\\ufffd");
                i += 6;
                copied = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    match fixed {
        Some(mut out) => {
            out.extend_from_slice(&body[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(body),
    }
}

/// The UTF-16 unit of a `\uXXXX` escape starting at `at`, if there is one.
fn escape_unit(body: &[u8], at: usize) -> Option<u16> {
    let escape = body.get(at..at + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let hex = std::str::from_utf8(&escape[2..]).ok()?;
    u16::from_str_radix(hex, 16).ok()
}

/// Puts every number in the form described in the module's documentation.
fn normalise_numbers(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if let Some(normal) = normal_number(number) {
                *number = normal;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_numbers),
        Value::Object(map) => map.values_mut().for_each(normalise_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// The number to keep instead of `number`, when it differs.
fn normal_number(number: &Number) -> Option<Number> {
    let text = number.as_str();
    if !text.contains(['.', 'e', 'E']) {
        return (text == "-0").then(|| Number::from(0));
    }
    // Rust's parsing gives infinity beyond the range, and then the text is kept.
    let float: f64 = text.parse().ok()?;
    Number::from_f64(float).filter(|normal| normal.as_str() != text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(text: &str) -> Value {
        parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(parsed(r#"{"a": "x\ud800y"}"#), json!({"a": "x\u{FFFD}y"}));
        assert_eq!(parsed(r#"["\udc00"]"#), json!(["\u{FFFD}"]));
        assert_eq!(parsed(r#"["\ud800\u0041"]"#), json!(["\u{FFFD}A"]));
        assert_eq!(parsed(r#"["\ud800\ud83d\ude00"]"#), json!(["\u{FFFD}😀"]));
        assert_eq!(parsed(r#"["\ud800"]"#), json!(["\u{FFFD}"]));
        // In a key too; a pair stays a pair; an escaped backslash is not an escape.
        assert_eq!(parsed(r#"{"k\udfff": 1}"#), json!({"k\u{FFFD}": 1}));
        assert_eq!(parsed(r#"["\ud83d\ude00"]"#), json!(["😀"]));
        assert_eq!(parsed(r#"["\\ud800"]"#), json!(["\\ud800"]));
        assert_eq!(parsed(r#"["\"\ud800"]"#), json!(["\"\u{FFFD}"]));
    }

    #[test]
    fn what_is_not_json_stays_refused() {
        for bad in [
            r"{nope",
            r#"["\ud800"#,
            r#"["\ud800\"#,
            r#"["\uzzzz"]"#,
            "[NaN]",
            "[1e]",
        ] {
            assert!(parse(bad.as_bytes()).is_err(), "{bad}");
        }
        // Outside strings a backslash is never rewritten into something valid.
        assert!(parse(br#"[\ud800]"#).is_err());
    }

    #[test]
    fn integers_keep_their_digits_and_floats_print_as_before() {
        let forty = "1234567890123456789012345678901234567890";
        let value = parsed(&format!(
            "[{forty}, -{forty}, -0, 7, 1.50, 1e2, 2.5e-3, 1e999, -1E999]"
        ));
        let texts: Vec<String> = value
            .as_array()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            texts,
            [
                forty.to_owned(),
                format!("-{forty}"),
                "0".to_owned(),
                "7".to_owned(),
                "1.5".to_owned(),
                "100.0".to_owned(),
                "0.0025".to_owned(),
                "1e+999".to_owned(),
                "-1e+999".to_owned(),
            ]
        );
        assert_eq!(value[3], json!(7));
        assert_eq!(value[4], json!(1.5));
    }
}
