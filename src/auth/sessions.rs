//! What a successful sign-in writes into the browser's session: a fresh session id (no fixation),
//! the principal whose sessions can be ended at once, who signed in and when, and a CSRF token.

use super::session_keys as keys;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use actix_session::{Session, SessionInsertError};

/// The operator a successful sign-in admits, as their session keeps them.
#[derive(Debug, Clone)]
pub struct SignedInOperator {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub service_provider_id: Option<i64>,
    /// Their own time zone (an IANA name), if they chose one.
    pub time_zone: Option<String>,
}

/// Starts a new session for `values` written by `write`, replacing whatever the browser had.
fn start(
    session: &Session,
    write: impl FnOnce(&Session) -> Result<(), SessionInsertError>,
) -> AppResult<()> {
    let now = crate::db::now();
    session.renew();
    session.clear();
    let stored = write(session)
        .and_then(|()| session.insert(keys::CREATED, now))
        .and_then(|()| session.insert(keys::SEEN, now));
    if stored.is_err() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "could not store the session"
        )));
    }
    super::csrf::token(session);
    Ok(())
}

/// An operator's session after their sign-in.
pub fn start_operator(session: &Session, op: &SignedInOperator) -> AppResult<()> {
    start(session, |s| {
        s.insert(keys::PRINCIPAL, keys::operator_principal(op.id))?;
        s.insert(keys::OPERATOR_ID, op.id)?;
        s.insert(keys::OPERATOR_NAME, &op.username)?;
        s.insert(keys::OPERATOR_ROLE, op.role.code())?;
        if let Some(sp) = op.service_provider_id {
            s.insert(keys::OPERATOR_SP, sp)?;
        }
        if let Some(tz) = &op.time_zone {
            s.insert(keys::OPERATOR_TZ, tz)?;
        }
        Ok(())
    })
}

/// A customer administrator's session after their sign-in to the portal.
pub fn start_customer(session: &Session, customer_id: i64, admin_id: i64) -> AppResult<()> {
    start(session, |s| {
        s.insert(
            keys::PRINCIPAL,
            keys::customer_admin_principal(customer_id, admin_id),
        )?;
        s.insert(keys::CUSTOMER_ID, customer_id)?;
        s.insert(keys::CUSTOMER_ADMIN_ID, admin_id)?;
        Ok(())
    })
}

/// Makes the signed-in operator's session show times in `zone` (their own choice; `None`: the
/// server's) from the next page on.
pub fn set_operator_zone(session: &Session, zone: Option<&str>) -> AppResult<()> {
    match zone {
        Some(z) => session
            .insert(keys::OPERATOR_TZ, z)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("could not store the session"))),
        None => {
            session.remove(keys::OPERATOR_TZ);
            Ok(())
        }
    }
}
