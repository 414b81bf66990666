//! Customer lifecycle rules that span several tables (customer, reviews, sessions, audit), kept
//! apart from HTTP so every route applies them the same way.

pub mod compliance;

use crate::auth::session_keys;
use crate::db::models::audit::{self, Change};
use crate::db::models::customer::Customer;
use crate::db::models::session;
use crate::db::DbConnection;
use crate::domain::portal_refusal;
use crate::error::AppResult;

/// Records a change of a customer and, when its administrators may no longer sign in, ends
/// their sessions, all in the caller's transaction.
pub fn record_and_end_sessions(
    conn: &mut DbConnection,
    actor: &str,
    before: &Customer,
    after: &Customer,
    reason: Option<&str>,
) -> AppResult<()> {
    audit::record(
        conn,
        Change {
            actor,
            action: "update",
            object_type: "customer",
            object_id: after.id,
            before: audit::image(before),
            after: audit::image(after),
            reason,
        },
    )?;
    if portal_refusal(&after.customer_type, &after.status).is_some() {
        session::delete_for_principal(conn, &session_keys::customer_principal(after.id))?;
    }
    Ok(())
}
