//! Voucher recharge attempts and the automatic blacklist: three failed recharges in a row
//! blacklist the subscriber (the rule is `domain::subscriber_rules::blacklists`), recorded in the
//! audit log with its reason. The recharge itself arrives with balances; it calls
//! `record_attempt` inside its own transaction.

use crate::db::models::SubscriberId;
use crate::db::models::{subscriber, voucher};
use crate::db::{write_transaction, DbConnection};
use crate::domain::subscriber_rules::{blacklists, FAILED_RECHARGES_TO_BLACKLIST};
use crate::error::AppResult;
use crate::service::audit::{Action, AuditEvent, ObjectKind};

/// Why an automatic blacklisting happened, as the audit log shows it.
const REASON: &str = "Three failed voucher recharges in a row";

/// Records one attempt and applies the blacklist rule; returns whether this attempt blacklisted
/// the subscriber. Inside a recharge's transaction it runs as a savepoint of it.
#[tracing::instrument(skip(conn, voucher_number))]
pub fn record_attempt(
    conn: &mut DbConnection,
    subscriber_id: SubscriberId,
    voucher_number: &str,
    succeeded: bool,
    actor: &str,
) -> AppResult<bool> {
    write_transaction(conn, |conn| {
        voucher::insert_attempt(conn, subscriber_id.0, voucher_number, succeeded)?;
        let recent =
            voucher::latest_outcomes(conn, subscriber_id.0, FAILED_RECHARGES_TO_BLACKLIST)?;
        let Some(before) = subscriber::find(conn, subscriber_id)? else {
            return Ok(false);
        };
        if before.blacklisted || !blacklists(&recent) {
            return Ok(false);
        }
        subscriber::set_blacklisted(conn, subscriber_id.0)?;
        let mut event = AuditEvent::new(ObjectKind::Subscriber, subscriber_id.0, Action::Blacklist)
            .before(&before)
            .reason(Some(REASON));
        if let Some(after) = subscriber::find(conn, subscriber_id)? {
            event = event.after(&after);
        }
        event.write(conn, actor)?;
        Ok(true)
    })
}
