//! Tests for the full HTML email: snapshots of each branding and direction, escaping of
//! everything the layout inserts itself, and colour parsing.

use super::*;

const BODY: &str = "<p style=\"margin: 0 0 20px 0;\">Hello &amp; welcome.</p>";

fn page<'a>(branding: &'a Branding) -> Page<'a> {
    Page {
        subject: "Your application",
        preheader: "We have received your application",
        body_html: BODY,
        lang: Language::English,
        rtl: false,
        branding,
    }
}

fn logo(background: Option<&str>) -> Branding {
    Branding::Logo(Logo {
        url: "https://example.ca/logo.png".to_owned(),
        alt_en: "Example Agency".to_owned(),
        alt_fr: "Agence exemple".to_owned(),
        background: background.map(|c| Colour::parse(c).unwrap()),
    })
}

#[test]
fn snapshot_no_branding() {
    insta::assert_snapshot!(full_html(&page(&Branding::None)));
}

#[test]
fn snapshot_government_of_canada_english_first() {
    let branding = Branding::GovernmentOfCanada(BannerOrder::EnglishFirst);
    insta::assert_snapshot!(full_html(&page(&branding)));
}

#[test]
fn snapshot_government_of_canada_french_first() {
    let branding = Branding::GovernmentOfCanada(BannerOrder::FrenchFirst);
    let french = Page {
        subject: "Votre demande",
        preheader: "Nous avons reçu votre demande",
        body_html: "<p style=\"margin: 0 0 20px 0;\">Bonjour.</p>",
        lang: Language::French,
        ..page(&branding)
    };
    insta::assert_snapshot!(full_html(&french));
}

#[test]
fn snapshot_logo_without_background() {
    insta::assert_snapshot!(full_html(&page(&logo(None))));
}

#[test]
fn snapshot_logo_with_background() {
    insta::assert_snapshot!(full_html(&page(&logo(Some("#26374A")))));
}

#[test]
fn snapshot_french_logo() {
    let branding = logo(Some("#fff"));
    let french = Page {
        lang: Language::French,
        ..page(&branding)
    };
    insta::assert_snapshot!(full_html(&french));
}

#[test]
fn snapshot_rtl() {
    let branding = Branding::GovernmentOfCanada(BannerOrder::EnglishFirst);
    let rtl = Page {
        subject: "طلبك",
        preheader: "لقد تلقينا طلبك",
        body_html: "<p style=\"margin: 0 0 20px 0;\">مرحبا</p>",
        rtl: true,
        ..page(&branding)
    };
    insta::assert_snapshot!(full_html(&rtl));
}

#[test]
fn snapshot_rtl_logo() {
    let branding = logo(None);
    let rtl = Page {
        rtl: true,
        ..page(&branding)
    };
    insta::assert_snapshot!(full_html(&rtl));
}

const NASTY: &str = "<script>alert(\"x\")</script> & 'quoted'";
const NASTY_ESCAPED: &str =
    "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;";

#[test]
fn subject_and_preheader_are_escaped() {
    let html = full_html(&Page {
        subject: NASTY,
        preheader: NASTY,
        ..page(&Branding::None)
    });
    assert!(!html.contains("<script>"));
    assert!(html.contains(&format!("<title>{NASTY_ESCAPED}</title>")));
    assert!(html.contains(&format!("aria-label=\"{NASTY_ESCAPED}\"")));
    assert!(html.contains(&format!("mso-hide:all;\">{NASTY_ESCAPED}</div>")));
}

#[test]
fn logo_url_and_alt_are_escaped() {
    let branding = Branding::Logo(Logo {
        url: format!("https://example.ca/a.png?x=1&y=\"{NASTY}"),
        alt_en: NASTY.to_owned(),
        alt_fr: "fr".to_owned(),
        background: None,
    });
    let html = full_html(&page(&branding));
    assert!(!html.contains("<script>"));
    assert!(html.contains(&format!(
        "src=\"https://example.ca/a.png?x=1&amp;y=&quot;{NASTY_ESCAPED}\" alt=\"{NASTY_ESCAPED}\""
    )));
}

#[test]
fn body_is_inserted_verbatim() {
    let html = full_html(&page(&Branding::None));
    assert!(html.contains(BODY));
}

#[test]
fn empty_preheader_is_left_out() {
    let html = full_html(&Page {
        preheader: "",
        ..page(&Branding::None)
    });
    assert!(!html.contains("mso-hide"));
}

#[test]
fn alt_text_follows_the_main_language() {
    let branding = logo(None);
    let english = full_html(&page(&branding));
    let french = full_html(&Page {
        lang: Language::French,
        ..page(&branding)
    });
    assert!(english.contains("alt=\"Example Agency\""));
    assert!(french.contains("alt=\"Agence exemple\""));
    assert!(french.contains("<html lang=\"fr-CA\">"));
}

#[test]
fn banner_names_carry_their_own_language() {
    let branding = Branding::GovernmentOfCanada(BannerOrder::FrenchFirst);
    let html = full_html(&page(&branding));
    let french = html
        .find("<span lang=\"fr-CA\">Gouvernement du Canada</span>")
        .unwrap();
    let english = html
        .find("<span lang=\"en-CA\">Government of Canada</span>")
        .unwrap();
    assert!(french < english);
    assert!(html.contains("<span aria-hidden=\"true\""));
}

#[test]
fn escape_covers_the_five_characters() {
    let mut out = String::new();
    escape("a&b<c>d\"e'f—é", &mut out);
    assert_eq!(out, "a&amp;b&lt;c&gt;d&quot;e&#39;f—é");
}

#[test]
fn colour_accepts_short_and_long_forms() {
    assert_eq!(Colour::parse("#fff").unwrap().as_str(), "#fff");
    assert_eq!(Colour::parse("#A1B2C3").unwrap().as_str(), "#a1b2c3");
    assert_eq!(Colour::parse("#09aF4e").unwrap().as_str(), "#09af4e");
}

#[test]
fn colour_rejects_everything_else() {
    for text in [
        "fff",
        "#ggg",
        "#12345",
        "red",
        "#1234567",
        "#fff;background:url(x)",
        "",
        "#",
        " #fff",
        "#fff ",
        "#ｆｆｆ",
        "rgb(0,0,0)",
    ] {
        assert_eq!(
            Colour::parse(text),
            Err(BrandingError::InvalidColour),
            "{text:?}"
        );
    }
}

#[test]
fn colour_luminance_matches_wcag() {
    let luminance = |text: &str| Colour::parse(text).unwrap().luminance();
    assert!((luminance("#ffffff") - 1.0).abs() < 1e-9);
    assert!(luminance("#000").abs() < 1e-9);
    assert!((luminance("#fff") - luminance("#FFFFFF")).abs() < 1e-9);
    assert!((luminance("#0b0c0c") - banner::TEXT_LUMINANCE).abs() < 1e-4);
}

#[test]
fn alt_text_stays_legible_on_the_logo_background() {
    let dark = full_html(&page(&logo(Some("#26374a"))));
    let light = full_html(&page(&logo(Some("#f1f2f3"))));
    assert!(dark.contains("font-weight:bold; color:#ffffff;"));
    assert!(light.contains("font-weight:bold; color:#0B0C0C;"));
}
