//! `audit_log`: who changed what, when, with the before and after images.

use crate::db::schema::audit_log;
use crate::db::DbConnection;
use diesel::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: i64,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub reason: Option<String>,
}

/// One change to record; `before`/`after` are the object's images (absent for create/delete).
pub struct Change<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: i64,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
}

pub fn record(conn: &mut DbConnection, change: Change<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(crate::db::now()),
            audit_log::actor.eq(change.actor),
            audit_log::action.eq(change.action),
            audit_log::object_type.eq(change.object_type),
            audit_log::object_id.eq(change.object_id),
            audit_log::before_json.eq(change.before.map(|v| v.to_string())),
            audit_log::after_json.eq(change.after.map(|v| v.to_string())),
            audit_log::reason.eq(change.reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Serialises a row for the log, leaving out nothing but what `#[serde(skip)]` hides.
pub fn image<T: Serialize>(row: &T) -> Option<serde_json::Value> {
    serde_json::to_value(row).ok()
}

/// Filter of the audit log page; empty text and `None` mean "any".
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor: String,
    pub object_type: String,
    pub object_id: Option<i64>,
    pub action: String,
    /// Entries at or after this time (UTC seconds).
    pub from: Option<i64>,
    /// Entries before this time (UTC seconds).
    pub until: Option<i64>,
}

pub fn search(
    conn: &mut DbConnection,
    f: &AuditFilter,
    page: i64,
    per_page: i64,
) -> QueryResult<super::Page<AuditEntry>> {
    let mut q = audit_log::table.into_boxed::<crate::db::MultiBackend>();
    if !f.actor.trim().is_empty() {
        q = q.filter(audit_log::actor.eq(f.actor.trim().to_string()));
    }
    if !f.object_type.trim().is_empty() {
        q = q.filter(audit_log::object_type.eq(f.object_type.trim().to_string()));
    }
    if let Some(id) = f.object_id {
        q = q.filter(audit_log::object_id.eq(id));
    }
    if !f.action.trim().is_empty() {
        q = q.filter(audit_log::action.eq(f.action.trim().to_string()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(audit_log::at.lt(until));
    }
    let rows = q
        .order(audit_log::id.desc())
        .select(AuditEntry::as_select())
        .limit(per_page + 1)
        .offset(page.max(0) * per_page)
        .load(conn)?;
    Ok(super::Page::from_overfetch(rows, per_page))
}

/// The entries of one object and of some related ones (a subscriber and its wallets), newest
/// first.
pub fn history_of(
    conn: &mut DbConnection,
    object_type: &str,
    object_id: i64,
    related_type: &str,
    related_ids: &[i64],
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(
            audit_log::object_type
                .eq(object_type)
                .and(audit_log::object_id.eq(object_id))
                .or(audit_log::object_type
                    .eq(related_type)
                    .and(audit_log::object_id.eq_any(related_ids))),
        )
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}
