//! Sign-in names, passwords and the WebID that names a customer's portal.

/// A customer's web access username: letters and digits, 1–30.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebUsername(String);

impl WebUsername {
    pub fn parse(input: &str) -> Result<WebUsername, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter a username.".into());
        }
        if !t.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err("A username has letters and digits only.".into());
        }
        if t.len() > 30 {
            return Err("A username can be at most 30 characters.".into());
        }
        Ok(WebUsername(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The case-folded key that uniqueness is checked on.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// An operator's username: letters, digits, dot, dash, underscore; 1–50.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorUsername(String);

impl OperatorUsername {
    pub fn parse(input: &str) -> Result<OperatorUsername, String> {
        let t = input.trim();
        if t.is_empty() || t.len() > 50 {
            return Err("A username has 1 to 50 characters.".into());
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err("A username has letters, digits, dots, dashes or underscores only.".into());
        }
        Ok(OperatorUsername(t.to_ascii_lowercase()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn password_strength(p: &str, min: usize, max: usize) -> Result<(), String> {
    let n = p.chars().count();
    if n < min || n > max {
        return Err(format!("A password has {min} to {max} characters."));
    }
    if !p.chars().any(|c| c.is_uppercase()) {
        return Err("A password needs at least one capital letter.".into());
    }
    if !p.chars().any(|c| c.is_ascii_digit()) {
        return Err("A password needs at least one digit.".into());
    }
    if !p
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace())
    {
        return Err("A password needs at least one special character, like ! or #.".into());
    }
    Ok(())
}

/// A customer's web access password: 8–30, one capital, one digit, one special character.
#[derive(Clone, PartialEq, Eq)]
pub struct WebPassword(String);

impl WebPassword {
    pub fn parse(input: &str) -> Result<WebPassword, String> {
        if input.is_empty() {
            return Err("Enter a password.".into());
        }
        password_strength(input, 8, 30)?;
        Ok(WebPassword(input.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for WebPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebPassword(…)")
    }
}

/// An operator's password: 12–128 characters with a capital, a digit and a special character.
#[derive(Clone, PartialEq, Eq)]
pub struct OperatorPassword(String);

impl OperatorPassword {
    pub fn parse(input: &str) -> Result<OperatorPassword, String> {
        password_strength(input, 12, 128)?;
        Ok(OperatorPassword(input.to_string()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for OperatorPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OperatorPassword(…)")
    }
}

/// The customer's portal name in `/c/{webid}/`: lowercase letters, digits and dashes, 3–30.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebId(String);

impl WebId {
    pub fn parse(input: &str) -> Result<WebId, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter a WebID.".into());
        }
        if !t
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err("A WebID has lowercase letters, digits and dashes only.".into());
        }
        if t.len() < 3 || t.len() > 30 {
            return Err("A WebID has 3 to 30 characters.".into());
        }
        if t.starts_with('-') || t.ends_with('-') {
            return Err("A WebID cannot start or end with a dash.".into());
        }
        Ok(WebId(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_username_rules() {
        assert!(WebUsername::parse("acme01").is_ok());
        assert!(WebUsername::parse(&"a".repeat(30)).is_ok());
        assert!(WebUsername::parse(&"a".repeat(31)).is_err());
        assert!(WebUsername::parse("acme-01").is_err());
        assert!(WebUsername::parse("").is_err());
        assert_eq!(WebUsername::parse("AcMe").unwrap().key(), "acme");
    }

    #[test]
    fn web_password_policy() {
        assert!(WebPassword::parse("Secret1!").is_ok());
        assert!(WebPassword::parse("Secre1!").is_err(), "7 characters");
        assert!(WebPassword::parse(&format!("Aa1!{}", "x".repeat(26))).is_ok());
        assert!(WebPassword::parse(&format!("Aa1!{}", "x".repeat(27))).is_err());
        assert!(WebPassword::parse("secret1!").is_err(), "no capital");
        assert!(WebPassword::parse("Secretab!").is_err(), "no digit");
        assert!(WebPassword::parse("Secret123").is_err(), "no special");
        assert!(!format!("{:?}", WebPassword::parse("Secret1!").unwrap()).contains("Secret"));
    }

    #[test]
    fn webid_rules() {
        assert!(WebId::parse("acme-corp").is_ok());
        assert!(WebId::parse("ab").is_err());
        assert!(WebId::parse(&"a".repeat(31)).is_err());
        assert!(WebId::parse("Acme").is_err());
        assert!(WebId::parse("-acme").is_err());
    }
}
