//! Template text with placeholders filled in but no formatting applied: the API's
//! `content.body` for email, the subject line, and the source of every SMS.

use crate::error::RenderError;
use crate::escape::decode_entities;
use crate::placeholder::{Placeholder, PlaceholderSet, Segment, tokenize};
use crate::values::{Personalisation, Value, join_prose};

/// Template text split into fixed text and placeholder slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Value(usize),
    Conditional { flag: usize, text: String },
}

/// How a list value is written into plain template text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListStyle {
    /// A markdown bullet list after a blank line (email body).
    Markdown,
    /// "a, b and c" (SMS, subject).
    Prose,
}

impl Source {
    /// Template text as written: the API's `content.body` shows the template's own markdown.
    pub(crate) fn parse(text: &str, placeholders: &mut PlaceholderSet) -> Self {
        Self::split(text, placeholders, |t| t.to_owned())
    }

    /// Template text as read (subject lines, SMS): HTML entities such as `&nbsp;` or `&amp;`
    /// become the characters they name, as in the email body. Values are never decoded.
    pub(crate) fn parse_decoded(text: &str, placeholders: &mut PlaceholderSet) -> Self {
        Self::split(text, placeholders, |t| decode_entities(t).into_owned())
    }

    fn split(
        text: &str,
        placeholders: &mut PlaceholderSet,
        fixed: impl Fn(&str) -> String,
    ) -> Self {
        let pieces = tokenize(text)
            .into_iter()
            .map(|segment| match segment {
                Segment::Text(t) => Piece::Text(fixed(t)),
                Segment::Placeholder(name) => Piece::Value(placeholders.add(name, false)),
                Segment::Conditional { name, text } => Piece::Conditional {
                    flag: placeholders.add(name, true),
                    text: fixed(text),
                },
            })
            .collect();
        Self { pieces }
    }

    /// Appends the text with every placeholder replaced.
    pub(crate) fn fill(&self, values: &Resolved<'_>, lists: ListStyle, out: &mut String) {
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Value(index) => match values.get(*index) {
                    Value::Text(text) => out.push_str(text),
                    Value::List(items) => match lists {
                        ListStyle::Prose => join_prose(items, out),
                        ListStyle::Markdown => {
                            out.push_str("\n\n");
                            for (n, item) in items.iter().enumerate() {
                                if n > 0 {
                                    out.push('\n');
                                }
                                out.push_str("* ");
                                out.push_str(item);
                            }
                        }
                    },
                },
                Piece::Conditional { flag, text } => {
                    if values.get(*flag).is_truthy() {
                        out.push_str(text);
                    }
                }
            }
        }
    }

    /// Characters of fixed text, for length estimates before personalisation.
    pub(crate) fn fixed_len(&self) -> usize {
        self.pieces
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.chars().count(),
                Piece::Value(_) | Piece::Conditional { .. } => 0,
            })
            .sum()
    }
}

/// A recipient's values, looked up once per template placeholder.
#[derive(Debug)]
pub(crate) struct Resolved<'v> {
    values: Vec<&'v Value>,
}

impl<'v> Resolved<'v> {
    /// Resolves every placeholder, or reports all missing ones together, in template order.
    pub(crate) fn new(
        placeholders: &[Placeholder],
        personalisation: &'v Personalisation,
    ) -> Result<Self, RenderError> {
        let mut values = Vec::with_capacity(placeholders.len());
        let mut missing = Vec::new();
        for placeholder in placeholders {
            match personalisation.get_normalised(&placeholder.key) {
                Some(Value::List(items)) if items.is_empty() && !placeholder.conditional_only => {
                    return Err(RenderError::EmptyList {
                        placeholder: format!("(({}))", placeholder.name),
                    });
                }
                Some(value) => values.push(value),
                None => missing.push(placeholder.name.clone()),
            }
        }
        if !missing.is_empty() {
            return Err(RenderError::MissingPersonalisation(missing));
        }
        Ok(Self { values })
    }

    pub(crate) fn get(&self, index: usize) -> &'v Value {
        self.values[index]
    }

    pub(crate) fn is_truthy(&self, index: usize) -> bool {
        self.values[index].is_truthy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(text: &str, values: &Personalisation, lists: ListStyle) -> Result<String, RenderError> {
        let mut set = PlaceholderSet::default();
        let source = Source::parse(text, &mut set);
        let placeholders = set.into_vec();
        let resolved = Resolved::new(&placeholders, values)?;
        let mut out = String::new();
        source.fill(&resolved, lists, &mut out);
        Ok(out)
    }

    #[test]
    fn fills_values_conditionals_and_lists() {
        let values = Personalisation::new()
            .with("name", "Ada")
            .with("vip", "yes")
            .with("docs", vec!["passport".to_owned(), "photo".to_owned()]);
        assert_eq!(
            fill(
                "Hi ((Name))((vip??, valued client)). Bring ((docs)).",
                &values,
                ListStyle::Prose
            ),
            Ok("Hi Ada, valued client. Bring passport and photo.".to_owned())
        );
        assert_eq!(
            fill("Bring:((docs))", &values, ListStyle::Markdown),
            Ok("Bring:\n\n* passport\n* photo".to_owned())
        );
    }

    #[test]
    fn reports_every_missing_placeholder_in_order() {
        let values = Personalisation::new().with("b", "x");
        assert_eq!(
            fill("((c)) ((b)) ((a??t)) ((c))", &values, ListStyle::Prose),
            Err(RenderError::MissingPersonalisation(vec![
                "c".into(),
                "a".into()
            ]))
        );
    }

    #[test]
    fn empty_lists_are_refused_but_falsy_as_flags() {
        let values = Personalisation::new().with("docs", Vec::<String>::new());
        assert_eq!(
            fill("Bring ((docs))", &values, ListStyle::Prose),
            Err(RenderError::EmptyList {
                placeholder: "((docs))".into()
            })
        );
        assert_eq!(
            fill("((docs??Bring them))", &values, ListStyle::Prose),
            Ok(String::new())
        );
    }

    #[test]
    fn values_are_never_re_expanded() {
        let values = Personalisation::new().with("a", "((b))").with("b", "no");
        assert_eq!(
            fill("((a))", &values, ListStyle::Prose),
            Ok("((b))".to_owned())
        );
    }
}
