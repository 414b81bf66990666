//! The one money type: an exact amount of a balance's unit — minor units of a currency, whole
//! seconds, or whole units — kept as an integer, parsed from what people type and shown back the
//! same way. Never a float.

use super::choices::choice;

choice!(
    /// What a balance counts: money of the wallet currency, call time, or units.
    Unit, "Choose cash, time or units.", [
        Cash => "cash", "Cash";
        Time => "time", "Time";
        Units => "units", "Units";
    ]
);

/// The largest amount, either way, in minor units / seconds / units: 10^15.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// An exact amount in minor units (cash), seconds (time) or units, within ±10^15.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Amount(i64);

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// An amount read from the database or computed from amounts (already whole minor units).
    pub fn from_minor(minor: i64) -> Amount {
        Amount(minor)
    }

    pub fn minor(self) -> i64 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The sum, when it stays within ±10^15.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0
            .checked_add(other.0)
            .filter(|v| v.abs() <= MAX_MINOR)
            .map(Amount)
    }

    /// What a person typed, in `unit` (cash with the currency's `decimals`): `12.50`, `-3`,
    /// `1,000.25` (commas only between groups of three digits). Time is whole seconds.
    pub fn parse(input: &str, unit: Unit, decimals: u32) -> Result<Amount, String> {
        let decimals = match unit {
            Unit::Cash => decimals.min(6),
            Unit::Time | Unit::Units => 0,
        };
        let t: String = input.trim().chars().filter(|c| *c != ' ').collect();
        if t.is_empty() {
            return Err("Enter an amount.".into());
        }
        let (negative, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(&t)),
        };
        let (whole, frac) = body.split_once('.').unwrap_or((body, ""));
        let whole = ungroup(whole).ok_or_else(|| example(unit))?;
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if !digits(&whole) || !digits(frac) || (whole.is_empty() && frac.is_empty()) {
            return Err(example(unit));
        }
        if frac.len() > decimals as usize {
            return Err(match (unit, decimals) {
                (Unit::Time, _) => "Enter whole seconds.".to_string(),
                (Unit::Units, _) => "Enter a whole number of units.".to_string(),
                (Unit::Cash, 0) => "This currency has no decimals.".to_string(),
                (Unit::Cash, d) => format!("This currency has at most {d} decimals."),
            });
        }
        let too_large = || format!("Enter an amount within ±{}.", show_limit(unit, decimals));
        let whole = whole.trim_start_matches('0');
        if whole.len() > 16 {
            return Err(too_large());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| example(unit))?
        };
        let frac: i64 = if decimals == 0 {
            0
        } else {
            format!("{frac:0<width$}", width = decimals as usize)
                .parse()
                .map_err(|_| example(unit))?
        };
        let minor = 10i64
            .checked_pow(decimals)
            .and_then(|scale| whole.checked_mul(scale))
            .and_then(|v| v.checked_add(frac))
            .filter(|v| *v <= MAX_MINOR)
            .ok_or_else(too_large)?;
        Ok(Amount(if negative { -minor } else { minor }))
    }

    /// As `parse`, refusing amounts below zero.
    pub fn parse_non_negative(input: &str, unit: Unit, decimals: u32) -> Result<Amount, String> {
        let a = Amount::parse(input, unit, decimals)?;
        if a.is_negative() {
            return Err("The amount cannot be negative.".into());
        }
        Ok(a)
    }

    /// As people read it: cash with the currency's decimals (`10.50`), time as m:ss (`2:05`),
    /// units as a whole number.
    pub fn show(self, unit: Unit, decimals: u32) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let v = self.0.unsigned_abs();
        match unit {
            Unit::Units => self.0.to_string(),
            Unit::Time => format!("{sign}{}:{:02}", v / 60, v % 60),
            Unit::Cash => {
                let decimals = decimals.min(6);
                if decimals == 0 {
                    return self.0.to_string();
                }
                let scale = 10u64.pow(decimals);
                format!(
                    "{sign}{}.{:0width$}",
                    v / scale,
                    v % scale,
                    width = decimals as usize
                )
            }
        }
    }

    /// As a form field shows it for editing (time in seconds, so it parses back).
    pub fn input_value(self, unit: Unit, decimals: u32) -> String {
        match unit {
            Unit::Time => self.0.to_string(),
            _ => self.show(unit, decimals),
        }
    }
}

/// `1,000,000` → `1000000`; `None` when commas do not separate groups of three digits.
fn ungroup(whole: &str) -> Option<String> {
    if !whole.contains(',') {
        return Some(whole.to_string());
    }
    let mut groups = whole.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    let mut out = first.to_string();
    for g in groups {
        if g.len() != 3 {
            return None;
        }
        out.push_str(g);
    }
    Some(out)
}

fn example(unit: Unit) -> String {
    match unit {
        Unit::Cash => "Enter a number such as 100 or 12.50 (a point before the decimals).".into(),
        Unit::Time => "Enter a whole number of seconds, such as 90.".into(),
        Unit::Units => "Enter a whole number, such as 10.".into(),
    }
}

fn show_limit(unit: Unit, decimals: u32) -> String {
    Amount(MAX_MINOR).show(
        if unit == Unit::Time {
            Unit::Units
        } else {
            unit
        },
        decimals,
    )
}

/// A credit limit: a cash amount ≥ 0 with at most two decimals, kept in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditLimit(Amount);

impl CreditLimit {
    pub fn parse(input: &str) -> Result<CreditLimit, String> {
        if input.trim().is_empty() {
            return Err("Enter a credit limit (0 or more).".into());
        }
        Amount::parse(input, Unit::Cash, 2).and_then(|a| {
            if a.is_negative() {
                Err("A credit limit cannot be negative.".into())
            } else {
                Ok(CreditLimit(a))
            }
        })
    }
    pub fn from_cents(cents: i64) -> CreditLimit {
        CreditLimit(Amount::from_minor(cents))
    }
    pub fn cents(self) -> i64 {
        self.0.minor()
    }
}

impl std::fmt::Display for CreditLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.show(Unit::Cash, 2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cash(s: &str) -> Result<i64, String> {
        Amount::parse(s, Unit::Cash, 2).map(Amount::minor)
    }

    #[test]
    fn cash_is_exact_minor_units() {
        assert_eq!(cash("12.50"), Ok(1250));
        assert_eq!(cash("12.5"), Ok(1250));
        assert_eq!(cash("0.07"), Ok(7));
        assert_eq!(cash(".5"), Ok(50));
        assert_eq!(cash("-3"), Ok(-300));
        assert_eq!(cash("+3.10"), Ok(310));
        assert_eq!(cash("1,000.25"), Ok(100025));
        assert_eq!(cash(" 1 000 "), Ok(100000));
        assert_eq!(cash("0.10"), Ok(10));
        assert_eq!(
            Amount::parse("100", Unit::Cash, 0).map(Amount::minor),
            Ok(100)
        );
        assert_eq!(
            Amount::parse("0.007", Unit::Cash, 3).map(Amount::minor),
            Ok(7)
        );
    }

    #[test]
    fn cash_refuses_what_is_not_an_amount() {
        for bad in [
            "", "abc", "12a", "1.005", ".", "-", "12,50", "1,00", "1.2.3", "--1", "1e3", "0x10",
        ] {
            assert!(cash(bad).is_err(), "{bad:?} is refused");
        }
        assert!(Amount::parse("1.5", Unit::Cash, 0).is_err());
        assert!(Amount::parse_non_negative("-1", Unit::Cash, 2).is_err());
    }

    #[test]
    fn the_limit_is_ten_to_the_fifteen_minor_units() {
        assert_eq!(cash("10000000000000"), Ok(MAX_MINOR));
        assert_eq!(cash("-10000000000000.00"), Ok(-MAX_MINOR));
        assert!(cash("10000000000000.01").is_err());
        assert!(cash("99999999999999999999999").is_err());
        assert_eq!(
            Amount::parse("1000000000000000", Unit::Units, 0).map(Amount::minor),
            Ok(MAX_MINOR)
        );
        assert!(Amount::parse("1000000000000001", Unit::Time, 0).is_err());
        assert_eq!(Amount(MAX_MINOR).checked_add(Amount(1)), None);
        assert_eq!(Amount(5).checked_add(Amount(-7)), Some(Amount(-2)));
    }

    #[test]
    fn time_and_units_are_whole() {
        assert_eq!(
            Amount::parse("90", Unit::Time, 2).map(Amount::minor),
            Ok(90)
        );
        assert!(Amount::parse("1.5", Unit::Time, 2).is_err());
        assert!(Amount::parse("1:30", Unit::Time, 2).is_err());
        assert_eq!(
            Amount::parse("-4", Unit::Units, 2).map(Amount::minor),
            Ok(-4)
        );
        assert!(Amount::parse("4.0", Unit::Units, 2).is_err());
    }

    #[test]
    fn shown_as_people_write_it() {
        assert_eq!(Amount(1050).show(Unit::Cash, 2), "10.50");
        assert_eq!(Amount(-5).show(Unit::Cash, 2), "-0.05");
        assert_eq!(Amount(7).show(Unit::Cash, 3), "0.007");
        assert_eq!(Amount(12).show(Unit::Cash, 0), "12");
        assert_eq!(Amount(125).show(Unit::Time, 0), "2:05");
        assert_eq!(Amount(-59).show(Unit::Time, 0), "-0:59");
        assert_eq!(Amount(3600).show(Unit::Time, 0), "60:00");
        assert_eq!(Amount(42).show(Unit::Units, 0), "42");
        assert_eq!(Amount(125).input_value(Unit::Time, 0), "125");
        for s in ["12.50", "-0.01", "0.00", "10000000000000.00"] {
            assert_eq!(cash(s).map(|m| Amount(m).show(Unit::Cash, 2)), Ok(s.into()));
        }
    }

    #[test]
    fn credit_limits() {
        assert_eq!(CreditLimit::parse("0").unwrap().cents(), 0);
        assert_eq!(CreditLimit::parse("1500.5").unwrap().cents(), 150050);
        assert_eq!(CreditLimit::parse("1,000").unwrap().cents(), 100000);
        assert_eq!(CreditLimit::parse("12.34").unwrap().to_string(), "12.34");
        for bad in ["-1", "1.234", "abc", "", "."] {
            assert!(CreditLimit::parse(bad).is_err(), "{bad:?} is refused");
        }
    }
}
