//! Values of a customer's telephony configuration (DESIGN §5): device addresses, dial prefixes,
//! SIP logins and secrets, extensions, dialing patterns, and number translation rules with the
//! rule that decides which one applies to a number.

use std::net::IpAddr;
use validator::ValidateEmail;

/// An IPv4 or IPv6 address without a prefix, kept in its canonical spelling (`2001:db8::1`), so
/// that one address is one value whatever way it was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceIp(String);

impl DeviceIp {
    pub fn parse(input: &str) -> Result<DeviceIp, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter the device's IP address.".into());
        }
        if t.contains('/') {
            return Err("Enter one address, without a /prefix.".into());
        }
        let ip: IpAddr = t
            .parse()
            .map_err(|_| "Enter an IPv4 address (192.0.2.10) or an IPv6 address (2001:db8::10).")?;
        Ok(DeviceIp(ip.to_string()))
    }
    /// The same, but empty input is no address (a SIP device's address is optional).
    pub fn parse_optional(input: &str) -> Result<Option<DeviceIp>, String> {
        if input.trim().is_empty() {
            Ok(None)
        } else {
            DeviceIp::parse(input).map(Some)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Digits only, at most `max`, `what` naming the field in the message; empty allowed.
fn digits_up_to(input: &str, max: usize, what: &str) -> Result<String, String> {
    let t = input.trim();
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} takes digits only."));
    }
    if t.len() > max {
        return Err(format!("{what} can be at most {max} digits."));
    }
    Ok(t.to_string())
}

/// Digits with an optional leading `+`, at most 15 characters; empty allowed.
fn plus_digits(input: &str, what: &str) -> Result<String, String> {
    let t = input.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{what} takes digits, optionally after a leading +."
        ));
    }
    if t.chars().count() > 15 {
        return Err(format!("{what} can be at most 15 characters."));
    }
    Ok(t.to_string())
}

/// The digits an IP device's calls are prefixed with: digits, at most 10, may be empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialPrefix(String);

impl DialPrefix {
    pub fn parse(input: &str) -> Result<DialPrefix, String> {
        digits_up_to(input, 10, "The dial prefix").map(DialPrefix)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A SIP login: letters, digits, `.`, `_`, `-`, 3–30 characters; unique system-wide without
/// regard to case (`key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipLogin(String);

impl SipLogin {
    pub fn parse(input: &str) -> Result<SipLogin, String> {
        let t = input.trim();
        if !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(
                "A SIP login takes letters, digits, dots, underscores and dashes (no spaces)."
                    .into(),
            );
        }
        let n = t.chars().count();
        if !(3..=30).contains(&n) {
            return Err(format!(
                "A SIP login has 3 to 30 characters (you typed {n})."
            ));
        }
        Ok(SipLogin(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The spelling uniqueness and the customer filter compare.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// A SIP device's secret as typed: 8–64 printable characters. Never shown back, never logged
/// (`Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct SipSecret(String);

impl std::fmt::Debug for SipSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SipSecret(…)")
    }
}

impl SipSecret {
    pub fn parse(input: &str) -> Result<SipSecret, String> {
        if input.chars().any(char::is_control) {
            return Err("The secret contains characters that are not allowed.".into());
        }
        let n = input.chars().count();
        if n < 8 {
            return Err("The secret needs at least 8 characters.".into());
        }
        if n > 64 {
            return Err("The secret can be at most 64 characters.".into());
        }
        Ok(SipSecret(input.to_string()))
    }
    /// A new random secret of 20 letters and digits (for "reset secret").
    pub fn generate() -> SipSecret {
        use rand::distributions::{Alphanumeric, DistString};
        SipSecret(Alphanumeric.sample_string(&mut rand::thread_rng(), 20))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A SIP device's extension: digits, 2–10, or empty (none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension(String);

impl Extension {
    pub fn parse(input: &str) -> Result<Extension, String> {
        let t = digits_up_to(input, 10, "The extension")?;
        if t.len() == 1 {
            return Err("An extension has 2 to 10 digits.".into());
        }
        Ok(Extension(t))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Where voicemail goes: an address of at most 100 characters, or empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoicemailEmail(String);

impl VoicemailEmail {
    pub fn parse(input: &str) -> Result<VoicemailEmail, String> {
        let t = input.trim();
        if t.is_empty() {
            return Ok(VoicemailEmail(String::new()));
        }
        if t.chars().count() > 100 || !t.validate_email() {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(VoicemailEmail(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A dialing pattern: digits, then optionally `X`s (any digit each) or one `*` (anything
/// more); 1–20 characters with at least one digit. A lower-case `x` is taken as `X`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialPattern(String);

impl DialPattern {
    pub fn parse(input: &str) -> Result<DialPattern, String> {
        let t = input.trim().replace('x', "X");
        let bad = || {
            "Enter digits, optionally followed by X's (any digit) or one * (anything), e.g. 4420XXXX or 0044*.".to_string()
        };
        let digits = t.trim_end_matches(['X', '*']);
        let tail = &t[digits.len()..];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if !(tail.is_empty() || tail == "*" || tail.bytes().all(|b| b == b'X')) {
            return Err(bad());
        }
        if t.len() > 20 {
            return Err("A dialing pattern can be at most 20 characters.".into());
        }
        Ok(DialPattern(t))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::domain::choice!(
    /// The four number translation lists of a customer.
    TranslationList, "Choose one of the translation lists.", [
        Source => "source", "Source numbers";
        Destination => "destination", "Destination numbers";
        DidSource => "did_source", "DID source numbers";
        DidDestination => "did_destination", "DID destination numbers";
    ]
);

/// A translation rule as typed: the prefix a number must start with (empty = any), how many
/// leading characters to strip (0–15), and what to put in front.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TranslationRule {
    pub match_prefix: String,
    pub strip: i32,
    pub prepend: String,
}

/// Which field of a rule a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleField {
    MatchPrefix,
    Strip,
    Prepend,
}

impl RuleField {
    pub fn name(self) -> &'static str {
        match self {
            RuleField::MatchPrefix => "match_prefix",
            RuleField::Strip => "strip",
            RuleField::Prepend => "prepend",
        }
    }
}

impl TranslationRule {
    /// Every message of the three fields, or the rule.
    pub fn parse(
        match_prefix: &str,
        strip: &str,
        prepend: &str,
    ) -> Result<TranslationRule, Vec<(RuleField, String)>> {
        let mut errors = Vec::new();
        let m = plus_digits(match_prefix, "The prefix")
            .map_err(|e| errors.push((RuleField::MatchPrefix, e)))
            .ok();
        let s = (if strip.trim().is_empty() {
            Ok(0)
        } else {
            crate::domain::parse_int_in(strip, 0, 15)
                .map_err(|_| "Strip takes a whole number from 0 to 15.".to_string())
        })
        .map_err(|e| errors.push((RuleField::Strip, e)))
        .ok();
        let p = plus_digits(prepend, "Prepend")
            .map_err(|e| errors.push((RuleField::Prepend, e)))
            .ok();
        match (m, s, p) {
            (Some(match_prefix), Some(strip), Some(prepend)) => Ok(TranslationRule {
                match_prefix,
                strip: strip as i32,
                prepend,
            }),
            _ => Err(errors),
        }
    }

    pub fn matches(&self, number: &str) -> bool {
        number.starts_with(&self.match_prefix)
    }

    /// The number after this rule: `strip` leading characters off, `prepend` in front.
    pub fn apply(&self, number: &str) -> String {
        let rest: String = number.chars().skip(self.strip.max(0) as usize).collect();
        format!("{}{rest}", self.prepend)
    }
}

/// The first rule (its index) whose prefix matches `number`, and what the number becomes.
pub fn translate(rules: &[TranslationRule], number: &str) -> Option<(usize, String)> {
    rules
        .iter()
        .position(|r| r.matches(number))
        .map(|i| (i, rules[i].apply(number)))
}

/// A number typed into the tester: digits with an optional leading `+`, 1–30 characters.
pub fn parse_test_number(input: &str) -> Result<String, String> {
    let t = input.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("Enter a number: digits, optionally after a leading +.".into());
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_addresses_are_single_and_canonical() {
        assert_eq!(
            DeviceIp::parse(" 192.0.2.10 ").unwrap().as_str(),
            "192.0.2.10"
        );
        assert_eq!(
            DeviceIp::parse("2001:DB8:0:0::1").unwrap().as_str(),
            "2001:db8::1"
        );
        assert!(DeviceIp::parse("192.0.2.0/24")
            .unwrap_err()
            .contains("prefix"));
        assert!(DeviceIp::parse("192.0.2.256").is_err());
        assert!(DeviceIp::parse("300.1.1.1").is_err());
        assert!(DeviceIp::parse("").is_err());
        assert_eq!(DeviceIp::parse_optional(" ").unwrap(), None);
    }

    #[test]
    fn dial_prefixes_are_up_to_ten_digits() {
        assert_eq!(DialPrefix::parse("0044").unwrap().as_str(), "0044");
        assert_eq!(DialPrefix::parse("").unwrap().as_str(), "");
        assert!(DialPrefix::parse("12a")
            .unwrap_err()
            .contains("digits only"));
        assert!(DialPrefix::parse("12345678901").is_err());
        assert!(DialPrefix::parse("1234567890").is_ok());
    }

    #[test]
    fn sip_logins_secrets_extensions_and_mail() {
        assert_eq!(SipLogin::parse("Desk.01_a-b").unwrap().key(), "desk.01_a-b");
        assert!(SipLogin::parse("desk 01")
            .unwrap_err()
            .contains("no spaces"));
        assert!(SipLogin::parse("ab").is_err());
        assert!(SipLogin::parse(&"a".repeat(31)).is_err());
        assert!(SipLogin::parse("désk").is_err());
        assert!(SipSecret::parse("short7!")
            .unwrap_err()
            .contains("at least 8"));
        assert!(SipSecret::parse(&"s".repeat(65)).is_err());
        assert!(SipSecret::parse("tab\there1").is_err());
        assert_eq!(
            format!("{:?}", SipSecret::parse("Secret-123").unwrap()),
            "SipSecret(…)"
        );
        assert_eq!(SipSecret::generate().expose().len(), 20);
        assert!(Extension::parse("201").is_ok());
        assert!(Extension::parse("").is_ok());
        assert!(Extension::parse("2").is_err());
        assert!(Extension::parse("20a").is_err());
        assert!(VoicemailEmail::parse("vm@example.com").is_ok());
        assert!(VoicemailEmail::parse("not an address").is_err());
        assert_eq!(VoicemailEmail::parse("").unwrap().as_str(), "");
    }

    #[test]
    fn dialing_patterns() {
        assert_eq!(DialPattern::parse("4420xxxx").unwrap().as_str(), "4420XXXX");
        assert_eq!(DialPattern::parse("0044*").unwrap().as_str(), "0044*");
        assert!(DialPattern::parse("0044").is_ok());
        let long = "1".repeat(21);
        for bad in ["", "X", "*", "44X1", "44*X", "44**", "4a", long.as_str()] {
            assert!(DialPattern::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_are_checked_field_by_field() {
        let r = TranslationRule::parse("+44", "3", "0").unwrap();
        assert_eq!(r.apply("+442071234567"), "02071234567");
        let errs = TranslationRule::parse("4a", "16", "12b").unwrap_err();
        let fields: Vec<RuleField> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![RuleField::MatchPrefix, RuleField::Strip, RuleField::Prepend]
        );
        assert!(TranslationRule::parse("", "15", "").is_ok());
        assert!(TranslationRule::parse("", "", "+").is_ok());
        assert!(TranslationRule::parse("4+4", "0", "").is_err());
        assert!(TranslationRule::parse("", "0", &"1".repeat(16)).is_err());
        assert!(TranslationRule::parse("", "-1", "").is_err());
    }

    #[test]
    fn the_first_matching_rule_applies() {
        let rules = vec![
            TranslationRule::parse("0044", "4", "+44").unwrap(),
            TranslationRule::parse("00", "2", "+").unwrap(),
            TranslationRule::parse("", "0", "+4722").unwrap(),
        ];
        assert_eq!(
            translate(&rules, "00442071234567"),
            Some((0, "+442071234567".into()))
        );
        assert_eq!(
            translate(&rules, "0046812345"),
            Some((1, "+46812345".into()))
        );
        assert_eq!(translate(&rules, "123456"), Some((2, "+4722123456".into())));
        assert_eq!(translate(&rules[..2], "123"), None);
        let strip_all = TranslationRule::parse("", "15", "9").unwrap();
        assert_eq!(strip_all.apply("123"), "9");
        assert!(parse_test_number("+4712345678").is_ok());
        assert!(parse_test_number("12a").is_err());
        assert!(parse_test_number("").is_err());
    }
}
