//! Swaps placeholders, conditionals, language/direction tags and reserved characters for single
//! opaque characters ("atoms") before markdown parsing.
//!
//! Atoms are characters of Unicode's supplementary private use area A (U+F0000–U+FFFFD). A
//! template that itself contains such characters gets each one registered as a literal atom, so
//! no input can forge an atom.

use crate::Language;
use crate::error::TemplateError;
use crate::placeholder::{PlaceholderSet, Segment, tokenize};

const FIRST_ATOM: u32 = 0xF_0000;
const ATOM_LIMIT: usize = 0xF_FFFD - 0xF_0000 + 1;

/// A block that sets the language or direction of what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Container {
    Lang(Language),
    Rtl,
}

impl Container {
    const TAGS: [(&'static str, &'static str, Container); 3] = [
        ("[[en]]", "[[/en]]", Container::Lang(Language::English)),
        ("[[fr]]", "[[/fr]]", Container::Lang(Language::French)),
        ("[[rtl]]", "[[/rtl]]", Container::Rtl),
    ];
}

/// What an atom character stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Atom {
    /// `((name))`, by placeholder index.
    Value(usize),
    /// `((flag??text))` with the text still raw.
    Conditional {
        flag: usize,
        text: String,
        block: bool,
    },
    /// A template character that happened to be in the atom range.
    Literal(char),
    Open(Container),
    Close(Container),
}

impl Atom {
    /// Atoms that must stand on a line of their own in the block structure.
    pub(crate) fn is_block(&self) -> bool {
        matches!(
            self,
            Atom::Open(_) | Atom::Close(_) | Atom::Conditional { block: true, .. }
        )
    }
}

/// The atom table of one template.
#[derive(Debug)]
pub(crate) struct Atoms<'p> {
    table: Vec<Atom>,
    placeholders: &'p mut PlaceholderSet,
}

impl<'p> Atoms<'p> {
    pub(crate) fn new(placeholders: &'p mut PlaceholderSet) -> Self {
        Self {
            table: Vec::new(),
            placeholders,
        }
    }

    /// The atom a character stands for, if it is one.
    pub(crate) fn get(&self, c: char) -> Option<&Atom> {
        let index = (c as u32).checked_sub(FIRST_ATOM)?;
        self.table.get(usize::try_from(index).ok()?)
    }

    fn push(&mut self, atom: Atom, out: &mut String) -> Result<(), TemplateError> {
        if self.table.len() >= ATOM_LIMIT {
            return Err(TemplateError::TooManyPlaceholders { limit: ATOM_LIMIT });
        }
        let code = FIRST_ATOM + u32::try_from(self.table.len()).unwrap_or(u32::MAX);
        // Every index below ATOM_LIMIT maps into the private use plane, so this always succeeds.
        out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
        let block = atom.is_block();
        self.table.push(atom);
        if block {
            out.push('\n');
        }
        Ok(())
    }

    /// Prepares a whole body: placeholders and conditionals become atoms, then text.
    pub(crate) fn prepare_document(&mut self, source: &str) -> Result<String, TemplateError> {
        let segments = tokenize(source);
        // Tags pair across the whole body, whatever placeholders stand between them.
        let texts: Vec<&str> = segments
            .iter()
            .filter_map(|s| {
                if let Segment::Text(t) = s {
                    Some(*t)
                } else {
                    None
                }
            })
            .collect();
        let mut tags = pair_tags(&texts).into_iter().peekable();
        let mut out = String::with_capacity(source.len());
        let mut text_index = 0;
        for segment in segments {
            match segment {
                Segment::Text(text) => {
                    let mut at = 0;
                    while let Some((_, start, end, _)) =
                        tags.next_if(|(index, ..)| *index == text_index)
                    {
                        self.push_text(&text[at..start], &mut out)?;
                        out.push('\n');
                        let atom = pair_atom(&text[start..end]);
                        self.push(atom, &mut out)?;
                        at = end;
                    }
                    self.push_text(&text[at..], &mut out)?;
                    text_index += 1;
                }
                Segment::Placeholder(name) => {
                    let index = self.placeholders.add(name, false);
                    self.push(Atom::Value(index), &mut out)?;
                }
                Segment::Conditional { name, text } => {
                    let flag = self.placeholders.add(name, true);
                    // GC Notify pre-renders conditional text that spans lines as its own block.
                    let block = text.contains('\n') || text.contains("[[");
                    if block {
                        out.push('\n');
                    }
                    self.push(
                        Atom::Conditional {
                            flag,
                            text: text.to_owned(),
                            block,
                        },
                        &mut out,
                    )?;
                }
            }
        }
        Ok(out)
    }

    /// Prepares text that holds no placeholders (a conditional's text).
    pub(crate) fn prepare_text(&mut self, source: &str) -> Result<String, TemplateError> {
        let mut out = String::with_capacity(source.len());
        let mut at = 0;
        for (_, start, end, _) in pair_tags(&[source]) {
            self.push_text(&source[at..start], &mut out)?;
            out.push('\n');
            self.push(pair_atom(&source[start..end]), &mut out)?;
            at = end;
        }
        self.push_text(&source[at..], &mut out)?;
        Ok(out)
    }

    /// Normalises line endings and registers reserved characters.
    fn push_text(&mut self, text: &str, out: &mut String) -> Result<(), TemplateError> {
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    chars.next_if_eq(&'\n');
                    out.push('\n');
                }
                // GC Notify deletes LINE SEPARATOR from email bodies rather than breaking there.
                '\u{2028}' => {}
                c if (FIRST_ATOM..=0xF_FFFF).contains(&(c as u32)) => {
                    self.push(Atom::Literal(c), out)?;
                }
                c => out.push(c),
            }
        }
        Ok(())
    }
}

/// The atom for a tag's exact text.
fn pair_atom(tag: &str) -> Atom {
    Container::TAGS
        .iter()
        .find_map(|(open, close, kind)| {
            if tag == *open {
                Some(Atom::Open(*kind))
            } else if tag == *close {
                Some(Atom::Close(*kind))
            } else {
                None
            }
        })
        .unwrap_or(Atom::Literal(' '))
}

/// Finds language/direction tags that open and close in proper nesting across `texts` (read
/// one after another), as (text index, start, end, atom). Unpaired tags stay literal text.
fn pair_tags(texts: &[&str]) -> Vec<(usize, usize, usize, Atom)> {
    let mut found = Vec::new();
    for (index, text) in texts.iter().enumerate() {
        let mut at = 0;
        while let Some(offset) = text[at..].find("[[") {
            let start = at + offset;
            let rest = &text[start..];
            let tag = Container::TAGS.iter().find_map(|(open, close, kind)| {
                if rest.starts_with(open) {
                    Some((open.len(), Atom::Open(*kind)))
                } else if rest.starts_with(close) {
                    Some((close.len(), Atom::Close(*kind)))
                } else {
                    None
                }
            });
            match tag {
                Some((len, atom)) => {
                    found.push((index, start, start + len, atom));
                    at = start + len;
                }
                None => at = start + 2,
            }
        }
    }
    let mut keep = vec![false; found.len()];
    let mut stack: Vec<(usize, Container)> = Vec::new();
    for (n, (.., atom)) in found.iter().enumerate() {
        match atom {
            Atom::Open(kind) => stack.push((n, *kind)),
            Atom::Close(kind) => {
                if let Some(&(open, open_kind)) = stack.last()
                    && open_kind == *kind
                {
                    stack.pop();
                    keep[open] = true;
                    keep[n] = true;
                }
            }
            _ => {}
        }
    }
    found
        .into_iter()
        .zip(keep)
        .filter_map(|(tag, kept)| kept.then_some(tag))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Atom> {
        pair_tags(&[text])
            .into_iter()
            .map(|(.., atom)| atom)
            .collect()
    }

    #[test]
    fn balanced_tags_pair() {
        let en = Container::Lang(Language::English);
        let fr = Container::Lang(Language::French);
        assert_eq!(
            kinds("[[en]]a[[/en]][[fr]]b[[/fr]]"),
            vec![
                Atom::Open(en),
                Atom::Close(en),
                Atom::Open(fr),
                Atom::Close(fr)
            ]
        );
        assert_eq!(
            kinds("[[fr]][[rtl]]x[[/rtl]][[/fr]]").len(),
            4,
            "nested containers pair"
        );
    }

    #[test]
    fn unbalanced_and_crossed_tags_stay_literal() {
        assert!(kinds("[[en]] only open").is_empty());
        assert!(kinds("only close [[/fr]]").is_empty());
        // Crossed: [[en]] [[fr]] [[/en]] [[/fr]] keeps only the fr pair.
        let fr = Container::Lang(Language::French);
        assert_eq!(
            kinds("[[en]][[fr]][[/en]][[/fr]]"),
            vec![Atom::Open(fr), Atom::Close(fr)]
        );
    }

    #[test]
    fn reserved_characters_cannot_forge_atoms() {
        let mut set = PlaceholderSet::default();
        let mut atoms = Atoms::new(&mut set);
        let prepared = atoms.prepare_document("a\u{F0000}b((x))").unwrap();
        let literal = prepared.chars().nth(1).unwrap();
        assert_eq!(atoms.get(literal), Some(&Atom::Literal('\u{F0000}')));
        let value = prepared.chars().nth(3).unwrap();
        assert_eq!(atoms.get(value), Some(&Atom::Value(0)));
    }
}
