//! Tests for the typography rules, one group per rule, then properties over tricky text.

use proptest::prelude::*;

use super::*;

fn smart(text: &str) -> String {
    let mut out = String::new();
    smarten(text, None, &mut out);
    out
}

fn smart_after(out: &str, text: &str, before: Option<char>) -> String {
    let mut out = out.to_owned();
    smarten(text, before, &mut out);
    out
}

#[test]
fn plain_text_is_copied() {
    assert_eq!(smart("Hello world"), "Hello world");
    assert_eq!(smart(""), "");
    assert_eq!(smart_after("a ", "b", Some(' ')), "a b");
}

#[test]
fn double_quotes_curl() {
    assert_eq!(smart(r#""Hello," she said."#), "“Hello,” she said.");
    assert_eq!(smart(r#"say "hi" (or "bye")"#), "say “hi” (or “bye”)");
    assert_eq!(smart(r#"a ""."#), "a “”.");
    assert_eq!(smart("\"\u{2014}\"x\""), "“—“x”");
}

#[test]
fn single_quotes_curl() {
    assert_eq!(smart("'Hello'"), "‘Hello’");
    assert_eq!(smart(r#""'Nested'""#), "“‘Nested’”");
    assert_eq!(smart("['a']"), "[‘a’]");
    assert_eq!(smart("''"), "‘’");
}

#[test]
fn apostrophes_close() {
    assert_eq!(smart("don't"), "don’t");
    assert_eq!(smart("l'école d'été"), "l’école d’été");
    assert_eq!(smart("O'Brien's"), "O’Brien’s");
    assert_eq!(smart("the students' work"), "the students’ work");
}

#[test]
fn abbreviated_years_take_an_apostrophe() {
    assert_eq!(smart("the '90s"), "the ’90s");
    assert_eq!(smart("class of '98."), "class of ’98.");
    assert_eq!(smart("'1984'"), "‘1984’");
    assert_eq!(smart("'9 lives'"), "‘9 lives’");
}

#[test]
fn quote_context_comes_from_before() {
    assert_eq!(
        smart_after("He said ", "\"yes\"", Some(' ')),
        "He said “yes”"
    );
    assert_eq!(smart_after("Bob", "'s", Some('b')), "Bob’s");
    assert_eq!(smart_after("Bob", "\"", Some('b')), "Bob”");
    assert_eq!(smart_after("(", "'a'", Some('(')), "(‘a’");
}

#[test]
fn addresses_keep_straight_single_quotes() {
    assert_eq!(
        smart("Write to o'brien@example.ca today"),
        "Write to o'brien@example.ca today"
    );
    assert_eq!(
        smart("\"o'brien@example.ca\" isn't"),
        "“o'brien@example.ca” isn’t"
    );
    assert_eq!(smart("'quoted' me@x.ca"), "‘quoted’ me@x.ca");
}

#[test]
fn addresses_across_a_value_boundary_keep_straight_quotes() {
    // The value `o'brien` was curled before `@example.ca` showed it was an address.
    let out = smart_after("Write to ", "o'brien", Some(' '));
    assert_eq!(out, "Write to o’brien");
    assert_eq!(
        smart_after(&out, "@example.ca", Some('n')),
        "Write to o'brien@example.ca"
    );
    assert_eq!(smart_after("<b>me@x.ca", "'s", Some('a')), "<b>me@x.ca's");
    // Markup ends the word: the address is not continued.
    assert_eq!(
        smart_after("<b>me@x.ca</b>", "'s", Some('a')),
        "<b>me@x.ca</b>’s"
    );
    assert_eq!(
        smart_after("<b>o’brien</b>", "@x.ca", Some('n')),
        "<b>o’brien</b>@x.ca"
    );
}

#[test]
fn only_an_address_length_is_looked_back_at() {
    let long = format!("a@{}", "b".repeat(MAX_ADDRESS));
    assert_eq!(smart_after(&long, "'s", Some('b')), format!("{long}’s"));
    let fits = format!("a@{}", "b".repeat(MAX_ADDRESS - 3));
    assert_eq!(smart_after(&fits, "'s", Some('b')), format!("{fits}'s"));
    let curled = format!("o’{}", "b".repeat(MAX_ADDRESS));
    assert_eq!(
        smart_after(&curled, "@x.ca", Some('b')),
        format!("{curled}@x.ca")
    );
}

#[test]
fn spaced_hyphens_become_en_dashes() {
    assert_eq!(smart("9 am - 5 pm"), "9 am – 5 pm");
    assert_eq!(smart("9 am -- 5 pm"), "9 am – 5 pm");
    assert_eq!(smart("9 am --- 5 pm"), "9 am – 5 pm");
    assert_eq!(smart("a — b – c"), "a – b – c");
    assert_eq!(smart("a  \t-\n  b"), "a – b");
    assert_eq!(smart("a - - b"), "a – – b");
}

#[test]
fn other_hyphens_are_untouched() {
    assert_eq!(smart("rendez-vous"), "rendez-vous");
    assert_eq!(smart("a -b"), "a -b");
    assert_eq!(smart("a- b"), "a- b");
    assert_eq!(smart("a ---- b"), "a ---- b");
    assert_eq!(smart("- a"), "- a");
    assert_eq!(smart("a -"), "a -");
}

#[test]
fn dashes_at_a_boundary_use_before() {
    assert_eq!(smart_after("9 am ", "- 5 pm", Some(' ')), "9 am – 5 pm");
    assert_eq!(smart_after("9 am", "- 5 pm", Some('m')), "9 am- 5 pm");
    assert_eq!(smart_after("", " - 5 pm", Some('m')), " – 5 pm");
    assert_eq!(smart_after("", "-- ", Some(' ')), "– ");
}

#[test]
fn quotes_after_a_dash_open() {
    assert_eq!(smart("a - \"b\""), "a – “b”");
    assert_eq!(smart("a\u{2014}'b'"), "a—‘b’");
}

#[test]
fn space_before_comma_or_full_stop_goes() {
    assert_eq!(smart("Hello , world ."), "Hello, world.");
    assert_eq!(smart("a \t ."), "a.");
    assert_eq!(smart("a\n."), "a\n.");
    assert_eq!(smart("1.5, 2"), "1.5, 2");
}

#[test]
fn space_before_comma_goes_across_a_value_boundary() {
    assert_eq!(smart_after("Hello ", ", world", Some(' ')), "Hello, world");
    assert_eq!(smart_after("Hello \t", ".", Some('\t')), "Hello.");
    assert_eq!(smart_after("Hello\n", ".", Some('\n')), "Hello\n.");
}

#[test]
fn non_ascii_text_passes_through() {
    assert_eq!(
        smart("Élève à l'école — « oui » ."),
        "Élève à l’école – « oui »."
    );
    assert_eq!(smart("日本語 'x' 🎉"), "日本語 ‘x’ 🎉");
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | LEFT_SINGLE | RIGHT_SINGLE | LEFT_DOUBLE | RIGHT_DOUBLE
    )
}

fn skeleton(text: &str) -> String {
    text.chars()
        .filter(|&c| !is_quote(c) && !is_dash(c) && !c.is_whitespace())
        .collect()
}

fn tricky() -> impl Strategy<Value = String> {
    // Mostly the characters the rules look at, with some arbitrary ones mixed in.
    const RULED: &str = "[\"'\\-\u{2013}\u{2014} \t\n,.@(\u{2019}a-z\u{e9}9]";
    let piece = prop_oneof![4 => RULED, 1 => any::<char>().prop_map(String::from)];
    proptest::collection::vec(piece, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn never_panics(text in any::<String>(), before in any::<Option<char>>(), prefix in tricky()) {
        let mut out = prefix;
        smarten(&text, before, &mut out);
    }

    #[test]
    fn only_quotes_dashes_and_whitespace_change(text in tricky()) {
        prop_assert_eq!(skeleton(&smart(&text)), skeleton(&text));
    }

    #[test]
    fn double_quotes_are_always_curled(text in tricky()) {
        prop_assert!(!smart(&text).contains('"'));
    }

    #[test]
    fn straight_single_quotes_only_in_addresses(text in tricky()) {
        let out = smart(&text);
        for word in out.split(char::is_whitespace) {
            prop_assert!(!word.contains('\'') || word.contains('@'), "{:?}", word);
        }
    }

    #[test]
    fn splitting_at_whitespace_matches_whole(text in tricky(), at in any::<prop::sample::Index>()) {
        // Splitting just after whitespace is how values join template text.
        let cuts: Vec<usize> = text
            .char_indices()
            .filter(|&(_, c)| c == ' ')
            .map(|(i, _)| i + 1)
            .collect();
        prop_assume!(!cuts.is_empty());
        let cut = cuts[at.index(cuts.len())];
        let (head, tail) = text.split_at(cut);
        let mut out = String::new();
        smarten(head, None, &mut out);
        smarten(tail, head.chars().next_back(), &mut out);
        let mut whole = String::new();
        smarten(&text, None, &mut whole);
        prop_assert_eq!(skeleton(&out), skeleton(&whole));
        prop_assert_eq!(out.matches(['\u{2018}', '\u{201C}']).count(), whole.matches(['\u{2018}', '\u{201C}']).count());
    }
}
