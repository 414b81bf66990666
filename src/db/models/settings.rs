//! `app_settings`: instance-wide values shared by every instance on the same database.

use crate::db::schema::app_settings;
use crate::db::DbConnection;
use diesel::prelude::*;

pub fn get(conn: &mut DbConnection, name: &str) -> QueryResult<Option<String>> {
    app_settings::table
        .find(name)
        .select(app_settings::value)
        .first(conn)
        .optional()
}

/// Stores `value` under `name` unless something is there already; returns what is stored.
/// Several instances starting at once agree on the first value written.
pub fn get_or_insert(conn: &mut DbConnection, name: &str, value: &str) -> QueryResult<String> {
    if let Some(v) = get(conn, name)? {
        return Ok(v);
    }
    let inserted = diesel::insert_into(app_settings::table)
        .values((app_settings::name.eq(name), app_settings::value.eq(value)))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(value.to_string()),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => get(conn, name).map(|v| v.unwrap_or_default()),
        Err(e) => Err(e),
    }
}

/// Stores `value` under `name`, replacing what is there.
pub fn set(conn: &mut DbConnection, name: &str, value: &str) -> QueryResult<()> {
    let n = diesel::update(app_settings::table.find(name))
        .set(app_settings::value.eq(value))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(app_settings::table)
            .values((app_settings::name.eq(name), app_settings::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}

/// The global "audit financial changes" switch: when on, wallet changes need a reason.
pub const AUDIT_FINANCIAL_CHANGES: &str = "audit_financial_changes";

pub fn audit_financial_changes(conn: &mut DbConnection) -> QueryResult<bool> {
    Ok(get(conn, AUDIT_FINANCIAL_CHANGES)?.as_deref() == Some("1"))
}
