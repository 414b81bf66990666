//! How values are shown to people: times and dates, in the zone whose rules are given (the
//! viewer's: `domain::Zone` holds them). Times are stored as UTC seconds; only this module turns
//! them into wall-clock text. `changes` puts what an audit entry changed into words.

pub mod bandwidth;
pub mod changes;
pub mod chart;

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The wall-clock time of `ts` (UTC seconds) in `tz`, if `ts` is a representable instant.
fn local(ts: i64, tz: &TimeZone) -> Option<jiff::civil::DateTime> {
    Timestamp::from_second(ts).ok().map(|t| tz.to_datetime(t))
}

/// A whole number with thousands separators: `1234567` as `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A UTC timestamp as `YYYY-MM-DD HH:MM` in `tz` (daylight saving time included).
pub fn format_time(ts: i64, tz: &TimeZone) -> String {
    local(ts, tz)
        .map(|d| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                d.hour(),
                d.minute()
            )
        })
        .unwrap_or_default()
}

/// A UTC timestamp as the date `YYYY-MM-DD` it falls on in `tz`.
pub fn format_date(ts: i64, tz: &TimeZone) -> String {
    local(ts, tz)
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        .unwrap_or_default()
}

/// A UTC timestamp as the seconds of its wall-clock time in `tz` counted from 1970-01-01 00:00,
/// for spreadsheet date cells (which hold a local time without a zone).
pub fn local_seconds(ts: i64, tz: &TimeZone) -> i64 {
    Timestamp::from_second(ts)
        .map(|t| ts + i64::from(tz.to_offset(t).seconds()))
        .unwrap_or(ts)
}

/// The first instant (UTC seconds) of the day `year-month-day` in `tz`, if it is a date.
pub fn day_start(year: i32, month: u8, day: u8, tz: &TimeZone) -> Option<i64> {
    let date = jiff::civil::Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()?;
    date.to_zoned_datetime(tz.clone())
        .ok()
        .map(|z| z.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(-12345), "-12,345");
    }

    #[test]
    fn times_show_in_the_given_zone() {
        assert_eq!(format_time(0, &TimeZone::UTC), "1970-01-01 00:00");
        assert_eq!(format_date(86400, &TimeZone::UTC), "1970-01-02");
        let oslo = TimeZone::get("Europe/Oslo").unwrap();
        assert_eq!(format_time(0, &oslo), "1970-01-01 01:00");
        assert_eq!(format_date(86400 - 1, &oslo), "1970-01-02");
        assert_eq!(local_seconds(0, &oslo), 3600);
        assert_eq!(day_start(1970, 1, 2, &TimeZone::UTC), Some(86400));
        assert_eq!(day_start(1970, 1, 2, &oslo), Some(86400 - 3600));
        assert_eq!(day_start(1970, 2, 30, &oslo), None);
    }
}
