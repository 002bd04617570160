//! The full HTML email around a rendered body: head, preheader, branding banner, direction.
//!
//! Mail clients strip `<style>` blocks, `<html>` and `<body>` attributes unpredictably, and
//! Outlook on Windows lays out with Word's engine, so the page is built from nested
//! presentation tables with every style that matters written inline. The `<style>` block only
//! holds what inline styles cannot say (a narrow-screen media query).

mod banner;

use thiserror::Error;

use crate::Language;
// One escaper for every HTML output of the crate.
use crate::escape::push_escaped as escape;

/// Which way round the bilingual Government of Canada banner reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerOrder {
    /// "Government of Canada / Gouvernement du Canada".
    EnglishFirst,
    /// "Gouvernement du Canada / Government of Canada".
    FrenchFirst,
}

/// A validated CSS colour `#rgb` or `#rrggbb`, stored in lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Colour(String);

/// Branding values a deployment supplied that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BrandingError {
    /// Not `#rgb` or `#rrggbb`.
    #[error("Colour must be written #rgb or #rrggbb")]
    InvalidColour,
}

impl Colour {
    /// Parses `#rgb` or `#rrggbb`; hex digits may be in either case.
    ///
    /// Nothing else is accepted (no names, no surrounding spaces), because the colour is written
    /// into inline styles and attributes and must not be able to carry anything but a colour.
    ///
    /// # Errors
    /// [`BrandingError::InvalidColour`] for anything else.
    pub fn parse(text: &str) -> Result<Self, BrandingError> {
        let digits = text.strip_prefix('#').ok_or(BrandingError::InvalidColour)?;
        if matches!(digits.len(), 3 | 6) && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Colour(text.to_ascii_lowercase()))
        } else {
            Err(BrandingError::InvalidColour)
        }
    }

    /// The colour as written in CSS, e.g. `#26374a`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// WCAG relative luminance, from 0 (black) to 1 (white).
    fn luminance(&self) -> f64 {
        let digits = self.0.as_bytes().get(1..).unwrap_or_default();
        // Always a hex digit: `parse` checked every one.
        let nibble = |at: usize| {
            digits
                .get(at)
                .and_then(|&b| char::from(b).to_digit(16))
                .unwrap_or(0)
        };
        let channel = |index: usize| {
            let byte = if digits.len() == 3 {
                nibble(index) * 17
            } else {
                nibble(index * 2) * 16 + nibble(index * 2 + 1)
            };
            let c = f64::from(byte) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }
}

/// A deployment-supplied logo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// Absolute URL of the image.
    pub url: String,
    /// Alternative text in English.
    pub alt_en: String,
    /// Alternative text in French.
    pub alt_fr: String,
    /// Banner background, if any.
    pub background: Option<Colour>,
}

/// The header drawn above the message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Branding {
    /// No header.
    #[default]
    None,
    /// A bilingual text banner naming the Government of Canada.
    GovernmentOfCanada(BannerOrder),
    /// A deployment-supplied logo.
    Logo(Logo),
}

/// Everything the full HTML email is built from.
#[derive(Debug)]
pub(crate) struct Page<'a> {
    /// The subject, plain text (escaped here).
    pub(crate) subject: &'a str,
    /// The preheader, plain text (escaped here).
    pub(crate) preheader: &'a str,
    /// The rendered body fragment, already safe HTML.
    pub(crate) body_html: &'a str,
    /// The email's main language, for `<html lang>`.
    pub(crate) lang: Language,
    /// Whether the whole message reads right to left.
    pub(crate) rtl: bool,
    /// The header to draw.
    pub(crate) branding: &'a Branding,
}

/// Body text colour: near-black, 19.6:1 on white.
const TEXT: &str = "#0B0C0C";
const FONT: &str = "Helvetica, Arial, sans-serif";
/// Widest the message gets; narrower screens get the full width.
const WIDTH: &str = "580";

const HEAD: &str = concat!(
    "<meta charset=\"utf-8\">\n",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    "<meta name=\"format-detection\" content=\"telephone=no\">\n",
    "<meta name=\"x-apple-disable-message-reformatting\">\n",
    // Light only: clients that invert colours for dark mode would otherwise guess.
    "<meta name=\"color-scheme\" content=\"light\">\n",
    "<meta name=\"supported-color-schemes\" content=\"light\">\n",
);

// Only the media query lives here; clients that drop it still get the inline layout.
const STYLE: &str = concat!(
    "<style>\n",
    "@media only screen and (max-width: 620px) {\n",
    "  .carillon-cell { padding-left: 16px !important; padding-right: 16px !important; }\n",
    "}\n",
    "</style>\n",
);

// The standard hidden preheader: shown in the inbox list, hidden in the message everywhere,
// including Outlook (mso-hide) and clients that ignore display:none.
const PREHEADER_OPEN: &str = "<div style=\"display:none; font-size:1px; line-height:1px; \
max-height:0; max-width:0; opacity:0; overflow:hidden; mso-hide:all;\">";

const TABLE_ATTRS: &str = "role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"";

/// Wraps a rendered body into a complete HTML email.
pub(crate) fn full_html(page: &Page<'_>) -> String {
    let mut out = String::with_capacity(page.body_html.len() + 3_000);
    let lang = page.lang.tag();
    let dir = if page.rtl { " dir=\"rtl\"" } else { "" };
    let align = if page.rtl { "right" } else { "left" };

    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(lang);
    out.push('"');
    out.push_str(dir);
    out.push_str(">\n<head>\n");
    out.push_str(HEAD);
    out.push_str("<title>");
    escape(page.subject, &mut out);
    out.push_str("</title>\n");
    out.push_str(STYLE);
    out.push_str("</head>\n<body style=\"margin:0; padding:0; background-color:#ffffff; ");
    out.push_str("-webkit-text-size-adjust:100%; -ms-text-size-adjust:100%;\">\n");

    if !page.preheader.is_empty() {
        out.push_str(PREHEADER_OPEN);
        escape(page.preheader, &mut out);
        out.push_str("</div>\n");
    }

    // Webmail drops the <html> element, so language and direction are repeated on a wrapper,
    // which also tells screen readers where the message starts.
    out.push_str("<div role=\"article\" aria-roledescription=\"email\" aria-label=\"");
    escape(page.subject, &mut out);
    out.push_str("\" lang=\"");
    out.push_str(lang);
    out.push('"');
    out.push_str(dir);
    out.push_str(" style=\"background-color:#ffffff;\">\n");

    out.push_str("<table ");
    out.push_str(TABLE_ATTRS);
    out.push_str(" width=\"100%\" bgcolor=\"#ffffff\" style=\"border-collapse:collapse; ");
    out.push_str("width:100%; background-color:#ffffff;\">\n<tr>\n<td align=\"center\">\n");
    // Outlook ignores max-width, so it gets a fixed-width table of its own.
    out.push_str("<!--[if mso]><table ");
    out.push_str(TABLE_ATTRS);
    out.push_str(" width=\"");
    out.push_str(WIDTH);
    out.push_str("\" align=\"center\"><tr><td><![endif]-->\n<table ");
    out.push_str(TABLE_ATTRS);
    out.push_str(" width=\"100%\" style=\"border-collapse:collapse; width:100%; max-width:");
    out.push_str(WIDTH);
    out.push_str("px;\">\n");

    banner::header(page.branding, page.lang, page.rtl, &mut out);

    out.push_str("<tr>\n<td class=\"carillon-cell\"");
    out.push_str(dir);
    // Explicit alignment, or the centring of the outer cell leaks into the text.
    out.push_str(" style=\"padding:24px 20px 32px; font-family:");
    out.push_str(FONT);
    out.push_str("; font-size:19px; line-height:1.4; color:");
    out.push_str(TEXT);
    out.push_str("; text-align:");
    out.push_str(align);
    out.push_str(";\">\n");
    out.push_str(page.body_html);
    out.push_str("\n</td>\n</tr>\n</table>\n<!--[if mso]></td></tr></table><![endif]-->\n");
    out.push_str("</td>\n</tr>\n</table>\n</div>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests;
