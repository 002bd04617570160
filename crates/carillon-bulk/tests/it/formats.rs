use carillon_bulk::{CellValue, Format, Problem};

use crate::{email_spec, run};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn spreadsheets_read_alike_in_every_format() {
    for name in ["rows.xlsx", "rows.xls", "rows.ods"] {
        let (report, rows) = run(&fixture(name), Format::Spreadsheet, email_spec(&["name"]));
        assert_eq!(report.rows, 3, "{name}");
        assert_eq!(rows.len(), 2, "{name}");
        assert_eq!(rows[1].reference, None, "{name}");
        assert_eq!(rows[0].to, "one@example.ca");
        assert_eq!(rows[0].number, 2);
        assert_eq!(rows[0].reference.as_deref(), Some("ref-1"));
        assert_eq!(
            rows[0].values,
            vec![("name".to_owned(), CellValue::Text("Zoë".to_owned()))],
            "{name}"
        );
        // Row 4 has a bad address and no name.
        let problems: Vec<(usize, Vec<String>)> = report
            .problems
            .iter()
            .map(|p| {
                (
                    p.row,
                    p.cells.iter().map(|c| c.problem.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(
            problems,
            vec![(
                4,
                vec!["Not a valid email address".to_owned(), "Missing".to_owned()]
            )],
            "{name}"
        );
    }
}

#[test]
fn numbers_in_spreadsheets_read_as_typed() {
    let (_, rows) = run(
        &fixture("rows.xlsx"),
        Format::Spreadsheet,
        email_spec(&["code"]),
    );
    let codes: Vec<&CellValue> = rows.iter().map(|r| &r.values[0].1).collect();
    assert_eq!(
        codes,
        vec![
            &CellValue::Text("6135550123".to_owned()),
            &CellValue::Text("42".to_owned())
        ]
    );
}

/// Date, time and duration cells give personalisation what the person typed, not Excel's
/// serial numbers (`make_fixtures.py` writes these workbooks).
#[test]
fn dates_in_spreadsheets_read_as_dates() {
    for name in ["dates.xlsx", "dates-1904.xlsx", "dates.xls", "dates.ods"] {
        let (report, rows) = run(
            &fixture(name),
            Format::Spreadsheet,
            email_spec(&["date", "when", "time", "duration"]),
        );
        assert!(report.is_sendable(), "{name}: {report}");
        let values: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                row.values
                    .iter()
                    .map(|(_, value)| match value {
                        CellValue::Text(text) => text.clone(),
                        CellValue::List(items) => items.join("|"),
                    })
                    .collect()
            })
            .collect();
        assert_eq!(
            values,
            vec![
                vec!["2026-11-22", "2026-11-22 14:30", "09:05", "36:30"],
                vec!["2027-01-05", "2027-01-05 08:00:15", "23:59:30", "00:45"],
            ],
            "{name}"
        );
    }
}

#[test]
fn csv_tsv_bom_and_windows_1252_give_the_same_rows() {
    let utf8 = "email address,name\none@example.ca,Zoë\n";
    let (_, plain) = run(utf8.as_bytes(), Format::Csv, email_spec(&["name"]));
    let bom = format!("\u{FEFF}{utf8}");
    let (_, with_bom) = run(bom.as_bytes(), Format::Csv, email_spec(&["name"]));
    let (_, cp1252) = run(
        b"email address,name\r\none@example.ca,Zo\xEB\r\n",
        Format::Csv,
        email_spec(&["name"]),
    );
    let (_, tsv) = run(
        "email address\tname\none@example.ca\tZoë\n".as_bytes(),
        Format::Tsv,
        email_spec(&["name"]),
    );
    assert_eq!(plain.len(), 1);
    assert_eq!(plain, with_bom);
    assert_eq!(plain, cp1252);
    assert_eq!(plain, tsv);
}

#[test]
fn a_missing_cell_is_reported_on_its_column() {
    let (report, _) = run(
        b"email address,name\none@example.ca\n",
        Format::Csv,
        email_spec(&["name"]),
    );
    assert_eq!(report.problems[0].cells[0].column, "name");
    assert_eq!(report.problems[0].cells[0].problem, Problem::Missing);
}
