//! The plain-text part of an email and its preheader, from the same parsed body as the HTML.

use super::html::{find_url, push_text};
use std::fmt::Write as _;

use super::{body_value, list_items};
use crate::escape::safe_href;
use crate::fill::Resolved;
use crate::markdown::{Block, Inline, UrlPart};
use crate::typography::smarten;
use crate::values::{Value, join_prose};

/// Width of the rules drawn under headings and for `---` in the text part.
const COLUMN_WIDTH: usize = 65;
/// Characters of preview text mail clients are given.
const PREHEADER_LIMIT: usize = 256;

/// Which plain rendering is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The `text/plain` part: headings underlined, links as "text: url".
    Text,
    /// The inbox preview line: just the words.
    Preheader,
}

/// Writes the plain text of one recipient's body.
#[derive(Debug)]
pub(crate) struct TextWriter<'r, 'v> {
    pub(crate) values: &'r Resolved<'v>,
    pub(crate) mode: Mode,
    pub(crate) out: String,
    /// How many lists deep the writer is.
    pub(crate) depth: usize,
}

impl TextWriter<'_, '_> {
    pub(crate) fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            if self.preheader_full() {
                return;
            }
            self.block(block);
        }
    }

    /// Whether the preheader already has more words than it can show: the rest of a long
    /// body need not be written.
    fn preheader_full(&self) -> bool {
        self.mode == Mode::Preheader
            && self.out.len() > PREHEADER_LIMIT
            && self
                .out
                .split_whitespace()
                .map(|w| w.chars().count() + 1)
                .sum::<usize>()
                > PREHEADER_LIMIT
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph(children) => self.paragraph(children, "\n\n"),
            Block::Plain(children) => self.paragraph(children, ""),
            Block::Heading { level, children } => {
                if self.mode == Mode::Preheader {
                    self.paragraph(children, "\n\n");
                    return;
                }
                self.out
                    .push_str(if *level == 1 { "\n\n\n" } else { "\n\n" });
                self.inlines(children);
                self.out.push('\n');
                self.out.push_str(&"-".repeat(COLUMN_WIDTH));
            }
            Block::Inset(children) => self.blocks(children),
            Block::List { ordered, items } => {
                let items: Vec<&[Block]> = items.iter().map(Vec::as_slice).collect();
                self.list(*ordered, &items, |w, item| w.blocks(item));
            }
            Block::Rule => {
                if self.mode == Mode::Text {
                    self.out.push_str("\n\n");
                    self.out.push_str(&"=".repeat(COLUMN_WIDTH));
                }
            }
            Block::Container { children, .. } => self.blocks(children),
            Block::Conditional { flag, children } => {
                if self.values.is_truthy(*flag) {
                    self.blocks(children);
                }
            }
        }
    }

    /// A list: a blank line before it at the top level, items indented when nested.
    fn list<T: Copy>(&mut self, ordered: bool, items: &[T], mut item: impl FnMut(&mut Self, T)) {
        if self.depth == 0 {
            self.out.push('\n');
        }
        for (n, entry) in items.iter().enumerate() {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
            if ordered {
                // Writing to a String cannot fail.
                let _ = write!(self.out, "{}. ", n + 1);
            } else {
                self.out.push_str("• ");
            }
            self.depth += 1;
            let start = self.out.len();
            item(self, *entry);
            // Item text starts right after its marker, whatever its blocks began with.
            let lead = self.out[start..].len() - self.out[start..].trim_start().len();
            self.out.replace_range(start..start + lead, "");
            self.depth -= 1;
        }
    }

    /// Writes a paragraph; a list value inside it ends the paragraph, becomes a list, and
    /// what follows starts a new paragraph (as the HTML does).
    fn paragraph(&mut self, children: &[Inline], lead: &str) {
        let values = self.values;
        let mut rest = children;
        loop {
            let split = rest
                .iter()
                .position(|node| list_items(values, node).is_some());
            let (before, after) = rest.split_at(split.unwrap_or(rest.len()));
            let start = self.out.len();
            self.out.push_str(lead);
            let inner = self.out.len();
            self.inlines(before);
            let kept = self.out.trim_end().len().max(inner);
            self.out.truncate(kept);
            if self.out[inner..].trim().is_empty() {
                self.out.truncate(start);
            }
            let Some((node, tail)) = after.split_first() else {
                break;
            };
            if let Some(items) = list_items(values, node) {
                let items: Vec<&str> = items.iter().map(String::as_str).collect();
                self.list(false, &items, |w, item| w.value(item));
            }
            rest = tail;
            while let Some((Inline::Break, tail)) = rest.split_first() {
                rest = tail;
            }
        }
    }

    fn inlines(&mut self, nodes: &[Inline]) {
        for node in nodes {
            self.inline(node);
        }
    }

    fn inline(&mut self, node: &Inline) {
        match node {
            Inline::Text(text) => push_text(&mut self.out, &text.plain),
            Inline::Value(index) => match self.values.get(*index) {
                Value::Text(text) => self.value(text),
                Value::List(items) => {
                    let mut prose = String::new();
                    join_prose(items, &mut prose);
                    self.value(&prose);
                }
            },
            Inline::Conditional { flag, children } => {
                if self.values.is_truthy(*flag) {
                    self.inlines(children);
                }
            }
            Inline::Strong(children) => self.marked(children, "**"),
            Inline::Emphasis(children) => self.marked(children, "_"),
            Inline::Link {
                url,
                title,
                children,
            } => {
                self.inlines(children);
                if let Some(title) = title {
                    self.out.push_str(" (");
                    self.out.push_str(title);
                    self.out.push(')');
                }
                if self.mode == Mode::Text {
                    let mut target = String::new();
                    self.url(url, &mut target);
                    // A link the HTML part would neutralise is not offered in the text either.
                    if safe_href(&target) != "#" {
                        self.out.push_str(": ");
                        self.out.push_str(&target);
                    }
                }
            }
            Inline::AutoLink(url) => {
                let mut target = String::new();
                self.url(url, &mut target);
                self.out.push_str(&target);
            }
            Inline::Break => self.out.push('\n'),
        }
    }

    /// Bold and italic keep their marks in the text part (as GC Notify does), not in previews.
    fn marked(&mut self, children: &[Inline], mark: &str) {
        if self.mode == Mode::Text {
            self.out.push_str(mark);
            self.inlines(children);
            self.out.push_str(mark);
        } else {
            self.inlines(children);
        }
    }

    fn url(&self, parts: &[UrlPart], out: &mut String) {
        for part in parts {
            match part {
                UrlPart::Static(text) => out.push_str(text),
                UrlPart::Value(index) => match self.values.get(*index) {
                    Value::Text(text) => out.push_str(&body_value(text.trim())),
                    Value::List(items) => join_prose(items, out),
                },
                UrlPart::Conditional { flag, text } => {
                    if self.values.is_truthy(*flag) {
                        out.push_str(text);
                    }
                }
            }
        }
    }

    /// A personalisation value with typography, except inside URLs it holds.
    fn value(&mut self, text: &str) {
        let text = body_value(text);
        let mut rest = text.as_ref();
        while !rest.is_empty() {
            let url_at = find_url(rest);
            let plain = url_at.map_or(rest, |(start, _)| &rest[..start]);
            let mut smart = String::with_capacity(plain.len());
            smarten(plain, self.out.chars().last(), &mut smart);
            push_text(&mut self.out, &smart);
            match url_at {
                Some((start, end)) => {
                    self.out.push_str(&rest[start..end]);
                    rest = &rest[end..];
                }
                None => break,
            }
        }
    }
}

/// The finished text part: no leading blank lines, one trailing newline.
pub(crate) fn finish_text(mut text: String) -> String {
    let lead = text.len() - text.trim_start().len();
    text.replace_range(..lead, "");
    let kept = text.trim_end().len();
    text.truncate(kept);
    text.push('\n');
    text
}

/// The finished preheader: words joined by single spaces, at most 256 characters.
pub(crate) fn finish_preheader(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(PREHEADER_LIMIT * 4));
    let mut count = 0;
    for word in text.split_whitespace() {
        for c in (!out.is_empty())
            .then_some(' ')
            .into_iter()
            .chain(word.chars())
        {
            if count == PREHEADER_LIMIT {
                return out.trim_end().to_owned();
            }
            out.push(c);
            count += 1;
        }
    }
    out
}
