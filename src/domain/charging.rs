//! Values of the charging API: a reservation's state, the bearer token as presented, and the
//! amounts and numbers a network element sends.

use super::choices::choice;
use super::money::MAX_MINOR;
use sha2::{Digest, Sha256};

choice!(
    /// Where a reservation is: open (holding part of the balance), or how it ended.
    ReservationState, "Choose a reservation state from the list.", [
        Open => "open", "Open";
        Committed => "committed", "Committed";
        Released => "released", "Released";
        Expired => "expired", "Expired";
        Revoked => "revoked", "Revoked";
        Deleted => "deleted", "Deleted";
    ]
);

/// A bearer token as sent in `Authorization: Bearer …`; only its SHA-256 is ever stored or
/// compared. A 256-bit random token needs no slow hash: nobody can guess one, so the hash
/// only has to hide the token from a reader of the database (and a fast one keeps a lookup
/// per request cheap, where argon2 would cost tens of milliseconds each).
#[derive(Clone)]
pub struct BearerToken(String);

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(…)")
    }
}

impl BearerToken {
    /// The token of an `Authorization` header value (`Bearer <token>`); `None` when absent or
    /// not of that form.
    pub fn from_header(value: &str) -> Option<BearerToken> {
        let (scheme, token) = value.trim().split_once(' ')?;
        let token = token.trim();
        let plain =
            !token.is_empty() && token.len() <= 128 && token.bytes().all(|b| b.is_ascii_graphic());
        (scheme.eq_ignore_ascii_case("bearer") && plain).then(|| BearerToken(token.to_string()))
    }

    /// A new random token (32 bytes, hex) to show once.
    pub fn generate() -> BearerToken {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        BearerToken(format!("sc_{}", hex(&bytes)))
    }

    pub fn reveal(&self) -> &str {
        &self.0
    }

    /// What is stored: the SHA-256 of the token, hex.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An amount a network element sends: a whole number of minor units / seconds / units, more
/// than zero and at most 10^15.
pub fn positive_amount(n: i64) -> Result<i64, String> {
    if n <= 0 {
        Err("The amount must be more than zero.".into())
    } else if n > MAX_MINOR {
        Err(format!("The amount must be at most {MAX_MINOR}."))
    } else {
        Ok(n)
    }
}

/// A called number: digits with an optional leading `+`, at most 32 characters (blank: none).
pub fn called_number(input: &str) -> Result<Option<String>, String> {
    let t = input.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let digits = t.strip_prefix('+').unwrap_or(t);
    if t.len() <= 32 && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(t.to_string()))
    } else {
        Err("The called number must be digits, with an optional leading +.".into())
    }
}

/// True when a text holds a control character (refused at the edge like form fields).
pub fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_from_the_header_and_hashed() {
        let t = BearerToken::from_header("Bearer abc123").unwrap();
        assert_eq!(t.reveal(), "abc123");
        assert_eq!(
            t.hash(),
            "6ca13d52ca70c883e0f0bb101e425a89e8624de51db2d2392593af6a84118090"
        );
        assert!(BearerToken::from_header("Basic abc").is_none());
        assert!(BearerToken::from_header("Bearer ").is_none());
        assert!(BearerToken::from_header("Bearer a\u{1}b").is_none());
        let g = BearerToken::generate();
        assert_eq!(g.reveal().len(), 67);
        assert_ne!(g.hash(), BearerToken::generate().hash());
    }

    #[test]
    fn amounts_and_numbers() {
        assert!(positive_amount(0).is_err());
        assert!(positive_amount(-1).is_err());
        assert_eq!(positive_amount(MAX_MINOR), Ok(MAX_MINOR));
        assert!(positive_amount(MAX_MINOR + 1).is_err());
        assert_eq!(
            called_number(" +4712345678 "),
            Ok(Some("+4712345678".into()))
        );
        assert_eq!(called_number(""), Ok(None));
        assert!(called_number("12a").is_err());
        assert!(called_number("+").is_err());
    }
}
