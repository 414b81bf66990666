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
