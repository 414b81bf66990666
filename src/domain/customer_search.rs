//! What each filter of the customers pane means, as a person uses it, in a form an index can
//! answer: exact keys and prefix ranges (`lo <= key < hi` in byte order) for identifiers, IPv4
//! networks as the address prefixes they cover, and contains-texts of at least
//! [`MIN_CONTAINS`] characters for names (a trigram index needs three characters to look up;
//! shorter text would read every row, so it is refused with a message instead).

use std::net::Ipv4Addr;

/// The shortest text a contains-match (company, name) accepts.
pub const MIN_CONTAINS: usize = 3;

/// The message of a contains filter with too little text.
pub const TOO_SHORT: &str = "Type at least 3 characters.";

/// Keys an index range scan reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRange {
    /// This key only.
    Exact(String),
    /// Every key that starts with the text: `lo <= key < hi`.
    Prefix { lo: String, hi: String },
}

impl KeyRange {
    /// The keys starting with `text` (already folded as the keys are); `None` for no text.
    pub fn prefix(text: &str) -> Option<KeyRange> {
        if text.is_empty() {
            return None;
        }
        // No key holds U+10FFFF after the prefix, so this bound is above every key starting
        // with it (byte order of UTF-8 is code point order).
        Some(KeyRange::Prefix {
            lo: text.to_string(),
            hi: format!("{text}{}", char::MAX),
        })
    }
}

/// The text a contains-match looks for, case folded (`None` when nothing was typed); fewer
/// than [`MIN_CONTAINS`] characters is refused with [`TOO_SHORT`].
pub fn contains_text(typed: &str) -> Result<Option<String>, String> {
    let t = typed.trim().to_lowercase();
    match t.chars().count() {
        0 => Ok(None),
        n if n < MIN_CONTAINS => Err(TOO_SHORT.into()),
        _ => Ok(Some(t)),
    }
}

/// The device addresses an IP filter matches. Plain text is a prefix of the address as stored
/// (`10.0.182` finds 10.0.182.x and 10.0.18x.x; `2001:db8` IPv6 addresses); an IPv4 network
/// `a.b.c.d/n` (n from 8 to 32) finds every address in it, as one prefix per value of the
/// octet the mask cuts (at most 128 ranges, each an index range).
pub fn ip_ranges(typed: &str) -> Result<Vec<KeyRange>, String> {
    let t = typed.trim().to_lowercase();
    let Some((addr, len)) = t.split_once('/') else {
        return Ok(KeyRange::prefix(&t).into_iter().collect());
    };
    const NETWORK: &str = "Type an IPv4 network as 10.0.182.0/24 (a mask from /8 to /32), \
                           or the start of an address.";
    let addr: Ipv4Addr = addr.trim().parse().map_err(|_| NETWORK.to_string())?;
    let len: u32 = len.trim().parse().map_err(|_| NETWORK.to_string())?;
    if !(8..=32).contains(&len) {
        return Err(NETWORK.into());
    }
    let net = u32::from(addr) & (u32::MAX << (32 - len));
    let octets = Ipv4Addr::from(net).octets();
    let whole = (len / 8) as usize;
    let spare = len % 8;
    let head = |n: usize| {
        octets[..n]
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(".")
    };
    let one = |text: String, full: bool| {
        if full {
            Some(KeyRange::Exact(text))
        } else {
            KeyRange::prefix(&format!("{text}."))
        }
    };
    if spare == 0 {
        return Ok(one(head(whole), whole == 4).into_iter().collect());
    }
    // The octet the mask cuts runs over 2^(8 - spare) values from the network's.
    let first = u32::from(octets[whole]);
    let count = 1u32 << (8 - spare);
    Ok((first..first + count)
        .filter_map(|v| {
            let text = match whole {
                0 => v.to_string(),
                n => format!("{}.{v}", head(n)),
            };
            one(text, whole == 3)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefixes(typed: &str) -> Vec<String> {
        ip_ranges(typed)
            .unwrap()
            .into_iter()
            .map(|r| match r {
                KeyRange::Exact(k) => format!("={k}"),
                KeyRange::Prefix { lo, .. } => lo,
            })
            .collect()
    }

    #[test]
    fn networks_are_the_prefixes_they_cover() {
        assert_eq!(prefixes("10.0.182.0/24"), ["10.0.182."]);
        assert_eq!(prefixes(" 10.0.182.77/16 "), ["10.0."]);
        assert_eq!(prefixes("10.0.182.116/32"), ["=10.0.182.116"]);
        assert_eq!(prefixes("10.0.182.0/8"), ["10."]);
        assert_eq!(
            prefixes("10.0.182.130/30"),
            [
                "=10.0.182.128",
                "=10.0.182.129",
                "=10.0.182.130",
                "=10.0.182.131"
            ]
        );
        assert_eq!(
            prefixes("10.0.4.0/22"),
            ["10.0.4.", "10.0.5.", "10.0.6.", "10.0.7."]
        );
        assert!(ip_ranges("10.0.0.0/7").unwrap_err().contains("/8"));
        assert!(ip_ranges("10.0.0/24").is_err());
        assert!(ip_ranges("2001:db8::/32").is_err());
        assert_eq!(prefixes("2001:DB8"), ["2001:db8"]);
        assert!(prefixes("  ").is_empty());
    }

    #[test]
    fn contains_needs_three_characters() {
        assert_eq!(contains_text(" ").unwrap(), None);
        assert_eq!(contains_text("ab").unwrap_err(), TOO_SHORT);
        assert_eq!(contains_text("Åbo").unwrap(), Some("åbo".into()));
    }
}
