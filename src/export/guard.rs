//! Formula-injection guard (OWASP CSV injection; ASVS 1.2.10): text that a spreadsheet would
//! evaluate gets a leading apostrophe, which spreadsheets show as text.

use std::borrow::Cow;

pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn dangerous_first_characters_are_neutralised() {
        for bad in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for ok in ["Acme AS", "", "a=b", "1-2", "'quoted"] {
            assert_eq!(neutralise(ok), ok);
        }
    }
}
