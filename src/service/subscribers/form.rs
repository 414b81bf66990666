//! Reading posted form values the way every subscriber form (and the settings page) needs:
//! checkboxes, selects by id or name, the provider an operator may work in. Pure, no database.

/// The provider asked for, if the operator may work in it; else their default (the first).
pub fn pick_provider(asked: &str, allowed: &[(String, String)]) -> Option<i64> {
    allowed
        .iter()
        .find(|(id, _)| id == asked.trim())
        .or_else(|| allowed.first())
        .and_then(|(id, _)| id.parse().ok())
}

/// A checkbox as posted: absent or empty is off; "0", "false", "no" and "off" are off too.
pub fn checkbox(value: &str) -> bool {
    !matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "" | "0" | "false" | "no" | "off"
    )
}

/// `"on"` / `""`: how a checkbox's state is kept in a `FormState`.
pub fn on(flag: bool) -> &'static str {
    if flag {
        "on"
    } else {
        ""
    }
}

/// `(id, name)` pairs as the select macros want them.
pub fn id_options(rows: Vec<(i64, String)>) -> Vec<(String, String)> {
    rows.into_iter()
        .map(|(id, name)| (id.to_string(), name))
        .collect()
}

/// The id chosen in a select, if it is one of the options; a name is accepted too.
pub fn pick_option(value: &str, options: &[(String, String)], what: &str) -> Result<i64, String> {
    let v = value.trim();
    options
        .iter()
        .find(|(id, name)| id == v || name.eq_ignore_ascii_case(v))
        .and_then(|(id, _)| id.parse().ok())
        .ok_or_else(|| format!("Choose {what} from the list."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkboxes_read_like_browsers_send_them() {
        assert!(checkbox("on"));
        assert!(checkbox("1"));
        assert!(checkbox("true"));
        assert!(!checkbox(""));
        assert!(!checkbox("off"));
        assert!(!checkbox("0"));
    }

    #[test]
    fn options_match_by_id_or_name() {
        let opts = vec![("1".to_string(), "English".to_string())];
        assert_eq!(pick_option("1", &opts, "a language"), Ok(1));
        assert_eq!(pick_option("english", &opts, "a language"), Ok(1));
        assert!(pick_option("2", &opts, "a language").is_err());
        assert_eq!(pick_provider("9", &opts), Some(1));
    }
}
