//! A top-up rule's period (daily, weekly, monthly) and where the period holding a moment
//! starts (UTC): a rule credits a wallet at most once per period, keyed by that start.

use super::choices::choice;

choice!(
    /// How often a top-up rule credits its balance.
    TopupPeriod, "Choose daily, weekly or monthly.", [
        Daily => "daily", "Daily";
        Weekly => "weekly", "Weekly";
        Monthly => "monthly", "Monthly";
    ]
);

const DAY: i64 = 86_400;

impl TopupPeriod {
    /// The UTC second the period holding `now` starts: the day's midnight, the Monday's, or the
    /// first of the month's.
    pub fn start_of(self, now: i64) -> i64 {
        let days = now.div_euclid(DAY);
        match self {
            TopupPeriod::Daily => days * DAY,
            // 1970-01-01 was a Thursday: day 4 was a Monday.
            TopupPeriod::Weekly => (days - (days - 4).rem_euclid(7)) * DAY,
            TopupPeriod::Monthly => {
                let (y, m, _) = civil_from_days(days);
                days_from_civil(y, m, 1) * DAY
            }
        }
    }
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The day count since 1970-01-01 of a civil date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-26 (a Thursday) 23:30 UTC.
    const NOW: i64 = 1_795_735_800;

    #[test]
    fn periods_start_where_expected() {
        assert_eq!(civil_from_days(NOW / DAY), (2026, 11, 26));
        assert_eq!(
            TopupPeriod::Daily.start_of(NOW),
            days_from_civil(2026, 11, 26) * DAY
        );
        assert_eq!(
            TopupPeriod::Weekly.start_of(NOW),
            days_from_civil(2026, 11, 23) * DAY
        );
        assert_eq!(
            TopupPeriod::Monthly.start_of(NOW),
            days_from_civil(2026, 11, 1) * DAY
        );
        let monday = days_from_civil(2026, 11, 23) * DAY;
        assert_eq!(TopupPeriod::Weekly.start_of(monday), monday);
        assert_eq!(TopupPeriod::Weekly.start_of(monday - 1), monday - 7 * DAY);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }
}
