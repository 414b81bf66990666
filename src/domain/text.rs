//! Free-text fields with length limits, counted in characters (not bytes).

fn bounded(input: &str, min: usize, max: usize, what: &str) -> Result<String, String> {
    let t = input.trim();
    let n = t.chars().count();
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(format!("{what} contains characters that are not allowed."));
    }
    if n < min {
        if min == 1 {
            return Err(format!("{what} is required."));
        }
        return Err(format!("{what} needs at least {min} characters."));
    }
    if n > max {
        return Err(format!(
            "{what} can be at most {max} characters (you typed {n})."
        ));
    }
    Ok(t.to_string())
}

macro_rules! bounded_text {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $what:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, String> {
                bounded(input, $min, $max, $what).map($name)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}

bounded_text!(
    /// Name of a customer contact or company: required, 1–100 characters.
    PartyName, 1, 100, "This field"
);
bounded_text!(
    /// Name of a site or access link: 1–30 characters.
    ObjectName, 1, 30, "Name"
);
bounded_text!(
    /// Optional description, at most 200 characters.
    Description, 0, 200, "Description"
);
bounded_text!(
    /// Optional address or similar text, at most 200 characters.
    LongText, 0, 200, "This field"
);
bounded_text!(
    /// Optional short comma-separated list (codecs), at most 200 characters.
    ShortList, 0, 200, "This list"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_name_limits() {
        assert!(ObjectName::parse("").is_err());
        assert!(ObjectName::parse("   ").is_err());
        assert!(ObjectName::parse(&"x".repeat(30)).is_ok());
        assert!(ObjectName::parse(&"x".repeat(31)).is_err());
        assert_eq!(ObjectName::parse(" Oslo HQ ").unwrap().as_str(), "Oslo HQ");
    }

    #[test]
    fn lengths_count_characters() {
        assert!(ObjectName::parse(&"é".repeat(30)).is_ok());
        assert!(Description::parse(&"ø".repeat(200)).is_ok());
        assert!(Description::parse(&"ø".repeat(201)).is_err());
        assert!(Description::parse("").is_ok());
    }

    #[test]
    fn party_name_limits() {
        assert!(PartyName::parse(&"a".repeat(100)).is_ok());
        assert!(PartyName::parse(&"a".repeat(101)).is_err());
        assert!(PartyName::parse("a\u{0}b").is_err());
    }
}
