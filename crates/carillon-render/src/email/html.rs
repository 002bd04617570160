//! The HTML body fragment of an email: inline-styled markup that survives common mail clients.

use super::{body_value, list_items};
use crate::escape::{escape_html, push_escaped, safe_href};
use crate::fill::Resolved;
use crate::markdown::{Block, Container, Inline, UrlPart};
use crate::typography::smarten;
use crate::values::Value;

const LI_OPEN: &str = "<li style=\"margin: 5px 0 5px; padding: 0 0 0 5px; font-size: 19px; line-height: 1.4; color: #0B0C0C; text-align: start;\">";
const P_OPEN: &str =
    "<p style=\"margin: 0 0 20px 0; font-size: 19px; line-height: 1.4; color: #0B0C0C;\">";
const H2_OPEN: &str = "<h2 style=\"margin: 0 0 20px 0; padding: 0; font-size: 27px; line-height: 1.3; font-weight: bold; color: #0B0C0C;\">";
const H3_OPEN: &str = "<h3 style=\"margin: 0 0 15px 0; padding: 0; font-size: 24px; line-height: 1.3; font-weight: bold; color: #0B0C0C;\">";
const INSET_OPEN: &str = "<blockquote style=\"margin: 0 0 20px 0; border-left: 10px solid #B1B4B6; padding: 15px 0 0.1px 15px; font-size: 19px; line-height: 1.4;\">";
const RULE: &str =
    "<hr style=\"border: 0; height: 1px; background: #B1B4B6; margin: 30px 0 30px 0;\">";
pub(crate) const LINK_OPEN: &str =
    "<a style=\"color: #1D70B8; word-wrap: break-word; word-break: break-word;\" href=\"";
const BREAK: &str = "<br />";

/// Writes the HTML of one recipient's body.
#[derive(Debug)]
pub(crate) struct HtmlWriter<'r, 'v> {
    pub(crate) values: &'r Resolved<'v>,
    pub(crate) out: String,
}

impl HtmlWriter<'_, '_> {
    pub(crate) fn blocks(&mut self, blocks: &[Block], nested: bool) {
        for block in blocks {
            self.block(block, nested);
        }
    }

    fn block(&mut self, block: &Block, nested: bool) {
        match block {
            Block::Paragraph(children) => self.paragraph(children, P_OPEN, "</p>", nested),
            Block::Plain(children) => self.paragraph(children, "", "", nested),
            Block::Heading { level, children } => {
                let (open, close) = if *level == 1 {
                    (H2_OPEN, "</h2>")
                } else {
                    (H3_OPEN, "</h3>")
                };
                self.wrapped(open, close, |w| w.inlines(children, false));
            }
            Block::Inset(children) => self.wrapped(INSET_OPEN, "</blockquote>", |w| {
                w.blocks(children, nested);
            }),
            Block::List { ordered, items } => {
                self.list_open(*ordered, nested);
                for item in items {
                    self.wrapped(LI_OPEN, "</li>", |w| w.blocks(item, true));
                }
                self.list_close(*ordered);
            }
            Block::Rule => self.out.push_str(RULE),
            Block::Container { kind, children } => {
                let open = match kind {
                    Container::Lang(lang) => format!("<div lang=\"{}\">", lang.tag()),
                    Container::Rtl => "<div dir=\"rtl\">".to_owned(),
                };
                self.wrapped(&open, "</div>", |w| w.blocks(children, nested));
            }
            Block::Conditional { flag, children } => {
                if self.values.is_truthy(*flag) {
                    self.blocks(children, nested);
                }
            }
        }
    }

    /// Writes `open`, the content, `close`; drops all three when the content is blank.
    fn wrapped(&mut self, open: &str, close: &str, content: impl FnOnce(&mut Self)) {
        let start = self.out.len();
        self.out.push_str(open);
        let inner = self.out.len();
        content(self);
        if self.out[inner..].trim().is_empty() {
            self.out.truncate(start);
        } else {
            self.out.push_str(close);
        }
    }

    /// A paragraph whose top-level list values break it into paragraph, list, paragraph.
    fn paragraph(&mut self, children: &[Inline], open: &str, close: &str, nested: bool) {
        let mut rest = children;
        loop {
            let values = self.values;
            let split = rest
                .iter()
                .position(|node| list_items(values, node).is_some());
            let (before, after) = rest.split_at(split.unwrap_or(rest.len()));
            self.wrapped(open, close, |w| {
                w.inlines(before, false);
                while w.out.ends_with(BREAK) {
                    w.out.truncate(w.out.len() - BREAK.len());
                }
            });
            let Some((node, tail)) = after.split_first() else {
                break;
            };
            if let Some(items) = list_items(values, node) {
                self.value_list(items, nested);
            }
            rest = tail;
            while let Some((Inline::Break, tail)) = rest.split_first() {
                rest = tail;
            }
        }
    }
}

impl HtmlWriter<'_, '_> {
    fn value_list(&mut self, items: &[String], nested: bool) {
        self.list_open(false, nested);
        for item in items {
            self.out.push_str(LI_OPEN);
            self.value_text(item, false);
            self.out.push_str("</li>");
        }
        self.list_close(false);
    }

    fn list_open(&mut self, ordered: bool, nested: bool) {
        // A table keeps Outlook from collapsing list indentation.
        let padding = if nested { "0" } else { "0 0 20px 0" };
        self.out
            .push_str("<table role=\"presentation\" style=\"padding: ");
        self.out.push_str(padding);
        self.out
            .push_str(";\"><tr><td style=\"font-family: Helvetica, Arial, sans-serif;\">");
        self.out.push_str(if ordered {
            "<ol style=\"margin: 0; padding: 0; list-style-type: decimal; margin-inline-start: 20px;\">"
        } else {
            "<ul style=\"margin: 0; padding: 0; list-style-type: disc; margin-inline-start: 20px;\">"
        });
    }

    fn list_close(&mut self, ordered: bool) {
        self.out.push_str(if ordered { "</ol>" } else { "</ul>" });
        self.out.push_str("</td></tr></table>");
    }

    fn inlines(&mut self, nodes: &[Inline], in_link: bool) {
        for node in nodes {
            self.inline(node, in_link);
        }
    }

    fn inline(&mut self, node: &Inline, in_link: bool) {
        match node {
            Inline::Text(text) => push_text(&mut self.out, &text.html),
            Inline::Value(index) => match self.values.get(*index) {
                Value::Text(text) => self.value_text(text, in_link),
                Value::List(items) => {
                    let mut prose = String::new();
                    crate::values::join_prose(items, &mut prose);
                    self.value_text(&prose, in_link);
                }
            },
            Inline::Conditional { flag, children } => {
                if self.values.is_truthy(*flag) {
                    self.inlines(children, in_link);
                }
            }
            Inline::Strong(children) => {
                self.wrapped("<strong>", "</strong>", |w| w.inlines(children, in_link));
            }
            Inline::Emphasis(children) => {
                self.wrapped("<em>", "</em>", |w| w.inlines(children, in_link));
            }
            Inline::Link {
                url,
                title,
                children,
            } => {
                let href = self.url(url);
                self.link_open(&href, title.as_deref());
                self.inlines(children, true);
                self.out.push_str("</a>");
            }
            Inline::AutoLink(url) => {
                let href = self.url(url);
                self.link_open(&href, None);
                push_escaped(&href, &mut self.out);
                self.out.push_str("</a>");
            }
            Inline::Break => self.out.push_str(BREAK),
        }
    }

    fn link_open(&mut self, href: &str, title: Option<&str>) {
        self.out.push_str(LINK_OPEN);
        push_escaped(&safe_href(href), &mut self.out);
        self.out.push('"');
        if let Some(title) = title {
            self.out.push_str(" title=\"");
            push_escaped(title, &mut self.out);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// Assembles a link target from its fixed and personalised parts.
    fn url(&self, parts: &[UrlPart]) -> String {
        let mut url = String::new();
        for part in parts {
            match part {
                UrlPart::Static(text) => url.push_str(text),
                UrlPart::Value(index) => match self.values.get(*index) {
                    Value::Text(text) => url.push_str(&body_value(text.trim())),
                    Value::List(items) => crate::values::join_prose(items, &mut url),
                },
                UrlPart::Conditional { flag, text } => {
                    if self.values.is_truthy(*flag) {
                        url.push_str(text);
                    }
                }
            }
        }
        url
    }

    /// A personalisation value: escaped, line breaks kept, its own URLs linked.
    fn value_text(&mut self, text: &str, in_link: bool) {
        let text = body_value(text);
        let mut rest = text.as_ref();
        // After a link, quotes take their direction from its last character, not from markup.
        let mut after_link = None;
        while !rest.is_empty() {
            let url_at = if in_link { None } else { find_url(rest) };
            let (plain, link) = match url_at {
                Some((start, end)) => (&rest[..start], Some(&rest[start..end])),
                None => (rest, None),
            };
            for (n, line) in plain.split('\n').enumerate() {
                if n > 0 {
                    self.out.push_str(BREAK);
                }
                if in_link {
                    push_text(&mut self.out, &escape_html(line));
                } else {
                    let before = after_link.take().or_else(|| last_text_char(&self.out));
                    let mut smart = String::with_capacity(line.len() + 4);
                    smarten(line, before, &mut smart);
                    push_text(&mut self.out, &escape_html(&smart));
                }
            }
            match (url_at, link) {
                (Some((_, end)), Some(url)) => {
                    self.link_open(url, None);
                    push_escaped(url, &mut self.out);
                    self.out.push_str("</a>");
                    after_link = url.chars().last();
                    rest = &rest[end..];
                }
                _ => break,
            }
        }
    }
}

/// The last character of text (not markup) written, for curly-quote direction.
fn last_text_char(out: &str) -> Option<char> {
    out.chars().last().filter(|c| *c != '>')
}

/// Appends escaped text; a leading `,` or `.` pulls back the spaces before it, as GC Notify's
/// typography removes spaces before punctuation wherever they meet.
pub(crate) fn push_text(out: &mut String, escaped: &str) {
    if escaped.starts_with([',', '.']) {
        let kept = out.trim_end_matches([' ', '\t']).len();
        out.truncate(kept);
    }
    out.push_str(escaped);
}

/// The first `http(s)://` URL in a value, as a byte range.
pub(crate) fn find_url(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(found) = text[from..].find("http") {
        let start = from + found;
        let rest = &text[start..];
        let scheme = if rest.starts_with("https://") {
            8
        } else if rest.starts_with("http://") {
            7
        } else {
            from = start + 4;
            continue;
        };
        let preceded_by_word = text[..start]
            .chars()
            .last()
            .is_some_and(char::is_alphanumeric);
        // A `"` inside is part of the URL, as in GC Notify (and percent-encoded in `href`);
        // one at the end closes a quotation around it.
        let mut end = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>'))
            .map_or(rest.len(), |(i, _)| i);
        while let Some(last) = rest[..end].chars().last() {
            if !matches!(
                last,
                '.' | ',' | ':' | '"' | '\'' | ')' | ']' | ';' | '!' | '?'
            ) {
                break;
            }
            end -= last.len_utf8();
        }
        if !preceded_by_word && rest[scheme..end].chars().count() >= 2 {
            return Some((start, start + end));
        }
        from = start + scheme;
    }
    None
}
