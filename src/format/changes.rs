//! What an audit entry changed, in words: "Company: Acme → Acme AS" rather than two JSON images.
//! The histories of every object and the audit log show changes this way; the images stay
//! stored as they were written.

use serde_json::{Map, Value};

/// One changed field of an audit image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The stored key (`credit_limit`), for tools and tests.
    pub key: String,
    /// The key in words (`Credit limit`).
    pub label: String,
    pub old: String,
    pub new: String,
}

/// Keys that change with every save and say nothing to a reader.
const BOOKKEEPING: [&str; 3] = ["version", "updated_at", "created_at"];
/// Longest value shown before it is cut with "…".
const MAX_VALUE_CHARS: usize = 60;

fn object(image: Option<&str>) -> Map<String, Value> {
    image
        .and_then(|t| serde_json::from_str::<Value>(t).ok())
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
}

/// Secrets are never shown, not even hashed: only that they changed.
fn is_secret(key: &str) -> bool {
    ["password", "hash", "secret", "token", "pin"]
        .iter()
        .any(|s| key.contains(s))
}

fn label(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn shown(value: Option<&Value>) -> String {
    let text = match value {
        None | Some(Value::Null) => return "—".to_string(),
        Some(Value::String(s)) if s.is_empty() => return "(empty)".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(true)) => "yes".to_string(),
        Some(Value::Bool(false)) => "no".to_string(),
        Some(other) => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The fields that differ between two audit images, in key order, bookkeeping left out.
pub fn field_changes(before: Option<&str>, after: Option<&str>) -> Vec<FieldChange> {
    let (b, a) = (object(before), object(after));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !BOOKKEEPING.contains(&k.as_str()))
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let (old, new) = if is_secret(k) {
                ("•••".to_string(), "changed".to_string())
            } else {
                (shown(b.get(k)), shown(a.get(k)))
            };
            FieldChange {
                key: k.clone(),
                label: label(k),
                old,
                new,
            }
        })
        .collect()
}

/// An image's fields in words, secrets and bookkeeping left out: "Company: Acme; Status: active".
fn snapshot(image: Option<&str>) -> String {
    object(image)
        .iter()
        .filter(|(k, _)| !BOOKKEEPING.contains(&k.as_str()) && !is_secret(k))
        .map(|(k, v)| format!("{}: {}", label(k), shown(Some(v))))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One line for the audit log: what an update changed ("Company: A → B; Status: active →
/// suspended"), or what was created or deleted ("created — Company: Acme; …").
pub fn changes_line(action: &str, before: Option<&str>, after: Option<&str>) -> String {
    let with = |word: &str, image: Option<&str>| match snapshot(image) {
        fields if fields.is_empty() => word.to_string(),
        fields => format!("{word} — {fields}"),
    };
    match action {
        "create" => with("created", after),
        "delete" => with("deleted", before),
        _ => field_changes(before, after)
            .iter()
            .map(|c| format!("{}: {} → {}", c.label, c.old, c.new))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_changed_in_words() {
        let changes = field_changes(
            Some(
                r#"{"company":"Acme","status":"active","version":1,"gone":true,"tax_flag":false}"#,
            ),
            Some(
                r#"{"company":"Acme AS","status":"active","version":2,"new":[1],"tax_flag":true}"#,
            ),
        );
        let lines: Vec<String> = changes
            .iter()
            .map(|c| format!("{}|{}: {} → {}", c.key, c.label, c.old, c.new))
            .collect();
        assert_eq!(
            lines,
            [
                "company|Company: Acme → Acme AS",
                "gone|Gone: yes → —",
                "new|New: — → [1]",
                "tax_flag|Tax flag: no → yes",
            ]
        );
    }

    #[test]
    fn secrets_say_only_that_they_changed_and_long_values_are_cut() {
        let c = field_changes(
            Some(r#"{"password_hash":"$argon2id$a","note":""}"#),
            Some(&format!(
                r#"{{"password_hash":"$argon2id$b","note":"{}"}}"#,
                "x".repeat(100)
            )),
        );
        assert_eq!(c[0].key, "note");
        assert_eq!(c[0].old, "(empty)");
        assert_eq!(c[0].new.chars().count(), MAX_VALUE_CHARS);
        assert!(c[0].new.ends_with('…'));
        assert_eq!((c[1].old.as_str(), c[1].new.as_str()), ("•••", "changed"));
        assert!(!changes_line(
            "update",
            Some(r#"{"pin":"1234"}"#),
            Some(r#"{"pin":"9999"}"#)
        )
        .contains("1234"));
    }

    #[test]
    fn creations_and_deletions_say_so() {
        assert_eq!(changes_line("create", None, Some("{}")), "created");
        assert_eq!(changes_line("delete", Some("{}"), None), "deleted");
        assert_eq!(
            changes_line(
                "create",
                None,
                Some(r#"{"company":"Acme","password_hash":"$argon2id$x","version":1}"#)
            ),
            "created — Company: Acme"
        );
        assert_eq!(
            changes_line("update", Some(r#"{"a":1}"#), Some(r#"{"a":2}"#)),
            "A: 1 → 2"
        );
    }
}
