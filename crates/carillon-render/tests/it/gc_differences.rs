//! Templates that GC Notify once rendered differently from Carillon (issue 11), one snapshot per
//! case: what recipients see now, side by side with GC Notify's rendering library. Where
//! Carillon deliberately differs, docs/compatibility.md says why.

use carillon_render::{EmailTemplate, RenderError, SmsTemplate};

use crate::common::{render, show, show_sms, values};

/// A double-quoted title may hold spaces: it becomes the `title`, never part of the `href`.
#[test]
fn link_titles_in_either_quote() {
    insta::assert_snapshot!(show(&render(
        "Subject",
        "[Canada.ca](https://www.canada.ca \"Government of Canada\"), \
         [ARC](https://www.canada.ca/fr/agence-revenu.html 'Agence du revenu du Canada') \
         and [empty](https://www.canada.ca \"\")",
        &[],
    )));
}

/// Entities in template text are the characters they name, everywhere recipients read them;
/// decoded text is escaped again, so `&lt;script&gt;` stays text. Values are shown as sent.
#[test]
fn html_entities_in_template_text() {
    let email = render(
        "Caf&eacute;&nbsp;: ((x)) &amp; co",
        "Bonjour&nbsp;! &copy;&nbsp;2024 &amp; AT&T &lt;script&gt;alert(1)&lt;/script&gt; \
         &#42;not emphasis&#42; &copy=2 ((x))\n\n\
         [l&amp;l](https://a.ca/?a=1&amp;b=2 \"t&amp;t\") https://a.ca/?a=1&amp;b=2",
        &[("x", "v&amp;v <b>")],
    );
    // Snapshots do not show which space is which.
    assert!(
        email.subject.starts_with("Café\u{A0}:"),
        "{:?}",
        email.subject
    );
    assert!(email.html.contains("Bonjour\u{A0}!"), "{}", email.html);
    insta::assert_snapshot!(show(&email));
}

#[test]
fn html_entities_in_sms_text() {
    insta::assert_snapshot!(show_sms(
        "Bonjour&nbsp;((name))&nbsp;! R&amp;D &lt;3 &eacute;t&eacute; ((x))",
        &[("name", "Ada"), ("x", "&amp;")],
        None,
    ));
}

/// Pipe tables, with or without outer pipes, are dropped as GC Notify drops them; a table
/// written straight under a paragraph's line is part of the paragraph, as in GC Notify.
#[test]
fn pipe_tables_are_dropped() {
    insta::assert_snapshot!(show(&render(
        "Subject",
        "Before\n\n| a | b |\n|---|:-:|\n| ((one)) | 2 |\n\nx | y\n--|--\n1 | 2\nAfter\n\n\
         Text\n| a | b |\n|---|---|\n\n^ Inset\n\n| c |\n|---|\n| 3 |\n\n* item\n  | d |\n  |---|",
        &[("one", "1")],
    )));
}

/// Only the exact words are true: a value with a space around it is false.
#[test]
fn conditional_values_must_match_exactly() {
    insta::assert_snapshot!(show(&render(
        "Subject",
        "A((f??[leading space shown])) B((g??[trailing space shown])) C((h??[YES shown])) \
         D((i??[tab shown]))",
        &[("f", " yes"), ("g", "yes "), ("h", "YES"), ("i", "oui\t")],
    )));
}

/// A body blank once personalised is previewed (blank), and refused only when sent.
#[test]
fn blank_messages_preview_but_do_not_send() {
    let email = EmailTemplate::parse("Hello ((name))", "((content))").unwrap();
    let blank = values(&[("name", "Ada"), ("content", "  ")]);
    insta::assert_snapshot!(show(&email.preview(&blank).unwrap()));
    assert_eq!(email.render(&blank), Err(RenderError::EmptyMessage));

    let sms = SmsTemplate::parse("((content))").unwrap();
    let message = sms.preview(&blank, None).unwrap();
    assert_eq!((message.body.as_str(), message.fragments), ("", 1));
    assert_eq!(sms.render(&blank, None), Err(RenderError::EmptyMessage));
}

/// Zero-width characters leave the subject; LINE SEPARATOR leaves the body rather than
/// breaking the line. No-break spaces stay in the subject.
#[test]
fn invisible_characters() {
    let email = render(
        "\u{200B}Hello ((x))\u{FEFF} Objet\u{A0}: fin\u{A0}",
        "Line\u{2028}joined ((y))\n\n[link](https://a.ca/((z)))",
        &[
            (
                "x",
                "a\u{200B}b\u{200C}\u{200D}\u{2060}\u{FEFF}\u{180E}c  d\u{2028}e",
            ),
            ("y", "one\u{2028}two"),
            ("z", "p\u{2028}q"),
        ],
    );
    assert_eq!(email.subject, "Hello abc d e Objet\u{A0}: fin");
    insta::assert_snapshot!(show(&email));
}

/// Bare URLs: the `href` is never cut or broken out of, whatever a value holds; `+`, `@` and
/// `%2F` are kept as written (docs/compatibility.md says why); the text shows the URL as
/// written, without curly quotes.
#[test]
fn bare_urls() {
    insta::assert_snapshot!(show(&render(
        "Subject",
        "Go https://a.ca/p?x=a+b&y=c@d.ca&z=%2F&w=\"q\" or https://a.ca/é.\n\n\
         Value: ((v))\n\nQuoted: \"https://a.ca/x\" and ((w))",
        &[
            (
                "v",
                "see https://x.ca/?q=\"a\" now \"https://y.ca/\" https://z.ca/a<b>\"onmouseover=\"alert(1)",
            ),
            ("w", "https://x.ca/\"><script>alert(1)</script>"),
        ],
    )));
}
