//! Which language a request is answered in: `?lang=` wins, then the language the session
//! chose, then the browser's `Accept-Language`, then English.

use carillon_domain::Language;

/// The language for a request. Each input is what the request carried, if anything; a value
/// that names neither English nor French is ignored, as if absent.
#[must_use]
pub fn negotiate(
    query: Option<&str>,
    session: Option<Language>,
    accept_language: Option<&str>,
) -> Language {
    query
        .and_then(Language::parse)
        .or(session)
        .or_else(|| accept_language.and_then(parse_accept_language))
        .unwrap_or_default()
}

/// The preferred of English and French in an `Accept-Language` header (RFC 9110 §12.5.4):
/// the highest quality wins, the earlier one on a tie; `fr-CA` counts as French. `None` when
/// the header names neither (or refuses both with `q=0`).
#[must_use]
pub fn parse_accept_language(header: &str) -> Option<Language> {
    let mut best: Option<(u16, Language)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        let Some(language) = Language::parse(primary) else {
            continue;
        };
        let quality = parts
            .find_map(|p| p.trim().strip_prefix("q=").map(parse_quality))
            .unwrap_or(Some(1000));
        let Some(quality) = quality.filter(|q| *q > 0) else {
            continue;
        };
        // Strictly greater: on a tie the earlier entry stays.
        if best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, language));
        }
    }
    best.map(|(_, language)| language)
}

/// A quality value in thousandths (`0.8` → 800); `None` when it is not one.
fn parse_quality(text: &str) -> Option<u16> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u16 = match whole {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    let mut thousandths = 0u16;
    for (i, digit) in fraction.bytes().enumerate() {
        let place = [100, 10, 1][i];
        thousandths += u16::from(digit - b'0') * place;
    }
    let value = whole * 1000 + thousandths;
    (value <= 1000).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_beats_session_beats_header_beats_english() {
        let fr = Some(Language::French);
        let en = Some(Language::English);
        assert_eq!(negotiate(Some("fr"), en, Some("en")), Language::French);
        assert_eq!(negotiate(Some("en"), fr, Some("fr")), Language::English);
        assert_eq!(negotiate(None, fr, Some("en")), Language::French);
        assert_eq!(negotiate(Some("de"), fr, Some("en")), Language::French);
        assert_eq!(
            negotiate(None, None, Some("fr-CA,en;q=0.5")),
            Language::French
        );
        assert_eq!(negotiate(None, None, Some("de")), Language::English);
        assert_eq!(negotiate(None, None, None), Language::English);
    }

    #[test]
    fn accept_language_weighs_qualities() {
        let fr = Some(Language::French);
        let en = Some(Language::English);
        assert_eq!(parse_accept_language("en-CA;q=0.4, fr;q=0.9"), fr);
        assert_eq!(parse_accept_language("fr;q=0.5, en;q=0.5"), fr);
        assert_eq!(parse_accept_language("de, en-GB;q=0.8, fr;q=0.7"), en);
        assert_eq!(parse_accept_language("fr;q=0, en;q=0.1"), en);
        assert_eq!(parse_accept_language("fr;q=0"), None);
        assert_eq!(parse_accept_language("fr;q=2, en;q=0.1"), en);
        assert_eq!(parse_accept_language("*"), None);
        assert_eq!(parse_accept_language(""), None);
        assert_eq!(parse_accept_language("FR_ca"), fr);
    }
}
