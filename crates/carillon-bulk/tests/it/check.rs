use carillon_bulk::{
    CellValue, Duplicate, FileError, Format, HeaderProblem, Options, Problem, TemplateSpec, check,
    read_rows,
};
use carillon_domain::NotificationType;

use crate::{email_spec, run};

#[test]
fn short_rows_are_padded_and_blank_rows_skipped() {
    let (report, rows) = run(
        b"email address,name,extra\n\none@example.ca,Al\n,,\ntwo@example.ca,Bo,x,y,z\n",
        Format::Csv,
        email_spec(&["name"]),
    );
    assert_eq!(report.rows, 2);
    assert!(report.is_sendable());
    assert_eq!(rows[1].to, "two@example.ca");
}

/// Blank lines are not rows to send, but they keep their place: a report's row numbers are
/// the ones a person sees when they open the file, and the API's indexes are GC Notify's.
#[test]
fn blank_lines_in_the_middle_keep_row_numbers() {
    let file = "email address,name\r\n\
                one@example.ca,Al\r\n\
                \r\n\
                \r\n\
                not-an-address,Bo\r\n\
                ,\r\n\
                two@example.ca,\r\n\
                one@example.ca,Cy\r\n";
    for (bytes, format) in [
        (file.to_owned(), Format::Csv),
        (file.replace(',', "\t"), Format::Tsv),
        (file.replace("\r\n", "\n"), Format::Csv),
    ] {
        let (report, rows) = run(bytes.as_bytes(), format, email_spec(&["name"]));
        assert_eq!(report.rows, 4, "{format:?}");
        let numbers: Vec<(usize, usize)> = rows.iter().map(|r| (r.number, r.index)).collect();
        assert_eq!(numbers, vec![(2, 0), (8, 6)], "{format:?}");
        let problems: Vec<(usize, usize)> =
            report.problems.iter().map(|p| (p.row, p.index)).collect();
        assert_eq!(problems, vec![(5, 3), (7, 5)], "{format:?}");
        assert_eq!(
            report.rows_message().unwrap(),
            "Some rows have errors. Row 3 - `email address`: invalid recipient. Row 5 - `name`: \
             Missing."
        );
        assert_eq!(
            report.duplicates,
            vec![Duplicate {
                row: 8,
                first_row: 2
            }],
            "{format:?}"
        );
        let human = report.to_string();
        assert!(human.contains("row 5, column \"email address\": Not a valid email address"));
        assert!(human.contains("row 7, column \"name\": Missing"));
        assert!(human.contains("row 8 repeats row 2"));
    }
}

#[test]
fn cells_are_trimmed_of_spaces_and_obscure_whitespace() {
    let (_, rows) = run(
        " email address , name\n  one@example.ca\u{200B} ,\u{FEFF} Al \n".as_bytes(),
        Format::Csv,
        email_spec(&["name"]),
    );
    assert_eq!(rows[0].to, "one@example.ca");
    assert_eq!(rows[0].values[0].1, CellValue::Text("Al".to_owned()));
}

#[test]
fn repeated_placeholder_columns_become_lists() {
    let (_, rows) = run(
        b"email address,item,Item,ITEM\none@example.ca,a,,b\ntwo@example.ca,,c,\n",
        Format::Csv,
        email_spec(&["item"]),
    );
    assert_eq!(
        rows[0].values[0].1,
        CellValue::List(vec!["a".to_owned(), "b".to_owned()])
    );
    assert_eq!(rows[1].values[0].1, CellValue::Text("c".to_owned()));
    assert_eq!(
        rows[0].personalisation_json()["item"],
        serde_json::json!(["a", "b"])
    );
}

#[test]
fn gc_notify_row_errors_message() {
    let mut file = String::from("name,email address\n");
    for i in 0..25 {
        file.push_str(&format!(",bad{i}\n"));
    }
    let (report, _) = run(file.as_bytes(), Format::Csv, email_spec(&["name"]));
    assert_eq!(report.rows_with_problems, 25);
    assert_eq!(report.problems.len(), 20);
    let message = report.rows_message().unwrap();
    assert!(message.starts_with(
        "Some rows have errors. Row 0 - `name`: Missing,`email address`: invalid recipient. \
         Row 1 - "
    ));
    assert!(message.ends_with("Row 19 - `name`: Missing,`email address`: invalid recipient."));
    let human = report.to_string();
    assert!(human.contains("row 2, column \"email address\": Not a valid email address"));
    assert!(human.contains("… and 5 more rows"));
}

#[test]
fn duplicates_are_reported_but_sendable() {
    let (report, rows) = run(
        b"phone number\n613-555-0123\n+1 613 555 0123\n+16132532222\n6132532222\n",
        Format::Csv,
        TemplateSpec {
            kind: NotificationType::Sms,
            placeholders: vec![],
            sms_content_chars: Some(10),
        },
    );
    assert_eq!(rows.len(), 4);
    assert_eq!(report.duplicate_rows, 1);
    assert_eq!(report.duplicates[0].row, 3);
    assert_eq!(report.duplicates[0].first_row, 2);
    assert!(report.is_sendable());
}

#[test]
fn sms_custom_content_too_long() {
    let long = "x".repeat(600);
    let file = format!("phone number,name\n6135550123,ok\n6135550124,{long}\n");
    let (report, _) = run(
        file.as_bytes(),
        Format::Csv,
        TemplateSpec {
            kind: NotificationType::Sms,
            placeholders: vec!["name".to_owned()],
            sms_content_chars: Some(20),
        },
    );
    assert_eq!(
        report.rows_message().unwrap(),
        "Some rows have errors. Row 1 - `name`: Maximum 612 characters. Some messages may be \
         too long due to custom content.."
    );
}

#[test]
fn header_problems_come_first() {
    let error = check(
        read_rows(b"name\nx\n", Format::Csv).unwrap(),
        email_spec(&["name", "date"]),
        Options::default(),
        |_| {},
    )
    .unwrap_err();
    assert_eq!(
        error,
        FileError::Header(HeaderProblem::Missing(vec![
            "date".to_owned(),
            "email address".to_owned()
        ]))
    );
    let empty = check(
        read_rows(b"", Format::Csv).unwrap(),
        email_spec(&[]),
        Options::default(),
        |_| {},
    )
    .unwrap_err();
    assert_eq!(empty.to_string(), "Missing column headers: email address");
}

#[test]
fn the_row_cap_counts_every_row() {
    let mut file = String::from("email address\n");
    for i in 0..12 {
        file.push_str(&format!("p{i}@example.ca\n"));
    }
    let report = check(
        read_rows(file.as_bytes(), Format::Csv).unwrap(),
        email_spec(&[]),
        Options {
            max_rows: 10,
            max_errors: 20,
        },
        |_| {},
    )
    .unwrap();
    assert_eq!(report.rows, 12);
    assert_eq!(
        report.too_many_rows_message().unwrap(),
        "Too many rows. Maximum number of rows allowed is 10"
    );
    assert!(!report.is_sendable());
}

/// A NUL (U+0000) cannot be stored by PostgreSQL: a cell that would be stored and holds one
/// is reported by row and column instead of any other problem, on every backend alike; a
/// NUL in a column nothing reads is left alone.
#[test]
fn nul_in_a_stored_cell_is_reported_by_row_and_column() {
    let file = "email address,name,reference,notes\n\
                a@example.ca,Ada,r1,x\0y\n\
                b\0@example.ca,Bo,r2,\n\
                c@example.ca,C\0y,,\n\
                d@example.ca,Di,r\0,\n\
                e@example.ca,\0,,\n";
    let (report, rows) = run(file.as_bytes(), Format::Csv, email_spec(&["name"]));
    assert_eq!(
        rows.len(),
        1,
        "only the row whose NUL nobody reads is sendable"
    );
    assert_eq!(rows[0].to, "a@example.ca");
    let found: Vec<(usize, String, Problem)> = report
        .problems
        .iter()
        .flat_map(|row| {
            row.cells
                .iter()
                .map(move |cell| (row.row, cell.column.clone(), cell.problem.clone()))
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (3, "email address".to_owned(), Problem::Unstorable),
            (4, "name".to_owned(), Problem::Unstorable),
            (5, "reference".to_owned(), Problem::Unstorable),
            (6, "name".to_owned(), Problem::Unstorable),
        ]
    );
    let human = report.to_string();
    assert!(
        human.contains(
            "row 3, column \"email address\": Contains a character that cannot be stored (U+0000)"
        ),
        "{human}"
    );
    assert!(
        report.rows_message().unwrap().contains(
            "Row 1 - `email address`: Contains a character that cannot be stored (U+0000)."
        ),
        "{}",
        report.rows_message().unwrap()
    );
}
