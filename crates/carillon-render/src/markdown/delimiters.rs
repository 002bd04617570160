//! Scanners for the delimiters of inline markdown: where emphasis closes, where a link's text
//! and target end, how a target splits into URL and title, and code spans. Pure functions over
//! text, so each rule of mistune 0.8 (GC Notify's parser) can be checked on its own.

/// Length of the inner text of `**inner**` (or `__inner__`): the first closing pair after at
/// least one character that is not followed by a third mark.
pub(super) fn find_double_close(body: &str, mark: char) -> Option<usize> {
    let mut chars = body.char_indices();
    chars.next()?;
    for (i, c) in chars {
        if c == mark && body[i + 1..].starts_with(mark) && !body[i + 2..].starts_with(mark) {
            return Some(i);
        }
    }
    None
}

/// Length of the inner text of `*inner*` (or `_inner_`): inner is made of pairs of marks and
/// other characters; the closing mark is not followed by another (nor, for `_`, by a word).
pub(super) fn find_single_close(
    body: &str,
    mark: char,
    word: impl Fn(char) -> bool,
) -> Option<usize> {
    let mut i = 0;
    let mut elements = 0;
    while i < body.len() {
        let rest = &body[i..];
        let c = rest.chars().next()?;
        if c == mark {
            let next = rest[1..].chars().next();
            let closes = if mark == '_' {
                !next.is_some_and(&word)
            } else {
                next != Some(mark)
            };
            if elements > 0 && closes && next != Some(mark) {
                return Some(i);
            }
            if next == Some(mark) {
                i += 2;
                elements += 1;
                continue;
            }
            return None;
        }
        i += c.len_utf8();
        elements += 1;
    }
    None
}

/// Index of the `]` closing the `[` at the start of `body`, allowing one level of nesting.
pub(super) fn matching_bracket(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in body.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            '\n' if depth > 2 => return None,
            _ => {}
        }
    }
    None
}

/// Index of the `)` ending a link target; parentheses inside a URL must balance
/// (`https://en.wikipedia.org/wiki/Tax_(disambiguation)`).
pub(super) fn closing_paren(target: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in target.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            '\n' => return None,
            _ => {}
        }
    }
    None
}

/// Splits `url "title"` or `url 'title'` as mistune 0.8 (GC Notify's parser) does: the URL is
/// the shortest prefix followed by whitespace and a quote, when the target also ends in a quote,
/// so a title may hold spaces and either quote (`"Government of Canada"`, `"it's"`). An empty
/// title is no title.
pub(super) fn split_title(target: &str) -> (&str, Option<&str>) {
    if !target.ends_with(['"', '\'']) {
        return (target, None);
    }
    let last = target.len() - 1;
    let mut search = 0;
    while let Some(offset) = target[search..].find(char::is_whitespace) {
        let space = search + offset;
        let after = target[space..].trim_start();
        let open = target.len() - after.len();
        if open < last && after.starts_with(['"', '\'']) {
            let title = &target[open + 1..last];
            return (&target[..space], (!title.is_empty()).then_some(title));
        }
        search = open;
    }
    (target, None)
}

/// A code span: returns its length and its (trimmed) content.
pub(super) fn code_span(rest: &str) -> Option<(usize, &str)> {
    let ticks = rest.bytes().take_while(|b| *b == b'`').count();
    let fence = &rest[..ticks];
    let body = &rest[ticks..];
    let mut from = 0;
    while let Some(found) = body[from..].find(fence) {
        let close = from + found;
        let run = body[close..].bytes().take_while(|b| *b == b'`').count();
        if run == ticks && close > 0 {
            return Some((ticks + close + ticks, body[..close].trim()));
        }
        from = close + run;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::inline::is_word;

    #[test]
    fn closing_delimiters() {
        assert_eq!(find_double_close("bold** x", '*'), Some(4));
        assert_eq!(find_double_close("*a***", '*'), Some(3));
        assert_eq!(find_double_close("**", '*'), None);
        assert_eq!(find_single_close("it* x", '*', is_word), Some(2));
        assert_eq!(find_single_close("a**b* x", '*', is_word), Some(4));
        assert_eq!(find_single_close("snake_case", '_', is_word), None);
        assert_eq!(find_single_close("it_ x", '_', is_word), Some(2));
    }

    #[test]
    fn titles_and_code() {
        assert_eq!(
            split_title("https://a.ca \"Home\""),
            ("https://a.ca", Some("Home"))
        );
        assert_eq!(split_title("https://a.ca"), ("https://a.ca", None));
        assert_eq!(
            split_title("https://www.canada.ca \"Government of Canada\""),
            ("https://www.canada.ca", Some("Government of Canada"))
        );
        assert_eq!(
            split_title("https://a.ca 'it\"s here'"),
            ("https://a.ca", Some("it\"s here"))
        );
        assert_eq!(split_title("https://a.ca \"\""), ("https://a.ca", None));
        assert_eq!(split_title("https://a.ca/x\""), ("https://a.ca/x\"", None));
        assert_eq!(code_span("`a` b"), Some((3, "a")));
        assert_eq!(code_span("``a`b`` c"), Some((7, "a`b")));
        assert_eq!(code_span("`open"), None);
    }
}
