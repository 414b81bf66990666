//! The compliance hold: a customer whose company or contact name matches an entry of the
//! restricted-party list of its country is put in `pending_review`; a reviewer approves
//! (`active`) or rejects (`review_failed`); a review still open after 72 hours fails by itself.
//!
//! "By itself" needs no timer: `settle_overdue` runs at the start of every read that shows a
//! customer's status (the panes, the portal, the review queue, the customer's own pages) and
//! fails the overdue reviews in one transaction, audited as the system. The review queue, the
//! decisions and the replacement of the list are here too.

use super::audit::{Action, AuditEvent, ObjectKind};
use super::customers::lifecycle::record_and_end_sessions;
use crate::db::models::compliance::{self as reviews, RestrictedParty, Review};
use crate::db::models::customer::{self, Customer, CustomerId};
use crate::db::{write_transaction, DbConnection};
use crate::domain::screening::{name_key, RestrictedEntry};
use crate::domain::CustomerStatus;
use crate::error::{AppError, AppResult};
use crate::service::access::Scope;

/// How long a review may stay open.
pub const REVIEW_WINDOW_SECS: i64 = 72 * 3600;
/// The actor of decisions nobody clicked.
pub const SYSTEM_ACTOR: &str = "system:compliance";

/// Screens the customer; on a match (and no review already open) puts it on hold, in the
/// caller's transaction. Returns the matched entry's name when it is now pending review.
pub fn screen(conn: &mut DbConnection, c: &Customer, actor: &str) -> AppResult<Option<String>> {
    let company_key = name_key(&c.company);
    let person_key = name_key(&c.name);
    let keys: Vec<String> = [company_key.clone(), person_key]
        .into_iter()
        .filter(|k| !k.is_empty())
        .collect();
    let Some(party) = reviews::find_match(conn, &c.country, &keys)? else {
        return Ok(None);
    };
    if reviews::open_for(conn, c.id)?.is_some() {
        return Ok(None);
    }
    let now = crate::db::now();
    let screened = if party.name_key == company_key {
        &c.company
    } else {
        &c.name
    };
    reviews::open_review(conn, c.id, screened, &party, now, now + REVIEW_WINDOW_SECS)?;
    let after = customer::set_status(conn, CustomerId(c.id), CustomerStatus::PendingReview)?
        .ok_or(AppError::NotFound)?;
    let reason = format!(
        "compliance screening matched “{}” ({}); pending review",
        party.name, party.country
    );
    record_and_end_sessions(conn, actor, c, &after, Some(&reason))?;
    Ok(Some(party.name))
}

/// Whether a change from `before` to `after` touches what is screened (names, billing address,
/// country).
pub fn needs_screening(before: &Customer, after: &Customer) -> bool {
    before.company != after.company
        || before.name != after.name
        || before.address != after.address
        || before.country != after.country
}

/// Closes a review with `decision` and moves its customer out of `pending_review` to `to`;
/// returns false if the review was no longer open.
fn close(
    conn: &mut DbConnection,
    review: &Review,
    decision: &str,
    to: CustomerStatus,
    actor: &str,
    reason: &str,
) -> AppResult<bool> {
    let now = crate::db::now();
    if !reviews::decide(conn, review.id, decision, actor, Some(reason), now)? {
        return Ok(false);
    }
    let Some(before) = customer::find(conn, CustomerId(review.customer_id))? else {
        return Ok(true);
    };
    if before.status == CustomerStatus::PendingReview {
        let after =
            customer::set_status(conn, CustomerId(before.id), to)?.ok_or(AppError::NotFound)?;
        record_and_end_sessions(conn, actor, &before, &after, Some(reason))?;
    }
    Ok(true)
}

/// Fails every review open past its 72 hours. Cheap when there is none (one indexed read).
#[tracing::instrument(skip(conn))]
pub fn settle_overdue(conn: &mut DbConnection) -> AppResult<usize> {
    let now = crate::db::now();
    if reviews::overdue(conn, now)?.is_empty() {
        return Ok(0);
    }
    write_transaction(conn, |conn| {
        let mut n = 0;
        for review in reviews::overdue(conn, now)? {
            if close(
                conn,
                &review,
                "expired",
                CustomerStatus::ReviewFailed,
                SYSTEM_ACTOR,
                "compliance review not completed within 72 hours",
            )? {
                n += 1;
            }
        }
        Ok(n)
    })
}

/// The open reviews a reviewer may see, with each customer's company and account code, after
/// the overdue ones have failed.
#[tracing::instrument(skip(conn))]
pub fn queue(conn: &mut DbConnection, scope: Scope) -> AppResult<Vec<(Review, String, String)>> {
    settle_overdue(conn)?;
    Ok(reviews::queue(conn, scope)?)
}

/// The review, if it exists and its customer is one the reviewer may see.
fn visible_review(conn: &mut DbConnection, scope: Scope, id: i64) -> AppResult<()> {
    let r = reviews::find(conn, id)?.ok_or(AppError::NotFound)?;
    customer::find(conn, CustomerId(r.customer_id))?
        .filter(|c| scope.is_none_or(|sp| sp == c.service_provider_id))
        .map(|_| ())
        .ok_or(AppError::NotFound)
}

/// A reviewer's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The customer becomes active.
    Approve,
    /// The customer fails the review, for this reason.
    Reject(String),
}

/// What became of a reviewer's decision.
#[derive(Debug, PartialEq, Eq)]
pub enum Decided {
    Done,
    /// Decided by someone else, or failed by the 72-hour limit, meanwhile.
    NoLongerOpen,
}

/// A reviewer's decision on a review of a customer they may see: approve (→ active) or reject
/// with a reason (→ review_failed).
#[tracing::instrument(skip(conn))]
pub fn decide(
    conn: &mut DbConnection,
    scope: Scope,
    review_id: i64,
    decision: Decision,
    actor: &str,
) -> AppResult<Decided> {
    visible_review(conn, scope, review_id)?;
    settle_overdue(conn)?;
    write_transaction(conn, |conn| {
        let review = reviews::find(conn, review_id)?.ok_or(AppError::NotFound)?;
        let done = match decision {
            Decision::Approve => close(
                conn,
                &review,
                "approved",
                CustomerStatus::Active,
                actor,
                "compliance review approved",
            )?,
            Decision::Reject(why) => {
                let reason = format!("compliance review rejected: {why}");
                close(
                    conn,
                    &review,
                    "rejected",
                    CustomerStatus::ReviewFailed,
                    actor,
                    &reason,
                )?
            }
        };
        Ok(if done {
            Decided::Done
        } else {
            Decided::NoLongerOpen
        })
    })
}

/// How many entries the restricted-party list holds, and the first `limit` of them.
#[tracing::instrument(skip(conn))]
pub fn restricted_list(
    conn: &mut DbConnection,
    limit: i64,
) -> AppResult<(i64, Vec<RestrictedParty>)> {
    Ok((
        reviews::list_count(conn)?,
        reviews::list_entries(conn, limit)?,
    ))
}

/// Replaces the whole restricted-party list with `entries` (already parsed); returns how many
/// entries are now on file.
#[tracing::instrument(skip(conn, entries))]
pub fn replace_restricted_list(
    conn: &mut DbConnection,
    actor: &str,
    entries: Vec<RestrictedEntry>,
) -> AppResult<usize> {
    write_transaction(conn, |conn| {
        let before = reviews::list_count(conn)?;
        reviews::replace_list(conn, &entries)?;
        AuditEvent::new(ObjectKind::RestrictedPartyList, 0, Action::Replace)
            .before_value(serde_json::json!({ "entries": before }))
            .after_value(serde_json::json!({ "entries": entries.len() }))
            .reason(Some("restricted-party list uploaded"))
            .write(conn, actor)?;
        Ok(entries.len())
    })
}
