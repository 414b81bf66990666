//! `web_sessions`: server-side session state, so signing out ends a session everywhere.

use crate::db::schema::web_sessions;
use crate::db::DbConnection;
use diesel::prelude::*;

pub fn load(conn: &mut DbConnection, id: &str, now: i64) -> QueryResult<Option<String>> {
    web_sessions::table
        .find(id)
        .filter(web_sessions::expires_at.gt(now))
        .select(web_sessions::state)
        .first(conn)
        .optional()
}

pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    principal: Option<&str>,
    expires_at: i64,
) -> QueryResult<()> {
    diesel::insert_into(web_sessions::table)
        .values((
            web_sessions::id.eq(id),
            web_sessions::state.eq(state),
            web_sessions::principal.eq(principal),
            web_sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Returns whether a row was there to update.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    principal: Option<&str>,
    expires_at: i64,
) -> QueryResult<bool> {
    let n = diesel::update(web_sessions::table.find(id))
        .set((
            web_sessions::state.eq(state),
            web_sessions::principal.eq(principal),
            web_sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

pub fn touch(conn: &mut DbConnection, id: &str, expires_at: i64) -> QueryResult<()> {
    diesel::update(web_sessions::table.find(id))
        .set(web_sessions::expires_at.eq(expires_at))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::delete(web_sessions::table.find(id)).execute(conn)?;
    Ok(())
}

/// Ends every session of one principal (e.g. `op:7` or `cust:12`). A customer's principal
/// `cust:12` also ends the sessions of each of its administrators (`cust:12:5`), so deleting,
/// converting or re-keying a customer signs all of them out.
pub fn delete_for_principal(conn: &mut DbConnection, principal: &str) -> QueryResult<usize> {
    let whole = diesel::delete(web_sessions::table.filter(web_sessions::principal.eq(principal)))
        .execute(conn)?;
    let is_customer = principal.starts_with("cust:") && principal.matches(':').count() == 1;
    if !is_customer {
        return Ok(whole);
    }
    let admins = format!("{principal}:%");
    let each = diesel::delete(web_sessions::table.filter(web_sessions::principal.like(admins)))
        .execute(conn)?;
    Ok(whole + each)
}

pub fn purge_expired(conn: &mut DbConnection, now: i64) -> QueryResult<usize> {
    diesel::delete(web_sessions::table.filter(web_sessions::expires_at.le(now))).execute(conn)
}
