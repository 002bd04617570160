use carillon_bulk::{Format, Options, check, read_rows};
use proptest::prelude::*;

use crate::{email_spec, run};

fn quote(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

proptest! {
    #[test]
    fn any_bytes_give_a_report_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        carillon_bulk::fuzzing::text(&bytes);
        carillon_bulk::fuzzing::spreadsheet(&bytes);
        carillon_bulk::fuzzing::framed(&bytes);
    }

    #[test]
    fn generated_csvs_round_trip(
        names in proptest::collection::vec("[^\u{0}]{0,12}", 1..20),
        crlf in any::<bool>(),
    ) {
        let newline = if crlf { "\r\n" } else { "\n" };
        let mut file = format!("email address,name{newline}");
        for (i, name) in names.iter().enumerate() {
            file.push_str(&format!("p{i}@example.ca,{}{newline}", quote(name)));
        }
        let report = check(
            read_rows(file.as_bytes(), Format::Csv).unwrap(),
            email_spec(&["name"]),
            Options::default(),
            |_| {},
        ).unwrap();
        let (_, rows) = run(file.as_bytes(), Format::Csv, email_spec(&["name"]));
        // Every row is read back; the ones whose name trims to nothing are reported missing.
        prop_assert_eq!(report.rows, names.len());
        let blank = names.iter().filter(|n| carillon_bulk_clean(n).is_empty()).count();
        prop_assert_eq!(report.rows_with_problems, blank);
        for row in &rows {
            let expected = carillon_bulk_clean(&names[row.number - 2]);
            prop_assert_eq!(&row.values[0].1, &carillon_bulk::CellValue::Text(expected));
        }
    }
}

/// The trimming rule, restated: obscure whitespace dropped, ASCII whitespace trimmed.
fn carillon_bulk_clean(cell: &str) -> String {
    let obscure = [
        '\u{180E}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}',
    ];
    cell.replace(obscure, "")
        .trim_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b')
        .to_owned()
}
