//! The email formatting language: GC Notify's markdown subset, parsed once into a tree whose
//! leaves are static text (typography and escaping already applied) and placeholder slots.
//!
//! Placeholders never reach the markdown parser as text: they are swapped for opaque "atom"
//! characters first, so a personalisation value can never open a list, a link or a heading.

mod atoms;
mod block;
mod delimiters;
mod inline;
mod table;

pub(crate) use atoms::Container;

use crate::error::TemplateError;
use crate::placeholder::PlaceholderSet;

/// Text that is fixed in the template, stored in both forms the renderers need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Static {
    /// With typography applied, unescaped (plain-text part, preheader).
    pub(crate) plain: String,
    /// The same, HTML-escaped.
    pub(crate) html: String,
}

/// A URL made of fixed text and placeholder values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum UrlPart {
    Static(String),
    Value(usize),
    Conditional { flag: usize, text: String },
}

/// Inline content of a paragraph, heading or list item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inline {
    Text(Static),
    /// A placeholder's value, by index into the template's placeholders.
    Value(usize),
    /// `((flag??text))` on one line.
    Conditional {
        flag: usize,
        children: Vec<Inline>,
    },
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    Link {
        url: Vec<UrlPart>,
        title: Option<String>,
        children: Vec<Inline>,
    },
    /// A bare `http(s)://` URL in the template text.
    AutoLink(Vec<UrlPart>),
    /// A single newline: GC Notify hard-wraps.
    Break,
}

/// Block structure of an email body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Paragraph(Vec<Inline>),
    /// Text of a tight list item: no paragraph around it.
    Plain(Vec<Inline>),
    /// `#` (level 1) or `##` (level 2); deeper headings are paragraphs.
    Heading {
        level: u8,
        children: Vec<Inline>,
    },
    /// `^` inset text.
    Inset(Vec<Block>),
    List {
        ordered: bool,
        items: Vec<Vec<Block>>,
    },
    Rule,
    /// `[[en]]`, `[[fr]]` or `[[rtl]]` block.
    Container {
        kind: Container,
        children: Vec<Block>,
    },
    /// `((flag??text))` whose text spans lines or holds blocks.
    Conditional {
        flag: usize,
        children: Vec<Block>,
    },
}

/// Parses an email body into blocks, registering its placeholders.
pub(crate) fn parse(
    source: &str,
    placeholders: &mut PlaceholderSet,
) -> Result<Vec<Block>, TemplateError> {
    let mut atoms = atoms::Atoms::new(placeholders);
    let prepared = atoms.prepare_document(source)?;
    Ok(block::Parser::new(&mut atoms).document(&prepared))
}
