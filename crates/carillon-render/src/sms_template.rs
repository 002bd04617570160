//! SMS templates: placeholders filled as plain text, then GC Notify's SMS rules applied.

use crate::error::{RenderError, SMS_CHAR_COUNT_LIMIT, TemplateError};
use crate::fill::{ListStyle, Resolved, Source};
use crate::placeholder::{Placeholder, PlaceholderSet};
use crate::sms::{SmsMessage, finish};
use crate::values::Personalisation;

/// A parsed SMS template.
#[derive(Debug, Clone)]
pub struct SmsTemplate {
    body: Source,
    placeholders: Vec<Placeholder>,
}

impl SmsTemplate {
    /// Parses an SMS body. Parsing cannot fail: SMS text has no formatting to get wrong.
    pub fn parse(body: &str) -> Result<Self, TemplateError> {
        let mut set = PlaceholderSet::default();
        let body = Source::parse_decoded(body, &mut set);
        Ok(Self {
            body,
            placeholders: set.into_vec(),
        })
    }

    /// Every placeholder, in order of first use.
    pub fn placeholders(&self) -> &[Placeholder] {
        &self.placeholders
    }

    /// Renders the SMS for one recipient, as it is sent; `prefix` is the service name when the
    /// service prefixes its messages.
    ///
    /// # Errors
    /// Missing placeholders, an empty list value, more than 612 units with the prefix, or a
    /// blank message.
    pub fn render(
        &self,
        personalisation: &Personalisation,
        prefix: Option<&str>,
    ) -> Result<SmsMessage, RenderError> {
        let message = self.preview(personalisation, prefix)?;
        if message.body.trim().is_empty() {
            return Err(RenderError::EmptyMessage);
        }
        Ok(message)
    }

    /// Renders the SMS for one recipient to be looked at: as [`Self::render`], but a message
    /// that is blank once personalised is shown rather than refused, as in GC Notify's preview.
    ///
    /// # Errors
    /// Missing placeholders, an empty list value, or more than 612 units with the prefix.
    pub fn preview(
        &self,
        personalisation: &Personalisation,
        prefix: Option<&str>,
    ) -> Result<SmsMessage, RenderError> {
        let values = Resolved::new(&self.placeholders, personalisation)?;
        let mut filled = String::with_capacity(self.body.fixed_len() + 32);
        self.body.fill(&values, ListStyle::Prose, &mut filled);
        let message = finish(&filled, prefix);
        if message.units > SMS_CHAR_COUNT_LIMIT {
            return Err(RenderError::ContentTooLong {
                limit: SMS_CHAR_COUNT_LIMIT,
                actual: message.units,
            });
        }
        Ok(message)
    }
}
