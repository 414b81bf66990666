//! `voucher_recharge_attempts`: every voucher recharge attempt of a subscriber, so that three
//! failures in a row blacklist it (the rule is `domain::subscriber_rules::blacklists`). The
//! recharge itself arrives with balances; it calls `record_attempt`.

use super::audit::{self, Change};
use super::subscriber;
use crate::db::schema::voucher_recharge_attempts;
use crate::db::DbConnection;
use crate::domain::subscriber_rules::{blacklists, FAILED_RECHARGES_TO_BLACKLIST};
use diesel::prelude::*;

/// Records one attempt and applies the blacklist rule; returns whether this attempt blacklisted
/// the subscriber. Call it inside the recharge's transaction.
pub fn record_attempt(
    conn: &mut DbConnection,
    subscriber_id: i64,
    voucher: &str,
    succeeded: bool,
    actor: &str,
) -> QueryResult<bool> {
    diesel::insert_into(voucher_recharge_attempts::table)
        .values((
            voucher_recharge_attempts::subscriber_id.eq(subscriber_id),
            voucher_recharge_attempts::at.eq(crate::db::now()),
            voucher_recharge_attempts::succeeded.eq(succeeded),
            voucher_recharge_attempts::voucher.eq(voucher),
        ))
        .execute(conn)?;
    let recent: Vec<bool> = voucher_recharge_attempts::table
        .filter(voucher_recharge_attempts::subscriber_id.eq(subscriber_id))
        .order(voucher_recharge_attempts::id.desc())
        .select(voucher_recharge_attempts::succeeded)
        .limit(FAILED_RECHARGES_TO_BLACKLIST as i64)
        .load(conn)?;
    let Some(before) = subscriber::find(conn, subscriber_id)? else {
        return Ok(false);
    };
    if before.blacklisted || !blacklists(&recent) {
        return Ok(false);
    }
    subscriber::set_blacklisted(conn, subscriber_id)?;
    let after = subscriber::find(conn, subscriber_id)?;
    audit::record(
        conn,
        Change {
            actor,
            action: "blacklist",
            object_type: "subscriber",
            object_id: subscriber_id,
            before: audit::image(&before),
            after: after.as_ref().and_then(audit::image),
            reason: Some("Three failed voucher recharges in a row"),
        },
    )?;
    Ok(true)
}
