//! Colours that may be written into a stylesheet.

/// A colour as `#rrggbb` (stored lower-case): nothing else can reach the brand stylesheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexColor(String);

impl HexColor {
    pub fn parse(input: &str) -> Result<HexColor, String> {
        let t = input.trim();
        let digits = t.strip_prefix('#').unwrap_or(t);
        if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(HexColor(format!("#{}", digits.to_ascii_lowercase())))
        } else {
            Err("Enter a colour as # and six hexadecimal digits, like #1f5fa8.".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_hex_digits_only() {
        assert_eq!(HexColor::parse("#1F5FA8").unwrap().as_str(), "#1f5fa8");
        assert_eq!(HexColor::parse("00ff00").unwrap().as_str(), "#00ff00");
        assert!(HexColor::parse("#fff").is_err());
        assert!(HexColor::parse("red").is_err());
        assert!(HexColor::parse("#1f5fa8; } body { x").is_err());
        assert!(HexColor::parse("").is_err());
    }
}
