//! The time zone a viewer sees times in: an IANA name from the list, with its rules (from the
//! tz database built into the binary, so a machine without `/usr/share/zoneinfo` shows the same).

use super::time_zone_list::TIME_ZONES;

/// An IANA time zone times are shown in (`UTC` by default).
#[derive(Debug, Clone)]
pub struct Zone {
    name: &'static str,
    rules: jiff::tz::TimeZone,
}

impl Zone {
    /// A zone from the list whose rules the built-in tz database holds.
    pub fn parse(input: &str) -> Result<Zone, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Choose a time zone.".into());
        }
        let unknown = || format!("“{t}” is not a time zone from the list (e.g. Europe/Paris).");
        let name = TIME_ZONES.iter().find(|z| **z == t).ok_or_else(unknown)?;
        let rules = jiff::tz::TimeZone::get(name).map_err(|_| unknown())?;
        Ok(Zone { name, rules })
    }

    /// Coordinated Universal Time, the zone when nothing else is set.
    pub fn utc() -> Zone {
        Zone {
            name: "UTC",
            rules: jiff::tz::TimeZone::UTC,
        }
    }

    /// The IANA name, as stored and as the pages name it.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The rules that turn a UTC instant into the local time.
    pub fn rules(&self) -> &jiff::tz::TimeZone {
        &self.rules
    }

    /// `ts` (UTC seconds) as `YYYY-MM-DD HH:MM` in this zone.
    pub fn time(&self, ts: i64) -> String {
        crate::format::format_time(ts, &self.rules)
    }

    /// `ts` (UTC seconds) as `YYYY-MM-DD` in this zone.
    pub fn date(&self, ts: i64) -> String {
        crate::format::format_date(ts, &self.rules)
    }

    /// The first instant (UTC seconds) of the day `year-month-day` here, if it is a date.
    pub fn day_start(&self, year: i32, month: u8, day: u8) -> Option<i64> {
        crate::format::day_start(year, month, day, &self.rules)
    }

    /// `ts` (UTC seconds) as the seconds of the local wall-clock time counted from 1970-01-01
    /// 00:00 (what a spreadsheet's date cell holds).
    pub fn local_seconds(&self, ts: i64) -> i64 {
        crate::format::local_seconds(ts, &self.rules)
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}
impl Eq for Zone {}

impl std::fmt::Display for Zone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-15 12:00 UTC (winter) and 2026-07-15 12:00 UTC (summer).
    const WINTER: i64 = 1_768_478_400;
    const SUMMER: i64 = 1_784_116_800;

    #[test]
    fn names_from_the_list_parse_and_others_do_not() {
        assert_eq!(
            Zone::parse(" Europe/Paris ").unwrap().name(),
            "Europe/Paris"
        );
        assert_eq!(Zone::parse("UTC").unwrap(), Zone::utc());
        assert!(Zone::parse("Mars/Olympus").is_err());
        assert!(Zone::parse("europe/paris").is_err());
        assert!(Zone::parse("").is_err());
    }

    #[test]
    fn every_listed_zone_has_rules() {
        for name in TIME_ZONES {
            assert!(Zone::parse(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn summer_time_moves_the_clock() {
        let ny = Zone::parse("America/New_York").unwrap();
        assert_eq!(ny.time(WINTER), "2026-01-15 07:00");
        assert_eq!(ny.time(SUMMER), "2026-07-15 08:00");
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert_eq!(paris.time(WINTER), "2026-01-15 13:00");
        assert_eq!(paris.time(SUMMER), "2026-07-15 14:00");
        assert_eq!(Zone::utc().time(WINTER), "2026-01-15 12:00");
    }

    #[test]
    fn dates_and_spreadsheet_seconds_are_local() {
        let tokyo = Zone::parse("Asia/Tokyo").unwrap();
        // 2026-01-15 20:00 UTC is already the 16th in Tokyo.
        assert_eq!(tokyo.date(WINTER + 8 * 3600), "2026-01-16");
        assert_eq!(tokyo.local_seconds(0), 9 * 3600);
        assert_eq!(Zone::utc().local_seconds(WINTER), WINTER);
    }
}
