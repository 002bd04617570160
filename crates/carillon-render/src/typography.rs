//! GC Notify's "nice typography" for email text. (Interface placeholder: being written.)

/// Appends `text` to `out` with curly quotes, spaced dashes and no space before `,`/`.`.
/// `before` is the character that precedes `text` in the message, if known.
pub(crate) fn smarten(text: &str, _before: Option<char>, out: &mut String) {
    out.push_str(text);
}
