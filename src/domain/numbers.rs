//! Telephone numbers of a customer: DID ranges and the numbers of CPN substitutions and
//! emergency locations.

/// The longest number (E.164 allows 15 digits), so a number fits an i64.
pub const MAX_DIGITS: usize = 15;

/// A range of direct inward dialing numbers: digits only, start and end of equal length,
/// start ≤ end. Kept as numbers plus the length, so "0100" stays distinct from "100".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DidRange {
    pub digits: i32,
    pub start: i64,
    pub end: i64,
}

/// Which field a DID range message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DidField {
    Start,
    End,
}

fn digits_only(t: &str, what: &str) -> Result<i64, String> {
    if t.is_empty() {
        return Err(format!("Enter the {what} number."));
    }
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("The {what} has digits only."));
    }
    if t.len() > MAX_DIGITS {
        return Err(format!("The {what} has at most {MAX_DIGITS} digits."));
    }
    t.parse::<i64>()
        .map_err(|_| format!("The {what} has digits only."))
}

impl DidRange {
    pub fn parse(start: &str, end: &str) -> Result<DidRange, (DidField, String)> {
        let (s, e) = (start.trim(), end.trim());
        let sv = digits_only(s, "range start").map_err(|m| (DidField::Start, m))?;
        let ev = digits_only(e, "range end").map_err(|m| (DidField::End, m))?;
        if s.len() != e.len() {
            return Err((
                DidField::End,
                format!(
                    "Start and end have the same number of digits (start has {}, end has {}).",
                    s.len(),
                    e.len()
                ),
            ));
        }
        if sv > ev {
            return Err((DidField::End, "The end comes after the start.".into()));
        }
        Ok(DidRange {
            digits: s.len() as i32,
            start: sv,
            end: ev,
        })
    }

    /// One stored number as typed, leading zeros kept.
    pub fn show(digits: i32, n: i64) -> String {
        format!("{n:0width$}", width = digits.max(1) as usize)
    }

    pub fn overlaps(&self, other: &DidRange) -> bool {
        self.digits == other.digits && self.start <= other.end && other.start <= self.end
    }
}

/// A dialable number: an optional leading +, then 3–15 digits (spaces and dashes dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialNumber(String);

impl DialNumber {
    pub fn parse(input: &str) -> Result<DialNumber, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter a number.".into());
        }
        let (plus, rest) = match t.strip_prefix('+') {
            Some(r) => ("+", r),
            None => ("", t),
        };
        if !rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        {
            return Err("A number has digits only (a leading + is fine).".into());
        }
        let digits: String = rest.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() < 3 || digits.len() > MAX_DIGITS {
            return Err(format!("A number has 3 to {MAX_DIGITS} digits."));
        }
        Ok(DialNumber(format!("{plus}{digits}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_ranges_follow_the_rules() {
        let r = DidRange::parse("5550100", "5550199").unwrap();
        assert_eq!((r.digits, r.start, r.end), (7, 5550100, 5550199));
        assert!(DidRange::parse("5550100", "5550100").is_ok(), "one number");
        assert_eq!(
            DidRange::parse("555a", "5559").unwrap_err().0,
            DidField::Start
        );
        assert!(DidRange::parse("5550100", "555019")
            .unwrap_err()
            .1
            .contains("same number of digits"));
        assert!(DidRange::parse("5550199", "5550100")
            .unwrap_err()
            .1
            .contains("after the start"));
        assert!(DidRange::parse("", "1").is_err());
        assert!(DidRange::parse(&"1".repeat(16), &"1".repeat(16)).is_err());
        assert_eq!(DidRange::show(4, 100), "0100");
    }

    #[test]
    fn overlap_needs_the_same_length() {
        let a = DidRange::parse("100", "199").unwrap();
        assert!(a.overlaps(&DidRange::parse("199", "250").unwrap()));
        assert!(!a.overlaps(&DidRange::parse("200", "250").unwrap()));
        assert!(!a.overlaps(&DidRange::parse("0100", "0199").unwrap()));
    }

    #[test]
    fn dial_numbers() {
        assert_eq!(
            DialNumber::parse("+47 22-00 00 00").unwrap().as_str(),
            "+4722000000"
        );
        assert!(DialNumber::parse("12").is_err());
        assert!(DialNumber::parse("call me").is_err());
    }
}
