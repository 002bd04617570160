//! A spreadsheet cell as the text a person typed: numbers without a needless `.0`, and dates,
//! times and durations as readable text rather than the serial numbers workbooks store.
//!
//! Dates become `YYYY-MM-DD`, with ` HH:MM` when there is a time of day; a time alone becomes
//! `HH:MM`; a duration becomes hours and minutes (`36:30`). Seconds are added (`:SS`) only when
//! there are some, so what a person typed as "14:30" stays "14:30".

use calamine::{Data, ExcelDateTime};

/// The text of one cell.
pub(crate) fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::DateTime(value) => excel_date_time(value),
        Data::DateTimeIso(text) => iso_date_time(text).unwrap_or_else(|| text.clone()),
        Data::DurationIso(text) => iso_duration(text).unwrap_or_else(|| text.clone()),
        // `Display` for floats drops a zero fraction, which is what a phone number wants.
        other => other.to_string(),
    }
}

/// `HH:MM`, or `HH:MM:SS` when there are seconds.
fn clock(hours: u64, minutes: u64, seconds: u64) -> String {
    if seconds == 0 {
        format!("{hours:02}:{minutes:02}")
    } else {
        format!("{hours:02}:{minutes:02}:{seconds:02}")
    }
}

/// A duration of `seconds`, in hours (any number of them), minutes and maybe seconds.
fn duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let seconds = seconds.unsigned_abs();
    format!(
        "{sign}{}",
        clock(seconds / 3600, seconds / 60 % 60, seconds % 60)
    )
}

/// An Excel serial date (days since the workbook's epoch, the time of day as the fraction).
fn excel_date_time(value: &ExcelDateTime) -> String {
    let serial = value.as_f64();
    if !serial.is_finite() {
        return serial.to_string();
    }
    if value.is_duration() {
        // Whole seconds: Excel keeps milliseconds, nobody types them in a bulk file.
        return duration((serial * 86_400.0).round() as i64);
    }
    let (year, month, day, hour, minute, second, _) = value.to_ymd_hms_milli();
    let time = clock(u64::from(hour), u64::from(minute), u64::from(second));
    if (0.0..1.0).contains(&serial) {
        // A time of day typed alone is a fraction of day 0 (which Excel shows as 1900-01-00;
        // in a 1904 workbook day 0 is a real date, but nobody's bulk file holds it).
        time
    } else if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {time}")
    }
}

/// An OpenDocument date (`2026-11-22` or `2026-11-22T14:30:00`, maybe with a fraction of a
/// second or a zone, which are dropped) in the same form as Excel's.
fn iso_date_time(text: &str) -> Option<String> {
    let (date, time) = match text.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let valid_date = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !valid_date {
        return None;
    }
    let Some(time) = time else {
        return Some(date.to_owned());
    };
    let number = |part: Option<&str>| -> Option<u64> {
        let part = part?.get(..2)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let mut parts = time.split(':');
    let (hour, minute) = (number(parts.next())?, number(parts.next())?);
    let second = number(parts.next()).unwrap_or(0);
    Some(if (hour, minute, second) == (0, 0, 0) {
        date.to_owned()
    } else {
        format!("{date} {}", clock(hour, minute, second))
    })
}

/// An OpenDocument time or duration (`PT14H30M00S`, `-P1DT2H`), in whole seconds.
fn iso_duration(text: &str) -> Option<String> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut rest = text.strip_prefix('P')?;
    let mut seconds = 0.0_f64;
    let mut in_time = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('T') {
            in_time = true;
            rest = after;
            continue;
        }
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let amount: f64 = rest[..end].parse().ok()?;
        let unit = match (rest[end..].chars().next()?, in_time) {
            ('D', false) => 86_400.0,
            ('H', true) => 3_600.0,
            ('M', true) => 60.0,
            ('S', true) => 1.0,
            _ => return None,
        };
        seconds += amount * unit;
        rest = &rest[end + 1..];
    }
    if !seconds.is_finite() || seconds > 1e15 {
        return None;
    }
    let seconds = seconds.round() as i64;
    Some(duration(if negative { -seconds } else { seconds }))
}

#[cfg(test)]
mod tests {
    use calamine::ExcelDateTimeType;

    use super::*;

    fn excel(serial: f64, kind: ExcelDateTimeType, is_1904: bool) -> String {
        text(&Data::DateTime(ExcelDateTime::new(serial, kind, is_1904)))
    }

    #[test]
    fn excel_serials_become_dates_and_times() {
        let date = ExcelDateTimeType::DateTime;
        assert_eq!(excel(46348.0, date, false), "2026-11-22");
        assert_eq!(
            excel(46348.0 + 14.5 / 24.0, date, false),
            "2026-11-22 14:30"
        );
        assert_eq!(
            excel(46348.0 + (8.0 * 3600.0 + 15.0) / 86_400.0, date, false),
            "2026-11-22 08:00:15"
        );
        assert_eq!(excel(46348.0 - 1462.0, date, true), "2026-11-22");
        assert_eq!(excel(9.0 / 24.0 + 5.0 / 1440.0, date, false), "09:05");
        assert_eq!(excel(61.0, date, false), "1900-03-01");
    }

    #[test]
    fn excel_durations_count_hours() {
        let delta = ExcelDateTimeType::TimeDelta;
        assert_eq!(excel(1.5 + 0.5 / 24.0, delta, false), "36:30");
        assert_eq!(excel(45.0 / 1440.0, delta, false), "00:45");
        assert_eq!(excel(-1.0 / 24.0, delta, false), "-01:00");
    }

    #[test]
    fn opendocument_dates_and_durations() {
        let iso = |t: &str| text(&Data::DateTimeIso(t.to_owned()));
        assert_eq!(iso("2026-11-22"), "2026-11-22");
        assert_eq!(iso("2026-11-22T00:00:00"), "2026-11-22");
        assert_eq!(iso("2026-11-22T14:30:00.250"), "2026-11-22 14:30");
        assert_eq!(iso("2027-01-05T08:00:15"), "2027-01-05 08:00:15");
        assert_eq!(iso("not a date"), "not a date");
        let duration = |t: &str| text(&Data::DurationIso(t.to_owned()));
        assert_eq!(duration("PT09H05M00S"), "09:05");
        assert_eq!(duration("PT36H30M00S"), "36:30");
        assert_eq!(duration("P1DT2H0.5S"), "26:00:01");
        assert_eq!(duration("-PT1H"), "-01:00");
        assert_eq!(duration("PT1Y"), "PT1Y");
    }

    #[test]
    fn other_cells_read_as_typed() {
        assert_eq!(text(&Data::Float(6_135_550_123.0)), "6135550123");
        assert_eq!(text(&Data::Float(1.5)), "1.5");
        assert_eq!(text(&Data::Int(42)), "42");
        assert_eq!(text(&Data::Empty), "");
    }
}
