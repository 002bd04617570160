//! GC Notify's "nice typography" for email text: curly quotes, spaced en dashes, and no stray
//! space before a comma or full stop.
//!
//! This runs on every text node of every email, so text with nothing to change costs one byte
//! scan and one copy, plain stretches of changed text are copied in runs, and nothing allocates
//! except `out` growing.

const EN_DASH: char = '\u{2013}';
const EM_DASH: char = '\u{2014}';
const LEFT_SINGLE: char = '\u{2018}';
const RIGHT_SINGLE: char = '\u{2019}';
const LEFT_DOUBLE: char = '\u{201C}';
const RIGHT_DOUBLE: char = '\u{201D}';

/// Appends `text` to `out` with curly quotes, spaced dashes and no space before `,`/`.`.
/// `before` is the character that precedes `text` in the message, if known (`None` at the start
/// of a block).
///
/// `text` is plain text, not yet HTML-escaped. At a value boundary this may also edit the tail
/// of `out`: spaces and tabs before a leading `,`/`.` are removed, and curly single quotes are
/// straightened when `text` continues an email address.
pub(crate) fn smarten(text: &str, before: Option<char>, out: &mut String) {
    if !needs_work(text) {
        out.push_str(text);
        return;
    }
    Smartener {
        text,
        out,
        before,
        prev: before,
        ws_start: None,
        address: None,
    }
    .run();
}

/// Whether `text` has anything `smarten` might change. Whole chunks are checked without an
/// early exit so the compiler can vectorise the common case, where nothing is found.
fn needs_work(text: &str) -> bool {
    text.as_bytes()
        .chunks(32)
        .any(|chunk| chunk.iter().fold(false, |found, &b| found | is_trigger(b)))
}

/// Whether a byte could start something `smarten` changes. 0xE2 leads the UTF-8 of both dashes
/// (and of many other characters, which only costs a trip through the slow path).
fn is_trigger(byte: u8) -> bool {
    matches!(byte, b'"' | b'\'' | b'-' | b',' | b'.' | b'@' | 0xE2)
}

/// Whether a byte needs a look in the slow path; everything else is copied in runs. Whitespace
/// counts because it ends words and may be collapsed around a dash (plain spaces, by far the
/// most common, are tracked by `copy_plain` instead); non-ASCII because it may be a dash, a
/// curly quote or Unicode whitespace.
fn is_special(byte: u8) -> bool {
    byte >= 0x80 || matches!(byte, b'\t'..=b'\r' | b'"' | b'\'' | b'-' | b',' | b'.')
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | EN_DASH | EM_DASH)
}

struct Smartener<'t, 'o> {
    text: &'t str,
    out: &'o mut String,
    before: Option<char>,
    /// The previous character as written (after any change), which decides whether a quote
    /// opens or closes.
    prev: Option<char>,
    /// Where in `out` the whitespace this call has just written begins, so a spaced dash can
    /// collapse it.
    ws_start: Option<usize>,
    /// Where in `text` the last word asked about starts and ends, and whether it contains
    /// `@`, so a word full of quotes is only scanned once.
    address: Option<(usize, usize, bool)>,
}

impl Smartener<'_, '_> {
    fn run(mut self) {
        if self.continues_word() && first_word(self.text).contains('@') {
            straighten_tail_word(self.out);
        }
        let bytes = self.text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let plain = bytes[i..]
                .iter()
                .position(|&b| is_special(b))
                .unwrap_or(bytes.len() - i);
            if plain > 0 {
                self.copy_plain(i, i + plain);
                i += plain;
                continue;
            }
            let Some(c) = self.text[i..].chars().next() else {
                break;
            };
            i = self.step(c, i);
        }
    }

    /// Copies a run of ASCII with nothing to change, keeping the whitespace bookkeeping `step`
    /// would have done for its plain spaces one at a time.
    fn copy_plain(&mut self, start: usize, end: usize) {
        let run = &self.text[start..end];
        let base = self.out.len();
        self.out.push_str(run);
        self.prev = run.chars().next_back();
        let kept = run.bytes().rposition(|b| b != b' ').map_or(0, |at| at + 1);
        self.ws_start = match kept {
            0 => self.ws_start.or(Some(base)),
            _ if kept == run.len() => None,
            _ => Some(base + kept),
        };
    }

    /// Handles the special character `c` at byte `i`; returns where to carry on.
    fn step(&mut self, c: char, i: usize) -> usize {
        let next = i + c.len_utf8();
        match c {
            '"' => {
                let quote = if self.opens('"') {
                    LEFT_DOUBLE
                } else {
                    RIGHT_DOUBLE
                };
                self.emit(quote);
            }
            '\'' => {
                let quote = if self.in_address(i) {
                    '\''
                } else if self.opens('\'') && !starts_short_year(&self.text[next..]) {
                    LEFT_SINGLE
                } else {
                    RIGHT_SINGLE
                };
                self.emit(quote);
            }
            '-' | EN_DASH | EM_DASH => return self.dash(i),
            ',' | '.' => {
                // Deliberately reaches back past the start of `text`: an empty or
                // space-ending value may have left the space before this mark.
                let kept = self.out.bytes().rposition(|b| b != b' ' && b != b'\t');
                self.out.truncate(kept.map_or(0, |at| at + 1));
                self.emit(c);
            }
            c if c.is_whitespace() => {
                if self.ws_start.is_none() {
                    self.ws_start = Some(self.out.len());
                }
                self.out.push(c);
                self.prev = Some(c);
            }
            _ => self.emit(c),
        }
        next
    }

    fn emit(&mut self, c: char) {
        self.out.push(c);
        self.prev = Some(c);
        self.ws_start = None;
    }

    /// Handles the run of dashes starting at byte `i`; returns where to carry on.
    fn dash(&mut self, i: usize) -> usize {
        let rest = &self.text[i..];
        let run = rest.find(|c| !is_dash(c)).unwrap_or(rest.len());
        let dashes = &rest[..run];
        let after = &rest[run..];
        let spaced = dashes.chars().count() <= 3
            && self.prev.is_some_and(char::is_whitespace)
            && after.starts_with(char::is_whitespace);
        if !spaced {
            self.out.push_str(dashes);
            self.prev = dashes.chars().next_back();
            self.ws_start = None;
            return i + run;
        }
        // Without whitespace written by this call, the space before is `before`, already in
        // the message: only the dash and the space after are ours to write.
        if let Some(start) = self.ws_start {
            self.out.truncate(start);
            self.out.push(' ');
        }
        self.out.push(EN_DASH);
        self.ws_start = Some(self.out.len());
        self.out.push(' ');
        self.prev = Some(' ');
        let skipped = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        i + run + skipped
    }

    /// Whether a quote at this point opens rather than closes.
    fn opens(&self, quote: char) -> bool {
        match self.prev {
            None => true,
            Some(p) if p.is_whitespace() => true,
            Some('(' | '[' | '{' | '<' | '-' | EN_DASH | EM_DASH) => true,
            // Nested quotes open ("' → “‘), but an empty pair closes ("" → “”).
            Some(LEFT_DOUBLE) => quote == '\'',
            Some(LEFT_SINGLE) => quote == '"',
            Some(_) => false,
        }
    }

    /// Whether the word around byte `at` is (part of) an email address, where GC Notify leaves
    /// `'` alone.
    fn in_address(&mut self, at: usize) -> bool {
        if let Some((start, end, known)) = self.address
            && (start..end).contains(&at)
        {
            return known;
        }
        let start = self.text[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace())
            .map_or(0, |(space, c)| space + c.len_utf8());
        let word = first_word(&self.text[start..]);
        let known = word.contains('@')
            || (start == 0
                && self.continues_word()
                && tail_word_start(self.out).is_some_and(|tail| self.out[tail..].contains('@')));
        self.address = Some((start, start + word.len(), known));
        known
    }

    /// Whether `text` starts in the middle of a word begun before it.
    fn continues_word(&self) -> bool {
        self.before.is_some_and(|c| !c.is_whitespace())
    }
}

fn first_word(text: &str) -> &str {
    text.find(char::is_whitespace)
        .map_or(text, |end| &text[..end])
}

/// The longest an email address can be (RFC 5321): a word any longer before `text` is not
/// one, so there is no need to look further back.
const MAX_ADDRESS: usize = 254;

/// Where the last word of `out` starts, unless it is too long to be an email address. Markup
/// ends a word too, as `out` may hold HTML.
fn tail_word_start(out: &str) -> Option<usize> {
    for (seen, (at, c)) in out.char_indices().rev().enumerate() {
        if c.is_whitespace() || c == '<' || c == '>' {
            return Some(at + c.len_utf8());
        }
        if seen == MAX_ADDRESS {
            return None;
        }
    }
    Some(0)
}

/// Undoes curly single quotes already written for the start of a word that turns out to be an
/// email address (`o'brien` then `@example.ca`).
fn straighten_tail_word(out: &mut String) {
    let Some(mut from) = tail_word_start(out) else {
        return;
    };
    while let Some(offset) = out[from..].find([LEFT_SINGLE, RIGHT_SINGLE]) {
        let at = from + offset;
        // Both curly single quotes are three bytes long in UTF-8.
        out.replace_range(at..at + 3, "'");
        from = at + 1;
    }
}

/// Whether `rest` (what follows a `'`) is an abbreviated year such as `90s` or `98`, where the
/// apostrophe stands for missing digits and is ’ even at the start of a word.
fn starts_short_year(rest: &str) -> bool {
    match rest.as_bytes() {
        [a, b, tail @ ..] if a.is_ascii_digit() && b.is_ascii_digit() => tail
            .first()
            .is_none_or(|&c| c == b's' || !c.is_ascii_alphanumeric()),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
