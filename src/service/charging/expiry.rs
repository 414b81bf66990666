//! The background worker's step: open reservations past their expiry are released, each
//! exactly once however many instances run the step at the same moment (the end is a
//! conditional update; only the instance whose update took writes the audit event).

use super::api::{end_reservation, Ender};
use super::{in_write_transaction, Fail, Refusal};
use crate::db::models::reservation;
use crate::db::DbConnection;
use crate::domain::charging::ReservationState;
use crate::service::audit::{Action, AuditEvent, ObjectKind};

/// At most this many reservations a step.
const BATCH: i64 = 500;

/// Releases the reservations due at this moment; returns how many this call released.
pub fn run(conn: &mut DbConnection) -> usize {
    let now = crate::db::now();
    let due = match reservation::due(conn, now, BATCH) {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "reading expired reservations failed");
            return 0;
        }
    };
    let mut released = 0;
    for r in due {
        let outcome = in_write_transaction(conn, |conn| {
            let by = Ender {
                how: "expired",
                operator: None,
                reason: None,
            };
            let ended = end_reservation(conn, &r, ReservationState::Expired, 0, &by, now)?;
            AuditEvent::new(ObjectKind::Reservation, r.id, Action::Expire)
                .before(&r)
                .after_value(serde_json::json!({"state": ended.state.code()}))
                .write(conn, "worker")?;
            Ok(())
        });
        match outcome {
            Ok(()) => released += 1,
            // Another instance (or the API) ended it first.
            Err(Fail::Refused(Refusal::Ended(_) | Refusal::NotFound)) => {}
            Err(e) => {
                tracing::warn!(reservation = r.id, error = ?e, "expiring a reservation failed")
            }
        }
    }
    if released > 0 {
        tracing::info!(released, "expired reservations released");
    }
    released
}
