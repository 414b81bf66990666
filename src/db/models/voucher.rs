//! `voucher_recharge_attempts`: every voucher recharge attempt of a subscriber, the record that
//! three failures in a row blacklist it. The rule and its audit event are the service's
//! (`service::subscribers::recharge`); here are only the queries.

use crate::db::schema::voucher_recharge_attempts;
use crate::db::DbConnection;
use diesel::prelude::*;

/// Stores one attempt, now.
pub fn insert_attempt(
    conn: &mut DbConnection,
    subscriber_id: i64,
    voucher: &str,
    succeeded: bool,
) -> QueryResult<()> {
    diesel::insert_into(voucher_recharge_attempts::table)
        .values((
            voucher_recharge_attempts::subscriber_id.eq(subscriber_id),
            voucher_recharge_attempts::at.eq(crate::db::now()),
            voucher_recharge_attempts::succeeded.eq(succeeded),
            voucher_recharge_attempts::voucher.eq(voucher),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether each of the subscriber's latest `n` attempts succeeded, newest first.
pub fn latest_outcomes(
    conn: &mut DbConnection,
    subscriber_id: i64,
    n: usize,
) -> QueryResult<Vec<bool>> {
    voucher_recharge_attempts::table
        .filter(voucher_recharge_attempts::subscriber_id.eq(subscriber_id))
        .order(voucher_recharge_attempts::id.desc())
        .select(voucher_recharge_attempts::succeeded)
        .limit(n as i64)
        .load(conn)
}
