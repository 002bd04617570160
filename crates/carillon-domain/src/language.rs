//! The official language a service writes in first.

use std::fmt;

/// One of Canada's official languages. A service's default language decides which block of
/// a bilingual email comes first (GC Notify's "order of official languages").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// English first: the default for new services.
    #[default]
    English,
    /// French first.
    French,
}

impl Language {
    /// The ISO 639-1 code: `en` or `fr`.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::French => "fr",
        }
    }

    /// Parses the ISO 639-1 code (`en`, `fr`), in any case.
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("en") {
            Some(Language::English)
        } else if text.eq_ignore_ascii_case("fr") {
            Some(Language::French)
        } else {
            None
        }
    }

    /// The language stored as a "French first" flag (the stores' column).
    pub fn from_french_flag(french: bool) -> Self {
        if french {
            Language::French
        } else {
            Language::English
        }
    }

    /// Whether this is French (the stores' "French first" flag).
    pub fn is_french(self) -> bool {
        self == Language::French
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for language in [Language::English, Language::French] {
            assert_eq!(Language::parse(language.as_str()), Some(language));
            assert_eq!(language.to_string(), language.as_str());
        }
        assert_eq!(Language::parse("FR"), Some(Language::French));
        assert_eq!(Language::parse("de"), None);
        assert_eq!(Language::parse(""), None);
        assert_eq!(Language::default(), Language::English);
    }

    #[test]
    fn french_flag_round_trips() {
        for french in [false, true] {
            assert_eq!(Language::from_french_flag(french).is_french(), french);
        }
    }
}
