//! GC Notify's template language: parse a template once, render email (HTML fragment, full
//! branded HTML, plain text, preheader) and SMS for each recipient, safely and fast.
//!
//! Pure code: no I/O, no async, no knowledge of storage or HTTP. Errors carry GC Notify's
//! wording so the API can return them unchanged.

mod email;
mod error;
mod escape;
mod fill;
#[doc(hidden)]
pub mod fuzzing;
mod layout;
mod markdown;
mod placeholder;
mod sms;
mod sms_template;
mod typography;
mod values;

pub use email::{EmailLayout, EmailTemplate, RenderedEmail};
pub use error::{
    EMAIL_CHAR_COUNT_LIMIT, PERSONALISATION_SIZE_LIMIT, RenderError, SMS_CHAR_COUNT_LIMIT,
    TemplateError,
};
pub use layout::{BannerOrder, Branding, BrandingError, Colour, Logo};
pub use placeholder::Placeholder;
pub use sms::{SmsEncoding, SmsMessage, count_units, downgrade, encoding_of, fragment_count};
pub use sms_template::SmsTemplate;
pub use values::{Personalisation, Value, normalise_key};

/// A language an email or a block of it is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// English (Canada).
    #[default]
    English,
    /// French (Canada).
    French,
}

impl Language {
    /// The BCP 47 tag used in `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en-CA",
            Language::French => "fr-CA",
        }
    }
}
