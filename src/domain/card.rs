//! Values of a subscriber's credit card: the number (checked by the Luhn digit, kept only long
//! enough to be hashed and to give its last four digits), the expiry month, the holder's name
//! and the card's state. The number's `Debug` hides it, so it cannot reach a log by accident.

use super::choices::choice;

choice!(
    /// Where a card stands: registered (waiting for confirmation), confirmed (usable), frozen
    /// (kept but not usable), deregistered (no longer the subscriber's; kept for the record).
    CardState, "Choose a card state from the list.", [
        Registered => "registered", "Registered";
        Confirmed => "confirmed", "Confirmed";
        Frozen => "frozen", "Frozen";
        Deregistered => "deregistered", "Deregistered";
    ]
);

impl CardState {
    /// Whether the card counts towards the subscriber's registrations.
    pub fn counts(self) -> bool {
        self != CardState::Deregistered
    }
}

/// A card number that passed the Luhn check: 12–19 digits (spaces and dashes typed between
/// groups are dropped).
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber(String);

impl std::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardNumber(…{})", self.last_four())
    }
}

impl CardNumber {
    pub fn parse(input: &str) -> Result<CardNumber, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter the card number.".into());
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
        {
            return Err("A card number has digits only (spaces or dashes between groups).".into());
        }
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        if !(12..=19).contains(&digits.len()) {
            return Err("A card number has 12 to 19 digits.".into());
        }
        if !luhn_ok(&digits) {
            return Err(
                "This card number is not valid (its check digit is wrong); check it and type it again."
                    .into(),
            );
        }
        Ok(CardNumber(digits))
    }

    /// The digits, for hashing only.
    pub fn digits(&self) -> &str {
        &self.0
    }

    pub fn last_four(&self) -> String {
        self.0[self.0.len() - 4..].to_string()
    }
}

/// The Luhn check: from the right, every second digit doubled (less 9 when above 9); the sum is
/// a multiple of 10.
fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A card's expiry month, typed `YYYY-MM` (a month input) or `MM/YY`; not before `today`'s month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardExpiry {
    pub year: i32,
    pub month: i32,
}

impl CardExpiry {
    /// `now_year`/`now_month`: the current month (UTC).
    pub fn parse(input: &str, now_year: i32, now_month: i32) -> Result<CardExpiry, String> {
        let t = input.trim();
        let bad = || "Enter the expiry as YYYY-MM or MM/YY, such as 2028-04 or 04/28.".to_string();
        let (year, month) = if let Some((y, m)) = t.split_once('-') {
            (
                y.parse::<i32>().map_err(|_| bad())?,
                m.parse::<i32>().map_err(|_| bad())?,
            )
        } else if let Some((m, y)) = t.split_once('/') {
            let y = y.parse::<i32>().map_err(|_| bad())?;
            let y = if (0..100).contains(&y) { 2000 + y } else { y };
            (y, m.parse::<i32>().map_err(|_| bad())?)
        } else {
            return Err(bad());
        };
        if !(1..=12).contains(&month) || !(2000..=2100).contains(&year) {
            return Err(bad());
        }
        if (year, month) < (now_year, now_month) {
            return Err("This card has expired; enter a card that is still valid.".into());
        }
        Ok(CardExpiry { year, month })
    }

    pub fn show(self) -> String {
        format!("{:02}/{:04}", self.month, self.year)
    }
}

/// The name on the card: 1–50 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHolder(String);

impl CardHolder {
    pub fn parse(input: &str) -> Result<CardHolder, String> {
        let t = input.trim();
        if t.is_empty() || t.chars().count() > 50 {
            return Err("Enter the name on the card (1–50 characters).".into());
        }
        Ok(CardHolder(t.to_string()))
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_good_numbers_and_refuses_a_wrong_digit() {
        let n = CardNumber::parse("4111 1111 1111 1111").unwrap();
        assert_eq!(n.last_four(), "1111");
        assert!(CardNumber::parse("4111-1111-1111-1112").is_err());
        assert!(CardNumber::parse("5555555555554444").is_ok());
        assert!(CardNumber::parse("79927398713").is_err(), "too short");
        assert!(CardNumber::parse("4111x111111111111").is_err());
        assert!(!format!("{n:?}").contains("41111111"));
    }

    #[test]
    fn expiry_months() {
        assert_eq!(
            CardExpiry::parse("04/28", 2026, 11).unwrap(),
            CardExpiry {
                year: 2028,
                month: 4
            }
        );
        assert_eq!(
            CardExpiry::parse("2026-11", 2026, 11).unwrap(),
            CardExpiry {
                year: 2026,
                month: 11
            }
        );
        assert!(CardExpiry::parse("2026-10", 2026, 11).is_err());
        assert!(CardExpiry::parse("13/28", 2026, 11).is_err());
        assert!(CardExpiry::parse("soon", 2026, 11).is_err());
    }
}
