//! Tests of the public SMS functions and `finish`, against GC Notify's behaviour.

use proptest::prelude::*;

use super::*;

#[test]
fn downgrade_strings() {
    let cases = [
        ("Čaj – “menu” … ok", "Caj - \"menu\" ... ok"),
        ("l’hôpital", "l'hôpital"),
        ("a\u{A0}b\u{200B}c\td", "a bc d"),
        ("« OUI »", "\" OUI \""),
        ("Привет 你好 😬", "?????? ?? ?"),
        (
            "Votre rendez-vous est confirmé",
            "Votre rendez-vous est confirmé",
        ),
        ("Łódź", "?odz"),
        ("", ""),
    ];
    for (input, expected) in cases {
        assert_eq!(downgrade(input), expected, "{input:?}");
    }
}

#[test]
fn encoding_detection() {
    let cases = [
        ("Your code is 123456", SmsEncoding::Gsm7),
        ("Votre rendez-vous est confirmé", SmsEncoding::Gsm7),
        ("Bienvenue à l'hôpital", SmsEncoding::Unicode),
        ("ᐅᖃᐅᓯᖅ ᑕᑯᓐᓇᕐᓂᖅ", SmsEncoding::Unicode),
        ("ᓀᐦᐃᔭᐍᐏᐣ", SmsEncoding::Unicode),
        ("Croeso i'r ŵyl", SmsEncoding::Unicode),
        ("Ça coûte 5 €", SmsEncoding::Unicode),
        ("Ça coute 5 €", SmsEncoding::Gsm7),
        ("{[~]}", SmsEncoding::Gsm7),
        ("", SmsEncoding::Gsm7),
    ];
    for (text, expected) in cases {
        assert_eq!(encoding_of(text), expected, "{text:?}");
    }
}

#[test]
fn unit_counts() {
    assert_eq!(count_units("hello"), 5);
    assert_eq!(count_units("{}"), 4);
    assert_eq!(count_units("€5 ^^"), 8);
    assert_eq!(count_units("\u{1B}"), 1);
    // Unicode: extension characters are ordinary UCS-2 characters.
    assert_eq!(count_units("ô{}"), 3);
    assert_eq!(count_units("ᐃᓄᒃᑎᑐᑦ"), 6);
    // Beyond the BMP: a surrogate pair (GC Notify would say 1).
    assert_eq!(count_units("\u{11AB6}"), 2);
    assert_eq!(count_units(""), 0);
}

#[test]
fn fragment_boundaries() {
    let cases = [
        (0, SmsEncoding::Gsm7, 1),
        (1, SmsEncoding::Gsm7, 1),
        (160, SmsEncoding::Gsm7, 1),
        (161, SmsEncoding::Gsm7, 2),
        (306, SmsEncoding::Gsm7, 2),
        (307, SmsEncoding::Gsm7, 3),
        (612, SmsEncoding::Gsm7, 4),
        (0, SmsEncoding::Unicode, 1),
        (70, SmsEncoding::Unicode, 1),
        (71, SmsEncoding::Unicode, 2),
        (134, SmsEncoding::Unicode, 2),
        (135, SmsEncoding::Unicode, 3),
    ];
    for (units, encoding, expected) in cases {
        assert_eq!(
            fragment_count(units, encoding),
            expected,
            "{units} {encoding:?}"
        );
    }
}

#[test]
fn gc_fragment_cases() {
    // Restated from the kinds of case GC Notify checks: length, accents, euro signs.
    let cases = [
        ("a".repeat(160), 1),
        ("a".repeat(161), 2),
        ("ë".repeat(70), 1),
        ("ë".repeat(71), 2),
        ("€".repeat(80), 1),
        ("€".repeat(81), 2),
        ("Nous avons bien reçu votre demande.".to_owned(), 1),
    ];
    for (text, expected) in cases {
        assert_eq!(
            finish(&text, None).fragments,
            expected,
            "{} chars",
            text.chars().count()
        );
    }
}

#[test]
fn finish_without_prefix() {
    let sms = finish("  Hello , world .  ", None);
    assert_eq!(sms.body, "Hello, world.");
    assert_eq!(sms.content, sms.body);
    assert_eq!(
        (sms.units, sms.fragments, sms.encoding),
        (13, 1, SmsEncoding::Gsm7)
    );
}

#[test]
fn finish_with_prefix() {
    let sms = finish("Your code is 123", Some("  Service  "));
    assert_eq!(sms.content, "Service: Your code is 123");
    assert_eq!(sms.body, "Your code is 123");
    assert_eq!(sms.units, 25);
    // An empty prefix is no prefix; a blank one still adds ": ".
    assert_eq!(finish("Hi", Some("")).content, "Hi");
    assert_eq!(finish("Hi", Some("   ")).content, ": Hi");
    // The prefix is downgraded too, and it decides what the message costs.
    assert_eq!(finish("é ᐃ", None).encoding, SmsEncoding::Unicode);
    assert_eq!(finish("éᐃ", None).encoding, SmsEncoding::Unicode);
    let sms = finish("Hello", Some("Hôpital"));
    assert_eq!(sms.content, "Hôpital: Hello");
    assert_eq!(sms.encoding, SmsEncoding::Unicode);
    assert_eq!(finish("Hello", Some("Čaj—Bar")).content, "Caj-Bar: Hello");
    // The prefix's own space goes when the body starts with a full stop, as in GC Notify.
    let sms = finish("  . hi", Some("S"));
    assert_eq!(
        (sms.content.as_str(), sms.body.as_str()),
        ("S:. hi", ". hi")
    );
}

#[test]
fn spaces_before_punctuation() {
    let cases = [
        ("a , b", "a, b"),
        ("a\t\t.", "a."),
        ("a \u{A0}.", "a."),
        ("a \u{200B} ,", "a,"),
        ("a ,  .", "a,."),
        ("a ;", "a ;"),
        ("a\n.", "a\n."),
        ("a …", "a..."),
    ];
    for (input, expected) in cases {
        assert_eq!(finish(input, None).body, expected, "{input:?}");
    }
}

#[test]
fn newlines_and_trimming() {
    let cases = [
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("a\r\r\nb", "a\n\nb"),
        ("a\n\r b", "a\n\n b"),
        ("a\r \nb", "a\n \nb"),
        ("\r\n  hi  \r\n\r\n", "hi"),
        // Downgrading runs first, so Python's other line breaks are already `?`.
        ("a\u{2028}b\u{2029}c\u{85}d", "a?b?c?d"),
        ("a\u{0B}b\u{0C}c\u{1C}d\u{1E}e", "a?b?c?d?e"),
        ("\u{A0}hi\u{200B}", "hi"),
        ("\t hi \t", "hi"),
    ];
    for (input, expected) in cases {
        assert_eq!(finish(input, None).body, expected, "{input:?}");
    }
}

#[test]
fn whitespace_only_gives_an_empty_body() {
    let sms = finish(" \r\n\t \u{A0}\n", None);
    assert_eq!((sms.body.as_str(), sms.content.as_str()), ("", ""));
    assert_eq!((sms.units, sms.fragments), (0, 1));
    let sms = finish(" \r\n\t ", Some("Service"));
    assert_eq!((sms.body.as_str(), sms.content.as_str()), ("", "Service:"));
}

/// GC Notify's steps one by one, with plain string operations and Python's full
/// `splitlines`, to check the fused single pass.
fn reference(filled: &str, prefix: Option<&str>) -> String {
    let python_space = |c: char| c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c);
    let text = match prefix {
        Some(prefix) if !prefix.is_empty() => {
            format!("{}: {filled}", prefix.trim_matches(python_space))
        }
        _ => filled.to_owned(),
    };
    let chars: Vec<char> = downgrade(&text).chars().collect();
    let mut tidied = String::new();
    let mut i = 0;
    while i < chars.len() {
        let run_end = (i..chars.len()).find(|&j| !matches!(chars[j], ' ' | '\t'));
        match run_end {
            Some(j) if j > i && matches!(chars[j], ',' | '.') => i = j,
            _ => {
                tidied.push(chars[i]);
                i += 1;
            }
        }
    }
    let breaks = [
        '\n', '\r', '\u{0B}', '\u{0C}', '\u{1C}', '\u{1D}', '\u{1E}', '\u{85}',
    ];
    let mut lines = Vec::new();
    let mut rest = tidied.as_str();
    while let Some(at) = rest.find(|c| breaks.contains(&c) || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        lines.push(&rest[..at]);
        let width = match rest[at..].chars().next() {
            Some('\r') if rest[at..].starts_with("\r\n") => 2,
            Some(c) => c.len_utf8(),
            None => 0,
        };
        rest = &rest[at + width..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines.join("\n").trim_matches(python_space).to_owned()
}

/// Text rich in the characters the rules care about, plus anything at all.
fn sms_text() -> impl Strategy<Value = String> {
    let interesting: Vec<char> =
        "aZ7   \t,.:\r\n{€\\éôçŵᐃ\u{11AB6}\u{2028}\u{85}\u{0B}\u{1C}\u{A0}\
         \u{200B}…–“’áǖά😬中`"
            .chars()
            .collect();
    prop::collection::vec(
        prop_oneof![4 => prop::sample::select(interesting), 1 => any::<char>()],
        0..400,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Mostly ASCII with long plain stretches, so the block-at-a-time scan is exercised too.
fn ascii_heavy_text() -> impl Strategy<Value = String> {
    let ascii: Vec<char> = "abcdefghij XYZ 0123 ,.;:!? \n\r\t`\u{1B}{~"
        .chars()
        .collect();
    let rare: Vec<char> = "   ,.\u{A0}\u{200B}…éôᐃ😬".chars().collect();
    prop::collection::vec(
        prop_oneof![
            30 => prop::sample::select(ascii),
            1 => prop::sample::select(rare),
        ],
        0..400,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn gsm_text() -> impl Strategy<Value = String> {
    let gsm: Vec<char> = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                          ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
        .chars()
        .collect();
    prop::collection::vec(prop::sample::select(gsm), 0..500)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Fragments by peeling off one fragment's worth of units at a time.
fn fragments_by_peeling(units: usize, encoding: SmsEncoding) -> usize {
    let (alone, split) = if encoding == SmsEncoding::Gsm7 {
        (160, 153)
    } else {
        (70, 67)
    };
    if units <= alone {
        return 1;
    }
    let mut left = units;
    let mut fragments = 0;
    while left > 0 {
        left -= left.min(split);
        fragments += 1;
    }
    fragments
}

proptest! {
    #[test]
    fn downgrade_leaves_only_allowed_characters(text in any::<String>()) {
        prop_assert!(downgrade(&text).chars().all(charset::is_allowed));
    }

    #[test]
    fn downgrade_leaves_only_allowed_characters_in_rich_text(text in sms_text()) {
        prop_assert!(downgrade(&text).chars().all(charset::is_allowed));
    }

    #[test]
    fn finish_keeps_body_at_the_end_of_content(
        text in sms_text(),
        prefix in prop_oneof![Just(None), sms_text().prop_map(Some)],
    ) {
        let sms = finish(&text, prefix.as_deref());
        if prefix.is_some() && !sms.body.is_empty() {
            prop_assert!(sms.content.ends_with(&sms.body));
        }
        prop_assert_eq!(&sms.body, &finish(&text, None).content);
    }

    #[test]
    fn finish_matches_the_step_by_step_pipeline(
        text in prop_oneof![sms_text(), ascii_heavy_text()],
        prefix in prop_oneof![Just(None), sms_text().prop_map(Some)],
    ) {
        let sms = finish(&text, prefix.as_deref());
        prop_assert_eq!(&sms.content, &reference(&text, prefix.as_deref()));
        prop_assert_eq!(&sms.body, &reference(&text, None));
        prop_assert_eq!(sms.units, count_units(&sms.content));
        prop_assert_eq!(sms.encoding, encoding_of(&sms.content));
    }

    #[test]
    fn encoding_and_units_follow_the_sent_text(
        chars in prop::collection::vec(
            prop::sample::select(vec!['a', ' ', ',', 'é', 'Δ', '€', '{', 'ᐃ', '\u{11AB6}', '\u{18B0}', 'á']),
            0..40,
        ),
    ) {
        let text: String = chars.into_iter().collect();
        let sms = finish(&text, None);
        prop_assert_eq!(sms.encoding, encoding_of(&sms.content));
        prop_assert_eq!(sms.units, count_units(&sms.content));
    }

    #[test]
    fn finish_is_idempotent(text in sms_text()) {
        let once = finish(&text, None);
        prop_assert_eq!(&finish(&once.body, None).body, &once.body);
    }

    #[test]
    fn fragments_agree_with_peeling(units in 0usize..20_000, unicode in any::<bool>()) {
        let encoding = if unicode { SmsEncoding::Unicode } else { SmsEncoding::Gsm7 };
        prop_assert_eq!(fragment_count(units, encoding), fragments_by_peeling(units, encoding));
    }

    #[test]
    fn gsm_units_are_characters_plus_escapes(text in gsm_text()) {
        let escapes = text.chars().filter(|c| "^{}\\[~]|€".contains(*c)).count();
        prop_assert_eq!(encoding_of(&text), SmsEncoding::Gsm7);
        prop_assert_eq!(count_units(&text), text.chars().count() + escapes);
    }

    #[test]
    fn unicode_units_are_utf16_code_units(text in sms_text()) {
        let text = format!("ô{}", downgrade(&text));
        prop_assert_eq!(encoding_of(&text), SmsEncoding::Unicode);
        prop_assert_eq!(count_units(&text), text.encode_utf16().count());
    }
}
