//! An operator switching to a customer's portal, to see it as its administrator does: allowed
//! for a visible, live customer, and audited. The session change itself is the handler's.

use crate::db::models::customer::Customer;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::service::access::{customer_visible, refuse_if_demo, Scope};
use crate::service::audit::{Action, AuditEvent, ObjectKind};

/// Records that `actor` switches to the customer's portal; returns the customer whose portal
/// they may now look at.
#[tracing::instrument(skip(conn))]
pub fn impersonate(
    conn: &mut DbConnection,
    scope: Scope,
    actor: &str,
    id: i64,
) -> AppResult<Customer> {
    let c = customer_visible(conn, scope, id)?;
    refuse_if_demo(&c)?;
    AuditEvent::new(ObjectKind::Customer, c.id, Action::Impersonate)
        .reason(Some("switched to the customer's portal"))
        .write(conn, actor)?;
    Ok(c)
}
