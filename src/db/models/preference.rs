//! `operator_preferences`: per-operator settings such as the columns each pane shows.

use crate::db::schema::operator_preferences as prefs;
use crate::db::DbConnection;
use diesel::prelude::*;

pub fn get(conn: &mut DbConnection, operator_id: i64, key: &str) -> QueryResult<Option<String>> {
    prefs::table
        .filter(prefs::operator_id.eq(operator_id))
        .filter(prefs::pref_key.eq(key))
        .select(prefs::value)
        .first(conn)
        .optional()
}

/// All of an operator's preferences whose key starts with `prefix`.
pub fn get_prefixed(
    conn: &mut DbConnection,
    operator_id: i64,
    prefix: &str,
) -> QueryResult<Vec<(String, String)>> {
    prefs::table
        .filter(prefs::operator_id.eq(operator_id))
        .filter(prefs::pref_key.like(format!("{prefix}%")))
        .select((prefs::pref_key, prefs::value))
        .load(conn)
}

/// Insert-or-replace, written portably as delete then insert inside one transaction.
pub fn set(conn: &mut DbConnection, operator_id: i64, key: &str, value: &str) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(
            prefs::table
                .filter(prefs::operator_id.eq(operator_id))
                .filter(prefs::pref_key.eq(key)),
        )
        .execute(conn)?;
        diesel::insert_into(prefs::table)
            .values((
                prefs::operator_id.eq(operator_id),
                prefs::pref_key.eq(key),
                prefs::value.eq(value),
            ))
            .execute(conn)?;
        Ok(())
    })
}
