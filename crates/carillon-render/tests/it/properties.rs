//! Property tests over the whole renderer: no input panics, no value escapes its text node,
//! and placeholders round-trip.

use carillon_render::fuzzing::only_known_tags;
use carillon_render::{
    BannerOrder, Branding, EmailLayout, EmailTemplate, Language, Personalisation, SmsTemplate,
};
use proptest::prelude::*;

/// Template-ish text: markdown and placeholder syntax are far more likely than in random text.
fn template_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Zéô ]{0,12}",
        Just("((name))".to_owned()),
        Just("((flag??shown))".to_owned()),
        Just("((flag??line\n* item))".to_owned()),
        Just("[[en]]".to_owned()),
        Just("[[/en]]".to_owned()),
        Just("[[fr]]".to_owned()),
        Just("[[/fr]]".to_owned()),
        Just("[[rtl]]".to_owned()),
        Just("[[/rtl]]".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("* ".to_owned()),
        Just("  - ".to_owned()),
        Just("1. ".to_owned()),
        Just("# ".to_owned()),
        Just("^ ".to_owned()),
        Just("---".to_owned()),
        Just("**".to_owned()),
        Just("_".to_owned()),
        Just("`".to_owned()),
        Just("[link](".to_owned()),
        Just(")".to_owned()),
        Just("https://example.ca/".to_owned()),
        Just("(((".to_owned()),
        Just(")))".to_owned()),
        Just("\u{F0000}".to_owned()),
        Just("&lt;script&gt;".to_owned()),
        Just("&nbsp;&#34;&amp;".to_owned()),
        Just("| a | b |\n|---|---|\n".to_owned()),
        Just("x | y\n--|--\n".to_owned()),
        Just(" \"a title\")".to_owned()),
        Just("\u{2028}".to_owned()),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// Values an attacker might send.
fn hostile_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just("<script>alert(1)</script>".to_owned()),
        Just("\"><img src=x onerror=alert(1)>".to_owned()),
        Just("javascript:alert(1)".to_owned()),
        Just("https://x.ca/\"onmouseover=\"alert(1)".to_owned()),
        Just("((name))".to_owned()),
        Just("[[en]]".to_owned()),
        Just("* list\n# heading".to_owned()),
        Just("https://x.ca/?q=\"a\" <b>\"onclick=\"x".to_owned()),
        Just("&lt;script&gt;&quot;".to_owned()),
        "[<>\"'&a-z:/ ]{0,30}",
    ]
}

fn personalise(template: &EmailTemplate, value: &str, list: bool) -> Personalisation {
    let mut p = Personalisation::new();
    for placeholder in template.placeholders() {
        if list {
            p.insert(&placeholder.name, vec![value.to_owned(), "b".to_owned()]);
        } else {
            p.insert(&placeholder.name, value);
        }
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn rendering_never_panics(
        subject in template_text(),
        body in template_text(),
        value in hostile_value(),
        list in any::<bool>(),
        prefix in proptest::option::of("[a-zA-Z ]{0,20}"),
    ) {
        if let Ok(template) = EmailTemplate::parse(&subject, &body) {
            let values = personalise(&template, &value, list);
            if let Ok(email) = template.render(&values) {
                let layout = EmailLayout {
                    branding: &Branding::GovernmentOfCanada(BannerOrder::FrenchFirst),
                    default_language: Language::English,
                    rtl: list,
                };
                let _ = email.full_html(&layout);
                prop_assert!(email.preheader.chars().count() <= 256);
            }
        }
        if let Ok(sms) = SmsTemplate::parse(&body) {
            let mut values = Personalisation::new();
            for placeholder in sms.placeholders() {
                values.insert(&placeholder.name, value.as_str());
            }
            if let Ok(message) = sms.render(&values, prefix.as_deref()) {
                prop_assert!(message.units <= 612);
            }
        }
    }

    #[test]
    fn no_value_can_add_markup(body in template_text(), value in hostile_value(), list in any::<bool>()) {
        if let Ok(template) = EmailTemplate::parse("s", &body)
            && let Ok(email) = template.render(&personalise(&template, &value, list))
            && let Err(problem) = only_known_tags(&email.html)
        {
            return Err(TestCaseError::fail(format!("{problem}\nbody: {body:?}\nvalue: {value:?}")));
        }
    }

    #[test]
    fn values_are_escaped_in_plain_paragraphs(value in hostile_value()) {
        let template = EmailTemplate::parse("s", "Hello ((name)), welcome.").unwrap();
        let email = template.render(&Personalisation::new().with("name", value.as_str())).unwrap();
        prop_assert!(only_known_tags(&email.html).is_ok(), "{}", email.html);
        // The API body and the text part carry the value untouched.
        prop_assert!(email.body.contains(value.as_str()));
    }

    #[test]
    fn placeholders_round_trip(
        parts in prop::collection::vec(("[a-zA-Z ,.!]{0,10}", "[a-z]{1,8}"), 1..8),
        tail in "[a-zA-Z ,.!]{0,10}",
    ) {
        let mut source = String::new();
        let mut names: Vec<String> = Vec::new();
        for (text, name) in &parts {
            source.push_str(text);
            source.push_str(&format!("(({name}))"));
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        source.push_str(&tail);
        let template = EmailTemplate::parse("", &source).unwrap();
        let found: Vec<&str> = template.placeholders().iter().map(|p| p.name.as_str()).collect();
        prop_assert_eq!(&found, &names);
        // Filling each placeholder with its own syntax gives the source back, never expanding it.
        let mut values = Personalisation::new();
        for name in &names {
            values.insert(name, format!("(({name}))"));
        }
        if let Ok(email) = template.render(&values) {
            prop_assert_eq!(email.body, source);
        }
    }
}

#[test]
fn the_markup_checker_rejects_foreign_tags() {
    assert!(only_known_tags("<p style=\"x\">ok</p>").is_ok());
    assert!(only_known_tags("<p >&lt;script&gt;</p>").is_ok());
    assert!(only_known_tags("<script>x</script>").is_err());
    assert!(only_known_tags("<img src=x>").is_err());
    assert!(only_known_tags("<a href=\"javascript:x\">").is_err());
    let link =
        "<a style=\"color: #1D70B8; word-wrap: break-word; word-break: break-word;\" href=\"";
    assert!(only_known_tags(&format!("{link}https://a.ca/%22\">x</a>")).is_ok());
    assert!(only_known_tags(&format!("{link}https://a.ca\" title=\"t t\">x</a>")).is_ok());
    assert!(only_known_tags(&format!("{link}https://a.ca/\"onclick=\"x\">x</a>")).is_err());
    assert!(only_known_tags(&format!("{link}https://a.ca/ x\">x</a>")).is_err());
}
