//! HTML escaping and link-target safety: the only ways text enters the HTML outputs.

use std::borrow::Cow;

/// Link schemes kept in `href`; anything else (`javascript:`, `data:`, …) becomes `#`.
const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

/// Escapes `& < > " '` so text is safe both as element content and inside a quoted attribute.
pub(crate) fn escape_html(text: &str) -> Cow<'_, str> {
    if !text
        .bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped(text, &mut out);
    Cow::Owned(out)
}

/// Turns the HTML character references of template text (`&nbsp;`, `&copy;`, `&#233;`) into
/// the characters they name, as recipients of GC Notify's emails see them.
///
/// Only references ending in `;` are read, so `AT&T` and `?a=1&copy=2` stay as written, and
/// references to NUL or control characters are left alone. The result is plain text that is
/// escaped again wherever it enters HTML, so `&lt;script&gt;` ends as the text `<script>`,
/// never as markup.
pub(crate) fn decode_entities(text: &str) -> Cow<'_, str> {
    html_escape::decode_html_entities(text)
}

/// Appends `text` escaped.
pub(crate) fn push_escaped(text: &str, out: &mut String) {
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..i]);
        out.push_str(entity);
        from = i + 1;
    }
    out.push_str(&text[from..]);
}

/// The `href` to use for a link target: unsafe schemes become `#`, and characters that do not
/// belong in a URL are percent-encoded. The result still needs attribute escaping.
pub(crate) fn safe_href(url: &str) -> Cow<'_, str> {
    // Mail clients ignore whitespace and control characters inside a scheme
    // (`java\tscript:`), so they are ignored here too before the scheme is judged.
    let compact: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(32)
        .collect();
    if let Some(colon) = compact.find(':') {
        let scheme = &compact[..colon];
        let looks_like_scheme = scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if looks_like_scheme && !SAFE_SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
            return Cow::Borrowed("#");
        }
    }
    if url.trim().is_empty() {
        return Cow::Borrowed("#");
    }
    let url = url.trim();
    if url
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'<' | b'>' | b'\\'))
    {
        return Cow::Borrowed(url);
    }
    let mut out = String::with_capacity(url.len() + 16);
    for c in url.chars() {
        if c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(
            escape_html("<b a=\"x\">'&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn entities_become_characters_but_never_markup() {
        assert_eq!(
            decode_entities("Bonjour&nbsp;! &copy; &amp; &#233;&#xE9;"),
            "Bonjour\u{a0}! © & éé"
        );
        assert_eq!(
            escape_html(&decode_entities("&lt;script&gt;")),
            "&lt;script&gt;"
        );
        for kept in [
            "AT&T",
            "?a=1&copy=2",
            "&nosuch;",
            "&#0;",
            "&#1;",
            "&#x110000;",
            "&",
        ] {
            assert_eq!(decode_entities(kept), kept);
        }
    }

    #[test]
    fn only_safe_schemes_survive() {
        assert_eq!(safe_href("https://canada.ca/x"), "https://canada.ca/x");
        assert_eq!(safe_href("mailto:a@b.ca"), "mailto:a@b.ca");
        assert_eq!(safe_href("TEL:+16135550123"), "TEL:+16135550123");
        assert_eq!(safe_href("javascript:alert(1)"), "#");
        assert_eq!(safe_href(" java\tscript:alert(1)"), "#");
        assert_eq!(safe_href("data:text/html;base64,xx"), "#");
        assert_eq!(safe_href("vbscript:x"), "#");
        assert_eq!(safe_href(""), "#");
        assert_eq!(safe_href("canada.ca/path"), "canada.ca/path");
    }

    #[test]
    fn unsafe_characters_are_percent_encoded() {
        assert_eq!(safe_href("https://a.ca/x y\"z"), "https://a.ca/x%20y%22z");
        assert_eq!(safe_href("https://a.ca/é"), "https://a.ca/%C3%A9");
    }
}
