//! Secrets the portal must give back (a SIP device's secret: the SIP proxy needs it), sealed at
//! rest with AES-256-GCM under the instance key: `SELFCARE_SECRET_KEY` (64 hex digits), or,
//! when unset, a key generated once and kept in the database's `app_settings` (so every
//! instance on the database shares it). A sealed value is hex of nonce ‖ ciphertext ‖ tag.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::RngCore;

/// Binds a sealed value to its use: a value sealed for something else does not open here.
const CONTEXT: &[u8] = b"selfcare sip secret v1";

/// The instance key. `Debug` never shows it.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

/// A new random key, as 64 hex digits.
pub fn generate_key_hex() -> String {
    let mut k = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut k);
    hex(&k)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}

impl SecretBox {
    /// The key from 64 hex digits; the message never repeats the value.
    pub fn from_hex(key: &str) -> Result<SecretBox, String> {
        match unhex(key.trim()) {
            Some(bytes) if bytes.len() == 32 => Ok(SecretBox {
                cipher: Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&bytes)),
            }),
            _ => Err("the secret key must be 64 hexadecimal digits (32 bytes)".into()),
        }
    }

    /// Seals `plain` under a fresh random nonce.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: CONTEXT,
        };
        // Encryption fails only for inputs of gigabytes; a secret is at most 64 characters.
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        hex(&out)
    }

    /// The plain text of a sealed value, or `None` when it was not sealed with this key.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = unhex(sealed)?;
        if bytes.len() < 12 + 16 {
            return None;
        }
        let (nonce, body) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: CONTEXT,
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_never_repeat() {
        let a = SecretBox::from_hex(&generate_key_hex()).unwrap();
        let b = SecretBox::from_hex(&generate_key_hex()).unwrap();
        let s1 = a.seal("Secret-123");
        let s2 = a.seal("Secret-123");
        assert_ne!(s1, s2, "a fresh nonce each time");
        assert!(!s1.contains("Secret") && !s1.to_lowercase().contains(&hex(b"Secret")));
        assert_eq!(a.open(&s1).as_deref(), Some("Secret-123"));
        assert_eq!(b.open(&s1), None);
        let mut tampered = s1.clone();
        tampered.replace_range(40..42, if &s1[40..42] == "00" { "01" } else { "00" });
        assert_eq!(a.open(&tampered), None);
        assert_eq!(a.open("zz"), None);
    }

    #[test]
    fn keys_are_64_hex_digits_and_never_shown() {
        assert!(SecretBox::from_hex("abcd").is_err());
        assert!(SecretBox::from_hex(&"g".repeat(64)).is_err());
        let k = "0f".repeat(32);
        let b = SecretBox::from_hex(&k).unwrap();
        assert!(!format!("{b:?}").contains("0f0f"));
    }
}
