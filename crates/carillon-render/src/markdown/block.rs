//! Block structure: paragraphs, headings, inset text, lists, rules, containers, conditional
//! blocks. The rules follow the markdown dialect GC Notify's renderer accepts (mistune 0.8 with
//! Notify's list and inset grammar): `^` inset text, `•`/`*`/`-`/`1.` lists, hard line breaks.

use super::atoms::{Atom, Atoms};
use super::table::table_end;
use super::{Block, Inline};

/// Parses prepared text (atoms in place) into blocks.
#[derive(Debug)]
pub(crate) struct Parser<'a, 'p> {
    pub(super) atoms: &'a mut Atoms<'p>,
    /// The last character of text emitted so far, for curly-quote direction.
    pub(super) last: Option<char>,
    /// How many list items deep the parser is: mistune reads no tables in list items.
    in_list: usize,
}

/// How a list item line starts.
#[derive(Debug, Clone, Copy)]
struct Marker {
    indent: usize,
    /// Bytes up to the item text (indent, bullet, spaces).
    width: usize,
    ordered: bool,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn list_marker(line: &str) -> Option<Marker> {
    let indent = indent_of(line);
    let rest = &line[indent..];
    let (bullet_len, ordered) = if rest.starts_with(['*', '-']) {
        (1, false)
    } else if rest.starts_with('•') {
        ('•'.len_utf8(), false)
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || rest.as_bytes().get(digits) != Some(&b'.') {
            return None;
        }
        (digits + 1, true)
    };
    let after = &rest[bullet_len..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    if spaces == 0 || after.trim().is_empty() {
        return None;
    }
    Some(Marker {
        indent,
        width: indent + bullet_len + spaces,
        ordered,
    })
}

fn is_rule(line: &str) -> bool {
    let trimmed = line.trim_end();
    if indent_of(trimmed) > 3 {
        return false;
    }
    let marks = trimmed
        .chars()
        .filter(|c| matches!(c, '-' | '*' | '_'))
        .count();
    marks >= 3 && trimmed.chars().all(|c| matches!(c, '-' | '*' | '_' | ' '))
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let rest = line.trim_start_matches(' ');
    let level = rest.bytes().take_while(|b| *b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let text = rest[level..].trim().trim_end_matches('#').trim_end();
    (!text.is_empty()).then_some((level, text))
}

/// `===` or `---` under a line of text: level 1 or 2.
fn underline(line: &str) -> Option<u8> {
    let trimmed = line.trim();
    let last = trimmed.chars().last()?;
    trimmed
        .chars()
        .all(|c| c == '=' || c == '-')
        .then_some(if last == '=' { 1 } else { 2 })
}

fn is_inset(line: &str) -> bool {
    line.trim_start_matches(' ')
        .strip_prefix('^')
        .is_some_and(|rest| !rest.is_empty())
}

fn fence(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    ["```", "~~~"].into_iter().find(|f| rest.starts_with(f))
}

impl<'a, 'p> Parser<'a, 'p> {
    pub(crate) fn new(atoms: &'a mut Atoms<'p>) -> Self {
        Self {
            atoms,
            last: None,
            in_list: 0,
        }
    }

    /// Parses a whole prepared document.
    pub(crate) fn document(&mut self, text: &str) -> Vec<Block> {
        let lines: Vec<&str> = text.split('\n').collect();
        self.blocks(&lines, false)
    }

    /// The block atom a line consists of, if any.
    fn block_atom(&self, line: &str) -> Option<Atom> {
        let mut chars = line.trim().chars();
        let c = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        self.atoms.get(c).filter(|atom| atom.is_block()).cloned()
    }

    fn starts_block(&self, lines: &[&str], at: usize, tight: bool) -> bool {
        let line = lines[at];
        is_blank(line)
            || self.block_atom(line).is_some()
            || is_rule(line)
            || (!tight && heading(line).is_some())
            || is_inset(line)
            || list_marker(line).is_some()
            || self.fenced(lines, at).is_some()
            || lines
                .get(at + 1)
                .is_some_and(|next| underline(next).is_some())
    }

    /// Where a fenced block starting at `at` ends (the closing fence line), if it is closed.
    fn fenced(&self, lines: &[&str], at: usize) -> Option<usize> {
        let open = fence(lines[at])?;
        (at + 1..lines.len()).find(|&i| lines[i].trim() == open)
    }

    pub(super) fn blocks(&mut self, lines: &[&str], tight: bool) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut at = 0;
        while at < lines.len() {
            let line = lines[at];
            if is_blank(line) {
                at += 1;
                continue;
            }
            self.last = None;
            if let Some(atom) = self.block_atom(line) {
                at = self.atom_block(atom, lines, at, &mut blocks);
            } else if is_rule(line) {
                blocks.push(Block::Rule);
                at += 1;
            } else if let Some(close) = self.fenced(lines, at) {
                let children = self.literal_lines(&lines[at + 1..close]);
                blocks.push(Block::Paragraph(children));
                at = close + 1;
            } else if let Some((level, text)) = heading(line).filter(|_| !tight) {
                blocks.push(self.heading_block(level, text));
                at += 1;
            } else if let Some(end) = table_end(lines, at).filter(|_| self.in_list == 0) {
                // GC Notify draws tables as nothing.
                at = end;
            } else if let Some(level) = lines.get(at + 1).and_then(|next| underline(next)) {
                blocks.push(self.heading_block(usize::from(level), line.trim()));
                at += 2;
            } else if is_inset(line) {
                at = self.inset(lines, at, &mut blocks);
            } else if let Some(marker) = list_marker(line) {
                at = self.list(lines, at, marker, &mut blocks);
            } else {
                let end = (at + 1..lines.len())
                    .find(|&i| self.starts_block(lines, i, tight))
                    .unwrap_or(lines.len());
                let text = lines[at..end]
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join("\n");
                let children = self.inline(&text, false);
                blocks.push(if tight {
                    Block::Plain(children)
                } else {
                    Block::Paragraph(children)
                });
                at = end;
            }
        }
        blocks
    }

    fn heading_block(&mut self, level: usize, text: &str) -> Block {
        let children = self.inline(text, false);
        match level {
            1 | 2 => Block::Heading {
                level: level as u8,
                children,
            },
            _ => Block::Paragraph(children),
        }
    }

    /// A container or conditional block starting at line `at`; returns the next line.
    fn atom_block(&mut self, atom: Atom, lines: &[&str], at: usize, out: &mut Vec<Block>) -> usize {
        match atom {
            Atom::Open(kind) => {
                // Tags were paired when prepared, so the matching close is found by depth.
                let mut depth = 0usize;
                let mut end = lines.len();
                for (i, line) in lines.iter().enumerate().skip(at + 1) {
                    match self.block_atom(line) {
                        Some(Atom::Open(_)) => depth += 1,
                        Some(Atom::Close(_)) if depth == 0 => {
                            end = i;
                            break;
                        }
                        Some(Atom::Close(_)) => depth -= 1,
                        _ => {}
                    }
                }
                let children = self.blocks(&lines[at + 1..end], false);
                out.push(Block::Container { kind, children });
                end + 1
            }
            Atom::Conditional { flag, text, .. } => {
                let prepared = self.atoms.prepare_text(text.trim()).unwrap_or_default();
                let inner: Vec<&str> = prepared.split('\n').collect();
                let children = self.blocks(&inner, false);
                out.push(Block::Conditional { flag, children });
                at + 1
            }
            // A close whose open was consumed elsewhere (e.g. cut by a list): nothing to draw.
            Atom::Close(_) | Atom::Value(_) | Atom::Literal(_) => at + 1,
        }
    }

    /// Inset text: `^` lines and the lines that follow them up to a blank line.
    fn inset(&mut self, lines: &[&str], mut at: usize, out: &mut Vec<Block>) -> usize {
        let mut inner: Vec<&str> = Vec::new();
        while at < lines.len() && is_inset(lines[at]) {
            while at < lines.len() && !is_blank(lines[at]) && self.block_atom(lines[at]).is_none() {
                let line = lines[at].trim_start_matches(' ');
                let line = line
                    .strip_prefix('^')
                    .map_or(line, |l| l.strip_prefix(' ').unwrap_or(l));
                inner.push(line);
                at += 1;
            }
            let next = (at..lines.len()).find(|&i| !is_blank(lines[i]));
            match next {
                Some(i) if is_inset(lines[i]) => {
                    inner.push("");
                    at = i;
                }
                _ => break,
            }
        }
        let children = self.blocks(&inner, false);
        out.push(Block::Inset(children));
        at
    }

    /// A list starting at line `at` with `first` as its first item's marker.
    fn list(&mut self, lines: &[&str], at: usize, first: Marker, out: &mut Vec<Block>) -> usize {
        let mut end = at + 1;
        while end < lines.len() {
            let line = lines[end];
            if is_blank(line) {
                let next = (end..lines.len()).find(|&i| !is_blank(lines[i]));
                let continues = next.is_some_and(|i| {
                    let l = lines[i];
                    self.block_atom(l).is_none()
                        && (l.starts_with(' ')
                            || list_marker(l).is_some_and(|m| m.indent == first.indent))
                });
                if !continues {
                    break;
                }
                end = next.unwrap_or(end);
                continue;
            }
            if self.block_atom(line).is_some()
                || (is_rule(line) && list_marker(line).is_none_or(|m| m.indent <= first.indent))
            {
                break;
            }
            end += 1;
        }
        // Split into items: a new item starts at a marker no deeper than the first one.
        let mut starts: Vec<(usize, Marker)> = vec![(at, first)];
        for (i, line) in lines.iter().enumerate().take(end).skip(at + 1) {
            if let Some(marker) = list_marker(line).filter(|m| m.indent <= first.indent) {
                starts.push((i, marker));
            }
        }
        let mut items = Vec::with_capacity(starts.len());
        // As in mistune, a blank line after an item makes it and every later item loose.
        let mut loose = false;
        for (n, &(start, marker)) in starts.iter().enumerate() {
            let stop = starts.get(n + 1).map_or(end, |&(next, _)| next);
            let item: Vec<&str> = lines[start..stop]
                .iter()
                .enumerate()
                .map(|(k, line)| {
                    if k == 0 {
                        &line[marker.width..]
                    } else {
                        dedent(line, marker.width)
                    }
                })
                .collect();
            let content_end = item.iter().rposition(|l| !is_blank(l)).map_or(0, |p| p + 1);
            loose = loose
                || item[..content_end].iter().any(|l| is_blank(l))
                || (n + 1 < starts.len() && content_end < item.len());
            self.in_list += 1;
            items.push(self.blocks(&item[..content_end], !loose));
            self.in_list -= 1;
        }
        out.push(Block::List {
            ordered: first.ordered,
            items,
        });
        end
    }

    /// Lines shown as they are (fenced code): only atoms keep their meaning.
    fn literal_lines(&mut self, lines: &[&str]) -> Vec<Inline> {
        let mut children = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                children.push(Inline::Break);
            }
            children.extend(self.literal_inline(line));
        }
        children
    }
}

/// Removes up to `width` leading spaces.
fn dedent(line: &str, width: usize) -> &str {
    let spaces = indent_of(line).min(width);
    &line[spaces..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers() {
        assert!(list_marker("* a").is_some());
        assert!(list_marker("- a").is_some());
        assert!(list_marker("• a").is_some());
        assert!(list_marker("12. a").is_some_and(|m| m.ordered));
        assert!(list_marker("*a").is_none());
        assert!(list_marker("1 a").is_none());
        assert!(list_marker("* ").is_none());
        assert_eq!(
            list_marker("  * a").map(|m| (m.indent, m.width)),
            Some((2, 4))
        );
    }

    #[test]
    fn rules_headings_underlines() {
        assert!(is_rule("---"));
        assert!(is_rule("* * *"));
        assert!(is_rule("___  "));
        assert!(!is_rule("--"));
        assert!(!is_rule("-- a"));
        assert_eq!(heading("# Title #"), Some((1, "Title")));
        assert_eq!(heading("##Title"), Some((2, "Title")));
        assert_eq!(heading("#"), None);
        assert_eq!(underline("==="), Some(1));
        assert_eq!(underline(" --- "), Some(2));
        assert_eq!(underline("-x-"), None);
    }
}
