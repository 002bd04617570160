//! Markdown pipe tables, which GC Notify's renderer parses and then drops (its renderer draws
//! tables as nothing). Carillon drops them the same way rather than printing the pipes.
//!
//! The two forms follow mistune 0.8's grammar: a table whose lines start with `|`, and a
//! "no-pipe" table whose header merely contains one; either needs a delimiter row under its
//! header (`|---|:--|` or `--|--`). The rows are the lines after it that still hold a `|`.

/// Where the table starting at line `at` ends (the first line after it), if one starts there.
pub(super) fn table_end(lines: &[&str], at: usize) -> Option<usize> {
    let header = lines[at].trim_start_matches(' ');
    let delimiter = lines.get(at + 1)?.trim_start_matches(' ');
    let piped = header.len() > 1 && header.starts_with('|') && piped_delimiter(delimiter);
    let bare = header.starts_with(|c: char| !c.is_whitespace())
        && header.contains('|')
        && bare_delimiter(delimiter);
    if !piped && !bare {
        return None;
    }
    let is_row = |line: &&&str| {
        if piped {
            line.trim_start_matches(' ').starts_with('|')
        } else {
            line.contains('|')
        }
    };
    let rows = lines[at + 2..].iter().take_while(is_row).count();
    Some(at + 2 + rows)
}

/// Whether a line holds only the characters of a delimiter row.
fn only_delimiters(text: &str) -> bool {
    text.chars().all(|c| matches!(c, '-' | '|' | ' ' | ':'))
}

/// `|` then at least one `-` or `:` (after spaces), then delimiter characters.
fn piped_delimiter(line: &str) -> bool {
    line.strip_prefix('|')
        .map(|rest| rest.trim_start_matches(' '))
        .is_some_and(|rest| rest.starts_with(['-', ':']) && only_delimiters(rest))
}

/// At least one `-` or `:`, spaces, a `|`, then delimiter characters.
fn bare_delimiter(line: &str) -> bool {
    let marks = line.len() - line.trim_start_matches(['-', ':']).len();
    let rest = line[marks..].trim_start_matches(' ');
    marks > 0 && rest.starts_with('|') && only_delimiters(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(text: &str) -> Option<usize> {
        table_end(&text.split('\n').collect::<Vec<_>>(), 0)
    }

    #[test]
    fn piped_tables() {
        assert_eq!(end("| a | b |\n|---|---|\n| 1 | 2 |\nafter"), Some(3));
        assert_eq!(end("|a|b\n|:-|-:\n"), Some(2));
        assert_eq!(end("  | a |\n  | --- |\n  | 1 |\n| 2 |\n3"), Some(4));
        assert_eq!(end("| a | b |\n| 1 | 2 |"), None, "no delimiter row");
        assert_eq!(end("| a |\n|x--|"), None);
        assert_eq!(end("|\n|---|"), None, "an empty header");
    }

    #[test]
    fn tables_without_outer_pipes() {
        assert_eq!(end("x | y\n--|--\n1 | 2\n3 | 4\nend"), Some(4));
        assert_eq!(end("x | y\n:-- | --:\n"), Some(2));
        assert_eq!(
            end("x | y\n| --\n"),
            None,
            "the delimiter starts with a mark"
        );
        assert_eq!(end(" x y\n---\n"), None, "no pipe: a setext heading");
        assert_eq!(end("x | y\n-- x |\n"), None);
    }

    #[test]
    fn single_lines_are_not_tables() {
        assert_eq!(end("a | b"), None);
        assert_eq!(end("---|---"), None);
    }
}
