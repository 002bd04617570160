//! GC Notify's clean-up of the text an SMS sends, fused into one pass over the characters.
//!
//! GC runs, in this order: downgrade, `[ \t]+([,.])` → `$1`, `"\n".join(text.splitlines())`,
//! `strip()`. Downgrading first means every line break but `\r\n`, `\r` and `\n` is already `?`
//! (and tabs are spaces) by the time lines are split, so the later steps only ever see spaces,
//! `\r` and `\n` as whitespace. That is what lets them run on the fly here.

use super::charset::{Class, Downgraded, classify, downgrade_char, listed};

/// Builds the cleaned text, copying runs of untouched characters at once.
#[derive(Debug)]
pub(super) struct Cleaner {
    out: String,
    /// Spaces seen but not yet written: they vanish if a `,` or `.` comes next.
    spaces: usize,
    /// The last character was `\r`, already written as `\n`, so a `\n` now is the same break.
    after_cr: bool,
    /// A character that forces UCS-2 has been written (spaces and line breaks never do, so
    /// trimming cannot change this).
    unicode: bool,
}

impl Cleaner {
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Cleaner {
            out: String::with_capacity(bytes),
            spaces: 0,
            after_cr: false,
            unicode: false,
        }
    }

    /// Downgrades `text` and feeds it in.
    pub(super) fn feed(&mut self, text: &str) {
        // A local, not the field, so it can stay in a register while scanning.
        let mut unicode = self.unicode;
        let mut at = 0;
        loop {
            let run_end = scan_kept(text, at, &mut unicode);
            self.push_run(&text[at..run_end]);
            let Some(c) = text[run_end..].chars().next() else {
                break;
            };
            at = run_end + c.len_utf8();
            match downgrade_char(c) {
                Downgraded::Keep => self.push(c),
                Downgraded::Char(other) => {
                    unicode |= classify(other) == Class::Unicode;
                    self.push(other);
                }
                Downgraded::Text(text) => text.chars().for_each(|c| self.push(c)),
            }
        }
        self.unicode = unicode;
    }

    /// Where the next fed character will land, for slicing out a part later.
    ///
    /// Pending spaces land after the mark, so they belong to whatever is fed next.
    pub(super) fn mark(&self) -> usize {
        self.out.len()
    }

    /// The text so far (pending spaces dropped: the final trim would remove them anyway), and
    /// whether it must travel as UCS-2.
    pub(super) fn into_parts(self) -> (String, bool) {
        (self.out, self.unicode)
    }

    /// Writes a run of allowed characters that holds no `\r`, and spaces only right before a
    /// `WORD` byte; only its first character can interact with what came before.
    #[inline]
    fn push_run(&mut self, mut run: &str) {
        if run.is_empty() {
            return;
        }
        if std::mem::take(&mut self.after_cr) {
            run = run.strip_prefix('\n').unwrap_or(run);
        }
        if run.starts_with([',', '.']) {
            self.spaces = 0;
        } else {
            self.flush_spaces();
        }
        self.out.push_str(run);
    }

    /// Writes one allowed character, applying the punctuation and line-break rules.
    fn push(&mut self, c: char) {
        let after_cr = std::mem::replace(&mut self.after_cr, false);
        match c {
            ' ' => self.spaces += 1,
            ',' | '.' => {
                self.spaces = 0;
                self.out.push(c);
            }
            '\r' => {
                self.flush_spaces();
                self.out.push('\n');
                self.after_cr = true;
            }
            '\n' if after_cr => {}
            _ => {
                self.flush_spaces();
                self.out.push(c);
            }
        }
    }

    #[inline]
    fn flush_spaces(&mut self) {
        for _ in 0..self.spaces {
            self.out.push(' ');
        }
        self.spaces = 0;
    }
}

/// Where the run of characters from `at` that are written exactly as they are ends: allowed
/// characters other than a space or `\r`, and spaces before such a character (no rule can
/// remove those). Sets `unicode` if one of them forces UCS-2.
fn scan_kept(text: &str, mut at: usize, unicode: &mut bool) -> usize {
    let bytes = text.as_bytes();
    // After a block fails, go byte by byte past it before trying blocks again.
    let mut blocks_from = at;
    loop {
        if at >= blocks_from {
            // Both ends ASCII, or it is not worth trying (syllabic text, say).
            while let Some(block) = bytes.get(at..).and_then(<[u8]>::first_chunk)
                && block[0].is_ascii()
                && block[BLOCK - 1].is_ascii()
                && let Some(nexts) = bytes.get(at + 1..).and_then(<[u8]>::first_chunk)
                && passes_as_block(block, nexts)
            {
                at += BLOCK;
            }
            blocks_from = at + BLOCK;
        }
        while bytes.get(at).is_some_and(|&byte| PLAIN[usize::from(byte)]) {
            at += 1;
        }
        let Some(&byte) = bytes.get(at) else {
            return at;
        };
        if byte == b' ' {
            let next = bytes.get(at + 1).copied().unwrap_or(0);
            if !WORD[usize::from(next)] && kept_at(text, at + 1).is_none() {
                return at;
            }
            at += 1;
            continue;
        }
        let Some((class, width)) = kept_at(text, at) else {
            return at;
        };
        at += width;
        if class == Class::Unicode {
            *unicode = true;
            // Syllabic text is mostly syllabics in a row: skip them without the general checks.
            while let (Some(0xE1), Some(0x90..=0x99)) = (bytes.get(at), bytes.get(at + 1)) {
                at += 3;
            }
        }
    }
}

/// Class and width of the allowed non-ASCII character at `at`, if there is one. Decodes by hand
/// the two UTF-8 shapes that carry nearly all the ones messages use: U+0080–U+017F (two bytes,
/// lead C2–C5) and the main syllabics block U+1400–U+167F (three bytes, E1 90–99).
#[inline]
fn kept_at(text: &str, at: usize) -> Option<(Class, usize)> {
    let bytes = text.as_bytes();
    let class_and_width = match (*bytes.get(at)?, bytes.get(at + 1).copied().unwrap_or(0)) {
        (0..0x80, _) => return None,
        (lead @ 0xC2..=0xC5, next) => {
            let code = (u32::from(lead & 0x1F) << 6) | u32::from(next & 0x3F);
            (char::from_u32(code).map_or(Class::Other, classify), 2)
        }
        (0xE1, 0x90..=0x99) => (Class::Unicode, 3),
        _ => {
            let c = text.get(at..)?.chars().next()?;
            (classify(c), c.len_utf8())
        }
    };
    (class_and_width.0 != Class::Other).then_some(class_and_width)
}

/// Bytes `passes_as_block` judges at once.
const BLOCK: usize = 16;

/// Whether every byte of `block` is written as it is: a plain ASCII byte, or a space before
/// a word byte (`nexts` is `block` shifted by one). A subset of what the byte-by-byte loop
/// accepts, written branch-free so it compiles to a few vector instructions.
#[inline(never)]
fn passes_as_block(block: &[u8; BLOCK], nexts: &[u8; BLOCK]) -> bool {
    // Printable ASCII but space and backtick (`\n` and ESC are left to the byte loop).
    let plain = |byte: u8| (byte.wrapping_sub(b'!') < 94) & (byte != b'`');
    let mut stopped = false;
    for (&byte, &next) in block.iter().zip(nexts) {
        let word_next = plain(next) & (next != b',') & (next != b'.');
        stopped |= !(plain(byte) | ((byte == b' ') & word_next));
    }
    !stopped
}

/// ASCII bytes written as they are, as long as `push_run` minds a run's first byte.
const PLAIN: [bool; 256] = byte_table(b" \r");
/// `PLAIN` bytes that do not remove a space before them.
const WORD: [bool; 256] = byte_table(b" \r,.");

const fn byte_table(except: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte: u8 = 0;
    while byte < 128 {
        table[byte as usize] = !matches!(listed(byte as char), Class::Other);
        byte += 1;
    }
    let mut i = 0;
    while i < except.len() {
        table[except[i] as usize] = false;
        i += 1;
    }
    table
}

/// `str.strip()` for cleaned text, where the only whitespace left is spaces and `\n`.
pub(super) fn trim(text: &str) -> &str {
    text.trim_matches([' ', '\n'])
}

/// Python's `str.strip()`, for the prefix, which is trimmed before it is downgraded.
///
/// Python's whitespace is Rust's plus the four ASCII separators U+001C–U+001F.
pub(super) fn python_strip(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c))
}
