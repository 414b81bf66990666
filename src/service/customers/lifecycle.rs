//! A customer's lifecycle as operators drive it: the status set by hand and the one-way
//! conversion to demo. Every change of status (here, and the compliance hold's) is recorded the
//! same way and ends the customer's portal sessions when its administrators may no longer sign in.

use crate::auth::session_keys;
use crate::db::models::customer::{self, Customer, CustomerId};
use crate::db::models::session;
use crate::db::{write_transaction, DbConnection};
use crate::domain::{portal_refusal, CustomerStatus, CustomerType};
use crate::error::{AppError, AppResult};
use crate::service::access::{customer_visible, refuse_if_demo, Scope};
use crate::service::audit::{AuditEvent, ObjectKind};

/// Records a change of a customer and, when its administrators may no longer sign in, ends
/// their sessions, all in the caller's transaction.
pub fn record_and_end_sessions(
    conn: &mut DbConnection,
    actor: &str,
    before: &Customer,
    after: &Customer,
    reason: Option<&str>,
) -> AppResult<()> {
    AuditEvent::updated(ObjectKind::Customer, after.id, before, after)
        .reason(reason)
        .write(conn, actor)?;
    if portal_refusal(after.customer_type, after.status).is_some() {
        session::delete_for_principal(conn, &session_keys::customer_principal(after.id))?;
    }
    Ok(())
}

/// What became of a status set by hand.
#[derive(Debug, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The customer is now in `status`.
    Changed {
        company: String,
        status: CustomerStatus,
    },
    /// The posted status is not one of the list.
    UnknownStatus,
    /// The status is decided by the compliance review, never set by hand.
    ReviewOnly(CustomerStatus),
    /// The customer is in a compliance review: its status is decided there.
    InReview { company: String },
    /// The customer already has this status.
    Unchanged {
        company: String,
        status: CustomerStatus,
    },
}

/// Sets a visible, live customer's status to `wanted` (`None`: not a status of the list).
#[tracing::instrument(skip(conn))]
pub fn set_status(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    id: i64,
    wanted: Option<CustomerStatus>,
) -> AppResult<StatusOutcome> {
    let c = customer_visible(conn, scope, id)?;
    refuse_if_demo(&c)?;
    let Some(wanted) = wanted else {
        return Ok(StatusOutcome::UnknownStatus);
    };
    if !wanted.operator_may_set() {
        return Ok(StatusOutcome::ReviewOnly(wanted));
    }
    let current = c.status;
    if !current.operator_may_set() {
        return Ok(StatusOutcome::InReview { company: c.company });
    }
    if current == wanted {
        return Ok(StatusOutcome::Unchanged {
            company: c.company,
            status: wanted,
        });
    }
    write_transaction(conn, |conn| {
        let after =
            customer::set_status(conn, CustomerId(c.id), wanted)?.ok_or(AppError::NotFound)?;
        record_and_end_sessions(conn, actor, &c, &after, None)
    })?;
    Ok(StatusOutcome::Changed {
        company: c.company,
        status: wanted,
    })
}

/// What became of a conversion to demo.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    /// Converted now; its administrators were signed out.
    Converted { company: String },
    /// It was a demo customer already.
    AlreadyDemo { company: String },
}

/// Converts a visible customer to demo, for good.
#[tracing::instrument(skip(conn))]
pub fn convert_to_demo(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    id: i64,
) -> AppResult<DemoOutcome> {
    let c = customer_visible(conn, scope, id)?;
    let company = c.company.clone();
    if c.customer_type != CustomerType::Live {
        return Ok(DemoOutcome::AlreadyDemo { company });
    }
    let converted = write_transaction(conn, |conn| {
        let Some(after) = customer::convert_to_demo(conn, CustomerId(c.id))? else {
            return Ok(false);
        };
        record_and_end_sessions(conn, actor, &c, &after, Some("converted to demo"))?;
        Ok::<_, AppError>(true)
    })?;
    Ok(if converted {
        DemoOutcome::Converted { company }
    } else {
        DemoOutcome::AlreadyDemo { company }
    })
}
