//! Email templates: a subject and a markdown body, parsed once, rendered per recipient into the
//! four things an email needs (subject line, HTML, plain text, preheader) plus the API's body.

mod html;
mod text;

use std::borrow::Cow;

use crate::Language;
use crate::error::{EMAIL_CHAR_COUNT_LIMIT, RenderError, TemplateError};
use crate::fill::{ListStyle, Resolved, Source};
use crate::layout::{Branding, Page, full_html};
use crate::markdown::{self, Block, Container, Inline};
use crate::placeholder::{Placeholder, PlaceholderSet};
use crate::typography::smarten;
use crate::values::{Personalisation, Value};

use html::HtmlWriter;
pub(crate) use html::LINK_OPEN;
use text::{Mode, TextWriter, finish_preheader, finish_text};

/// A parsed email template.
#[derive(Debug, Clone)]
pub struct EmailTemplate {
    subject: Source,
    body: Source,
    blocks: Vec<Block>,
    placeholders: Vec<Placeholder>,
    language: Option<Language>,
}

/// One recipient's email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    /// The subject line: placeholders filled, typography applied, whitespace collapsed.
    pub subject: String,
    /// The body as markdown with placeholders filled: the API's `content.body`.
    pub body: String,
    /// The HTML body fragment (inline styles, no `<html>` wrapper).
    pub html: String,
    /// The `text/plain` part.
    pub text: String,
    /// The inbox preview text (at most 256 characters).
    pub preheader: String,
    language: Option<Language>,
}

/// How the full HTML email is dressed.
#[derive(Debug, Clone, Copy)]
pub struct EmailLayout<'a> {
    /// The header drawn above the message.
    pub branding: &'a Branding,
    /// The language assumed when the template has no `[[en]]`/`[[fr]]` block.
    pub default_language: Language,
    /// Whether the template is set to read right to left.
    pub rtl: bool,
}

impl EmailTemplate {
    /// Parses a subject and body.
    ///
    /// # Errors
    /// [`TemplateError::TooManyPlaceholders`] for absurdly large templates.
    pub fn parse(subject: &str, body: &str) -> Result<Self, TemplateError> {
        let mut set = PlaceholderSet::default();
        let subject = Source::parse_decoded(subject, &mut set);
        let body_source = Source::parse(body, &mut set);
        let blocks = markdown::parse(body, &mut set)?;
        let language = blocks.iter().find_map(|block| match block {
            Block::Container {
                kind: Container::Lang(lang),
                ..
            } => Some(*lang),
            _ => None,
        });
        Ok(Self {
            subject,
            body: body_source,
            blocks,
            placeholders: set.into_vec(),
            language,
        })
    }

    /// Every placeholder of subject and body, in order of first use (subject first).
    pub fn placeholders(&self) -> &[Placeholder] {
        &self.placeholders
    }

    /// The language of the first top-level `[[en]]`/`[[fr]]` block, if there is one.
    pub fn language(&self) -> Option<Language> {
        self.language
    }

    /// Characters of fixed text in the body (placeholders count as nothing).
    pub fn fixed_len(&self) -> usize {
        self.body.fixed_len()
    }

    /// Renders the email for one recipient, as it is sent.
    ///
    /// # Errors
    /// Missing placeholders (all of them, in order), an empty list value, a body over 50,000
    /// characters, or a body that is blank once personalised.
    pub fn render(&self, personalisation: &Personalisation) -> Result<RenderedEmail, RenderError> {
        let email = self.preview(personalisation)?;
        if email.body.trim().is_empty() {
            return Err(RenderError::EmptyMessage);
        }
        Ok(email)
    }

    /// Renders the email for one recipient to be looked at: as [`Self::render`], but a body that
    /// is blank once personalised is shown (blank) rather than refused, as GC Notify's preview
    /// shows it. Only sending refuses it.
    ///
    /// # Errors
    /// Missing placeholders (all of them, in order), an empty list value, or a body over 50,000
    /// characters.
    pub fn preview(&self, personalisation: &Personalisation) -> Result<RenderedEmail, RenderError> {
        let values = Resolved::new(&self.placeholders, personalisation)?;
        let mut body = String::with_capacity(self.body.fixed_len() + 64);
        self.body.fill(&values, ListStyle::Markdown, &mut body);
        let length = body.chars().count();
        if length > EMAIL_CHAR_COUNT_LIMIT {
            return Err(RenderError::ContentTooLong {
                limit: EMAIL_CHAR_COUNT_LIMIT,
                actual: length,
            });
        }

        let mut raw_subject = String::new();
        self.subject
            .fill(&values, ListStyle::Prose, &mut raw_subject);
        let mut smart = String::with_capacity(raw_subject.len());
        smarten(&raw_subject, None, &mut smart);
        let subject = normalise_subject(&smart);

        let mut html = HtmlWriter {
            values: &values,
            out: String::with_capacity(body.len() * 3),
        };
        html.blocks(&self.blocks, false);
        let mut text = TextWriter {
            values: &values,
            mode: Mode::Text,
            out: String::with_capacity(body.len()),
            depth: 0,
        };
        text.blocks(&self.blocks);
        let mut preview = TextWriter {
            values: &values,
            mode: Mode::Preheader,
            out: String::new(),
            depth: 0,
        };
        preview.blocks(&self.blocks);

        Ok(RenderedEmail {
            subject,
            body,
            html: html.out,
            text: finish_text(text.out),
            preheader: finish_preheader(&preview.out),
            language: self.language,
        })
    }
}

/// Characters GC Notify deletes from subject lines: invisible, yet they split words in search
/// and in screen readers.
const OBSCURE_WHITESPACE: [char; 6] = [
    '\u{180E}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
];

/// A subject on one line: obscure whitespace deleted, runs of whitespace made one space, no
/// space at either end (GC Notify's `normalise_whitespace`). No-break spaces are kept, unlike
/// in GC Notify: French typography writes `Objet&nbsp;:` to keep the colon with its word.
fn normalise_subject(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars().filter(|c| !OBSCURE_WHITESPACE.contains(c)) {
        // Python's `str.split()` also splits on the ASCII separators U+001C–U+001F.
        let breaking = (c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}'))
            || ('\u{1C}'..='\u{1F}').contains(&c);
        if breaking {
            space = !out.is_empty();
        } else {
            if std::mem::take(&mut space) {
                out.push(' ');
            }
            out.push(c);
        }
    }
    // A no-break space at either end still goes, as GC Notify's `strip()` removes it.
    match out.trim() {
        trimmed if trimmed.len() == out.len() => out,
        trimmed => trimmed.to_owned(),
    }
}

/// A value as the email body shows it: GC Notify deletes U+2028 (LINE SEPARATOR), which some
/// mail clients draw as a box.
pub(crate) fn body_value(text: &str) -> Cow<'_, str> {
    if text.contains('\u{2028}') {
        Cow::Owned(text.replace('\u{2028}', ""))
    } else {
        Cow::Borrowed(text)
    }
}

/// The items of a list value standing at `node`, if it is one: such values become lists.
fn list_items<'v>(values: &Resolved<'v>, node: &Inline) -> Option<&'v [String]> {
    match node {
        Inline::Value(index) => match values.get(*index) {
            Value::List(items) => Some(items),
            Value::Text(_) => None,
        },
        _ => None,
    }
}

impl RenderedEmail {
    /// The language of the email as a whole: the template's first language block, else the
    /// layout's default.
    pub fn language(&self, default: Language) -> Language {
        self.language.unwrap_or(default)
    }

    /// The complete HTML document to send.
    pub fn full_html(&self, layout: &EmailLayout<'_>) -> String {
        full_html(&Page {
            subject: &self.subject,
            preheader: &self.preheader,
            body_html: &self.html,
            lang: self.language(layout.default_language),
            rtl: layout.rtl,
            branding: layout.branding,
        })
    }
}
