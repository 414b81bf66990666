//! Values of a customer's billing: the kinds of ledger entry, and one line of a CDR file as it
//! is read (account code, start in UTC, duration, numbers, cost) before anyone looks it up.

use super::choices::choice;
use super::money::{Amount, Unit};

choice!(
    /// What an entry of a customer's ledger is: money received, a credit given, or a debit
    /// charged by hand. Payments and credits raise the balance; debits lower it.
    PaymentKind, "Choose payment, credit or debit.", [
        Payment => "payment", "Payment";
        Credit => "credit", "Credit";
        Debit => "debit", "Debit";
    ]
);

impl PaymentKind {
    /// +1 when the entry raises the customer's balance, −1 when it lowers it.
    pub fn sign(self) -> i64 {
        match self {
            PaymentKind::Payment | PaymentKind::Credit => 1,
            PaymentKind::Debit => -1,
        }
    }
}

/// The longest telephone number a CDR may carry.
const MAX_NUMBER: usize = 32;
/// How many digits of the called number name its destination in the call analysis.
pub const PREFIX_DIGITS: usize = 3;

/// A calling or called number: digits, optionally after one `+`.
pub fn cdr_number(input: &str, what: &str) -> Result<String, String> {
    let t = input.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() || digits.len() > MAX_NUMBER || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!(
            "The {what} number must be 1–{MAX_NUMBER} digits (a leading + allowed)."
        ));
    }
    Ok(t.to_string())
}

/// The destination of a called number: its first three digits after `+` or `00`.
pub fn dest_prefix(called: &str) -> String {
    let digits = called.strip_prefix('+').unwrap_or(called);
    let digits = digits.strip_prefix("00").unwrap_or(digits);
    digits.chars().take(PREFIX_DIGITS).collect()
}

/// A start time: `YYYY-MM-DD HH:MM:SS` (UTC) or RFC 3339 with its offset; UTC seconds.
pub fn cdr_time(input: &str) -> Result<i64, String> {
    let t = input.trim();
    let bad = || {
        "The start must be YYYY-MM-DD HH:MM:SS (UTC) or RFC 3339 (2026-01-31T08:00:00+01:00)."
            .to_string()
    };
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts.as_second());
    }
    if t.len() != 19 {
        return Err(bad());
    }
    let dt: jiff::civil::DateTime = t.parse().map_err(|_| bad())?;
    jiff::tz::TimeZone::UTC
        .to_timestamp(dt)
        .map(|ts| ts.as_second())
        .map_err(|_| bad())
}

/// A `YYYY-MM-DD` date as (year, month, day).
pub fn civil_date(input: &str) -> Result<(i32, u8, u8), String> {
    let t = input.trim();
    let bad = || "Enter a date as YYYY-MM-DD.".to_string();
    if t.len() != 10 {
        return Err(bad());
    }
    let d: jiff::civil::Date = t.parse().map_err(|_| bad())?;
    if d.year() < 1970 || d.year() > 9000 {
        return Err(bad());
    }
    Ok((d.year() as i32, d.month() as u8, d.day() as u8))
}

/// The first instant (UTC seconds) of the `YYYY-MM-DD` day in `zone`.
pub fn civil_date_in(input: &str, zone: &super::Zone) -> Result<i64, String> {
    let (y, m, d) = civil_date(input)?;
    zone.day_start(y, m, d)
        .ok_or_else(|| "Enter a date as YYYY-MM-DD.".to_string())
}

/// The day after `(y, m, d)`.
pub fn next_day((y, m, d): (i32, u8, u8)) -> (i32, u8, u8) {
    match jiff::civil::date(y as i16, m as i8, d as i8).tomorrow() {
        Ok(n) => (n.year() as i32, n.month() as u8, n.day() as u8),
        Err(_) => (y, m, d),
    }
}

/// A CDR's cost as it came: minor units (the API), or typed as a decimal in the customer's
/// currency (a CSV file), read once the account code says how many decimals it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CdrCost {
    Minor(i64),
    Typed(String),
}

/// The fields of one CDR, checked as far as they can be before the account code is looked up.
#[derive(Debug, Clone)]
pub struct CdrFields {
    pub account_code: String,
    pub started_at: i64,
    pub duration_s: i64,
    pub calling: String,
    pub called: String,
    pub cost: CdrCost,
}

/// Reads one record of `account_code, started_at, duration_s, calling, called, cost`; the
/// first mistake found is the message.
pub fn cdr_fields(record: &[&str]) -> Result<CdrFields, String> {
    if record.len() != 6 {
        return Err(format!(
            "Expected 6 columns (account_code, started_at, duration_s, calling, called, cost), found {}.",
            record.len()
        ));
    }
    let duration_s: i64 = record[2]
        .trim()
        .parse()
        .map_err(|_| "The duration must be whole seconds.".to_string())?;
    cdr_parts(
        record[0],
        record[1],
        duration_s,
        (record[3], record[4]),
        CdrCost::Typed(record[5].trim().to_string()),
    )
}

/// The fields of one CDR from their parts (a CSV record's or a JSON object's); the first
/// mistake found is the message.
pub fn cdr_parts(
    account_code: &str,
    started_at: &str,
    duration_s: i64,
    (calling, called): (&str, &str),
    cost: CdrCost,
) -> Result<CdrFields, String> {
    let account_code = account_code.trim();
    if account_code.is_empty() || account_code.len() > 40 {
        return Err("The account code is missing.".into());
    }
    let started_at = cdr_time(started_at)?;
    if duration_s < 0 {
        return Err("The duration cannot be negative.".into());
    }
    if duration_s > 7 * 24 * 3600 {
        return Err("The duration is longer than a week.".into());
    }
    Ok(CdrFields {
        account_code: account_code.to_string(),
        started_at,
        duration_s,
        calling: cdr_number(calling, "calling")?,
        called: cdr_number(called, "called")?,
        cost,
    })
}

/// A CDR's cost as written in the file: an amount ≥ 0 with at most the customer's decimals.
pub fn cdr_cost(input: &str, decimals: u32) -> Result<i64, String> {
    Amount::parse_non_negative(input, Unit::Cash, decimals)
        .map(Amount::minor)
        .map_err(|m| format!("Bad cost: {m}"))
}

impl CdrCost {
    /// Minor units of a currency with `decimals` decimals.
    pub fn minor(&self, decimals: u32) -> Result<i64, String> {
        match self {
            CdrCost::Minor(m) if *m < 0 => Err("Bad cost: the cost cannot be negative.".into()),
            CdrCost::Minor(m) => Ok(*m),
            CdrCost::Typed(t) => cdr_cost(t, decimals),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times_in_both_forms() {
        assert_eq!(cdr_time("1970-01-01 00:01:40"), Ok(100));
        assert_eq!(cdr_time("1970-01-01T01:01:40+01:00"), Ok(100));
        assert_eq!(cdr_time("1970-01-01T00:01:40Z"), Ok(100));
        for bad in [
            "",
            "yesterday",
            "2026-02-30 10:00:00",
            "2026-01-01",
            "2026-01-01 10:00",
        ] {
            assert!(cdr_time(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn records_are_checked_field_by_field() {
        let ok = cdr_fields(&[
            "AC1",
            "2026-01-01 10:00:00",
            "61",
            "+4930",
            "0044207",
            "0.25",
        ]);
        let ok = ok.unwrap();
        assert_eq!(
            (ok.duration_s, ok.cost),
            (61, CdrCost::Typed("0.25".into()))
        );
        assert!(cdr_fields(&["AC1", "2026-01-01 10:00:00", "-1", "1", "2", "0"]).is_err());
        assert!(cdr_fields(&["AC1", "2026-01-01 10:00:00", "1", "1a", "2", "0"]).is_err());
        assert!(cdr_fields(&["AC1", "2026-01-01"]).is_err());
        assert_eq!(cdr_cost("0.125", 3), Ok(125));
        assert!(cdr_cost("0.125", 2).is_err());
        assert!(cdr_cost("-1", 2).is_err());
        assert_eq!(dest_prefix("+4930123"), "493");
        assert_eq!(dest_prefix("0044207"), "442");
        assert_eq!(dest_prefix("12"), "12");
    }

    #[test]
    fn dates_and_kinds() {
        assert_eq!(civil_date("2026-02-28"), Ok((2026, 2, 28)));
        assert!(civil_date("2026-02-30").is_err());
        assert_eq!(next_day((2026, 2, 28)), (2026, 3, 1));
        assert_eq!(PaymentKind::Debit.sign(), -1);
        assert_eq!(PaymentKind::parse("credit"), Ok(PaymentKind::Credit));
    }
}
