//! Finds `((name))` and `((name??text))` in template text, exactly where GC Notify finds them.
//!
//! A placeholder opens at `((` not followed by a third `(` (so `(((x)))` is `(` + `((x))` +
//! `)`), and closes at the first `))` after at least one character of body. A body holding
//! `??` is a conditional block: the name is before the first `??`, the text after it.

use crate::values::normalise_key;

/// One piece of template text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment<'a> {
    /// Literal template text.
    Text(&'a str),
    /// `((name))`.
    Placeholder(&'a str),
    /// `((name??text))`.
    Conditional {
        /// The flag's name.
        name: &'a str,
        /// Shown when the flag is truthy.
        text: &'a str,
    },
}

/// Splits template text into literal text and placeholders, in order.
pub(crate) fn tokenize(source: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let bytes = source.as_bytes();
    let mut text_start = 0;
    let mut at = 0;
    while let Some(offset) = source[at..].find("((") {
        let open = at + offset;
        if bytes.get(open + 2) == Some(&b'(') {
            // The regex's lookahead: try again one character later.
            at = open + 1;
            continue;
        }
        let body_start = open + 2;
        // The body is at least one character, which may itself be multi-byte.
        let Some(first) = source[body_start..].chars().next() else {
            break;
        };
        let search_from = body_start + first.len_utf8();
        let Some(close_offset) = source[search_from..].find("))") else {
            break;
        };
        let close = search_from + close_offset;
        if open > text_start {
            segments.push(Segment::Text(&source[text_start..open]));
        }
        let body = &source[body_start..close];
        segments.push(match body.split_once("??") {
            Some((name, text)) => Segment::Conditional { name, text },
            None => Segment::Placeholder(body),
        });
        at = close + 2;
        text_start = at;
    }
    if text_start < source.len() {
        segments.push(Segment::Text(&source[text_start..]));
    }
    segments
}

/// A placeholder a template needs a value for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// The name as first written in the template.
    pub name: String,
    /// The key values are matched by (see [`crate::normalise_key`]).
    pub key: String,
    /// Whether it is only ever used as a conditional block's flag.
    pub conditional_only: bool,
}

/// Collects the distinct placeholders of several texts, in order of first appearance.
#[derive(Debug, Default)]
pub(crate) struct PlaceholderSet {
    list: Vec<Placeholder>,
}

impl PlaceholderSet {
    /// Records a use of `name`; returns its index, shared by every spelling of the same key.
    pub(crate) fn add(&mut self, name: &str, conditional: bool) -> usize {
        let key = normalise_key(name);
        if let Some(index) = self.list.iter().position(|p| p.key == key) {
            self.list[index].conditional_only &= conditional;
            return index;
        }
        self.list.push(Placeholder {
            name: name.to_owned(),
            key,
            conditional_only: conditional,
        });
        self.list.len() - 1
    }

    pub(crate) fn into_vec(self) -> Vec<Placeholder> {
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::Segment::{Conditional, Placeholder, Text};
    use super::*;

    #[test]
    fn plain_placeholders() {
        assert_eq!(
            tokenize("Hi ((name)), bye"),
            vec![Text("Hi "), Placeholder("name"), Text(", bye")]
        );
    }

    #[test]
    fn triple_parentheses_keep_the_outer_pair() {
        assert_eq!(
            tokenize("(((colour)))"),
            vec![Text("("), Placeholder("colour"), Text(")")]
        );
    }

    #[test]
    fn link_target_placeholder() {
        assert_eq!(
            tokenize("[Go](((url)))"),
            vec![Text("[Go]("), Placeholder("url"), Text(")")]
        );
    }

    #[test]
    fn conditionals_split_on_the_first_question_marks() {
        assert_eq!(
            tokenize("((a??b??c))"),
            vec![Conditional {
                name: "a",
                text: "b??c"
            }]
        );
        assert_eq!(
            tokenize("((vip??Line one\nline two))"),
            vec![Conditional {
                name: "vip",
                text: "Line one\nline two"
            }]
        );
    }

    #[test]
    fn unclosed_and_empty_bodies_stay_literal() {
        assert_eq!(tokenize("(())"), vec![Text("(())")]);
        assert_eq!(tokenize("((open"), vec![Text("((open")]);
        assert_eq!(tokenize("((a)"), vec![Text("((a)")]);
        assert_eq!(tokenize("(()))"), vec![Placeholder(")")]);
    }

    #[test]
    fn multibyte_bodies() {
        assert_eq!(tokenize("((é))"), vec![Placeholder("é")]);
        assert_eq!(tokenize("((ᐃᓄᒃ))x"), vec![Placeholder("ᐃᓄᒃ"), Text("x")]);
    }

    #[test]
    fn set_merges_spellings_and_tracks_conditional_use() {
        let mut set = PlaceholderSet::default();
        assert_eq!(set.add("First name", true), 0);
        assert_eq!(set.add("first_name", false), 0);
        assert_eq!(set.add("other", true), 1);
        let list = set.into_vec();
        assert_eq!(list[0].name, "First name");
        assert!(!list[0].conditional_only);
        assert!(list[1].conditional_only);
    }
}
