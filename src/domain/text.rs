//! Free-text fields with length limits, counted in characters (not bytes).

/// Invisible characters that carry no meaning in a name or note: removed on input, so that two
/// names that look the same are the same.
const ZERO_WIDTH: [char; 5] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// Bidirectional controls reorder what is shown (an "exe.txt" that is really "txt.exe"):
/// refused, never stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The text without zero-width characters; an error when it holds control or bidi characters.
pub fn clean_text(input: &str, what: &str) -> Result<String, String> {
    if input
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(format!("{what} contains characters that are not allowed."));
    }
    if input.chars().any(is_bidi_control) {
        return Err(format!(
            "{what} contains text-direction control characters, which are not allowed."
        ));
    }
    Ok(input.chars().filter(|c| !ZERO_WIDTH.contains(c)).collect())
}

fn bounded(input: &str, min: usize, max: usize, what: &str) -> Result<String, String> {
    let cleaned = clean_text(input, what)?;
    let t = cleaned.trim();
    let n = t.chars().count();
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
    fn bidi_controls_are_refused_and_zero_width_characters_removed() {
        assert!(ObjectName::parse("invoice\u{202E}fdp.exe").is_err());
        assert!(ObjectName::parse("a\u{2066}b").is_err());
        assert_eq!(
            ObjectName::parse("Ma\u{200B}in\u{FEFF} office").map(|n| n.into_inner()),
            Ok("Main office".to_string())
        );
        assert!(
            ObjectName::parse("\u{200B}").is_err(),
            "nothing visible is no name"
        );
        assert!(Description::parse("line one\nline two").is_ok());
    }

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
