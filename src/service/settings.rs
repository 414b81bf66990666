//! Instance-wide settings an admin switches, kept in `app_settings` so every instance sees them.
//! Today: whether financial changes must give a reason. A change is audited.

use crate::db::models::settings;
use crate::db::{write_transaction, DbConnection};
use crate::error::AppResult;
use crate::service::audit::{AuditEvent, ObjectKind};
use serde_json::json;

/// Whether financial changes (wallets) must give a reason.
#[tracing::instrument(skip(conn))]
pub fn audit_financial_changes(conn: &mut DbConnection) -> AppResult<bool> {
    Ok(settings::audit_financial_changes(conn)?)
}

/// Switches whether financial changes must give a reason; returns whether it changed.
#[tracing::instrument(skip(conn))]
pub fn set_audit_financial_changes(
    conn: &mut DbConnection,
    actor: &str,
    on: bool,
) -> AppResult<bool> {
    write_transaction(conn, |conn| {
        let before = settings::audit_financial_changes(conn)?;
        if before == on {
            return Ok(false);
        }
        settings::set(
            conn,
            settings::AUDIT_FINANCIAL_CHANGES,
            if on { "1" } else { "0" },
        )?;
        AuditEvent::updated(
            ObjectKind::Setting,
            0,
            &json!({ "audit_financial_changes": before }),
            &json!({ "audit_financial_changes": on }),
        )
        .write(conn, actor)?;
        Ok(true)
    })
}
