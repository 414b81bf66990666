//! `login_failures`: the sign-in throttle's counters, kept in the database so that every
//! instance counts the same failures and a restart forgets nothing. Each change is one
//! conditional statement, so concurrent failures on several instances are all counted.

use crate::db::schema::login_failures as lf;
use crate::db::DbConnection;
use diesel::prelude::*;

/// The latest lock still running on any of `keys`, if one is.
pub fn locked_until(
    conn: &mut DbConnection,
    keys: &[String],
    now: i64,
) -> QueryResult<Option<i64>> {
    lf::table
        .filter(lf::key.eq_any(keys))
        .filter(lf::locked_until.gt(now))
        .select(diesel::dsl::max(lf::locked_until))
        .first::<Option<i64>>(conn)
}

/// Counts one failure on `key` and returns the count within the window. A counter whose window
/// has passed (and that holds no running lock) starts again at one.
/// Call it inside a transaction.
pub fn count_failure(
    conn: &mut DbConnection,
    key: &str,
    now: i64,
    window_secs: i64,
) -> QueryResult<i32> {
    let exists = lf::table
        .find(key)
        .select(lf::key)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if !exists {
        // In a savepoint: another instance may insert the same key first, and PostgreSQL would
        // otherwise abort the whole transaction on that conflict.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(lf::table)
                .values((
                    lf::key.eq(key),
                    lf::failures.eq(0),
                    lf::window_start.eq(now),
                ))
                .execute(conn)
        });
        match inserted {
            Ok(_) => {}
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => {}
            Err(e) => return Err(e),
        }
    }
    diesel::update(lf::table.find(key))
        .filter(lf::window_start.lt(now - window_secs))
        .filter(lf::locked_until.is_null().or(lf::locked_until.le(now)))
        .set((
            lf::failures.eq(0),
            lf::window_start.eq(now),
            lf::locked_until.eq(None::<i64>),
        ))
        .execute(conn)?;
    diesel::update(lf::table.find(key))
        .set(lf::failures.eq(lf::failures + 1))
        .returning(lf::failures)
        .get_result(conn)
}

/// Locks `key` until `until` unless a lock is already running (a lock is not prolonged by the
/// failures it refuses).
pub fn lock(conn: &mut DbConnection, key: &str, now: i64, until: i64) -> QueryResult<bool> {
    let n = diesel::update(lf::table.find(key))
        .filter(lf::locked_until.is_null().or(lf::locked_until.le(now)))
        .set(lf::locked_until.eq(Some(until)))
        .execute(conn)?;
    Ok(n > 0)
}

pub fn clear(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(lf::table.find(key)).execute(conn)?;
    Ok(())
}

/// Removes counters whose window and lock have both passed.
pub fn purge(conn: &mut DbConnection, now: i64, window_secs: i64) -> QueryResult<usize> {
    diesel::delete(
        lf::table
            .filter(lf::window_start.lt(now - window_secs))
            .filter(lf::locked_until.is_null().or(lf::locked_until.le(now))),
    )
    .execute(conn)
}
