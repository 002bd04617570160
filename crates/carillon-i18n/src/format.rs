//! Numbers, dates and times as each language writes them.
//!
//! French thousands are separated by U+00A0 (no-break space), as CLDR's `fr-CA` does
//! (`1 234`); English by a comma (`1,234`). Dates and times are shown in a stated zone,
//! [`DisplayZone`]: today America/Toronto, the only one; a setting may choose another later.

use carillon_domain::Language;
use time::macros::time;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// The French thousands separator: U+00A0 NO-BREAK SPACE (CLDR `fr-CA`).
const FRENCH_GROUP: char = '\u{a0}';

/// `1,234` or `1 234` (with U+00A0).
#[must_use]
pub fn format_number(language: Language, number: i64) -> String {
    let separator = match language {
        Language::English => ',',
        Language::French => FRENCH_GROUP,
    };
    let digits = number.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if number < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// The time zone dates and times are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DisplayZone {
    /// America/Toronto (Eastern time) with the daylight-saving rules in force since 2007:
    /// UTC−4 from the second Sunday of March at 2:00 to the first Sunday of November at 2:00,
    /// UTC−5 otherwise. Written out here rather than read from a time zone database so the
    /// binary needs none.
    #[default]
    Toronto,
}

impl DisplayZone {
    /// The zone's IANA name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            DisplayZone::Toronto => "America/Toronto",
        }
    }

    /// `at` as a wall-clock time in this zone.
    #[must_use]
    pub fn local(self, at: OffsetDateTime) -> PrimitiveDateTime {
        let at = at.to_offset(UtcOffset::UTC);
        let year = at.year();
        // 2:00 EST = 7:00 UTC; 2:00 EDT = 6:00 UTC.
        let starts = nth_sunday(year, Month::March, 2).with_time(time!(7:00));
        let ends = nth_sunday(year, Month::November, 1).with_time(time!(6:00));
        let utc = PrimitiveDateTime::new(at.date(), at.time());
        let hours = if utc >= starts && utc < ends { 4 } else { 5 };
        utc - time::Duration::hours(hours)
    }
}

/// The `n`th Sunday (1-based) of a month.
fn nth_sunday(year: i32, month: Month, n: u8) -> Date {
    let first = Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
    let offset = (7 - first.weekday().number_days_from_sunday()) % 7;
    first + time::Duration::days(i64::from(offset) + 7 * i64::from(n - 1))
}

const ENGLISH_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// The Office québécois de la langue française's abbreviations; short months keep their name.
const FRENCH_MONTHS: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];

/// `Dec 3, 2026` or `3 déc. 2026`, in `zone`.
#[must_use]
pub fn format_date(language: Language, zone: DisplayZone, at: OffsetDateTime) -> String {
    let local = zone.local(at);
    let month = usize::from(u8::from(local.month())) - 1;
    match language {
        Language::English => format!(
            "{} {}, {}",
            ENGLISH_MONTHS[month],
            local.day(),
            local.year()
        ),
        Language::French => format!("{} {} {}", local.day(), FRENCH_MONTHS[month], local.year()),
    }
}

const ENGLISH_MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const FRENCH_MONTH_NAMES: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A month and its year, for a usage table: `April 2026` or `avril 2026`.
#[must_use]
pub fn format_month(language: Language, day: Date) -> String {
    let month = usize::from(u8::from(day.month())) - 1;
    match language {
        Language::English => format!("{} {}", ENGLISH_MONTH_NAMES[month], day.year()),
        Language::French => format!("{} {}", FRENCH_MONTH_NAMES[month], day.year()),
    }
}

/// A calendar day without its year, for a chart's axis: `Dec 3` or `3 déc.`.
#[must_use]
pub fn format_day_month(language: Language, day: Date) -> String {
    let month = usize::from(u8::from(day.month())) - 1;
    match language {
        Language::English => format!("{} {}", ENGLISH_MONTHS[month], day.day()),
        Language::French => format!("{} {}", day.day(), FRENCH_MONTHS[month]),
    }
}

/// A calendar day (a UTC day of the statistics, say): `Dec 3, 2026` or `3 déc. 2026`.
#[must_use]
pub fn format_day(language: Language, day: Date) -> String {
    let month = usize::from(u8::from(day.month())) - 1;
    match language {
        Language::English => format!("{} {}, {}", ENGLISH_MONTHS[month], day.day(), day.year()),
        Language::French => format!("{} {} {}", day.day(), FRENCH_MONTHS[month], day.year()),
    }
}

/// `7:00 p.m.` or `19 h 00`, in `zone` (the Canadian Press style and the OQLF's).
#[must_use]
pub fn format_time(language: Language, zone: DisplayZone, at: OffsetDateTime) -> String {
    let local = zone.local(at);
    let (hour, minute) = (local.hour(), local.minute());
    match language {
        Language::English => {
            let suffix = if hour < 12 { "a.m." } else { "p.m." };
            let twelve = match hour % 12 {
                0 => 12,
                h => h,
            };
            format!("{twelve}:{minute:02} {suffix}")
        }
        Language::French => format!("{hour} h {minute:02}"),
    }
}

/// The date and the time, as [`format_date`] and [`format_time`] write them, joined by a
/// comma: `Dec 3, 2026, 7:00 p.m.` or `3 déc. 2026, 19 h 00`.
#[must_use]
pub fn format_date_time(language: Language, zone: DisplayZone, at: OffsetDateTime) -> String {
    format!(
        "{}, {}",
        format_date(language, zone, at),
        format_time(language, zone, at)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn calendar_days_are_written_as_each_language_writes_them() {
        let day = time::macros::date!(2026 - 12 - 03);
        assert_eq!(format_day_month(Language::English, day), "Dec 3");
        assert_eq!(format_day_month(Language::French, day), "3 déc.");
        assert_eq!(format_day(Language::English, day), "Dec 3, 2026");
        assert_eq!(format_day(Language::French, day), "3 déc. 2026");
        let day = time::macros::date!(2027 - 01 - 31);
        assert_eq!(format_day_month(Language::French, day), "31 janv.");
        assert_eq!(format_month(Language::English, day), "January 2027");
        assert_eq!(format_month(Language::French, day), "janvier 2027");
    }

    #[test]
    fn numbers_group_by_thousands() {
        assert_eq!(format_number(Language::English, 1234), "1,234");
        assert_eq!(format_number(Language::French, 1234), "1\u{a0}234");
        assert_eq!(format_number(Language::English, 999), "999");
        assert_eq!(format_number(Language::English, 0), "0");
        assert_eq!(format_number(Language::English, -1_234_567), "-1,234,567");
        assert_eq!(format_number(Language::French, 250_000), "250\u{a0}000");
        assert_eq!(
            format_number(Language::English, i64::MIN),
            "-9,223,372,036,854,775,808"
        );
    }

    #[test]
    fn dates_and_times_follow_the_language() {
        let zone = DisplayZone::Toronto;
        // 00:00 UTC on Dec 4 is 7 p.m. on Dec 3 in Toronto (EST, UTC−5).
        let at = datetime!(2026-12-04 00:00 UTC);
        assert_eq!(format_date(Language::English, zone, at), "Dec 3, 2026");
        assert_eq!(format_date(Language::French, zone, at), "3 déc. 2026");
        assert_eq!(format_time(Language::English, zone, at), "7:00 p.m.");
        assert_eq!(format_time(Language::French, zone, at), "19 h 00");
        assert_eq!(
            format_date_time(Language::French, zone, at),
            "3 déc. 2026, 19 h 00"
        );
        let morning = datetime!(2026-05-01 04:05 UTC);
        assert_eq!(format_time(Language::English, zone, morning), "12:05 a.m.");
        assert_eq!(format_time(Language::French, zone, morning), "0 h 05");
        assert_eq!(format_date(Language::French, zone, morning), "1 mai 2026");
        let noon = datetime!(2026-07-01 16:00 UTC);
        assert_eq!(format_time(Language::English, zone, noon), "12:00 p.m.");
    }

    #[test]
    fn toronto_switches_at_the_2007_rules() {
        let zone = DisplayZone::Toronto;
        // 2026: DST from Sunday March 8, 07:00 UTC to Sunday November 1, 06:00 UTC.
        let hour = |at| zone.local(at).hour();
        assert_eq!(hour(datetime!(2026-03-08 06:59 UTC)), 1);
        assert_eq!(hour(datetime!(2026-03-08 07:00 UTC)), 3);
        assert_eq!(hour(datetime!(2026-11-01 05:59 UTC)), 1);
        assert_eq!(hour(datetime!(2026-11-01 06:00 UTC)), 1);
        assert_eq!(hour(datetime!(2026-11-01 07:00 UTC)), 2);
        // An offset input is read as the instant it names.
        assert_eq!(hour(datetime!(2026-01-15 12:00 +01:00)), 6);
        assert_eq!(zone.name(), "America/Toronto");
    }
}
