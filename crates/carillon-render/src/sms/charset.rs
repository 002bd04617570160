//! Which characters GC Notify lets through an SMS, what they cost, and what replaces the rest.

use unicode_normalization::char::{compose, decompose_canonical};

/// How one character travels in an SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// GSM 03.38 basic set: one unit.
    Gsm,
    /// GSM 03.38 extension table: escape + character, so two units in GSM-7.
    Extension,
    /// Allowed but not GSM (Welsh, French, Canadian syllabics): the message goes as UCS-2.
    Unicode,
    /// Not allowed: `downgrade` replaces it.
    Other,
}

/// Class of every character below U+0180 (ASCII, Latin-1, Latin Extended-A): almost every
/// character of an English or French message is one indexed load.
const LOW: [Class; 0x180] = low_table();

const fn low_table() -> [Class; 0x180] {
    let mut table = [Class::Other; 0x180];
    let mut code = 0;
    while code < table.len() {
        if let Some(c) = char::from_u32(code as u32) {
            table[code] = listed(c);
        }
        code += 1;
    }
    table
}

/// How `c` travels, or `Class::Other` when GC Notify would replace it.
#[inline]
pub(super) fn classify(c: char) -> Class {
    match LOW.get(c as usize) {
        Some(&class) => class,
        None => listed(c),
    }
}

/// GC Notify's lists, as a `match` (`classify` is the fast way to ask).
pub(super) const fn listed(c: char) -> Class {
    match c {
        '^' | '{' | '}' | '\\' | '[' | '~' | ']' | '|' | '€' => Class::Extension,
        // Every printable ASCII character but the backtick is GSM, basic or extension.
        '\n' | '\r' | '\u{1B}' | ' '..='_' | 'a'..='z' => Class::Gsm,
        '£' | '¥' | 'è' | 'é' | 'ù' | 'ì' | 'ò' | 'Ç' | 'Ø' | 'ø' | 'Å' | 'å' | 'Δ' | 'Φ' | 'Γ'
        | 'Λ' | 'Ω' | 'Π' | 'Ψ' | 'Σ' | 'Θ' | 'Ξ' | 'Æ' | 'æ' | 'ß' | 'É' | '¤' | '¡' | 'Ä'
        | 'Ö' | 'Ñ' | 'Ü' | '§' | '¿' | 'ä' | 'ö' | 'ñ' | 'ü' | 'à' => Class::Gsm,
        // Welsh letters missing from GSM.
        'Â' | 'â' | 'Ê' | 'ê' | 'Î' | 'î' | 'Ô' | 'ô' | 'Û' | 'û' | 'Ŵ' | 'ŵ' | 'Ŷ' | 'ŷ' => {
            Class::Unicode
        }
        // French letters missing from GSM (those shared with Welsh are above).
        'À' | 'Ë' | 'Ï' | 'Œ' | 'Ù' | 'ç' | 'ë' | 'ï' | 'œ' => Class::Unicode,
        // Inuktitut, Cree and Ojibwe. GC Notify lists individual syllabics from these three
        // blocks; we deliberately accept the whole blocks (a superset, unassigned code points
        // included) so a syllabic GC forgot is sent rather than turned into `?`.
        '\u{1400}'..='\u{167F}' | '\u{18B0}'..='\u{18FF}' | '\u{11AB0}'..='\u{11ABF}' => {
            Class::Unicode
        }
        _ => Class::Other,
    }
}

/// Whether `c` survives `downgrade` unchanged.
#[inline]
pub(super) fn is_allowed(c: char) -> bool {
    classify(c) != Class::Other
}

/// What `downgrade` writes in place of one character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Downgraded {
    /// The character itself.
    Keep,
    /// Another, allowed, character.
    Char(char),
    /// Allowed text of any length, possibly empty.
    Text(&'static str),
}

/// The stand-in for `c`, following GC Notify's rules.
#[inline]
pub(super) fn downgrade_char(c: char) -> Downgraded {
    if is_allowed(c) {
        Downgraded::Keep
    } else {
        stand_in(c)
    }
}

/// The stand-in for a character that is not allowed.
///
/// GC Notify takes the first character of the one-level canonical decomposition (`ǖ` is `ü`
/// plus a macron, so `ǖ` becomes `ü`, not `u`). The crate only offers full decompositions, so we
/// rebuild the levels by recomposing the base with one mark after another, and keep the most
/// composed allowed one. GC stops after one level even when that character is not allowed
/// (`ά` → `α`), and raises an error when it lies beyond U+FFFF; we carry on down and fall back
/// to `?`, so the output is always sendable.
#[cold]
fn stand_in(c: char) -> Downgraded {
    let mut base = None;
    let mut composed = None;
    let mut best = None;
    decompose_canonical(c, |part| match (base, composed) {
        (None, _) => {
            base = Some(part);
            composed = Some(part);
            if is_allowed(part) {
                best = Some(part);
            }
        }
        (Some(_), Some(so_far)) => {
            composed = compose(so_far, part);
            if let Some(next) = composed.filter(|&next| next != c && is_allowed(next)) {
                best = Some(next);
            }
        }
        // A mark that does not compose breaks the chain: nothing past it is a level of `c`.
        (Some(_), None) => {}
    });
    match (best, base) {
        (Some(found), _) => Downgraded::Char(found),
        // `decompose_canonical` emits the character itself when it has no decomposition.
        (None, Some(first)) if first != c => replacement(first),
        _ => replacement(c),
    }
}

/// GC Notify's fixed table for characters without a canonical decomposition, with two
/// deliberate improvements for French: guillemets become straight double quotes (GC sends
/// `?`), and no-break spaces become spaces (GC deletes them, gluing `M. Tremblay` together).
fn replacement(c: char) -> Downgraded {
    Downgraded::Text(match c {
        '\u{2013}' | '\u{2014}' => "-",
        '\u{2026}' => "...",
        '\u{2018}' | '\u{2019}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => "\"",
        '\u{00A0}' | '\u{202F}' => " ",
        '\u{200B}' => "",
        '\t' => " ",
        _ => "?",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(c: char) -> String {
        match downgrade_char(c) {
            Downgraded::Keep => c.to_string(),
            Downgraded::Char(other) => other.to_string(),
            Downgraded::Text(text) => text.to_owned(),
        }
    }

    #[test]
    fn downgrade_table() {
        let cases: &[(char, &str, &str)] = &[
            ('a', "a", "ASCII letter"),
            ('é', "é", "GSM accent kept"),
            ('Ç', "Ç", "GSM capital cedilla kept"),
            ('ê', "ê", "French non-GSM kept"),
            ('ç', "ç", "French non-GSM kept"),
            ('ŵ', "ŵ", "Welsh kept"),
            ('á', "a", "acute: base letter"),
            ('Á', "A", "capital acute"),
            ('ã', "a", "tilde"),
            ('ł', "?", "stroke has no decomposition"),
            ('ǖ', "ü", "one level down is GSM ü"),
            ('Ǟ', "Ä", "one level down is GSM Ä"),
            ('ḉ', "ç", "one level down is French ç"),
            ('ệ', "e", "two levels, neither allowed"),
            ('ά', "?", "Greek tonos: α is not allowed either"),
            ('\u{1F71}', "?", "Greek oxia: singleton to ά, then α"),
            ('\u{2126}', "Ω", "ohm sign: singleton to GSM omega"),
            ('\u{212B}', "Å", "angstrom sign: singleton to GSM Å"),
            ('й', "?", "Cyrillic short i decomposes to и, not allowed"),
            ('Ж', "?", "Cyrillic, no decomposition"),
            ('中', "?", "Chinese"),
            ('가', "?", "Hangul decomposes to jamo, not allowed"),
            ('😬', "?", "emoji"),
            (
                '\u{1D15E}',
                "?",
                "decomposition outside the BMP (GC raises here)",
            ),
            ('\u{2013}', "-", "en dash"),
            ('\u{2014}', "-", "em dash"),
            ('\u{2026}', "...", "ellipsis"),
            ('\u{2018}', "'", "left single quote"),
            ('\u{2019}', "'", "right single quote"),
            ('\u{201C}', "\"", "left double quote"),
            ('\u{201D}', "\"", "right double quote"),
            ('\u{200B}', "", "zero-width space removed"),
            ('\u{00A0}', " ", "no-break space becomes a space"),
            ('\u{202F}', " ", "narrow no-break space becomes a space"),
            ('\u{00AB}', "\"", "opening guillemet"),
            ('\u{00BB}', "\"", "closing guillemet"),
            ('\t', " ", "tab"),
            ('`', "?", "backtick is not GSM"),
            ('\u{0301}', "?", "lone combining accent"),
            ('\u{FB01}', "?", "compatibility ligature is not decomposed"),
            ('\u{2028}', "?", "line separator"),
            ('\u{0B}', "?", "vertical tab"),
            ('\u{85}', "?", "next line"),
            ('\0', "?", "NUL"),
            ('\u{1B}', "\u{1B}", "escape is in the GSM table"),
            ('€', "€", "extension"),
            ('\\', "\\", "extension"),
            ('ᐃ', "ᐃ", "Inuktitut"),
            ('\u{11AB6}', "\u{11AB6}", "syllabics Extended-A"),
            ('\u{18D4}', "\u{18D4}", "syllabics Extended (Ojibwe)"),
            (
                '\u{1680}',
                "?",
                "Ogham space mark, just past the syllabics block",
            ),
        ];
        for &(input, expected, why) in cases {
            assert_eq!(one(input), expected, "{input:?}: {why}");
        }
    }

    #[test]
    fn ascii_classes() {
        assert_eq!(classify('{'), Class::Extension);
        assert_eq!(classify('~'), Class::Extension);
        assert_eq!(classify('@'), Class::Gsm);
        assert_eq!(classify('\u{7F}'), Class::Other);
        assert_eq!(classify('\t'), Class::Other);
        let gsm = (b' '..=b'~')
            .filter(|b| classify(char::from(*b)) == Class::Gsm)
            .count();
        // 95 printable, minus backtick and the eight extension characters.
        assert_eq!(gsm, 95 - 1 - 8);
    }

    const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                             ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const GSM_EXTENSION: &str = "^{}\\[~]|€";
    const WELSH_AND_FRENCH: &str = "ÂâÊêÎîÔôÛûŴŵŶŷÀÂËÎÏÔŒÙÛâçêëîïôœû";

    #[test]
    fn every_listed_character_has_its_class() {
        for c in GSM_BASIC.chars() {
            assert_eq!(classify(c), Class::Gsm, "{c:?}");
        }
        for c in GSM_EXTENSION.chars() {
            assert_eq!(classify(c), Class::Extension, "{c:?}");
        }
        for c in WELSH_AND_FRENCH.chars() {
            assert_eq!(classify(c), Class::Unicode, "{c:?}");
        }
    }

    #[test]
    fn nothing_else_is_allowed() {
        let listed: std::collections::HashSet<char> = [GSM_BASIC, GSM_EXTENSION, WELSH_AND_FRENCH]
            .concat()
            .chars()
            .collect();
        let syllabics =
            |c: char| matches!(u32::from(c), 0x1400..=0x167F | 0x18B0..=0x18FF | 0x11AB0..=0x11ABF);
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_allowed(c), listed.contains(&c) || syllabics(c), "{c:?}");
        }
    }

    #[test]
    fn stand_ins_are_allowed_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            match downgrade_char(c) {
                Downgraded::Keep => assert!(is_allowed(c)),
                Downgraded::Char(other) => assert!(is_allowed(other), "{c:?} -> {other:?}"),
                Downgraded::Text(text) => assert!(text.chars().all(is_allowed), "{c:?}"),
            }
        }
    }
}
