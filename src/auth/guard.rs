//! Extractors that admit only a signed-in operator (and, for `Editor`, one who may change data).

use super::session_keys as keys;
use crate::domain::{Role, Zone};
use crate::error::AppError;
use crate::state::AppState;
use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::{ready, Ready};

/// The signed-in operator, checked against the idle and absolute timeouts.
#[derive(Debug, Clone)]
pub struct CurrentOperator {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub service_provider_id: Option<i64>,
    pub csrf_token: String,
    /// The zone this operator sees times in: their own choice, else the server's.
    pub zone: Zone,
}

impl CurrentOperator {
    /// Name recorded in the audit log.
    pub fn actor(&self) -> String {
        format!("operator:{}", self.username)
    }
}

/// Ends a session past its idle or absolute timeout (sending the browser to `login` with a
/// note), and otherwise notes that it was seen. Shared by operator and portal sessions.
pub fn check_timeouts(session: &Session, login: &str) -> Result<(), AppError> {
    let get_i64 = |k: &str| session.get::<i64>(k).ok().flatten();
    let now = crate::db::now();
    let created = get_i64(keys::CREATED).unwrap_or(0);
    let seen = get_i64(keys::SEEN).unwrap_or(0);
    if now - created > keys::ABSOLUTE_TIMEOUT_SECS || now - seen > keys::IDLE_TIMEOUT_SECS {
        session.purge();
        return Err(AppError::SignIn(format!("{login}?expired=1")));
    }
    if now - seen >= keys::SEEN_RESOLUTION_SECS {
        let _ = session.insert(keys::SEEN, now);
    }
    Ok(())
}

/// The operator of a request's session, seeing times in their zone or the server's.
fn from_request(req: &HttpRequest) -> Result<CurrentOperator, AppError> {
    let default = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.time_zone.clone())
        .unwrap_or_else(Zone::utc);
    from_session(&req.get_session(), default)
}

fn from_session(session: &Session, default_zone: Zone) -> Result<CurrentOperator, AppError> {
    let sign_in = || AppError::SignIn("/login".into());
    let get_i64 = |k: &str| session.get::<i64>(k).ok().flatten();
    let Some(id) = get_i64(keys::OPERATOR_ID) else {
        return Err(sign_in());
    };
    check_timeouts(session, "/login")?;
    let role = session
        .get::<String>(keys::OPERATOR_ROLE)
        .ok()
        .flatten()
        .and_then(|r| Role::parse(&r).ok())
        .ok_or_else(sign_in)?;
    Ok(CurrentOperator {
        id,
        username: session
            .get::<String>(keys::OPERATOR_NAME)
            .ok()
            .flatten()
            .unwrap_or_default(),
        role,
        service_provider_id: get_i64(keys::OPERATOR_SP),
        csrf_token: super::csrf::token(session),
        zone: session
            .get::<String>(keys::OPERATOR_TZ)
            .ok()
            .flatten()
            .and_then(|z| Zone::parse(&z).ok())
            .unwrap_or(default_zone),
    })
}

/// The signed-in operator of a session, if any (for extractors built on top of it).
pub fn operator_of(session: &Session, default_zone: Zone) -> Result<CurrentOperator, AppError> {
    from_session(session, default_zone)
}

impl FromRequest for CurrentOperator {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_request(req))
    }
}

/// A signed-in operator with the `admin` role (operators, settings).
#[derive(Debug, Clone)]
pub struct Admin(pub CurrentOperator);

impl FromRequest for Admin {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_request(req).and_then(|op| {
            if op.role == Role::Admin {
                Ok(Admin(op))
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}

/// A signed-in operator who may work the compliance review queue (`compliance` or `admin`).
#[derive(Debug, Clone)]
pub struct Reviewer(pub CurrentOperator);

impl FromRequest for Reviewer {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_request(req).and_then(|op| {
            if matches!(op.role, Role::Admin | Role::Compliance) {
                Ok(Reviewer(op))
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}

/// An editor who is not limited to one service provider: only such an operator may change
/// what every provider shares (branding profiles, the package list), so that an operator of one
/// provider can never rename or delete what another provider's customers use.
#[derive(Debug, Clone)]
pub struct SharedEditor(pub CurrentOperator);

impl FromRequest for SharedEditor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_request(req).and_then(|op| {
            if op.role.can_edit() && op.service_provider_id.is_none() {
                Ok(SharedEditor(op))
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}

/// A signed-in operator whose role may create, change and delete data.
#[derive(Debug, Clone)]
pub struct Editor(pub CurrentOperator);

impl FromRequest for Editor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(from_request(req).and_then(|op| {
            if op.role.can_edit() {
                Ok(Editor(op))
            } else {
                Err(AppError::Forbidden)
            }
        }))
    }
}
