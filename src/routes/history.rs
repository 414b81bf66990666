//! An object's own history as its page shows it: when, who, what was done, which fields changed,
//! and the reason. Every page with a history (customer, site, link, operator, branding,
//! subscriber) renders these rows with the `history` macro of `macros.html`.

use crate::db::models::audit::AuditEntry;
use crate::domain::Zone;
use crate::format::changes::{field_changes, FieldChange};

pub struct HistoryView {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    /// "created" or "deleted"; empty for an update, whose `changes` name each field.
    pub summary: String,
    pub changes: Vec<FieldChange>,
    pub reason: String,
}

impl HistoryView {
    /// One audit entry, its object named by `object_label`, its time in the viewer's `zone`.
    pub fn of(
        e: &AuditEntry,
        zone: &Zone,
        object_label: impl Fn(&AuditEntry) -> String,
    ) -> HistoryView {
        let (summary, changes) = match e.action.as_str() {
            "create" => ("created".to_string(), Vec::new()),
            "delete" => ("deleted".to_string(), Vec::new()),
            _ => (
                String::new(),
                field_changes(e.before_json.as_deref(), e.after_json.as_deref()),
            ),
        };
        HistoryView {
            id: e.id,
            at: zone.time(e.at),
            actor: e.actor.clone(),
            action: e.action.replace('_', " "),
            object: object_label(e),
            summary,
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
