//! Inline formatting: bold, italic, links, bare URLs, code spans, hard breaks, placeholders.
//! Delimiter rules follow mistune 0.8 (GC Notify's renderer), so templates written for GC
//! Notify format the same way here.

use super::atoms::Atom;
use super::block::Parser;
use super::delimiters::{
    closing_paren, code_span, find_double_close, find_single_close, matching_bracket, split_title,
};
use super::{Inline, Static, UrlPart};
use crate::escape::{decode_entities, escape_html};
use crate::typography::smarten;

/// Characters a backslash makes literal.
const ESCAPABLE: &str = "\\`*{}[]()#+-.!_>~|";

pub(super) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Accumulates literal text and flushes it into a typographically finished node.
#[derive(Debug, Default)]
struct Pending {
    text: String,
    nodes: Vec<Inline>,
}

impl Parser<'_, '_> {
    fn flush(&mut self, pending: &mut Pending, in_link: bool) {
        if pending.text.is_empty() {
            return;
        }
        // Entities are read after the markdown structure, so `&#42;` is a star, never emphasis.
        let text = decode_entities(&pending.text);
        let mut plain = String::with_capacity(text.len() + 8);
        if in_link {
            // GC Notify leaves link text alone: curly quotes would change what people copy.
            plain.push_str(&text);
        } else {
            smarten(&text, self.last, &mut plain);
        }
        self.last = plain.chars().last().or(self.last);
        let html = escape_html(&plain).into_owned();
        pending.nodes.push(Inline::Text(Static { plain, html }));
        pending.text.clear();
    }

    fn push_node(&mut self, pending: &mut Pending, node: Inline, in_link: bool) {
        self.flush(pending, in_link);
        if matches!(
            node,
            Inline::Value(_)
                | Inline::Conditional { .. }
                | Inline::AutoLink(_)
                | Inline::Link { .. }
        ) {
            // Values and links are usually words: a quote right after one closes rather than
            // opens.
            self.last = Some('a');
        }
        pending.nodes.push(node);
    }

    /// Parses a paragraph's or heading's text.
    pub(super) fn inline(&mut self, text: &str, in_link: bool) -> Vec<Inline> {
        let mut pending = Pending::default();
        let mut at = 0;
        while let Some(c) = text[at..].chars().next() {
            let rest = &text[at..];
            let consumed = match c {
                '\\' => rest[1..]
                    .chars()
                    .next()
                    .filter(|n| ESCAPABLE.contains(*n))
                    .map(|n| {
                        pending.text.push(n);
                        1 + n.len_utf8()
                    }),
                '\n' => {
                    self.push_node(&mut pending, Inline::Break, in_link);
                    Some(1)
                }
                'h' if !in_link => self.bare_url(rest).map(|(len, url)| {
                    self.push_node(&mut pending, Inline::AutoLink(url), in_link);
                    len
                }),
                '!' if rest.starts_with("![") => {
                    // Images are dropped, as GC Notify drops them.
                    self.link(rest, 1).map(|(len, _)| len + 1)
                }
                '[' => self.link(rest, 0).map(|(len, node)| {
                    self.push_node(&mut pending, node, in_link);
                    len
                }),
                '*' | '_' => self.emphasis(rest, c, text, at).map(|(len, node)| {
                    self.push_node(&mut pending, node, in_link);
                    len
                }),
                '`' => code_span(rest).map(|(len, inner)| {
                    let nodes = self.literal_inline(inner);
                    for node in nodes {
                        self.push_node(&mut pending, node, in_link);
                    }
                    len
                }),
                '~' if rest.starts_with("~~") => rest[2..].find("~~").filter(|&n| n > 0).map(|n| {
                    // Strikethrough is not in the email subset: keep the words, drop the marks.
                    let inner = self.inline(&rest[2..2 + n], in_link);
                    self.flush(&mut pending, in_link);
                    pending.nodes.extend(inner);
                    n + 4
                }),
                _ => None,
            };
            if let Some(len) = consumed {
                at += len;
                continue;
            }
            match self.atoms.get(c).cloned() {
                Some(atom) => {
                    if let Some(node) = self.atom_inline(atom, in_link) {
                        self.push_node(&mut pending, node, in_link);
                    } else if let Some(Atom::Literal(ch)) = self.atoms.get(c) {
                        pending.text.push(*ch);
                    }
                }
                None => pending.text.push(c),
            }
            at += c.len_utf8();
        }
        self.flush(&mut pending, in_link);
        pending.nodes
    }

    /// Text where only atoms have meaning (code spans and fenced blocks).
    pub(super) fn literal_inline(&mut self, text: &str) -> Vec<Inline> {
        let mut pending = Pending::default();
        for c in text.chars() {
            match self.atoms.get(c).cloned() {
                Some(Atom::Literal(ch)) => pending.text.push(ch),
                Some(atom) => {
                    if let Some(node) = self.atom_inline(atom, true) {
                        self.push_node(&mut pending, node, true);
                    }
                }
                None => pending.text.push(c),
            }
        }
        self.flush(&mut pending, true);
        pending.nodes
    }

    fn atom_inline(&mut self, atom: Atom, in_link: bool) -> Option<Inline> {
        match atom {
            Atom::Value(index) => Some(Inline::Value(index)),
            Atom::Conditional { flag, text, .. } => {
                let prepared = self.atoms.prepare_text(&text).unwrap_or_default();
                let children = self.inline(&prepared, in_link);
                Some(Inline::Conditional { flag, children })
            }
            // Containers only make sense as blocks; inline they are dropped.
            Atom::Literal(_) | Atom::Open(_) | Atom::Close(_) => None,
        }
    }

    /// Turns URL text with atoms into parts.
    fn url_parts(&self, text: &str) -> Vec<UrlPart> {
        let mut parts = Vec::new();
        let mut fixed = String::new();
        for c in text.chars() {
            match self.atoms.get(c) {
                None => fixed.push(c),
                Some(Atom::Literal(ch)) => fixed.push(*ch),
                Some(atom) => {
                    if !fixed.is_empty() {
                        parts.push(static_url(&std::mem::take(&mut fixed)));
                    }
                    match atom {
                        Atom::Value(index) => parts.push(UrlPart::Value(*index)),
                        Atom::Conditional { flag, text, .. } => {
                            parts.push(UrlPart::Conditional {
                                flag: *flag,
                                text: decode_entities(text).into_owned(),
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
        if !fixed.is_empty() {
            parts.push(static_url(&fixed));
        }
        parts
    }

    /// A bare `http://` or `https://` URL at the start of `rest`.
    fn bare_url(&self, rest: &str) -> Option<(usize, Vec<UrlPart>)> {
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            return None;
        };
        let mut end = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>'))
            .map_or(rest.len(), |(i, _)| i);
        while let Some(last) = rest[..end].chars().last() {
            if !matches!(last, '.' | ',' | ':' | '"' | '\'' | ')' | ']') {
                break;
            }
            end -= last.len_utf8();
        }
        // GC Notify needs at least two characters after the scheme to see a link.
        (rest[scheme..end].chars().count() >= 2).then(|| (end, self.url_parts(&rest[..end])))
    }

    /// `[text](url "title")` at the start of `rest` (after `skip` bytes, for images).
    fn link(&mut self, rest: &str, skip: usize) -> Option<(usize, Inline)> {
        let body = &rest[skip..];
        let close = matching_bracket(body)?;
        let after = &body[close + 1..];
        let target = after.strip_prefix('(')?;
        let end = closing_paren(target)?;
        let (url, title) = split_title(target[..end].trim());
        let url = url
            .strip_prefix('<')
            .and_then(|u| u.strip_suffix('>'))
            .unwrap_or(url);
        let saved = self.last;
        let children = self.inline(&body[1..close], true);
        self.last = saved;
        let node = Inline::Link {
            url: self.url_parts(url),
            title: title.map(|t| decode_entities(t).into_owned()),
            children,
        };
        Some((close + 1 + 1 + end + 1, node))
    }

    /// `**strong**`, `__strong__`, `*em*` or `_em_` at the start of `rest`.
    fn emphasis(
        &mut self,
        rest: &str,
        mark: char,
        text: &str,
        at: usize,
    ) -> Option<(usize, Inline)> {
        let double: String = [mark, mark].iter().collect();
        if rest.starts_with(&double)
            && let Some(inner_len) = find_double_close(&rest[2..], mark)
        {
            let children = self.inline(&rest[2..2 + inner_len], false);
            return Some((inner_len + 4, Inline::Strong(children)));
        }
        if mark == '_'
            && text[..at]
                .chars()
                .last()
                .is_some_and(|p| is_word(p) || self.atoms.get(p).is_some())
        {
            return None;
        }
        let inner_len = find_single_close(&rest[1..], mark, |c| {
            is_word(c) || self.atoms.get(c).is_some()
        })?;
        let children = self.inline(&rest[1..1 + inner_len], false);
        Some((inner_len + 2, Inline::Emphasis(children)))
    }
}

/// Fixed URL text: entities name characters there too (`?a=1&amp;b=2` is `?a=1&b=2`).
fn static_url(text: &str) -> UrlPart {
    UrlPart::Static(decode_entities(text).into_owned())
}
