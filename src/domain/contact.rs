//! Contact details: email, phone, country, postal PIN, time zone.

use super::country_list::COUNTRIES;
use super::country_zones::COUNTRY_ZONES;
use super::time_zone_list::TIME_ZONES;
use validator::ValidateEmail;

/// Email address: valid syntax, at most 30 characters (stored lower-cased in the domain part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter an email address.".into());
        }
        if t.chars().count() > 30 {
            return Err("An email address can be at most 30 characters.".into());
        }
        if !t.validate_email() {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Email(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Phone number: exactly ten digits (spaces, dashes and brackets typed around them are dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Phone, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter a phone number.".into());
        }
        if t.chars()
            .any(|c| !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.')))
        {
            return Err("A phone number has digits only (exactly 10).".into());
        }
        let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() != 10 {
            return Err(format!(
                "A phone number has exactly 10 digits (you typed {}).",
                digits.len()
            ));
        }
        Ok(Phone(digits))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ISO 3166-1 alpha-2 country code from the country list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(&'static str);

impl Country {
    pub fn parse(input: &str) -> Result<Country, String> {
        let t = input.trim().to_ascii_uppercase();
        if t.is_empty() {
            return Err("Choose a country.".into());
        }
        COUNTRIES
            .iter()
            .find(|(code, _)| *code == t)
            .map(|(code, _)| Country(code))
            .ok_or_else(|| "Choose a country from the list.".to_string())
    }
    pub fn code(self) -> &'static str {
        self.0
    }
    /// The English name for a stored code, or the code itself if unknown.
    pub fn name_of(code: &str) -> &str {
        COUNTRIES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| *n)
            .unwrap_or(code)
    }
    /// The country whose English name this is (any case).
    pub fn from_name(name: &str) -> Result<Country, String> {
        let t = name.trim();
        COUNTRIES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(t))
            .map(|(code, _)| Country(code))
            .ok_or_else(|| "Choose a country from the list.".to_string())
    }
}

/// Postal code: letters, digits, spaces or dashes, 3–10 characters; may be left empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalPin(String);

impl PostalPin {
    pub fn parse(input: &str) -> Result<PostalPin, String> {
        let t = input.trim();
        if t.is_empty() {
            return Ok(PostalPin(String::new()));
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            return Err("A postal code has letters, digits, spaces or dashes only.".into());
        }
        let n = t.chars().count();
        if !(3..=10).contains(&n) {
            return Err("A postal code has 3 to 10 characters.".into());
        }
        Ok(PostalPin(t.to_ascii_uppercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// IANA time zone name from the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(&'static str);

impl TimeZone {
    pub fn parse(input: &str) -> Result<TimeZone, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Choose a time zone.".into());
        }
        TIME_ZONES
            .iter()
            .find(|z| **z == t)
            .map(|z| TimeZone(z))
            .ok_or_else(|| "Choose a time zone from the list.".to_string())
    }
    /// The zone chosen or, left blank, the first zone of `country` (a site's zone follows its
    /// country unless someone chose another). Blank for a country without zones: refused.
    pub fn parse_or_of(input: &str, country: Option<Country>) -> Result<TimeZone, String> {
        match country.and_then(|c| TimeZone::of_country(c.code()).first()) {
            Some(first) if input.trim().is_empty() => TimeZone::parse(first),
            _ => TimeZone::parse(input),
        }
    }
    /// The zones of a country (ISO code), its most populous first; empty if it has none.
    pub fn of_country(code: &str) -> &'static [&'static str] {
        COUNTRY_ZONES
            .binary_search_by(|(c, _)| (*c).cmp(code))
            .map(|i| COUNTRY_ZONES[i].1)
            .unwrap_or(&[])
    }
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_rules() {
        assert!(Email::parse("a@example.com").is_ok());
        assert!(Email::parse("not-an-email").is_err());
        assert!(Email::parse("").is_err());
        // 30 characters is the most.
        let thirty = format!("{}@example.com", "a".repeat(18));
        assert_eq!(thirty.len(), 30);
        assert!(Email::parse(&thirty).is_ok());
        assert!(Email::parse(&format!("a{thirty}")).is_err());
    }

    #[test]
    fn phone_has_ten_digits() {
        assert_eq!(
            Phone::parse("(555) 123-4567").unwrap().as_str(),
            "5551234567"
        );
        assert!(Phone::parse("555123456").is_err());
        assert!(Phone::parse("55512345678").is_err());
        assert!(Phone::parse("555123456x").is_err());
    }

    #[test]
    fn country_from_list() {
        assert_eq!(Country::parse("no").unwrap().code(), "NO");
        assert!(Country::parse("XX").is_err());
        assert_eq!(Country::name_of("NO"), "Norway");
    }

    #[test]
    fn postal_pin_rules() {
        assert!(PostalPin::parse("").is_ok());
        assert!(PostalPin::parse("0150").is_ok());
        assert!(PostalPin::parse("SW1A 1AA").is_ok());
        assert!(PostalPin::parse("12").is_err());
        assert!(PostalPin::parse("12345678901").is_err());
        assert!(PostalPin::parse("12#45").is_err());
    }

    #[test]
    fn time_zone_from_list() {
        assert!(TimeZone::parse("Europe/Oslo").is_ok());
        assert!(TimeZone::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn a_blank_zone_is_the_countrys_first() {
        let no = Country::parse("NO").ok();
        assert_eq!(
            TimeZone::parse_or_of("", no).unwrap().as_str(),
            "Europe/Oslo"
        );
        let au = Country::parse("AU").ok();
        assert_eq!(
            TimeZone::parse_or_of(" ", au).unwrap().as_str(),
            "Australia/Sydney"
        );
        // A chosen zone stays, even one of another country.
        assert_eq!(
            TimeZone::parse_or_of("Asia/Tokyo", no).unwrap().as_str(),
            "Asia/Tokyo"
        );
        assert!(TimeZone::parse_or_of("", None).is_err());
        assert!(TimeZone::parse_or_of("", Country::parse("BV").ok()).is_err());
        assert!(TimeZone::of_country("US").contains(&"America/Chicago"));
        // Every zone of every country is one the form offers.
        for (_, zones) in COUNTRY_ZONES {
            for z in *zones {
                assert!(TimeZone::parse(z).is_ok(), "{z}");
            }
        }
    }
}
