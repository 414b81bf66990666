//! Exact money amounts in minor units (cents); never floats.

/// A credit limit: a number ≥ 0 with at most two decimals, kept in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditLimit(i64);

impl CreditLimit {
    pub fn parse(input: &str) -> Result<CreditLimit, String> {
        let t = input.trim().replace([',', ' '], "");
        if t.is_empty() {
            return Err("Enter a credit limit (0 or more).".into());
        }
        if t.starts_with('-') {
            return Err("A credit limit cannot be negative.".into());
        }
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t.as_str(), ""),
        };
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if !digits_ok(whole) || !digits_ok(frac) || (whole.is_empty() && frac.is_empty()) {
            return Err("Enter a number such as 1500 or 1500.50.".into());
        }
        if frac.len() > 2 {
            return Err("A credit limit has at most two decimals.".into());
        }
        if whole.len() > 13 {
            return Err("That credit limit is too large.".into());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| "Enter a number.".to_string())?
        };
        let cents: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
        Ok(CreditLimit(whole * 100 + cents))
    }
    pub fn from_cents(cents: i64) -> CreditLimit {
        CreditLimit(cents)
    }
    pub fn cents(self) -> i64 {
        self.0
    }
}

impl std::fmt::Display for CreditLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(CreditLimit::parse("0").unwrap().cents(), 0);
        assert_eq!(CreditLimit::parse("1500.5").unwrap().cents(), 150050);
        assert_eq!(CreditLimit::parse("0.07").unwrap().cents(), 7);
        assert_eq!(CreditLimit::parse("1,000").unwrap().cents(), 100000);
        assert_eq!(CreditLimit::parse("12.34").unwrap().to_string(), "12.34");
    }

    #[test]
    fn refuses_bad_amounts() {
        assert!(CreditLimit::parse("-1").is_err());
        assert!(CreditLimit::parse("1.234").is_err());
        assert!(CreditLimit::parse("abc").is_err());
        assert!(CreditLimit::parse("").is_err());
        assert!(CreditLimit::parse(".").is_err());
    }
}
