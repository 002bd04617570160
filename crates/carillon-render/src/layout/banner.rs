//! The header row above the message: nothing, the bilingual Government of Canada text banner,
//! or a deployment's logo.
//!
//! The Government of Canada banner is text only: Carillon draws no flag or wordmark image,
//! since a self-hosted deployment has no right to use them.

use super::{BannerOrder, Branding, Colour, FONT, Logo, TEXT, escape};
use crate::Language;

/// The rule under a header on white: decorative, so it needs no text contrast.
const RULE: &str = "border-bottom:1px solid #b1b4b6; ";
/// The slash between the two names: 4.6:1 on white, though screen readers skip it.
const SEPARATOR: &str = "#6f777b";
const WHITE: &str = "#ffffff";
/// Relative luminance of [`TEXT`], for choosing legible alt text on a logo background.
pub(super) const TEXT_LUMINANCE: f64 = 0.0036;

/// Writes the header row(s) for `branding`, if any.
pub(super) fn header(branding: &Branding, lang: Language, rtl: bool, out: &mut String) {
    match branding {
        Branding::None => {}
        Branding::GovernmentOfCanada(order) => government_of_canada(*order, out),
        Branding::Logo(logo) => logo_header(logo, lang, rtl, out),
    }
}

fn government_of_canada(order: BannerOrder, out: &mut String) {
    let english = (Language::English, "Government of Canada");
    let french = (Language::French, "Gouvernement du Canada");
    let (first, second) = match order {
        BannerOrder::EnglishFirst => (english, french),
        BannerOrder::FrenchFirst => (french, english),
    };
    // Both names in the same weight and size: the official languages get equal prominence.
    // Always left to right, whatever the message's direction, as both names are.
    out.push_str("<tr>\n<td class=\"carillon-cell\" dir=\"ltr\" style=\"padding:20px 20px 16px; ");
    out.push_str(RULE);
    out.push_str("font-family:");
    out.push_str(FONT);
    out.push_str("; font-size:16px; line-height:1.4; font-weight:bold; color:");
    out.push_str(TEXT);
    out.push_str("; text-align:left;\">\n");
    name(first, out);
    // The non-breaking space keeps the slash off the start of a wrapped line.
    out.push_str("&nbsp;<span aria-hidden=\"true\" style=\"font-weight:normal; color:");
    out.push_str(SEPARATOR);
    out.push_str(";\">/</span> ");
    name(second, out);
    out.push_str("\n</td>\n</tr>\n");
}

fn name((lang, text): (Language, &str), out: &mut String) {
    out.push_str("<span lang=\"");
    out.push_str(lang.tag());
    out.push_str("\">");
    out.push_str(text);
    out.push_str("</span>");
}

fn logo_header(logo: &Logo, lang: Language, rtl: bool, out: &mut String) {
    let alt = match lang {
        Language::English => &logo.alt_en,
        Language::French => &logo.alt_fr,
    };
    out.push_str("<tr>\n<td class=\"carillon-cell\"");
    if rtl {
        out.push_str(" dir=\"rtl\"");
    }
    // `Colour` holds only `#` and hex digits, so it needs no escaping. Outlook wants the
    // attribute, other clients the style.
    if let Some(background) = &logo.background {
        out.push_str(" bgcolor=\"");
        out.push_str(background.as_str());
        out.push('"');
    }
    out.push_str(" style=\"padding:16px 20px; ");
    match &logo.background {
        Some(background) => {
            out.push_str("background-color:");
            out.push_str(background.as_str());
            out.push_str("; ");
        }
        None => out.push_str(RULE),
    }
    // Many clients block images until asked, showing the alt text instead: make it legible.
    out.push_str("font-family:");
    out.push_str(FONT);
    out.push_str("; font-size:16px; line-height:1.4; font-weight:bold; color:");
    out.push_str(logo.background.as_ref().map_or(TEXT, alt_text_colour));
    out.push_str("; text-align:");
    out.push_str(if rtl { "right" } else { "left" });
    out.push_str(";\">\n<img src=\"");
    escape(&logo.url, out);
    out.push_str("\" alt=\"");
    escape(alt, out);
    out.push_str("\" height=\"40\" style=\"display:block; border:0; height:40px; width:auto\">\n");
    out.push_str("</td>\n</tr>\n");
}

/// Near-black or white, whichever contrasts more with `background` (WCAG contrast ratio).
fn alt_text_colour(background: &Colour) -> &'static str {
    let luminance = background.luminance();
    let against_text = (luminance + 0.05) / (TEXT_LUMINANCE + 0.05);
    let against_white = 1.05 / (luminance + 0.05);
    if against_text >= against_white {
        TEXT
    } else {
        WHITE
    }
}
