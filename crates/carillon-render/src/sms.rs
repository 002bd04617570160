//! SMS text: GC Notify's character downgrading, GSM-7 or unicode detection, units and fragments.

mod charset;
mod pipeline;
#[cfg(test)]
mod tests;

use charset::{Class, Downgraded, classify, downgrade_char};
use pipeline::{Cleaner, python_strip, trim};

/// How an SMS travels on the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsEncoding {
    /// GSM 03.38 7-bit: 160 units in one fragment, 153 per fragment when split.
    Gsm7,
    /// UCS-2: 70 units in one fragment, 67 per fragment when split.
    Unicode,
}

/// A rendered SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsMessage {
    /// The text without the service-name prefix (the API's `content.body`).
    pub body: String,
    /// The text as sent, with the prefix when there is one.
    pub content: String,
    /// Units of `content` (extension characters count 2 in GSM-7).
    pub units: usize,
    /// Fragments `content` is billed as.
    pub fragments: usize,
    /// Encoding of `content`.
    pub encoding: SmsEncoding,
}

/// Replaces characters outside GC Notify's SMS set.
///
/// Allowed characters (GSM 03.38 with its extension table, the Welsh and French letters GSM
/// lacks, Canadian Aboriginal syllabics) are kept. Any other character becomes the nearest
/// allowed character of its canonical decomposition (`á` → `a`, `ǖ` → `ü`); failing that,
/// dashes become `-`, `…` becomes `...`, curly quotes and guillemets become straight quotes,
/// zero-width spaces disappear, no-break spaces and tabs become spaces, and everything else
/// becomes `?`.
pub fn downgrade(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match downgrade_char(c) {
            Downgraded::Keep => out.push(c),
            Downgraded::Char(other) => out.push(other),
            Downgraded::Text(text) => out.push_str(text),
        }
    }
    out
}

/// The encoding `text` (already downgraded) travels in.
///
/// Unicode as soon as one allowed non-GSM character (Welsh, French, syllabics) is present.
/// Like GC Notify, characters that `downgrade` would replace do not count.
pub fn encoding_of(text: &str) -> SmsEncoding {
    if text.chars().any(|c| classify(c) == Class::Unicode) {
        SmsEncoding::Unicode
    } else {
        SmsEncoding::Gsm7
    }
}

/// Units `text` (already downgraded) costs in the encoding it travels in.
///
/// GSM-7: two units for an extension character (`^{}\[~]|€`), one for anything else.
/// Unicode: UTF-16 code units, so a syllabic beyond U+FFFF costs two.
pub fn count_units(text: &str) -> usize {
    measure(text).1
}

/// Fragments a message of `units` units is billed as.
///
/// Splitting a message costs each fragment a header, hence the smaller sizes once split.
/// An empty message is one fragment, as in GC Notify.
pub fn fragment_count(units: usize, encoding: SmsEncoding) -> usize {
    let (single, per_part) = match encoding {
        SmsEncoding::Gsm7 => (160, 153),
        SmsEncoding::Unicode => (70, 67),
    };
    if units <= single {
        1
    } else {
        units.div_ceil(per_part)
    }
}

/// Turns personalised template text into the SMS that is sent.
///
/// GC Notify's order: add `"<prefix>: "`, downgrade, drop spaces before `,` and `.`, turn
/// every line break into `\n`, trim. `body` is the same without the prefix.
pub(crate) fn finish(filled: &str, prefix: Option<&str>) -> SmsMessage {
    // Python's `if prefix:`: an empty prefix is no prefix (a blank one still adds ": ").
    let prefix = prefix.filter(|prefix| !prefix.is_empty());
    let mut cleaner = Cleaner::with_capacity(filled.len() + prefix.map_or(0, |p| p.len() + 2));
    if let Some(prefix) = prefix {
        cleaner.feed(python_strip(prefix));
        cleaner.feed(": ");
    }
    // The prefix always ends in ": ", so no clean-up rule reaches back across this point and
    // the part after it, trimmed, is exactly the body cleaned on its own.
    let body_start = cleaner.mark();
    cleaner.feed(filled);
    let (mut content, unicode) = cleaner.into_parts();
    let body = trim(&content[body_start..]).to_owned();
    let end = content.trim_end_matches([' ', '\n']).len();
    content.truncate(end);
    let start = content.len() - trim(&content).len();
    content.drain(..start);

    let encoding = if unicode {
        SmsEncoding::Unicode
    } else {
        SmsEncoding::Gsm7
    };
    let units = cleaned_units(&content, encoding);
    SmsMessage {
        body,
        content,
        units,
        fragments: fragment_count(units, encoding),
        encoding,
    }
}

/// `count_units` for text that is known to be downgraded, from its bytes alone.
fn cleaned_units(text: &str, encoding: SmsEncoding) -> usize {
    let starts_char = |byte: u8| u8::from(byte & 0xC0 != 0x80);
    match encoding {
        // Downgraded GSM text has one three-byte character, `€` (E2 82 AC), and no four-byte.
        SmsEncoding::Gsm7 => weighed(text, |byte| {
            starts_char(byte) + u8::from(is_ascii_extension(byte) || byte == 0xE2)
        }),
        // Four-byte characters are surrogate pairs in UTF-16.
        SmsEncoding::Unicode => weighed(text, |byte| starts_char(byte) + u8::from(byte >= 0xF0)),
    }
}

/// Sum of `weight` (at most 2) over the bytes of `text`.
///
/// Byte-sized totals over short chunks let the compiler add 16 or 32 bytes at a time; a
/// `usize` total does not vectorise.
fn weighed(text: &str, weight: impl Fn(u8) -> u8) -> usize {
    text.as_bytes()
        .chunks(127)
        .map(|chunk| usize::from(chunk.iter().fold(0, |total, &byte| total + weight(byte))))
        .sum()
}

/// Encoding and units of `text` in one pass.
fn measure(text: &str) -> (SmsEncoding, usize) {
    if text.is_ascii() {
        // ASCII never forces UCS-2, so only the escapes add to the length.
        return (
            SmsEncoding::Gsm7,
            weighed(text, |byte| 1 + u8::from(is_ascii_extension(byte))),
        );
    }
    let mut gsm_units = 0;
    let mut utf16_units = 0;
    let mut unicode = false;
    for c in text.chars() {
        let class = classify(c);
        gsm_units += if class == Class::Extension { 2 } else { 1 };
        // GC Notify counts code points here; UCS-2 on the wire needs a surrogate pair for
        // anything past U+FFFF (the Extended-A syllabics), so we count what is billed.
        utf16_units += c.len_utf16();
        unicode |= class == Class::Unicode;
    }
    if unicode {
        (SmsEncoding::Unicode, utf16_units)
    } else {
        (SmsEncoding::Gsm7, gsm_units)
    }
}

/// `^{}\[~]|` are 0x5B–0x5E and 0x7B–0x7E: one range once bit 5 is cleared. Branch-free, so
/// the count over a message compiles to vector instructions.
fn is_ascii_extension(byte: u8) -> bool {
    (byte & !0x20).wrapping_sub(0x5B) < 4
}
