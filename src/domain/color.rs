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

    fn rgb(&self) -> [u8; 3] {
        let byte = |i: usize| u8::from_str_radix(&self.0[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0);
        [byte(0), byte(1), byte(2)]
    }

    fn from_rgb([r, g, b]: [u8; 3]) -> HexColor {
        HexColor(format!("#{r:02x}{g:02x}{b:02x}"))
    }

    /// WCAG 2 contrast ratio of white text on this colour (1 to 21).
    pub fn contrast_with_white(&self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.rgb();
        let luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
        1.05 / (luminance + 0.05)
    }

    /// This colour, or the lightest darker shade of it, on which white text reaches
    /// `MIN_HEADER_CONTRAST`.
    pub fn readable_under_white(&self) -> HexColor {
        if self.contrast_with_white() >= MIN_HEADER_CONTRAST {
            return self.clone();
        }
        let rgb = self.rgb();
        let shade = |k: u32| HexColor::from_rgb(rgb.map(|c| (u32::from(c) * k / 256) as u8));
        // The largest k (of 256) that still reads: contrast only grows as k shrinks.
        let (mut lo, mut hi) = (0u32, 256u32);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if shade(mid).contrast_with_white() >= MIN_HEADER_CONTRAST {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        shade(lo)
    }
}

/// WCAG AA for normal text: the portal header's white text on the brand colour.
pub const MIN_HEADER_CONTRAST: f64 = 4.5;

/// A brand colour: a `HexColor` on which the portal header's white text stays readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandColor(HexColor);

impl BrandColor {
    pub fn parse(input: &str) -> Result<BrandColor, String> {
        let color = HexColor::parse(input)?;
        let ratio = color.contrast_with_white();
        if ratio >= MIN_HEADER_CONTRAST {
            return Ok(BrandColor(color));
        }
        Err(format!(
            "White header text on {} has a contrast of only {:.1}:1 and the portal needs at least \
             4.5:1. Choose a darker colour, such as {}.",
            color.as_str(),
            (ratio * 10.0).floor() / 10.0,
            color.readable_under_white().as_str()
        ))
    }
    pub fn as_str(&self) -> &str {
        self.0.as_str()
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

    #[test]
    fn contrast_follows_wcag() {
        let ratio = |c: &str| HexColor::parse(c).unwrap().contrast_with_white();
        assert!((ratio("#000000") - 21.0).abs() < 0.01);
        assert!((ratio("#ffffff") - 1.0).abs() < 0.01);
        // #767676 is the classic lightest grey that passes AA on white.
        assert!(ratio("#767676") >= 4.5 && ratio("#777777") < 4.5);
    }

    #[test]
    fn brand_colours_keep_white_header_text_readable() {
        assert_eq!(BrandColor::parse("#1F5FA8").unwrap().as_str(), "#1f5fa8");
        let err = BrandColor::parse("#ffcc00").unwrap_err();
        assert!(err.contains("4.5:1"), "{err}");
        let suggested = HexColor::parse("#ffcc00").unwrap().readable_under_white();
        assert!(err.contains(suggested.as_str()), "{err}");
        assert!(suggested.contrast_with_white() >= MIN_HEADER_CONTRAST);
        assert!(BrandColor::parse(suggested.as_str()).is_ok());
        // The suggestion is the lightest shade that reads, not black.
        assert_ne!(suggested.as_str(), "#000000");
        for c in ["#ffffff", "#00ff00", "#87ceeb", "#ff0000", "#1f5fa8"] {
            let fixed = HexColor::parse(c).unwrap().readable_under_white();
            assert!(
                fixed.contrast_with_white() >= MIN_HEADER_CONTRAST,
                "{c} → {fixed:?}"
            );
        }
    }
}
