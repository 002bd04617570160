//! The full HTML email around a rendered body: head, preheader, branding banner, direction.
//! (Interface placeholder: being written.)

use thiserror::Error;

use crate::Language;

/// Which way round the bilingual Government of Canada banner reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannerOrder {
    /// "Government of Canada / Gouvernement du Canada".
    EnglishFirst,
    /// "Gouvernement du Canada / Government of Canada".
    FrenchFirst,
}

/// A validated CSS colour `#rgb` or `#rrggbb`.
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
    /// Parses `#rgb` or `#rrggbb`.
    ///
    /// # Errors
    /// [`BrandingError::InvalidColour`] for anything else.
    pub fn parse(text: &str) -> Result<Self, BrandingError> {
        Ok(Colour(text.to_owned()))
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

/// Wraps a rendered body into a complete HTML email.
pub(crate) fn full_html(page: &Page<'_>) -> String {
    format!("<html lang=\"{}\"><body>{}</body></html>", page.lang.tag(), page.body_html)
}
