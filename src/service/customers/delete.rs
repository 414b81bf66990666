//! Deleting a customer with everything it owns (sites, access links): its administrators are
//! signed out, and the deletion is audited with the customer's last image.

use crate::auth::session_keys;
use crate::db::models::customer::{self, Customer, CustomerId};
use crate::db::models::session;
use crate::db::{write_transaction, DbConnection};
use crate::error::{AppError, AppResult};
use crate::service::access::{customer_visible, Scope};
use crate::service::audit::{AuditEvent, ObjectKind};

/// Deletes a visible customer (demo or not) as `actor`; returns it as it was.
#[tracing::instrument(skip(conn))]
pub fn delete(conn: &mut DbConnection, scope: Scope, actor: &str, id: i64) -> AppResult<Customer> {
    let c = customer_visible(conn, scope, id)?;
    write_transaction(conn, |conn| {
        customer::delete(conn, CustomerId(c.id))?;
        session::delete_for_principal(conn, &session_keys::customer_principal(c.id))?;
        AuditEvent::deleted(ObjectKind::Customer, c.id, &c).write(conn, actor)?;
        Ok::<_, AppError>(())
    })?;
    Ok(c)
}
