//! An object's own history as its page shows it: when, who, what was done, which fields changed,
//! and the reason. Every page with a history (customer, site, link, operator, branding,
//! subscriber) renders these rows with the `history` macro of `macros.html`.

use crate::db::models::audit::AuditEntry;
use crate::domain::Zone;

pub struct HistoryView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub changes: String,
    pub reason: String,
}

impl HistoryView {
    /// One audit entry, its object named by `object_label`, its time in the viewer's `zone`.
    pub fn of(
        e: &AuditEntry,
        zone: &Zone,
        object_label: impl Fn(&AuditEntry) -> String,
    ) -> HistoryView {
        let changes = match e.action.as_str() {
            "create" => "created".to_string(),
            "delete" => "deleted".to_string(),
            _ => changed_keys(e.before_json.as_deref(), e.after_json.as_deref()).join(", "),
        };
        HistoryView {
            id: e.id,
            at: zone.time(e.at),
            actor: e.actor.clone(),
            action: e.action.replace('_', " "),
            object: object_label(e),
            changes,
            reason: e.reason.clone().unwrap_or_default(),
        }
    }

    /// The entries of one object, labelled with `label`, times in the viewer's `zone`.
    pub fn all(entries: &[AuditEntry], label: &str, zone: &Zone) -> Vec<HistoryView> {
        entries
            .iter()
            .map(|e| HistoryView::of(e, zone, |_| label.to_string()))
            .collect()
    }
}

/// Top-level fields that differ between two audit images (bookkeeping fields left out).
pub fn changed_keys(before: Option<&str>, after: Option<&str>) -> Vec<String> {
    let parse = |s: Option<&str>| {
        s.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| !matches!(k.as_str(), "version" | "updated_at" | "created_at"))
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::changed_keys;

    #[test]
    fn history_names_what_changed() {
        let keys = changed_keys(
            Some(r#"{"a":1,"b":"x","version":1,"gone":true}"#),
            Some(r#"{"a":2,"b":"x","version":2,"new":[1]}"#),
        );
        assert_eq!(keys, ["a", "gone", "new"]);
    }
}
