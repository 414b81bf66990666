//! Restricted-party screening: the name key that makes matching insensitive to case, accents,
//! punctuation and spacing, and the uploaded list (CSV of name + country) checked row by row.

use super::Country;
use unicode_normalization::UnicodeNormalization;

/// Lower-case letters and digits only, accents removed (“Ørsted A/S” and “orsted as” agree).
pub fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfkd() {
        // Letters that carry no combining mark to strip.
        let folded: &str = match c {
            'ø' | 'Ø' => "o",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ß' => "ss",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'ł' | 'Ł' => "l",
            'þ' | 'Þ' => "th",
            'ı' => "i",
            _ => "",
        };
        if !folded.is_empty() {
            out.push_str(folded);
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// One entry of the restricted-party list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictedEntry {
    pub name: String,
    pub country: &'static str,
    pub key: String,
}

/// The most entries one list may have (a bound on memory and on the insert).
pub const MAX_ENTRIES: usize = 20_000;

/// Parses the uploaded CSV: `name,country` per line (a header line naming those columns is
/// skipped; the country is an ISO code or its English name). Every bad line is reported with
/// its number; one bad line refuses the whole file.
pub fn parse_restricted_csv(bytes: &[u8]) -> Result<Vec<RestrictedEntry>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("Line {line}: cannot be read ({e})."));
                continue;
            }
        };
        let name = record.get(0).unwrap_or("").trim();
        let country = record.get(1).unwrap_or("").trim();
        if line == 1 && name.eq_ignore_ascii_case("name") && country.eq_ignore_ascii_case("country")
        {
            continue;
        }
        if name.is_empty() && country.is_empty() && record.len() <= 2 {
            continue;
        }
        if record.len() > 2 && record.iter().skip(2).any(|f| !f.trim().is_empty()) {
            errors.push(format!(
                "Line {line}: has more than two columns (name, country)."
            ));
            continue;
        }
        let key = name_key(name);
        if key.is_empty() || name.chars().count() > 200 {
            errors.push(format!(
                "Line {line}: the name is empty or longer than 200 characters."
            ));
            continue;
        }
        let country = match Country::parse(country).or_else(|_| Country::from_name(country)) {
            Ok(c) => c.code(),
            Err(_) => {
                errors.push(format!(
                    "Line {line}: “{country}” is not a country (use its ISO code, like NO, or its English name)."
                ));
                continue;
            }
        };
        entries.push(RestrictedEntry {
            name: name.to_string(),
            country,
            key,
        });
        if entries.len() > MAX_ENTRIES {
            errors.push(format!("The list has more than {MAX_ENTRIES} entries."));
            break;
        }
    }
    if entries.is_empty() && errors.is_empty() {
        errors.push(
            "The file has no entries; a list needs at least one line of name, country.".into(),
        );
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_accents_punctuation_and_spacing() {
        assert_eq!(name_key("Ørsted A/S"), name_key("orsted as"));
        assert_eq!(name_key("Société Générale, S.A."), "societegeneralesa");
        assert_eq!(name_key("  ACME-Corp. "), name_key("acme corp"));
        assert_eq!(name_key("Straße"), "strasse");
        assert_ne!(name_key("Acme"), name_key("Acme 2"));
        assert_eq!(name_key("!!!"), "");
    }

    #[test]
    fn the_list_parses_codes_names_quotes_and_a_header() {
        let csv = "name,country\n\"Evil, Inc.\",US\nBad Actor AS,Norway\n\n";
        let list = parse_restricted_csv(csv.as_bytes()).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "Evil, Inc.");
        assert_eq!(list[0].country, "US");
        assert_eq!(list[1].country, "NO");
        assert_eq!(list[1].key, "badactoras");
    }

    #[test]
    fn one_bad_line_refuses_the_file_naming_each_line() {
        let errors = parse_restricted_csv(b"Good,NO\n,NO\nX,Atlantis\nY,NO,extra").unwrap_err();
        assert_eq!(errors.len(), 3);
        assert!(errors[0].starts_with("Line 2"));
        assert!(errors[1].contains("Atlantis"));
        assert!(errors[2].contains("more than two columns"));
        assert!(parse_restricted_csv(b"name,country\n").is_err());
    }
}
