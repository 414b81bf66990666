//! Billing-change confirmation: when a customer's PBX settings say it must confirm changes that
//! affect billing, an operator's change of its package or add-on quantities is kept as a
//! pending change (a newer one replaces it) until one of the customer's admins accepts it —
//! the quantities are then set in the same transaction, if they still cover what the users
//! hold — or declines it. Operators and the portal both see the changes.

use super::Whose;
use crate::db::models::billing_change::{self as rows, BillingChange, ChangeStatus};
use crate::db::models::customer::{self, CustomerId};
use crate::db::models::packages::{self, Package};
use crate::db::models::pbx;
use crate::db::{write_transaction, DbConnection};
use crate::domain::FormState;
use crate::error::{AppError, AppResult};
use crate::service::audit::{Action, AuditEvent, ObjectKind};

/// Whether operators' quantity changes of `customer_id` wait for the customer.
pub fn needs_confirmation(conn: &mut DbConnection, customer_id: i64) -> AppResult<bool> {
    Ok(pbx::settings(conn, customer_id)?.confirm_billing)
}

/// Keeps `wanted` as the customer's pending change (in the caller's transaction, which holds
/// the customer's row), replacing an older pending one.
pub fn request(
    conn: &mut DbConnection,
    actor: &str,
    customer_id: i64,
    wanted: &[(i64, i64)],
) -> AppResult<BillingChange> {
    rows::supersede_pending(conn, customer_id)?;
    let wanted: Vec<(i64, i64)> = wanted.iter().copied().filter(|(_, q)| *q > 0).collect();
    let change = rows::insert(conn, customer_id, &wanted, actor)?;
    AuditEvent::created(ObjectKind::BillingChange, customer_id, &change).write(conn, actor)?;
    Ok(change)
}

/// One line of a change: a package or add-on, its quantity now and the one wanted.
#[derive(Debug, Clone)]
pub struct ChangeLine {
    pub name: String,
    pub now: i64,
    pub wanted: i64,
}

/// A change as both sides see it.
#[derive(Debug, Clone)]
pub struct ChangeView {
    pub change: BillingChange,
    /// Only the packages whose quantity the change moves.
    pub lines: Vec<ChangeLine>,
}

/// The customer's billing changes, newest first.
#[tracing::instrument(skip(conn))]
pub fn list(conn: &mut DbConnection, whose: &Whose) -> AppResult<Vec<ChangeView>> {
    let c = whose.customer(conn)?;
    let now = packages::quantities(conn, c.id)?;
    let all = packages::list(conn)?;
    Ok(rows::list(conn, c.id, 50)?
        .into_iter()
        .map(|change| {
            let lines = lines(&all, &now, &change.wanted());
            ChangeView { change, lines }
        })
        .collect())
}

fn lines(all: &[Package], now: &[(i64, i64)], wanted: &[(i64, i64)]) -> Vec<ChangeLine> {
    let q = |list: &[(i64, i64)], id: i64| {
        list.iter()
            .find(|(p, _)| *p == id)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    all.iter()
        .filter(|p| q(now, p.id) != q(wanted, p.id))
        .map(|p| ChangeLine {
            name: p.name.clone(),
            now: q(now, p.id),
            wanted: q(wanted, p.id),
        })
        .collect()
}

/// What became of an answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Decided {
    Accepted,
    Declined,
    /// Not decided: why, in words (decided already, or users hold more than it wants).
    Refused(String),
}

/// Accepts (the quantities set at once) or declines a pending change of the customer.
#[tracing::instrument(skip(conn))]
pub fn decide(
    conn: &mut DbConnection,
    whose: &Whose,
    actor: &str,
    change_id: i64,
    accept: bool,
) -> AppResult<Decided> {
    let c = whose.editable(conn)?;
    write_transaction(conn, |conn| {
        customer::lock(conn, CustomerId(c.id))?;
        let change = rows::find(conn, change_id)?
            .filter(|ch| ch.customer_id == c.id)
            .ok_or(AppError::NotFound)?;
        if change.status != ChangeStatus::Pending {
            return Ok(Decided::Refused(format!(
                "This change is no longer pending ({}).",
                change.status.label().to_lowercase()
            )));
        }
        let wanted = change.wanted();
        if accept {
            let f = crate::service::numbers::below_use(conn, c.id, &wanted, FormState::default())?;
            if f.is_some() {
                return Ok(Decided::Refused(
                    "Your users hold more than this change allows; remove users or add-ons first, \
                     or decline it."
                        .into(),
                ));
            }
        }
        let status = if accept {
            ChangeStatus::Accepted
        } else {
            ChangeStatus::Declined
        };
        if !rows::decide(conn, change.id, status, actor)? {
            return Ok(Decided::Refused("This change is no longer pending.".into()));
        }
        if accept {
            let before = packages::quantities(conn, c.id)?;
            packages::set_quantities(conn, c.id, &wanted)?;
            let after = packages::quantities(conn, c.id)?;
            AuditEvent::updated(ObjectKind::CustomerPackages, c.id, &before, &after)
                .reason(Some(format!(
                    "billing change requested by {}",
                    change.requested_by
                )))
                .write(conn, actor)?;
        }
        let action = if accept {
            Action::Accept
        } else {
            Action::Decline
        };
        AuditEvent::new(ObjectKind::BillingChange, c.id, action)
            .after(&change)
            .write(conn, actor)?;
        Ok::<_, AppError>(if accept {
            Decided::Accepted
        } else {
            Decided::Declined
        })
    })
}
