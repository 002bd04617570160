//! Dates on the wire: GC Notify prints `YYYY-MM-DDTHH:MM:SS.ffffffZ` and reads ISO 8601.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Formats a UTC timestamp with microseconds and a literal `Z`.
pub fn format(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    utc.format(&fmt).unwrap_or_default()
}

/// Parses the ISO 8601 forms clients send for `scheduled_for`: a date, a date and time with
/// `T` or a space, optional seconds and fraction, and `Z`, an offset, or nothing (UTC).
pub(crate) fn parse_iso8601(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at.to_offset(UtcOffset::UTC));
    }
    let (date_part, rest) = text.split_at(text.find(['T', 't', ' ']).unwrap_or(text.len()));
    let date = Date::parse(date_part, format_description!("[year]-[month]-[day]")).ok()?;
    let rest = rest.get(1..).unwrap_or("");
    if rest.is_empty() {
        return Some(PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc());
    }
    let (clock, offset) = split_offset(rest)?;
    let time = parse_time(clock)?;
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_offset(offset)
            .to_offset(UtcOffset::UTC),
    )
}

fn split_offset(rest: &str) -> Option<(&str, UtcOffset)> {
    if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
        return Some((clock, UtcOffset::UTC));
    }
    match rest.rfind(['+', '-']) {
        Some(at) => {
            let (clock, offset) = rest.split_at(at);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let digits: String = offset[1..].chars().filter(char::is_ascii_digit).collect();
            let (hours, minutes) = match digits.len() {
                2 => (digits.parse::<i8>().ok()?, 0),
                4 => (
                    digits[..2].parse::<i8>().ok()?,
                    digits[2..].parse::<i8>().ok()?,
                ),
                _ => return None,
            };
            Some((
                clock,
                UtcOffset::from_hms(sign * hours, sign * minutes, 0).ok()?,
            ))
        }
        None => Some((rest, UtcOffset::UTC)),
    }
}

fn parse_time(clock: &str) -> Option<Time> {
    let (main, fraction) = clock.split_once(['.', ',']).unwrap_or((clock, ""));
    let parts: Vec<&str> = main.split(':').collect();
    let number = |s: &str| s.parse::<u8>().ok().filter(|_| s.len() == 2);
    let (hour, minute, second) = match parts.as_slice() {
        [h, m] => (number(h)?, number(m)?, 0),
        [h, m, s] => (number(h)?, number(m)?, number(s)?),
        _ => return None,
    };
    let micros = if fraction.is_empty() {
        0
    } else {
        if !fraction.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let padded: String = fraction
            .chars()
            .chain(std::iter::repeat('0'))
            .take(6)
            .collect();
        padded.parse::<u32>().ok()?
    };
    Time::from_hms_micro(hour, minute, second, micros).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_with_microseconds_and_z() {
        assert_eq!(
            format(datetime!(2026-11-22 05:30:01.5 UTC)),
            "2026-11-22T05:30:01.500000Z"
        );
    }

    #[test]
    fn parses_what_clients_send() {
        let expected = datetime!(2026-11-23 15:00 UTC);
        for text in [
            "2026-11-23T15:00:00Z",
            "2026-11-23T15:00:00",
            "2026-11-23 15:00",
            "2026-11-23T10:00:00-05:00",
            "2026-11-23T10:00-0500",
            "2026-11-23T15:00:00.000000Z",
        ] {
            assert_eq!(parse_iso8601(text), Some(expected), "{text}");
        }
        assert_eq!(
            parse_iso8601("2026-11-23"),
            Some(datetime!(2026-11-23 0:00 UTC))
        );
        for bad in [
            "tomorrow",
            "2026-13-01",
            "2026-11-23T25:00",
            "",
            "2026-11-23T10:00+5",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
