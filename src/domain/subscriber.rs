//! Values of a subscriber and its wallets: identifiers, PIN, numbers, short codes, short texts,
//! dates, and the closed sets (wallet type, state, limit type…).

use super::choices::choice;

choice!(
    /// A subscriber holds at most one wallet of each type.
    WalletType, "Choose primary or secondary.", [
        Primary => "primary", "Primary";
        Secondary => "secondary", "Secondary";
    ]
);
choice!(
    /// Where a wallet is in its life cycle.
    WalletState, "Choose a wallet state from the list.", [
        PreUse => "pre_use", "Pre-use";
        Active => "active", "Active";
        Dormant => "dormant", "Dormant";
        Suspended => "suspended", "Suspended";
        Frozen => "frozen", "Frozen";
        Terminated => "terminated", "Terminated";
    ]
);
choice!(
    /// How a wallet may be charged; only Limited Postpaid has a minimum credit.
    LimitType, "Choose a limit type from the list.", [
        Prepaid => "prepaid", "Prepaid";
        SingleUse => "single_use", "Single Use";
        Postpaid => "postpaid", "Postpaid";
        LimitedPostpaid => "limited_postpaid", "Limited Postpaid";
    ]
);
choice!(
    /// Whether the call barring numbers are the only ones allowed, or the ones barred.
    BarringListType, "Choose an allowed list or a barred list.", [
        Allowed => "allowed", "Allowed list";
        Barred => "barred", "Barred list";
    ]
);
choice!(
    /// Which friends-and-family service is active for the subscriber.
    FfService, "Choose the active service from the list.", [
        None => "none", "None";
        FriendsFamily => "friends_family", "Friends and family";
        FriendsDestination => "friends_destination", "Friends and destination";
    ]
);
choice!(
    /// How a search string is compared.
    MatchMode, "Choose exact match or prefix match.", [
        Exact => "exact", "Exact match";
        Prefix => "prefix", "Prefix match";
    ]
);

impl LimitType {
    pub fn has_minimum_credit(self) -> bool {
        self == LimitType::LimitedPostpaid
    }

    /// The limit types a balance may have: the default (general cash) balance type any of the
    /// four; another that allows credit prepaid or limited postpaid; any other prepaid only.
    /// A wallet's own limit type and minimum credit are its general cash balance's.
    pub fn allowed_for(is_default: bool, allow_credit: bool) -> &'static [LimitType] {
        match (is_default, allow_credit) {
            (true, _) => LimitType::ALL,
            (false, true) => &[LimitType::Prepaid, LimitType::LimitedPostpaid],
            (false, false) => &[LimitType::Prepaid],
        }
    }
}

fn is_blank(input: &str) -> bool {
    input.trim().is_empty()
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(
    /// The number printed on the subscriber's card: letters, digits and dashes, 1–30, kept in
    /// capitals so searches need not care about case.
    CardNumber
);
text_value!(
    /// Subscriber ID: the calling line identity (CLI), 3–15 digits.
    Cli
);
text_value!(
    /// A PIN of 4–8 digits; only ever stored hashed.
    Pin
);
text_value!(
    /// A wallet's reference: letters, digits and dashes, 1–30, in capitals.
    WalletRef
);
text_value!(
    /// A number in a call barring or friends-and-family list (may be a prefix): an optional `+`
    /// and 1–20 digits.
    DialNumber
);
text_value!(
    /// A short code dialled by the subscriber: 1–10 of digits, `*` and `#`.
    ShortCode
);
text_value!(
    /// The friends-and-destination discount prefix: up to 10 digits, may be empty.
    DiscountPrefix
);
text_value!(
    /// A comment on a subscriber: 1–50 characters.
    CommentText
);
text_value!(
    /// Why a financial change was made: 1–200 characters.
    ChangeReason
);
text_value!(
    /// A zone's name: 1–30 characters.
    ZoneName
);
text_value!(
    /// The name of a reference-data entry (language, product type…): 1–50 characters.
    RefName
);
text_value!(
    /// An ISO 4217 currency code: three letters, in capitals.
    CurrencyCode
);

/// Text of `min..=max` characters without control characters.
fn bounded(input: &str, min: usize, max: usize, what: &str) -> Result<String, String> {
    let t = input.trim();
    if t.chars().any(char::is_control) {
        return Err(format!("{what} contains characters that are not allowed."));
    }
    let n = t.chars().count();
    if n < min {
        return Err(if min == 1 {
            format!("Enter {}.", what.to_lowercase())
        } else {
            format!("{what} needs at least {min} characters.")
        });
    }
    if n > max {
        return Err(format!(
            "{what} can be at most {max} characters (you typed {n})."
        ));
    }
    Ok(t.to_string())
}

fn identifier(input: &str, max: usize, what: &str) -> Result<String, String> {
    let t = input.trim();
    if t.is_empty() {
        return Err(format!("Enter the {what}."));
    }
    if !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!(
            "Use only letters, digits and dashes in the {what}."
        ));
    }
    if t.chars().count() > max {
        return Err(format!("The {what} can be at most {max} characters."));
    }
    Ok(t.to_ascii_uppercase())
}

impl CardNumber {
    pub fn parse(input: &str) -> Result<Self, String> {
        identifier(input, 30, "card number").map(CardNumber)
    }
}

impl WalletRef {
    pub fn parse(input: &str) -> Result<Self, String> {
        identifier(input, 30, "wallet reference").map(WalletRef)
    }
    /// For references made up by the system (never typed).
    pub fn generated(digits: u64) -> WalletRef {
        WalletRef(format!("W{digits:011}"))
    }
}

impl Cli {
    pub fn parse(input: &str) -> Result<Self, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter the subscriber ID (the calling line number).".into());
        }
        if !t.chars().all(|c| c.is_ascii_digit()) {
            return Err("A subscriber ID has digits only (no spaces, + or dashes).".into());
        }
        if !(3..=15).contains(&t.len()) {
            return Err("A subscriber ID has 3 to 15 digits.".into());
        }
        Ok(Cli(t.to_string()))
    }
}

impl Pin {
    pub fn parse(input: &str) -> Result<Self, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter a PIN of 4 to 8 digits.".into());
        }
        if !t.chars().all(|c| c.is_ascii_digit()) || !(4..=8).contains(&t.len()) {
            return Err("A PIN has 4 to 8 digits.".into());
        }
        Ok(Pin(t.to_string()))
    }
}

impl DialNumber {
    pub fn parse(input: &str) -> Result<Self, String> {
        let t = input.trim();
        let digits = t.strip_prefix('+').unwrap_or(t);
        if digits.is_empty() || digits.len() > 20 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "“{t}” is not a number: use 1 to 20 digits, optionally after a +."
            ));
        }
        Ok(DialNumber(t.to_string()))
    }
}

impl ShortCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter the short code.".into());
        }
        if t.len() > 10
            || !t
                .chars()
                .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
        {
            return Err("A short code has 1 to 10 digits, * or #.".into());
        }
        Ok(ShortCode(t.to_string()))
    }
}

impl DiscountPrefix {
    pub fn parse(input: &str) -> Result<Self, String> {
        let t = input.trim();
        if t.len() > 10 || !t.chars().all(|c| c.is_ascii_digit()) {
            return Err("A discount prefix has up to 10 digits.".into());
        }
        Ok(DiscountPrefix(t.to_string()))
    }
}

impl CommentText {
    pub const MAX: usize = 50;
    pub fn parse(input: &str) -> Result<Self, String> {
        bounded(input, 1, Self::MAX, "A comment").map(CommentText)
    }
}

impl ChangeReason {
    pub const MAX: usize = 200;
    pub fn parse(input: &str) -> Result<Self, String> {
        if is_blank(input) {
            return Err(
                "Auditing of financial changes is on: give the reason for this change (1–200 characters)."
                    .into(),
            );
        }
        bounded(input, 1, Self::MAX, "The reason").map(ChangeReason)
    }
}

impl ZoneName {
    pub fn parse(input: &str) -> Result<Self, String> {
        bounded(input, 1, 30, "A zone name").map(ZoneName)
    }
}

impl RefName {
    pub fn parse(input: &str) -> Result<Self, String> {
        bounded(input, 1, 50, "A name").map(RefName)
    }
}

impl CurrencyCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let t = input.trim();
        if t.len() != 3 || !t.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err("A currency code has three letters, such as EUR.".into());
        }
        Ok(CurrencyCode(t.to_ascii_uppercase()))
    }
}

/// A whole number of accesses a wallet serves at once: at least 1.
pub fn parse_max_concurrent(input: &str) -> Result<i32, String> {
    super::parse_int_in(input, 1, 9_999)
        .map(|n| n as i32)
        .map_err(|_| "Enter a whole number of at least 1 (at most 9999).".into())
}

/// A date `YYYY-MM-DD` (as a date input sends it), as the UTC midnight that starts it.
pub fn parse_date(input: &str) -> Result<i64, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(input.trim(), &fmt)
        .map_err(|_| "Enter a date as YYYY-MM-DD, such as 2027-12-31.".to_string())?;
    if !(2000..=2200).contains(&date.year()) {
        return Err("Enter a date between the years 2000 and 2200.".into());
    }
    Ok(date.midnight().assume_utc().unix_timestamp())
}

/// A date and time `YYYY-MM-DDTHH:MM` (a datetime-local input; also with a space), in UTC.
pub fn parse_date_time(input: &str) -> Result<i64, String> {
    let t = input.trim().replace(' ', "T");
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let at = time::PrimitiveDateTime::parse(&t, &fmt)
        .map_err(|_| "Enter a date and time as YYYY-MM-DD HH:MM (UTC).".to_string())?;
    if !(2000..=2200).contains(&at.year()) {
        return Err("Enter a date between the years 2000 and 2200.".into());
    }
    Ok(at.assume_utc().unix_timestamp())
}

/// The value a date input shows for a stored timestamp.
pub fn date_input_value(ts: i64) -> String {
    crate::format::format_date(ts, &jiff::tz::TimeZone::UTC)
}

/// The value a datetime-local input shows for a stored timestamp (UTC).
pub fn date_time_input_value(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_have_four_to_eight_digits() {
        assert!(Pin::parse("123").is_err());
        assert!(Pin::parse("1234").is_ok());
        assert!(Pin::parse("12345678").is_ok());
        assert!(Pin::parse("123456789").is_err());
        assert!(Pin::parse("12a4").is_err());
        assert!(Pin::parse("").is_err());
    }

    #[test]
    fn subscriber_ids_are_digits_only() {
        assert_eq!(Cli::parse(" 4791234567 ").unwrap().as_str(), "4791234567");
        assert!(Cli::parse("+4791234567").is_err());
        assert!(Cli::parse("479 123").is_err());
        assert!(Cli::parse("12").is_err());
        assert!(Cli::parse(&"1".repeat(15)).is_ok());
        assert!(Cli::parse(&"1".repeat(16)).is_err());
    }

    #[test]
    fn card_numbers_and_wallet_refs_are_kept_in_capitals() {
        assert_eq!(CardNumber::parse(" ab-12 ").unwrap().as_str(), "AB-12");
        assert!(CardNumber::parse("").is_err());
        assert!(CardNumber::parse("a b").is_err());
        assert!(CardNumber::parse(&"1".repeat(31)).is_err());
        assert_eq!(WalletRef::parse("w1").unwrap().as_str(), "W1");
        assert_eq!(WalletRef::generated(42).as_str(), "W00000000042");
    }

    #[test]
    fn comments_and_reasons_at_their_limits() {
        assert!(CommentText::parse(&"c".repeat(50)).is_ok());
        assert!(CommentText::parse(&"c".repeat(51)).is_err());
        assert!(CommentText::parse("  ").is_err());
        assert!(ChangeReason::parse(&"é".repeat(200)).is_ok());
        assert!(ChangeReason::parse(&"r".repeat(201)).is_err());
        assert!(ChangeReason::parse("").is_err());
    }

    #[test]
    fn numbers_and_short_codes() {
        assert!(DialNumber::parse("+4712345678").is_ok());
        assert!(DialNumber::parse("0047").is_ok());
        assert!(DialNumber::parse("+").is_err());
        assert!(DialNumber::parse("12-34").is_err());
        assert!(ShortCode::parse("*123#").is_ok());
        assert!(ShortCode::parse("12345678901").is_err());
        assert!(DiscountPrefix::parse("").is_ok());
        assert!(DiscountPrefix::parse("0x").is_err());
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(
            parse_date("1970-01-02"),
            Err("Enter a date between the years 2000 and 2200.".into())
        );
        let d = parse_date("2027-01-31").unwrap();
        assert_eq!(date_input_value(d), "2027-01-31");
        let t = parse_date_time("2027-01-31T13:45").unwrap();
        assert_eq!(t - d, 13 * 3600 + 45 * 60);
        assert_eq!(date_time_input_value(t), "2027-01-31T13:45");
        assert!(parse_date("31.01.2027").is_err());
    }

    #[test]
    fn choices_round_trip() {
        for s in WalletState::ALL {
            assert_eq!(WalletState::parse(s.code()), Ok(*s));
        }
        assert!(LimitType::LimitedPostpaid.has_minimum_credit());
        assert_eq!(LimitType::allowed_for(true, false).len(), 4);
        assert_eq!(
            LimitType::allowed_for(false, true),
            &[LimitType::Prepaid, LimitType::LimitedPostpaid]
        );
        assert_eq!(LimitType::allowed_for(false, false), &[LimitType::Prepaid]);
        assert!(!LimitType::Postpaid.has_minimum_credit());
        assert!(MatchMode::parse("fuzzy").is_err());
    }
}
