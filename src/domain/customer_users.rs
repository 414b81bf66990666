//! Values of a customer's own people: the role of a customer administrator within the customer,
//! and (for users) the extension whose length the customer's PBX settings fix, and the SIP
//! username, which shares one key space with SIP device logins.

use super::choice;

choice!(
    /// What a customer administrator may do in the portal: `admin` changes, `viewer` only looks
    /// (every POST but signing out and their own password answers 403).
    AdminRole, "Choose admin or viewer.", [
        Admin => "admin", "Administrator";
        Viewer => "viewer", "Viewer";
    ]
);

impl AdminRole {
    pub fn can_edit(self) -> bool {
        self == AdminRole::Admin
    }
}

choice!(
    /// A package is what a user holds (exactly one each); an add-on (attendant console,
    /// calling plan…) is assigned per user on top of it. Both are quantities on the customer.
    PackageKind, "Choose package or add-on.", [
        Package => "package", "Package";
        Addon => "addon", "Add-on";
    ]
);

choice!(
    /// Who manages a hosted-PBX customer's platform.
    ManagedBy, "Choose MBG managed or MiVoice managed.", [
        Mivoice => "mivoice", "MiVoice managed";
        Mbg => "mbg", "MBG managed";
    ]
);

choice!(
    /// The admin lists behind the PBX settings.
    PbxOptionKind, "Choose platform, key template or hotdesk device.", [
        Platform => "platform", "Platform";
        KeyTemplate => "key_template", "Key template";
        HotdeskDevice => "hotdesk_device", "Hotdesk device";
    ]
);

/// The shortest and longest extension a customer may choose.
pub const EXTENSION_LENGTHS: std::ops::RangeInclusive<i64> = 3..=7;

/// A user's extension: exactly `length` digits (the customer's extension length).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserExtension(String);

impl UserExtension {
    pub fn parse(input: &str, length: usize) -> Result<UserExtension, String> {
        let t = input.trim();
        if t.is_empty() {
            return Err("Enter an extension.".into());
        }
        if !t.chars().all(|c| c.is_ascii_digit()) {
            return Err("An extension has digits only.".into());
        }
        if t.len() != length {
            return Err(format!(
                "This customer's extensions have {length} digits (you typed {}).",
                t.len()
            ));
        }
        Ok(UserExtension(t.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A one-time set-password link's token: 256 random bits (hex), shown only in the welcome
/// mail; the database keeps its SHA-256 (a fast hash suffices for a random secret).
#[derive(Clone)]
pub struct SetPasswordToken(String);

impl std::fmt::Debug for SetPasswordToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetPasswordToken(…)")
    }
}

impl SetPasswordToken {
    pub fn generate() -> SetPasswordToken {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        SetPasswordToken(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// A token from a link; `None` unless it has the generated shape (64 hex digits).
    pub fn from_link(input: &str) -> Option<SetPasswordToken> {
        let t = input.trim();
        (t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| SetPasswordToken(t.to_ascii_lowercase()))
    }

    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// What is stored: the SHA-256 of the token, hex.
    pub fn hash(&self) -> String {
        use sha2::{Digest, Sha256};
        Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_have_the_customers_length() {
        assert_eq!(UserExtension::parse(" 1234 ", 4).unwrap().as_str(), "1234");
        assert!(UserExtension::parse("123", 4)
            .unwrap_err()
            .contains("have 4 digits (you typed 3)"));
        assert!(UserExtension::parse("12a4", 4).is_err());
        assert!(UserExtension::parse("", 4).is_err());
    }

    #[test]
    fn set_password_tokens_round_trip_through_links_only_in_their_shape() {
        let t = SetPasswordToken::generate();
        assert_eq!(t.reveal().len(), 64);
        let back = SetPasswordToken::from_link(t.reveal()).unwrap();
        assert_eq!(back.hash(), t.hash());
        assert_ne!(t.hash(), t.reveal());
        assert!(SetPasswordToken::from_link("abc").is_none());
        assert!(SetPasswordToken::from_link(&"z".repeat(64)).is_none());
    }

    #[test]
    fn roles_and_kinds_parse_their_spelling() {
        assert_eq!(AdminRole::parse("viewer"), Ok(AdminRole::Viewer));
        assert!(!AdminRole::Viewer.can_edit());
        assert!(AdminRole::parse("owner").is_err());
        assert_eq!(PackageKind::parse("addon"), Ok(PackageKind::Addon));
        assert_eq!(ManagedBy::parse("mbg"), Ok(ManagedBy::Mbg));
    }
}
